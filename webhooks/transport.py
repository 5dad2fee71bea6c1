"""One POST to a firm's endpoint, to the address that was checked (webhooks/safety.py).

urllib3 is given the checked IP to connect to, and the host name only for TLS: SNI, the
certificate's name check and the Host header. Nothing resolves the name a second time, so a
DNS answer that changes between the check and the connection (rebinding) cannot redirect it.
"""

import time
from dataclasses import dataclass

import urllib3
from django.conf import settings

from .safety import Target

MAX_RESPONSE_BYTES = 64 * 1024


@dataclass
class Outcome:
    status_code: int | None
    elapsed_ms: int
    error: str  # empty on success

    @property
    def ok(self) -> bool:
        return not self.error


def _pool(target: Target, address: str):
    timeout = urllib3.Timeout(connect=settings.WEBHOOKS_CONNECT_TIMEOUT, read=settings.WEBHOOKS_READ_TIMEOUT)
    if target.scheme == "http":  # the allowed local receiver only (safety.parse)
        return urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False, maxsize=1)
    return urllib3.HTTPSConnectionPool(
        address,
        target.port,
        timeout=timeout,
        retries=False,
        maxsize=1,
        cert_reqs="CERT_REQUIRED",
        server_hostname=target.host,
        assert_hostname=target.host,
    )


def post(target: Target, *, body: bytes, headers: dict[str, str]) -> Outcome:
    address = target.addresses[0]
    default_port = 443 if target.scheme == "https" else 80
    host_header = f"[{target.host}]" if ":" in target.host else target.host
    if target.port != default_port:
        host_header = f"{host_header}:{target.port}"
    started = time.monotonic()
    pool = _pool(target, address)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": host_header},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            # Read a little of the answer, never all of it: a receiver cannot make a worker
            # hold megabytes.
            response.read(MAX_RESPONSE_BYTES)
        finally:
            response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        return Outcome(None, _ms(started), f"{type(exc).__name__}: {exc}")
    except OSError as exc:
        return Outcome(None, _ms(started), f"{type(exc).__name__}: {exc}")
    finally:
        pool.close()
    elapsed = _ms(started)
    status = response.status
    if 300 <= status < 400:
        return Outcome(status, elapsed, f"HTTP {status}: redirects are not followed.")
    if not 200 <= status < 300:
        return Outcome(status, elapsed, f"HTTP {status}")
    return Outcome(status, elapsed, "")


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
