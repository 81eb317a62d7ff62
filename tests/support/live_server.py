"""A twin-registry or twin-federation `serve` process on a free loopback port, for the Python tests
(tests/clients/run_clients.py, tests/adr/adr_lint.py): started with --listen 127.0.0.1:0, its URL
read from the "listening on http://..." line it logs, and stopped by the test."""
import re
import subprocess
import threading
import time


class Server:
    """A twin-registry or twin-federation serve process on a free port."""

    def __init__(self, command, log_path):
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.url = None
        found = threading.Event()

        def read():
            for line in self.process.stderr:
                self.log.write(line)
                self.log.flush()
                match = re.search(r"listening on (http://[0-9.]+:[0-9]+)", line)
                if match and not self.url:
                    self.url = match.group(1)
                    found.set()

        self.reader = threading.Thread(target=read, daemon=True)
        self.reader.start()
        deadline = time.time() + 30
        while not found.is_set() and time.time() < deadline and self.process.poll() is None:
            found.wait(0.1)
        if not self.url:
            self.stop()
            with open(log_path, encoding="utf-8", errors="replace") as log:
                raise RuntimeError(f"{' '.join(command)} did not print 'listening on http://...':\n{log.read()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.reader.join(timeout=5)
        self.log.close()
