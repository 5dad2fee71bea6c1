"""Webhooks go to public HTTPS only: refused when the URL is saved, and again at send time
after resolving the name, connecting to the checked address itself (DNS rebinding)."""

import socket

import pytest

from portal.forms.webhooks import WebhookEndpointForm
from tests.factories import WebhookDeliveryFactory, WebhookEndpointFactory
from webhooks import safety, services, transport
from webhooks.models import WebhookAttempt

PUBLIC_IP = "93.184.215.14"


def resolving_to(*addresses):
    """A getaddrinfo that answers every name with these addresses, counting its calls."""
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    getaddrinfo.calls = calls
    return getaddrinfo


def form_error(url) -> str:
    form = WebhookEndpointForm({"url": url})
    assert not form.is_valid()
    return " ".join(form.errors["url"])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.com/lawzana", "must start with https://"),
        ("ftp://hooks.example.com/lawzana", "must start with https://"),
        ("https://localhost/lawzana", "public server"),
        ("https://api.localhost/lawzana", "public server"),
        ("https://127.0.0.1/lawzana", "public server"),
        ("https://10.1.2.3/lawzana", "public server"),
        ("https://172.16.0.9/lawzana", "public server"),
        ("https://192.168.1.1/lawzana", "public server"),
        ("https://169.254.169.254/latest/meta-data/", "public server"),
        ("https://100.64.0.1/lawzana", "public server"),
        ("https://0.0.0.0/lawzana", "public server"),
        ("https://224.0.0.1/lawzana", "public server"),
        ("https://[::1]/lawzana", "public server"),
        ("https://[fe80::1]/lawzana", "public server"),
        ("https://[fd00::1]/lawzana", "public server"),
        ("https://[::ffff:127.0.0.1]/lawzana", "public server"),
        ("https://[::ffff:169.254.169.254]/lawzana", "public server"),
        ("https://user:secret@hooks.example.com/lawzana", "user name and password"),
    ],
)
def test_the_form_refuses_addresses_that_are_not_public_https(monkeypatch, url, message):
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to(PUBLIC_IP))

    assert message in form_error(url)


@pytest.mark.parametrize("private", ["10.0.0.7", "127.0.0.1", "169.254.169.254", "::1", "fd12::1"])
def test_the_form_refuses_a_name_that_resolves_to_a_private_address(monkeypatch, private):
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to(private))

    assert "public server" in form_error("https://crm.example.com/lawzana")


def test_one_private_address_among_public_ones_is_enough_to_refuse(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to(PUBLIC_IP, "10.0.0.7"))

    assert "public server" in form_error("https://crm.example.com/lawzana")


def test_the_form_takes_a_public_https_address(monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to(PUBLIC_IP))

    assert WebhookEndpointForm({"url": "https://crm.example.com:8443/lawzana?firm=7"}).is_valid()


def test_a_name_that_does_not_resolve_is_refused_with_a_message(monkeypatch):
    def nothing(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nothing)

    assert "could not find this server" in form_error("https://nowhere.example.com/lawzana")


def test_plain_http_to_loopback_needs_the_setting(settings, monkeypatch):
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to("127.0.0.1"))
    assert "https://" in form_error("http://127.0.0.1:8123/hook")

    settings.WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER = True
    assert WebhookEndpointForm({"url": "http://127.0.0.1:8123/hook"}).is_valid()
    # Even then, only loopback: never plain HTTP elsewhere.
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to(PUBLIC_IP))
    assert "https://" in form_error("http://hooks.example.com/hook")


@pytest.mark.django_db
def test_a_dns_answer_that_changed_to_a_private_address_is_refused_without_connecting(monkeypatch):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com/lawzana")  # saved while it was public
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    monkeypatch.setattr(socket, "getaddrinfo", resolving_to("169.254.169.254"))

    def no_connection(*args, **kwargs):
        raise AssertionError("connected to a refused address")

    monkeypatch.setattr(transport.urllib3, "HTTPSConnectionPool", no_connection)
    monkeypatch.setattr(transport.urllib3, "HTTPConnectionPool", no_connection)

    assert services.delivery_send(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error.startswith("Refused:") and delivery.last_status_code is None
    assert WebhookAttempt.objects.get(delivery=delivery).error == delivery.last_error


@pytest.mark.django_db
def test_the_send_connects_to_the_checked_address_and_names_the_host_only_for_tls(monkeypatch):
    endpoint = WebhookEndpointFactory(url="https://crm.example.com:8443/lawzana?firm=7")
    delivery = WebhookDeliveryFactory(endpoint=endpoint)
    lookups = resolving_to(PUBLIC_IP)
    monkeypatch.setattr(socket, "getaddrinfo", lookups)
    made = {}

    class Response:
        status = 204

        def read(self, amount):
            made["read"] = amount
            return b""

        def release_conn(self):
            pass

    class Pool:
        def __init__(self, host, port, **kwargs):
            made.update(host=host, port=port, **kwargs)

        def urlopen(self, method, path, **kwargs):
            made.update(method=method, path=path, **kwargs)
            return Response()

        def close(self):
            pass

    monkeypatch.setattr(transport.urllib3, "HTTPSConnectionPool", Pool)

    assert services.delivery_send(delivery_id=delivery.pk) is True

    assert lookups.calls == ["crm.example.com"]  # resolved once, by the check
    assert (made["host"], made["port"]) == (PUBLIC_IP, 8443)
    assert made["server_hostname"] == made["assert_hostname"] == "crm.example.com"
    assert made["cert_reqs"] == "CERT_REQUIRED"
    assert made["retries"] is False and made["redirect"] is False
    assert made["headers"]["Host"] == "crm.example.com:8443"
    assert made["path"] == "/lawzana?firm=7" and made["method"] == "POST"
    assert made["read"] == transport.MAX_RESPONSE_BYTES
    assert (made["timeout"].connect_timeout, made["timeout"].read_timeout) == (3.0, 10.0)


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.1", "100.100.0.1", "169.254.169.254", "0.0.0.0", "240.0.0.1", "::", "::1",
     "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1"],
)  # fmt: skip
def test_no_private_or_special_address_counts_as_public(address):
    assert not safety.is_public_address(address)


@pytest.mark.parametrize("address", [PUBLIC_IP, "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_do(address):
    assert safety.is_public_address(address)
