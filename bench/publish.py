#!/usr/bin/env python3
"""Publish rate on a node: single PUTs over one keep-alive connection (part of bench/run.sh).

    bench/publish.py --base http://127.0.0.1:PORT --keys keys.tsv --data records.ndjson --count 3000

keys.tsv holds "PUBLISHER-URI<TAB>KEY" lines; each record is PUT with the key of its
properties.publisher.id to /collections/twins/items/{id}, one request after the other. Prints one
JSON object: {puts, seconds, per_second, statuses, p50_ms, p95_ms, p99_ms}.
bench/soak.py publishes through the same `Publisher` and `read_keys`.
"""
import argparse
import http.client
import json
import math
import sys
import time
import urllib.parse

ITEMS = "/collections/twins/items"


def read_keys(path):
    """{publisher URI: key} from "PUBLISHER-URI<TAB>KEY" lines."""
    keys = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                publisher, key = line.rstrip("\n").split("\t")
                keys[publisher] = key
    return keys


def item_path(record_id):
    return ITEMS + "/" + urllib.parse.quote(record_id, safe="")


class Publisher:
    """Writes to a node over one keep-alive connection, opened again when the server closes it."""

    def __init__(self, base, timeout=120):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = parsed.hostname, parsed.port or 80, timeout
        self.connection = None

    def request(self, method, path, key=None, body=None):
        """One request, with the key if given; returns (status, headers as a dict with lower-case names,
        body bytes). A GET on a kept-alive connection that the server closed meanwhile (a node closes
        connections idle for 30 s) is sent again on a new one; a write is never sent twice."""
        reused = self.connection is not None
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Connection": "keep-alive"}
        if key is not None:
            headers["Authorization"] = "Bearer " + key
        if body is not None:
            headers["Content-Type"] = "application/geo+json"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if reused and method == "GET":
                return self.request(method, path, key, body)
            raise
        except Exception:
            self.close()
            raise
        answer = {name.lower(): value for name, value in response.getheaders()}
        if answer.get("connection", "").lower() == "close":
            self.close()
        return response.status, answer, data

    def put(self, record_id, key, body):
        return self.request("PUT", item_path(record_id), key, body)

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--keys", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--count", type=int, default=3000)
    args = parser.parse_args()
    keys = read_keys(args.keys)
    bodies = []
    with open(args.data, encoding="utf-8") as handle:
        for line in handle:
            if len(bodies) >= args.count:
                break
            record = json.loads(line)
            bodies.append((record["id"], keys[record["properties"]["publisher"]["id"]], line.strip().encode("utf-8")))
    publisher = Publisher(args.base)
    statuses = {}
    times = []
    started = time.perf_counter()
    for record_id, key, body in bodies:
        begin = time.perf_counter()
        status, _, _ = publisher.put(record_id, key, body)
        times.append((time.perf_counter() - begin) * 1000.0)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    seconds = time.perf_counter() - started
    publisher.close()
    times.sort()

    def rank(fraction):
        return times[min(len(times) - 1, max(0, math.ceil(fraction * len(times)) - 1))] if times else None

    print(json.dumps({"puts": len(bodies), "seconds": seconds, "per_second": len(bodies) / seconds if seconds else None,
                      "statuses": statuses, "p50_ms": rank(0.5), "p95_ms": rank(0.95), "p99_ms": rank(0.99)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
