"""A POST whose form body Django will not read (a form encoded in anything but UTF-8) gets the
400 page on every URL, never a 500."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/requests/new/",
    "/requests/an-unknown-token/withdraw/",
    "/accounts/login/",
    "/accounts/signup/",
    "/portal/",
    "/portal/new/",
    "/manage/login/",
    "/search/",
]


@pytest.fixture
def browser():
    """A client with a CSRF cookie, sending the matching token, as a browser's form would."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.get("/requests/new/")
    return client


def post(browser, url, body, charset):
    token = browser.cookies["csrftoken"].value
    return browser.generic(
        "POST",
        url,
        data=body.replace(b"TOKEN", token.encode()),
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.parametrize("charset", ["utf-16", "utf-32", "latin-1"])
@pytest.mark.parametrize("url", URLS)
def test_a_form_body_in_another_charset_is_a_400(browser, url, charset):
    response = post(browser, url, "csrfmiddlewaretoken=TOKEN&name=Lina Çelik".encode(charset), charset)

    assert response.status_code == 400
    assert "read what your browser sent" in response.content.decode()


@pytest.mark.parametrize("url", URLS)
def test_a_charset_nobody_knows_is_read_as_utf8(browser, url):
    response = post(browser, url, b"csrfmiddlewaretoken=TOKEN&name=Lina", "no-such-charset")

    assert response.status_code < 500
