"""/api/v1/ (lawzana/urls.py includes this outside the language prefixes: a program's address
does not change with a reader's language)."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path

from .views import api

app_name = "api"


@login_not_required
def api_root(request, **kwargs):
    # ninja's own root view raises Django's HTML 404; a program should get JSON.
    return JsonResponse({"detail": "Not Found. The schema: openapi.json"}, status=404)


def not_found(request, exception=None):
    """An address under /api/ that names nothing (lawzana/urls.py's handler404 sends it here):
    the same answer as a reference that does not exist (ninja's Http404), never the site's page."""
    return JsonResponse({"detail": "Not Found"}, status=404)


def _patterns():
    patterns, _app_name, _namespace = api.urls
    for pattern in patterns:
        if pattern.name == "api-root":  # kept by name: ninja reverses it to find its own prefix
            yield path("", api_root, name="api-root")
            continue
        # The token is the API's sign-in: LoginRequiredMiddleware's session must not be asked for.
        login_not_required(pattern.callback)
        yield pattern


urlpatterns = list(_patterns())
