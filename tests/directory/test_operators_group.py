import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _staff_in(group_name):
    user = StaffFactory()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def test_operators_run_the_directory_but_not_the_guides(client):
    client.force_login(_staff_in("Operators"))

    assert client.get(reverse("admin:directory_firm_changelist")).status_code == 200
    assert client.get(reverse("admin:directory_review_changelist")).status_code == 200
    assert client.get(reverse("admin:guides_guide_changelist")).status_code == 403


def test_operators_cannot_delete_reviews_or_verifications():
    permissions = {
        f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name="Operators").permissions.all()
    }

    assert "directory.change_review" in permissions
    assert "directory.delete_review" not in permissions
    assert "directory.add_verification" in permissions
    assert not {"directory.change_verification", "directory.delete_verification"} & permissions
    assert not any(p.startswith("guides.") for p in permissions)


def test_editors_cannot_open_the_firm_admin(client):
    client.force_login(_staff_in("Editors"))

    assert client.get(reverse("admin:directory_firm_changelist")).status_code == 403
    assert client.get(reverse("admin:directory_review_changelist")).status_code == 403
