"""People sign in with their email address; there is no username."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-1"


def test_a_user_is_created_from_an_email_address_alone():
    user = User.objects.create_user(email="wei@lawzana.example", password=PASSWORD)

    assert user.email == "wei@lawzana.example"
    assert user.get_username() == "wei@lawzana.example"
    assert "username" not in {field.name for field in User._meta.get_fields()}
    assert user.check_password(PASSWORD)
    assert not user.is_staff
    assert not user.is_superuser
    assert user.get_full_name() == "wei@lawzana.example"


def test_the_email_domain_is_normalised_to_lower_case():
    user = User.objects.create_user(email="Wei.Zhang@LAWZANA.Example", password=PASSWORD)

    assert user.email == "Wei.Zhang@lawzana.example"


def test_a_user_needs_an_email_address():
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user(email="", password=PASSWORD)


def test_a_user_signs_in_with_email_and_password(client):
    User.objects.create_user(email="wei@lawzana.example", password=PASSWORD)

    assert client.login(email="wei@lawzana.example", password=PASSWORD)
    assert not client.login(email="wei@lawzana.example", password="wrong-password-123")


def test_a_superuser_is_staff_and_superuser():
    user = User.objects.create_superuser(email="boss@lawzana.example", password=PASSWORD)

    assert user.is_staff
    assert user.is_superuser
    assert user.is_active


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_a_superuser_cannot_be_created_without_both_flags(flag):
    with pytest.raises(ValueError, match="superuser needs"):
        User.objects.create_superuser(email="boss@lawzana.example", password=PASSWORD, **{flag: False})


def test_a_superuser_adds_a_user_in_the_admin_with_an_email_address(client):
    client.force_login(SuperuserFactory())
    add_url = reverse("admin:accounts_user_add")

    page = client.get(add_url)
    response = client.post(
        add_url,
        {
            "email": "new.editor@lawzana.example",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert page.status_code == 200
    assert 'name="email"' in page.content.decode()
    assert 'name="username"' not in page.content.decode()
    assert response.status_code == 302
    assert User.objects.get(email="new.editor@lawzana.example").check_password(PASSWORD)


def test_a_superuser_opens_a_users_change_page_and_the_user_list(client):
    user = User.objects.create_user(email="wei@lawzana.example", password=PASSWORD)
    client.force_login(SuperuserFactory())

    changelist = client.get(reverse("admin:accounts_user_changelist"))
    change = client.get(reverse("admin:accounts_user_change", args=[user.pk]))

    assert changelist.status_code == 200
    assert "wei@lawzana.example" in changelist.content.decode()
    assert change.status_code == 200
