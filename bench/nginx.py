"""deploy/nginx.conf run on this machine, for tests/deploy/test_nginx.py and bench/run.py.

The shipped file runs as it is, with only what names the production host replaced (each
replacement is an exact string that must still be in the file, so an edit to it cannot
silently escape the tests): the upstream (`web:8000`), the listen ports, the certificates'
folder, the cache, temporary and log folders, the pid file, and the `user` line. Everything
lives in one private folder; nothing listens anywhere but 127.0.0.1.
"""

import contextlib
import datetime
import ipaddress
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def available() -> bool:
    return Path(NGINX).is_file() and os.access(NGINX, os.X_OK)


def render(*, upstream: str, http_port: int, https_port: int, folder: Path) -> str:
    """deploy/nginx.conf for a local run: the app at `upstream` (IP address:port), nginx on
    127.0.0.1:http_port and :https_port, certificates in folder/certs, everything else it
    writes under `folder`."""
    host = upstream.rsplit(":", 1)[0]
    # The file resolves names through Docker's DNS, which is not here: an address, never a name.
    ipaddress.ip_address(host)
    text = CONF.read_text()
    # As root, workers run as root (the image's `nginx` user does not exist here, and the
    # folder is private); otherwise nginx ignores the line with a warning, so it goes.
    user = "user root;" if os.geteuid() == 0 else ""
    replacements = [
        ("user nginx;", user),
        ("pid /var/run/nginx.pid;", f"pid {folder}/nginx.pid;"),
        ("web:8000", upstream),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        ("listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{https_port} ssl http2 default_server;"),
        ("/etc/nginx/certs/", f"{folder}/certs/"),
        ("/var/cache/nginx/", f"{folder}/cache/"),
        ("/var/log/nginx/", f"{folder}/log/"),
    ]
    for old, new in replacements:
        if old not in text:
            raise ValueError(f"deploy/nginx.conf no longer contains {old!r}: update bench/nginx.py")
        text = text.replace(old, new)
    return text


def make_certificate(folder: Path, host: str = "localhost") -> None:
    """A self-signed certificate for `host` (and 127.0.0.1) as folder/fullchain.pem and
    folder/privkey.pem, the names deploy/nginx.conf reads."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName(host), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


class LocalNginx:
    """nginx with deploy/nginx.conf in front of `upstream`, in `folder`: start(), stop()."""

    def __init__(self, *, upstream: str, http_port: int, https_port: int, folder: Path):
        self.folder = folder
        self.http_port, self.https_port = http_port, https_port
        for sub in ("cache", "log", "certs"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        if not (folder / "certs" / "fullchain.pem").exists():
            make_certificate(folder / "certs")
        self.conf = folder / "nginx.conf"
        self.conf.write_text(render(upstream=upstream, http_port=http_port, https_port=https_port, folder=folder))
        self.proc = None

    def command(self, *args) -> list[str]:
        # -e: the error log from the first line, before nginx has read where the file says.
        error_log = str(self.folder / "log" / "error.log")
        return [NGINX, "-p", str(self.folder), "-e", error_log, "-c", str(self.conf), *args]

    def test(self) -> subprocess.CompletedProcess:
        """`nginx -t` on the rendered file."""
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    def start(self, timeout: float = 10) -> None:
        # In the foreground, as this process's child, so that stop() ends exactly it.
        with open(self.folder / "log" / "stderr.log", "wb") as stderr:
            self.proc = subprocess.Popen(
                self.command("-g", "daemon off;"), stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        import socket

        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited at start:\n{self.errors()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.https_port), timeout=1):
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"nginx did not listen within {timeout} s:\n{self.errors()}")

    def errors(self) -> str:
        logs = [self.folder / "log" / "stderr.log", self.folder / "log" / "error.log"]
        return "\n".join(path.read_text(errors="replace")[-3000:] for path in logs if path.exists())

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGQUIT)  # graceful: workers finish their requests
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
