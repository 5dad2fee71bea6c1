"""Connecting the firm's own systems (issue 22): the page that gathers the webhooks and the API
tokens. Owners manage them; members see what is connected."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from api import tokens
from api.models import ApiToken
from webhooks.models import WebhookDelivery, WebhookEndpoint

from ..access import portal_view
from ..forms.integrations import ApiTokenForm


def _api_section(request) -> dict:
    return {
        "api_token_count": ApiToken.objects.active().filter(firm=request.firm).count(),
        "api_schema_url": request.build_absolute_uri(reverse("api:openapi-json")),
    }


@portal_view
@require_safe
def integrations(request):
    return render(
        request,
        "portal/integrations/index.html",
        {
            "section": "integrations",
            "is_owner": request.membership.is_owner,
            "webhook_endpoints": WebhookEndpoint.objects.filter(firm=request.firm).count(),
            "webhook_failed": WebhookDelivery.objects.filter(
                endpoint__firm=request.firm, status=WebhookDelivery.Status.FAILED
            ).count(),
            **_api_section(request),
        },
    )


def _tokens_page(request, *, form=None, new_token=None, status=200):
    is_owner = request.membership.is_owner
    return render(
        request,
        "portal/integrations/api_tokens.html",
        {
            "section": "integrations",
            "is_owner": is_owner,
            "tokens": ApiToken.objects.filter(firm=request.firm).select_related("created_by"),
            "form": (form or ApiTokenForm()) if is_owner else None,
            "new_token": new_token,
            "max_tokens": tokens.MAX_ACTIVE_TOKENS,
            **_api_section(request),
        },
        status=status,
    )


@portal_view
@require_safe
def api_tokens(request):
    return _tokens_page(request)


@portal_view(owner_only=True)
@require_POST
@never_cache
def api_token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form=form, status=400)
    try:
        api_token, token = tokens.token_create(firm=request.firm, name=form.cleaned_data["name"], user=request.user)
    except tokens.TokenError as exc:
        form.add_error(None, str(exc))
        return _tokens_page(request, form=form, status=409)
    # Shown in this answer only, never stored nor put in a redirect's session message: the
    # database keeps its hash, and from now on the portal shows its prefix.
    return _tokens_page(request, new_token={"name": api_token.name, "token": token})


@portal_view(owner_only=True)
@require_POST
def api_token_revoke(request, pk):
    api_token = get_object_or_404(ApiToken, pk=pk, firm=request.firm)
    if tokens.token_revoke(api_token=api_token):
        messages.success(
            request, _("The token “%(name)s” is revoked: calls with it are refused.") % {"name": api_token.name}
        )
    else:
        messages.error(request, _("That token was already revoked."))
    return redirect("portal:api_tokens", firm_slug=request.firm.slug)
