#!/usr/bin/env python3
# The Alertmanager webhook receiver of `make dev` and compose: appends every notification it is
# sent (Alertmanager's webhook JSON, one object per line, with the time received) to a file and
# answers 200. It never forwards, deduplicates or interprets alerts; Alertmanager does that.
# Usage: alert-sink.py HOST PORT FILE   (dev: 127.0.0.1 9096 var/dev/alerts.log)
import json
import sys
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20


class Sink(BaseHTTPRequestHandler):
    path_out = "alerts.log"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.send_response(413)
            self.end_headers()
            return
        body = self.rfile.read(length)
        try:
            notification = json.loads(body)
        except ValueError:
            self.send_response(400)
            self.end_headers()
            return
        line = {"received_at": datetime.now(timezone.utc).isoformat(), "notification": notification}
        with open(self.path_out, "a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
        self.send_response(200)
        self.end_headers()

    def do_GET(self):  # a liveness probe
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok\n")

    def log_message(self, *_):  # one line per alert is in the file already
        pass


if __name__ == "__main__":
    host, port, Sink.path_out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    ThreadingHTTPServer((host, port), Sink).serve_forever()
