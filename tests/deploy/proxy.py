"""deploy/nginx.conf run by the real nginx binary (bench/nginx.py renders it for this machine),
and requests to it as a browser sends them.

Without nginx these tests are skipped with the reason; under CI (CI=true) that fails the run
instead, as for the browser and integration tests (.ci/run installs Debian's nginx-light).
"""

import gzip
import http.client
import os
import ssl
from pathlib import Path

import pytest

from bench import nginx as local_nginx
from bench.harness import free_port

ROOT = Path(__file__).resolve().parents[2]


def nginx_required():
    if local_nginx.available():
        return
    reason = f"needs nginx ({local_nginx.NGINX} not found; Debian: apt-get install nginx-light)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the proxy's tests must run, not skip)")
    pytest.skip(reason)


def start_nginx(upstream, folder):
    nginx_required()
    proxy = local_nginx.LocalNginx(upstream=upstream, http_port=free_port(), https_port=free_port(), folder=folder)
    proxy.start()
    return proxy


class Answer:
    def __init__(self, response, body):
        self.status = response.status
        self.headers = response.headers
        self.raw = body
        self.body = gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
        self.text = self.body.decode(errors="replace")

    @property
    def cache(self):
        return self.headers.get("X-Cache-Status")


def request(proxy, path, *, method="GET", headers=None, body=None, tls=True, source="127.0.0.1"):
    """One request to the proxy from `source` (any 127.x address), as a browser would send it:
    Host localhost, the test certificate trusted."""
    headers = {"Host": "localhost", **(headers or {})}
    if tls:
        context = ssl.create_default_context(cafile=str(proxy.folder / "certs" / "fullchain.pem"))
        connection = http.client.HTTPSConnection(
            "127.0.0.1", proxy.https_port, context=context, timeout=15, source_address=(source, 0)
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=15, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers)
        tls_version = connection.sock.version() if tls else None
        response = connection.getresponse()
        answer = Answer(response, response.read())
        answer.tls_version = tls_version
        return answer
    finally:
        connection.close()
