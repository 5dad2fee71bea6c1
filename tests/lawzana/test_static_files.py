"""Static files as production serves them (collected with hashed names, WhiteNoise): a phone
keeps the stylesheet for a year without asking again; a name without the hash may change."""

import re

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client


@pytest.fixture
def collected(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


@pytest.mark.django_db
def test_the_hashed_stylesheet_is_cached_for_a_year_and_never_revalidated(collected):
    url = static("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)

    response = Client().get(url)
    response.close()  # WhiteNoise streams the file

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"


@pytest.mark.django_db
def test_a_file_asked_for_without_its_hash_is_revalidated(collected):
    response = Client().get("/static/css/site.css")
    response.close()

    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
