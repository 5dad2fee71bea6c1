"""Where a webhook may be sent: public HTTPS only (server-side request forgery).

A firm types the URL, and Lawzana's workers POST to it from inside Lawzana's network: without
these checks a URL could reach the database, Redis, the cloud's metadata service
(169.254.169.254) or anything else only the servers can see. The URL is checked when it is saved
(a clear message in the form) and again at every send, after resolving the name, because DNS
answers change (DNS rebinding): the send then connects to the very address it checked.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

# Not covered by ipaddress's is_global in every Python version, or worth saying outright.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; the message says why, for the firm."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as typed, for SNI, the certificate check and the Host header
    port: int
    path: str  # with the query string
    addresses: tuple[str, ...]  # every address the name resolved to, all of them checked


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (::ffff:a.b.c.d, 6to4, NAT64), which is what the
    packets may really reach."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(raw: str) -> bool:
    try:
        address = ipaddress.ip_address(raw.split("%", 1)[0])  # a zone index ("fe80::1%eth0") is link-local anyway
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None and not is_public_address(str(embedded)):
            return False
    return not (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT)
        or (isinstance(address, ipaddress.IPv6Address) and address.is_site_local)
    )


def _is_loopback(raw: str) -> bool:
    try:
        return ipaddress.ip_address(raw).is_loopback
    except ValueError:
        return False


def _insecure_local_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_INSECURE_LOCAL_RECEIVER", False))


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of a URL that may be tried, or UnsafeURL. No DNS."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(_("Enter a valid URL.")) from exc
    scheme = parts.scheme.lower()
    local_http = scheme == "http" and _insecure_local_allowed()
    if scheme != "https" and not local_http:
        raise UnsafeURL(_("The URL must start with https://: webhooks are only sent over HTTPS."))
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeURL(_("Remove the user name and password from the URL: sign-in details do not belong in it."))
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeURL(_("Enter a valid URL."))
    if local_http and not _is_loopback(host):
        raise UnsafeURL(_("The URL must start with https://: webhooks are only sent over HTTPS."))
    if not local_http:
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            raise UnsafeURL(_("The URL must name a public server on the internet."))
        try:
            literal = ipaddress.ip_address(host)
        except ValueError:
            literal = None
        if literal is not None and not is_public_address(host):
            raise UnsafeURL(_("The URL must name a public server on the internet."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port or (443 if scheme == "https" else 80), path


def resolve(url: str) -> Target:
    """Check the URL, resolve its host and check every address it resolves to. Raises
    UnsafeURL unless all of them are public (one private answer among public ones is enough
    for a rebinding attack, so none may be)."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(_("We could not find this server: check the host name in the URL.")) from exc
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeURL(_("We could not find this server: check the host name in the URL."))
    if scheme == "http":  # only the allowed local receiver (parse)
        if not all(_is_loopback(a) for a in addresses):
            raise UnsafeURL(_("The URL must name a public server on the internet."))
    elif not all(is_public_address(a) for a in addresses):
        raise UnsafeURL(_("The URL must name a public server on the internet."))
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)
