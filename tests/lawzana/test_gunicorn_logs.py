"""gunicorn's own log lines go through the site's redaction: a request's secret link never
reaches its error log, in either log format."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zq3xVb7Kp2Lm9Nw4Rt6Yh8Jd1Fs5Gc0Ae3Ui7Oo2Pp"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_gunicorns_error_log_holds_no_secret_link(log_format, tmp_path):
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            "python:lawzana.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "tests.lawzana.failing_wsgi:application",
        ],
        cwd=ROOT,
        env={**clean, "LOG_FORMAT": log_format, "DJANGO_SETTINGS_MODULE": "lawzana.settings"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/requests/{TOKEN}/withdraw/", timeout=2)
            except urllib.error.HTTPError:
                break  # gunicorn answered its own 500
            except OSError:
                time.sleep(0.1)
        time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]

    assert "Error handling request" in output
    assert TOKEN not in output
    assert "/requests/[secret]" in output
