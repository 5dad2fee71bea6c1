"""Response headers and request rules that Django's SecurityMiddleware does not cover, and the
endpoint browsers send Content-Security-Policy violation reports to (docs/reliability.md H2, H3, H6)."""

import ipaddress
import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from lawzana import i18n

logger = logging.getLogger("lawzana.csp")

# Features no page of the site uses: a script injected despite the CSP still cannot use them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
    )
)
CSP_REPORT_MAX_BYTES = 8 * 1024

_missing_client_ip_logged = [False]


def client_ip(request) -> str:
    """The client's address, read where settings.CLIENT_IP_META_KEY says: REMOTE_ADDR, or behind
    a trusted proxy the header it overwrites (e.g. HTTP_X_REAL_IP). Every per-client limit keys
    on it: the request form and the CSP reports (RATELIMIT_IP_META_KEY points here), and
    sign-in, sign-in codes, sign-up, password reset and the second factor (accounts.adapter).

    When that header is missing or is not an address (the proxy does not send it), the direct
    peer's address is used, so that a limit still applies, and the misconfiguration is logged
    once per process.
    """
    key = settings.CLIENT_IP_META_KEY
    value = (request.META.get(key) or "").strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if key != "REMOTE_ADDR" and not _missing_client_ip_logged[0]:
        _missing_client_ip_logged[0] = True
        logger.error(
            "client_ip_missing meta_key=%s: the proxy did not send it; limits key on REMOTE_ADDR instead", key
        )
    return request.META.get("REMOTE_ADDR", "")


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response; TRACE and CONNECT
    refused; pages that hold personal data (portal, accounts, a client's request pages, API, admin)
    never stored by caches."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.private_prefixes = (
            "/portal/",
            "/accounts/",
            "/requests/",
            "/reviews/write/",
            "/api/",  # a firm's requests, read with its token
            "/" + settings.ADMIN_URL,
        )

    def __call__(self, request):
        if request.method in {"TRACE", "CONNECT"}:
            response = HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        else:
            response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Other sites may link to these pages and files, not load them into their own.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        # /zh-hans/portal/ as much as /portal/.
        if i18n.unprefixed(request.path_info).startswith(self.private_prefixes):
            patch_cache_control(response, no_store=True, private=True)
        return response


@login_not_required
@csrf_exempt  # browsers post reports without a token; nothing is changed but a log line
@require_POST
@ratelimit(key="ip", rate="30/m", block=False)
def csp_report(request):
    if getattr(request, "limited", False):
        return HttpResponse(status=429)
    if int(request.META.get("CONTENT_LENGTH") or 0) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body[:CSP_REPORT_MAX_BYTES]).get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):  # what browsers send is an object; anything else is not a report
        return HttpResponse(status=400)
    # Only what locates the problem: no query strings, which may carry tokens.
    logger.warning(
        "csp_violation directive=%s blocked=%s page=%s",
        str(report.get("violated-directive", ""))[:100],
        str(report.get("blocked-uri", "")).split("?")[0][:200],
        str(report.get("document-uri", "")).split("?")[0][:200],
    )
    return HttpResponse(status=204)
