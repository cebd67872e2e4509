"""A local fake webhook server for the notification channel tests: a thread on a free port that records
every request (method, path, query, JSON body) and answers with a status and JSON the test chooses."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeWebhook:
    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answers: dict[str, dict] = {}  # path -> JSON answer; default {"errcode": 0, "errmsg": "ok"}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": parts.path,
                        "query": {key: values[0] for key, values in parse_qs(parts.query).items()},
                        "json": json.loads(raw) if raw else None,
                    }
                )
                body = json.dumps(fake.answers.get(parts.path, {"errcode": 0, "errmsg": "ok"})).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def posts(self, path: str) -> list[dict]:
        return [request for request in self.requests if request["path"] == path and request["method"] == "POST"]
