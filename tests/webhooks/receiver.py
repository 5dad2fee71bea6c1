"""A firm's webhook receiver for the tests: a real HTTP server on 127.0.0.1 in a thread, which
checks each delivery with webhooks/verify_example.py, the code the README shows firms."""

import http.server
import json
import threading
from dataclasses import dataclass, field

from webhooks.verify_example import verify


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes

    @property
    def event(self) -> str:
        return self.headers.get("Lawzana-Event", "")

    @property
    def key(self) -> str:
        return self.headers.get("Lawzana-Delivery", "")

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    def verified_with(self, secret: str) -> bool:
        return verify(self.body, self.headers.get("Lawzana-Signature", ""), secret)


@dataclass
class Receiver:
    url: str = ""
    # Answers to give, in order (then 200): a status, or (status, headers).
    answers: list = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def events(self) -> list[str]:
        return [r.event for r in self.received]


def start() -> tuple[Receiver, http.server.ThreadingHTTPServer]:
    receiver = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            answer = receiver.answers.pop(0) if receiver.answers else 200
            status, headers = answer if isinstance(answer, tuple) else (answer, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/lawzana/webhook"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server
