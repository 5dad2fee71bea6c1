"""A firm's slug never takes a fixed word of the site's addresses that sits where a firm's slug
goes (/firms/compare/, /portal/new/...): the words come from the URLconf, and every way of
saving a firm refuses them."""

import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path, reverse

from directory.firm_slugs import reserved_firm_slugs
from directory.models import Firm
from lawzana.urls import urlpatterns as site_urlpatterns
from tests.factories import FirmFactory, SuperuserFactory

pytestmark = pytest.mark.django_db


def test_the_fixed_words_beside_a_firm_are_reserved():
    assert {"compare", "new", "claim", "invitations", "two-factor"} <= reserved_firm_slugs()
    # Neither other pages' words nor what follows a firm's slug.
    assert not {"search", "lawyers", "team", "requests", "profile", "settings"} & reserved_firm_slugs()


def featured(request):
    return HttpResponse("Featured firms")


# The site's URLconf with one more page under /firms/.
urlpatterns = [path("firms/featured/", featured, name="featured"), *site_urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_added_beside_the_firms_reserves_its_word_without_a_list_to_edit():
    assert "featured" in reserved_firm_slugs()
    with pytest.raises(ValidationError):
        FirmFactory(slug="featured")


@pytest.mark.parametrize("slug", ["compare", "new", "claim", "two-factor"])
def test_saving_a_firm_with_a_reserved_slug_is_refused(slug):
    with pytest.raises(ValidationError) as refused:
        Firm.objects.create(name="Some Law", slug=slug)

    assert "slug" in refused.value.message_dict
    assert not Firm.objects.filter(slug=slug).exists()


def test_the_admin_refuses_a_reserved_slug_with_a_message(client, admin_form_data, harbin):
    client.force_login(SuperuserFactory())
    firm = FirmFactory(name="Songhua River Law", slug="songhua", cities=[harbin])
    change_url = reverse("admin:directory_firm_change", args=[firm.pk])
    data = {**admin_form_data(client.get(change_url)), "slug": "compare"}

    response = client.post(change_url, data)

    assert response.status_code == 200
    assert "is a word of Lawzana" in response.content.decode()
    firm.refresh_from_db()
    assert firm.slug == "songhua"


def test_loading_firms_from_a_file_refuses_a_reserved_slug(tmp_path):
    fixture = tmp_path / "firms.json"
    fixture.write_text(json.dumps([{"model": "directory.firm", "fields": {"name": "Portal Law", "slug": "new"}}]))

    with pytest.raises((CommandError, ValidationError)):
        call_command("loaddata", str(fixture), stdout=io.StringIO())

    assert not Firm.objects.filter(slug="new").exists()
