"""What the benchmark (bench/run.py) and the load test (loadtests/run.py) both need: this
machine's services, shell and HTTP helpers, and child processes that are stopped with
everything they started, whatever happens to the run."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PY = str(VENV_BIN / "python")
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
REDIS = "redis://127.0.0.1:6379"


def logger(tag):
    """A log function writing "[tag HH:MM:SS] message" to stderr (stdout keeps the report)."""

    def log(message):
        print(f"[{tag} {time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)

    return log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, env=None, timeout=600, check=True):
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return result


def psql(db, sql, timeout=120):
    cmd = ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", db, "-Atc", sql]
    return run(cmd, timeout=timeout).stdout.strip()


def redis_flush(db):
    import redis

    redis.Redis.from_url(f"{REDIS}/{db}", socket_timeout=5).flushdb()


def http_get(url, headers=None, timeout=10):
    """(status, headers, body) of a GET; an HTTP error status is an answer, not an exception."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wait_http(url, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if http_get(url, timeout=2)[0] == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {seconds} s")


class Process:
    """A child in its own process group, stopped with its children on exit."""

    def __init__(self, name, cmd, env, log_path):
        self.name = name
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # children left behind
        self.log.close()


def table(head, rows) -> str:
    """A Markdown table, as the benchmark, the load test and the audit print their results."""
    cells = [tuple(str(c) for c in row) for row in [head, *rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def django_setup(env):
    """Configure Django in this process against the run's database and services."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "lawzana.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
