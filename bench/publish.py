#!/usr/bin/env python3
"""Publish rate on a node: single PUTs over one keep-alive connection (part of bench/run.sh).

    bench/publish.py --base http://127.0.0.1:PORT --keys keys.tsv --data records.ndjson --count 3000

keys.tsv holds "PUBLISHER-URI<TAB>KEY" lines; each record is PUT with the key of its
properties.publisher.id to /collections/twins/items/{id}, one request after the other. Prints one
JSON object: {puts, seconds, per_second, statuses, p50_ms, p95_ms, p99_ms}.
"""
import argparse
import http.client
import json
import math
import sys
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--keys", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--count", type=int, default=3000)
    args = parser.parse_args()
    keys = {}
    with open(args.keys, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                publisher, key = line.rstrip("\n").split("\t")
                keys[publisher] = key
    bodies = []
    with open(args.data, encoding="utf-8") as handle:
        for line in handle:
            if len(bodies) >= args.count:
                break
            record = json.loads(line)
            bodies.append((record["id"], keys[record["properties"]["publisher"]["id"]], line.strip().encode("utf-8")))
    parsed = urllib.parse.urlsplit(args.base)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=120)
    statuses = {}
    times = []
    started = time.perf_counter()
    for record_id, key, body in bodies:
        begin = time.perf_counter()
        connection.request("PUT", "/collections/twins/items/" + urllib.parse.quote(record_id, safe=""), body=body,
                           headers={"Authorization": "Bearer " + key, "Content-Type": "application/geo+json",
                                    "Connection": "keep-alive"})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - begin) * 1000.0)
        statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=120)
    seconds = time.perf_counter() - started
    times.sort()

    def rank(fraction):
        return times[min(len(times) - 1, max(0, math.ceil(fraction * len(times)) - 1))] if times else None

    print(json.dumps({"puts": len(bodies), "seconds": seconds, "per_second": len(bodies) / seconds if seconds else None,
                      "statuses": statuses, "p50_ms": rank(0.5), "p95_ms": rank(0.95), "p99_ms": rank(0.99)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
