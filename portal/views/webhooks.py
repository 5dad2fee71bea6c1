"""The firm's webhook endpoints (issue 22): owners add, disable, delete, test and roll the
secret of each; members see them and their recent deliveries. Every endpoint is looked up
within request.firm: another firm's id is a 404 (docs/reliability.md A3)."""

from django.conf import settings as conf
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

from ..access import portal_view
from ..forms.webhooks import WebhookEndpointForm

RECENT_DELIVERIES = 10


def _endpoint(request, pk) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, pk=pk, firm=request.firm)


def _back(request):
    return redirect("portal:webhooks", firm_slug=request.firm.slug)


@portal_view
@require_safe
def webhooks(request):
    endpoints = list(WebhookEndpoint.objects.filter(firm=request.firm))
    for endpoint in endpoints:
        endpoint.recent = list(
            WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")[:RECENT_DELIVERIES]
        )
    return render(
        request,
        "portal/integrations/webhooks.html",
        {
            "section": "integrations",
            "endpoints": endpoints,
            "is_owner": request.membership.is_owner,
            "can_add": len(endpoints) < conf.WEBHOOKS_MAX_ENDPOINTS_PER_FIRM,
            "max_endpoints": conf.WEBHOOKS_MAX_ENDPOINTS_PER_FIRM,
            "retention_days": conf.WEBHOOKS_RETENTION_DAYS,
            "events": services.EVENTS,
        },
    )


@portal_view(owner_only=True)
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_add(request):
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(firm=request.firm, url=form.cleaned_data["url"], user=request.user)
        except services.WebhookError as exc:
            form.add_error("url", str(exc))
        else:
            # Rendered, not redirected: the secret is shown this once and stored nowhere else
            # the browser could bring it back from (no session, no message cookie).
            return _secret_page(request, endpoint, created=True)
    return render(
        request,
        "portal/integrations/webhook_add.html",
        {"section": "integrations", "form": form, "max_endpoints": conf.WEBHOOKS_MAX_ENDPOINTS_PER_FIRM},
    )


def _secret_page(request, endpoint, *, created: bool):
    response = render(
        request,
        "portal/integrations/webhook_secret.html",
        {
            "section": "integrations",
            "endpoint": endpoint,
            "created": created,
            "overlap_hours": conf.WEBHOOKS_SECRET_OVERLAP_HOURS,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@portal_view(owner_only=True)
@require_POST
def webhook_roll(request, pk):
    endpoint = services.endpoint_roll_secret(endpoint=_endpoint(request, pk))
    return _secret_page(request, endpoint, created=False)


@portal_view(owner_only=True)
@require_POST
def webhook_toggle(request, pk):
    endpoint = _endpoint(request, pk)
    active = not endpoint.is_active
    cancelled = services.endpoint_set_active(endpoint=endpoint, active=active)
    if active:
        message = _("The endpoint %(url)s is enabled again.") % {"url": endpoint.url}
    else:
        message = _("The endpoint %(url)s is disabled: nothing is sent to it until you enable it again.") % {
            "url": endpoint.url
        }
    if cancelled:
        message += " " + ngettext(
            "%(count)d queued delivery is cancelled: it will not be sent.",
            "%(count)d queued deliveries are cancelled: they will not be sent.",
            cancelled,
        ) % {"count": cancelled}
    messages.success(request, message)
    return _back(request)


@portal_view(owner_only=True)
@require_POST
def webhook_delete(request, pk):
    endpoint = _endpoint(request, pk)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, _("The endpoint %(url)s is deleted.") % {"url": endpoint.url})
    return _back(request)


@portal_view(owner_only=True)
@require_POST
def webhook_test(request, pk):
    endpoint = _endpoint(request, pk)
    try:
        services.endpoint_ping(endpoint=endpoint)
    except services.WebhookError as exc:
        messages.error(request, str(exc))
        return _back(request)
    messages.success(
        request,
        _("A test event is queued for %(url)s. Its delivery appears below within a minute.") % {"url": endpoint.url},
    )
    return _back(request)
