#!/usr/bin/env python3
"""Sequential search latency over one keep-alive connection (part of bench/run.sh).

    bench/latency.py --base http://127.0.0.1:PORT --requests 1000 NAME=QUERY [NAME=QUERY ...]

For each query: 20 warm-up requests, then REQUESTS timed requests of
GET /collections/twins/items?QUERY, one after the other on one HTTP/1.1 connection, each with
Cache-Control: no-cache so that the server searches afresh (its page cache would answer a repeated
query in microseconds; bench/run.sh measures that with wrk, beside this). Prints one
JSON object per query on stdout: {name, query, status, numberMatched, numberReturned, requests,
p50_ms, p95_ms, p99_ms, mean_ms, max_ms}. A query answered with a status other than 200 is not
timed (status says why, e.g. 400 for a parameter the server does not implement yet).
"""
import argparse
import http.client
import json
import math
import sys
import time
import urllib.parse


def percentile(sorted_values, fraction):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, math.ceil(fraction * len(sorted_values)) - 1))  # nearest rank
    return sorted_values[index]


class Client:
    def __init__(self, base):
        parsed = urllib.parse.urlsplit(base)
        self.host = parsed.hostname
        self.port = parsed.port or 80
        self.prefix = parsed.path.rstrip("/")
        self.connection = None

    def get(self, path):
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                # no-cache: each request is searched afresh, never served from the server's page cache
                self.connection.request("GET", self.prefix + path, headers={"Connection": "keep-alive",
                                                                            "Accept": "application/geo+json",
                                                                            "Cache-Control": "no-cache"})
                response = self.connection.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response.status, body
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--path", default="/collections/twins/items")
    parser.add_argument("queries", nargs="+", help="NAME=QUERYSTRING")
    args = parser.parse_args()
    client = Client(args.base)
    for item in args.queries:
        name, _, query = item.partition("=")
        path = args.path + ("?" + query if query else "")
        status, body = client.get(path)
        result = {"name": name, "query": query, "status": status, "requests": 0}
        try:
            document = json.loads(body)
        except ValueError:
            document = {}
        if status != 200:
            result["detail"] = document.get("detail") if isinstance(document, dict) else None
            print(json.dumps(result), flush=True)
            continue
        result["numberMatched"] = document.get("numberMatched")
        result["numberReturned"] = document.get("numberReturned")
        for _ in range(args.warmup):
            client.get(path)
        times = []
        failures = 0
        for _ in range(args.requests):
            started = time.perf_counter()
            status, _body = client.get(path)
            times.append((time.perf_counter() - started) * 1000.0)
            if status != 200:
                failures += 1
        times.sort()
        result.update({"requests": len(times), "failures": failures,
                       "p50_ms": percentile(times, 0.50), "p95_ms": percentile(times, 0.95),
                       "p99_ms": percentile(times, 0.99), "mean_ms": sum(times) / len(times),
                       "max_ms": times[-1]})
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
