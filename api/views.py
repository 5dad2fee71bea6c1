"""The firm's read-only API, /api/v1/ (django-ninja): its requests and their status.

Every call carries a firm's token (api/auth.py) and sees that firm's matches only: another
firm's request is a 404, as in the portal, never a 403 that would say it exists."""

import math
import uuid

from django.http import Http404
from ninja import NinjaAPI, Query
from ninja.errors import AuthenticationError

from intake.services.answers import FIRM_STATUS_GROUPS

from . import matches, schemas
from .auth import RateLimited, TokenAuth

ERRORS = {401: schemas.Error, 422: schemas.Error, 429: schemas.Error}

api = NinjaAPI(
    title="Lawzana firm API",
    version="1",
    description=(
        "Read-only access to your firm's requests on Lawzana: the same information your portal shows. "
        "Create a token in the portal (Integrations → API) and send it as `Authorization: Bearer <token>`. "
        "Each token may make 60 calls a minute; beyond that, 429 with Retry-After."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    # Swagger's page loads its scripts from a CDN, which the site's CSP and its rule that every
    # asset is its own forbid: the schema is served, the docs page is not.
    docs_url=None,
)


@api.exception_handler(RateLimited)
def rate_limited(request, exc):
    response = api.create_response(request, {"detail": "Too many requests."}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def unauthorized(request, exc):
    response = api.create_response(
        request, {"detail": "Send a valid API token: Authorization: Bearer <token>."}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.get(
    "/me",
    response={200: schemas.FirmInfo, **ERRORS},
    url_name="me",
    operation_id="getMe",
    summary="The firm the token belongs to",
)
def me(request):
    token = request.auth
    return {"slug": token.firm.slug, "name": token.firm.name, "token": {"name": token.name, "prefix": token.prefix}}


@api.get(
    "/matches",
    response={200: schemas.MatchPage, **ERRORS},
    url_name="matches",
    operation_id="listMatches",
    summary="The firm's requests, newest first",
)
def match_list(request, filters: Query[schemas.MatchFilters]):
    queryset = matches.firm_matches(request.auth.firm)
    if filters.status is not None:
        queryset = queryset.filter(status__in=FIRM_STATUS_GROUPS[filters.status])
    if filters.updated_since is not None:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    count = queryset.count()
    page, per_page = filters.page, filters.per_page
    start = (page - 1) * per_page
    items = [matches.match_data(match) for match in queryset[start : start + per_page]] if start < count else []
    return {
        "count": count,
        "page": page,
        "pages": max(1, math.ceil(count / per_page)),
        "per_page": per_page,
        "items": items,
    }


@api.get(
    "/matches/{public_id}",
    response={200: schemas.Match, 404: schemas.Error, **ERRORS},
    url_name="match",
    operation_id="getMatch",
    summary="One request, by its reference",
)
def match_detail(request, public_id: uuid.UUID):
    match = matches.firm_matches(request.auth.firm).filter(public_id=public_id).first()
    data = matches.match_data(match) if match is not None else None
    # Another firm's, or one this firm no longer sees (declined, returned, withdrawn, erased):
    # the same 404 as the portal's.
    if data is None or not data["available"]:
        raise Http404
    return data
