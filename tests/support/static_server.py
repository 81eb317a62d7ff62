#!/usr/bin/env python3
"""A static HTTP server for tests: plays a foreign catalog or a misbehaving node.

    static_server.py DIRECTORY

Binds 127.0.0.1 on a free port and prints "listening on http://127.0.0.1:PORT" on stderr. A request
for /a/b?x=1 is answered from the file DIRECTORY/a/b?x=1 when it exists, else DIRECTORY/a/b
(query ignored); missing files get 404. Files are served as application/json. Stops on SIGTERM.
"""
import http.server
import os
import signal
import sys

root = os.path.abspath(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.lstrip("/")
        candidates = [path, path.split("?", 1)[0]]
        for candidate in candidates:
            full = os.path.abspath(os.path.join(root, candidate))
            if full.startswith(root + os.sep) and os.path.isfile(full):
                with open(full, "rb") as handle:
                    body = handle.read()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("listening on http://127.0.0.1:%d" % server.server_address[1], file=sys.stderr, flush=True)
server.serve_forever()
