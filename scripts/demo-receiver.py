#!/usr/bin/env python3
"""A stand-in for the operator's account-opening system, for `make demo` only.

Accepts the daemon's pushes of accepted ports (POST, JSON) on 127.0.0.1:PORT, answers 200, and
appends one line per delivery to LOG: the Idempotency-Key and the port. A key seen twice is
logged as a repeat, so the demo can show that each accepted port arrived exactly once.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port, log_path = int(sys.argv[1]), sys.argv[2]
seen = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get("Idempotency-Key", "-")
        try:
            message = json.loads(body)
        except ValueError:
            self.send_response(400)
            self.end_headers()
            return
        repeat = key in seen
        seen.add(key)
        port_text = " ".join(str(message.get(k, "")) for k in ("project", "splitter", "port"))
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"{'repeat' if repeat else 'new'}\t{key}\t{port_text}\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
