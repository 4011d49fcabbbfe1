"""A tiny upstream LRS for the forwarding tests, run as its own process: ``python fake_lrs.py --auth "Basic …"``.

It prints its port. While down (``POST /_down``, until ``POST /_up``) it answers 503; otherwise it stores
statements like a strict LRS:
POST refuses a batch holding an id it has (409), PUT ``?statementId=`` stores a new statement, accepts an identical
one again (204, nothing stored twice) and refuses a different one (409). ``GET /_log`` tells what it stored:
``{"stored": {id: times stored}, "requests": [[method, status], …]}``.
"""

import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

LOCK = threading.Lock()
STATE = {"down": False, "auth": "", "statements": {}, "stored": {}, "requests": []}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status: int, body=None):
        data = json.dumps(body).encode() if body is not None else b""
        STATE["requests"].append([self.command, status])
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with LOCK:
            body = {"stored": STATE["stored"], "requests": STATE["requests"]}
            data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _store(self, statement):
        STATE["statements"][statement["id"]] = statement
        STATE["stored"][statement["id"]] = STATE["stored"].get(statement["id"], 0) + 1

    def _write(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"null")
        with LOCK:
            if self.path in ("/_down", "/_up"):
                STATE["down"] = self.path == "/_down"
                self.send_response(204)
                self.end_headers()
                return None
            if STATE["down"]:
                return self._answer(503, {"error": "down for maintenance"})
            if self.headers.get("Authorization") != STATE["auth"] or not self.headers.get("X-Experience-API-Version"):
                return self._answer(401, {"error": "who are you"})
            if self.command == "POST":
                statements = body if isinstance(body, list) else [body]
                if any(s.get("id") in STATE["statements"] for s in statements):
                    return self._answer(409, {"error": "an id is already stored"})
                for s in statements:
                    self._store(s)
                return self._answer(200, [s["id"] for s in statements])
            sid = parse_qs(urlparse(self.path).query).get("statementId", [""])[0]
            if not sid or body.get("id") != sid:
                return self._answer(400, {"error": "statementId"})
            if sid in STATE["statements"]:
                return self._answer(204 if STATE["statements"][sid] == body else 409)
            self._store(body)
            return self._answer(204)

    do_POST = _write
    do_PUT = _write


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth", default="")
    args = parser.parse_args()
    STATE["auth"] = args.auth
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
