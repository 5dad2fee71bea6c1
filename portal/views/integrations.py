"""Connecting the firm's own systems (issue 22): the page that gathers the webhooks and the API
tokens. Owners manage them; members see what is connected."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from webhooks.models import WebhookDelivery, WebhookEndpoint

from ..access import portal_view


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
        },
    )
