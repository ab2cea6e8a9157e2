"""A fake of LINE's Messaging API push endpoint on 127.0.0.1, for the tests and the soak.

It behaves as LINE documents ``POST /v2/bot/message/push`` with ``X-Line-Retry-Key``: the
first request with a key is delivered (200, counted); a later one with the same key is not
delivered again and answered 409 with ``x-line-accepted-request-id``. It can be told to fail
the next pushes (``fail_next``: 429, 500 …), to refuse users who blocked the account (403), or
to accept a push and then drop the connection (``accept_then_drop``: LINE has the message, the
sender sees an error).

Run on its own (the soak): ``python -m bench.fake_line PORT`` prints JSON counts on
``GET /counts``.
"""

from __future__ import annotations

import json
import sys
import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PUSH_PATH = "/v2/bot/message/push"


class FakeLine:
    def __init__(self, token: str = "test-channel-token", port: int = 0) -> None:  # noqa: S107
        self.token = token
        self.lock = threading.Lock()
        # Delivered messages, one per accepted retry key: (to, text, retry key).
        self.delivered: list[tuple[str, str, str]] = []
        # Every push request seen, by retry key (retries included).
        self.requests: Counter[str] = Counter()
        self.accepted: dict[str, str] = {}
        self.blocked: set[str] = set()
        self.fail_next: list[int] = []
        self.accept_then_drop = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeLine:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeLine:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def counts(self) -> dict[str, Any]:
        with self.lock:
            keys = [key for _to, _text, key in self.delivered]
            return {
                "delivered": len(self.delivered),
                "distinct_keys": len(set(keys)),
                "requests": sum(self.requests.values()),
                "delivered_keys": keys,
            }

    def _push(self, headers: Any, body: bytes) -> tuple[int, dict[str, Any], bool]:
        """(status, JSON answer, drop the connection instead of answering)."""
        if headers.get("Authorization") != f"Bearer {self.token}":
            return 401, {"message": "Authentication failed"}, False
        try:
            payload = json.loads(body)
            to = payload["to"]
            texts = [m["text"] for m in payload["messages"] if m.get("type") == "text"]
        except (ValueError, KeyError, TypeError):
            return 400, {"message": "The request body has 1 error(s)"}, False
        key = headers.get("X-Line-Retry-Key", "")
        with self.lock:
            if key:
                self.requests[key] += 1
            if key and key in self.accepted:
                return 409, {"message": "The retry key is already accepted"}, False
            if self.fail_next:
                status = self.fail_next.pop(0)
                return status, {"message": f"fake failure {status}"}, False
            if to in self.blocked:
                return 403, {"message": "You can't send messages to this user"}, False
            request_id = str(uuid.uuid4())
            if key:
                self.accepted[key] = request_id
            self.delivered.extend((to, text, key) for text in texts)
            if self.accept_then_drop:
                self.accept_then_drop -= 1
                return 200, {}, True
            return 200, {"sentMessages": [{"id": request_id}]}, False

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self, status: int, answer: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path != PUSH_PATH:
                    self._answer(404, {"message": "Not found"})
                    return
                status, answer, drop = fake._push(self.headers, body)
                if drop:
                    # LINE has it; the sender never hears so (a timeout, a reset).
                    self.close_connection = True
                    self.connection.close()
                    return
                self._answer(status, answer)

            def do_GET(self) -> None:
                if self.path == "/counts":
                    self._answer(200, fake.counts())
                else:
                    self._answer(404, {"message": "Not found"})

        return Handler


if __name__ == "__main__":
    fake = FakeLine(token=sys.argv[2] if len(sys.argv) > 2 else "soak-token", port=int(sys.argv[1]))
    print(fake.url, flush=True)
    fake.server.serve_forever()
