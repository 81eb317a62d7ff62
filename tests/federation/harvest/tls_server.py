#!/usr/bin/env python3
"""An https server on 127.0.0.1 for the fetcher's TLS tests: every GET gets 200 "tls ok".

Usage: tls_server.py CERT.pem KEY.pem. Prints "listening on http://127.0.0.1:PORT" on stderr (the
line tests/support's ServerProcess waits for; the scheme there is only its convention).
"""
import http.server
import ssl
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"tls ok"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[1], sys.argv[2])
    # A client that refuses the certificate fails the handshake in accept(): an OSError the server
    # ignores, so it goes on serving.
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
