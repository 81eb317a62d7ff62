#!/usr/bin/env python3
"""How a hub harvests a large CKAN catalog: pages and seconds for a full listing, a round with no
changes, a round after 1% changed, and a forced full listing.

    bench/catalog_ckan.py [--records 10000] [--rows 1000] [--build-dir build-bench]

Serves a synthetic CKAN action API (package_search with rows/start/sort/fq, as CKAN 2.9+ answers
it, Solr's inclusive date range for fq=metadata_modified:[SINCE TO *]) on 127.0.0.1 from this
process, adds it to a new hub database as a `ckan` source, and runs `twin-federation harvest`
against it. Prints one line per round and a Markdown table for bench/RESULTS.md.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MUNICIPALITIES = [("gm0363", "Amsterdam", 4.90, 52.37), ("gm0599", "Rotterdam", 4.48, 51.92),
                  ("gm0518", "'s-Gravenhage", 4.30, 52.08), ("gm0344", "Utrecht", 5.12, 52.09),
                  ("gm0503", "Delft", 4.36, 52.01), ("gm0772", "Eindhoven", 5.47, 51.44)]
SUBJECTS = [("3d-gebouwen", "3D-gebouwen", "CityJSON"), ("boomkronen", "Boomkronen in 3D", "3D Tiles"),
            ("hittestress", "Hittestress 2025", "GeoTIFF"), ("puntenwolk", "Puntenwolk AHN", "LAZ"),
            ("overstroming", "Overstromingsdiepte", "WMS")]


def make_package(i, rng, modified):
    code, city, lon, lat = MUNICIPALITIES[i % len(MUNICIPALITIES)]
    slug, title, fmt = SUBJECTS[i % len(SUBJECTS)]
    dx, dy = rng.uniform(-0.05, 0.05), rng.uniform(-0.05, 0.05)
    name = f"{slug}-{code}-{i:06d}"
    return {
        "id": f"00000000-0000-4000-8000-{i:012d}", "name": name, "title": f"{title} {city} deel {i}",
        "notes": f"{title} van de gemeente {city}, tegel {i}, gemaakt voor de digitale tweeling.",
        "license_id": "cc-by", "metadata_created": "2024-01-01T00:00:00.000000", "metadata_modified": modified,
        "organization": {"name": f"gemeente-{city.lower()}", "title": f"Gemeente {city}"},
        "maintainer": f"Geo {city}", "maintainer_email": f"geo@{code}.example",
        "tags": [{"name": slug}, {"name": "3D"}, {"name": city}],
        "extras": [{"key": "spatial", "value": json.dumps({"type": "Polygon", "coordinates": [[
            [lon + dx, lat + dy], [lon + dx + 0.01, lat + dy], [lon + dx + 0.01, lat + dy + 0.01],
            [lon + dx, lat + dy + 0.01], [lon + dx, lat + dy]]]})}],
        "resources": [{"url": f"https://data.{code}.example/{name}/data", "format": fmt, "name": title}],
    }


class Catalog:
    def __init__(self, n):
        rng = random.Random(1)
        self.lock = threading.Lock()
        self.tick = 0
        self.packages = {}
        for i in range(n):
            self.packages[i] = make_package(i, rng, self.stamp())
        self.rng = rng
        self.requests = 0

    def stamp(self):
        self.tick += 1
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1735689600 + self.tick)) + ".%06d" % (self.tick % 1000000)

    def change(self, fraction):
        with self.lock:
            keys = self.rng.sample(sorted(self.packages), max(1, int(len(self.packages) * fraction)))
            for k in keys:
                p = dict(self.packages[k])
                p["title"] += " (bijgewerkt)"
                p["metadata_modified"] = self.stamp()
                self.packages[k] = p
            return len(keys)

    def search(self, query):
        rows = min(int(query.get("rows", ["10"])[0]), 1000)
        start = int(query.get("start", ["0"])[0])
        fq = query.get("fq", [""])[0]
        since = ""
        if fq.startswith("metadata_modified:["):
            since = fq[len("metadata_modified:["):].split(" TO ")[0].rstrip("Z")
        with self.lock:
            self.requests += 1
            listed = sorted(self.packages.values(), key=lambda p: p["metadata_modified"])
        if since:
            listed = [p for p in listed if p["metadata_modified"][:23] >= since[:23]]
        body = {"help": "package_search", "success": True,
                "result": {"count": len(listed), "sort": "metadata_modified asc", "results": listed[start:start + rows]}}
        return json.dumps(body).encode()


def serve(catalog):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path != "/data/api/3/action/package_search":
                self.send_error(404)
                return
            body = catalog.search(urllib.parse.parse_qs(url.query))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--rows", type=int, default=1000, help="packages per page (the hub's --items-page-size)")
    parser.add_argument("--build-dir", default=os.environ.get("TWEELING_BENCH_BUILD", os.path.join(ROOT, "build-bench")))
    args = parser.parse_args()
    fed = os.path.join(args.build_dir, "bin", "twin-federation")
    if not os.access(fed, os.X_OK):
        sys.exit(f"{fed} not found: build it first (cmake --build {args.build_dir} --target twin-federation)")

    catalog = Catalog(args.records)
    server = serve(catalog)
    url = f"http://127.0.0.1:{server.server_address[1]}/data"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "hub.db")
        subprocess.run([fed, "sources", "add", "--db", db, "--id", "overheid", "--kind", "ckan", "--url", url,
                        "--allow-private", "--timeout-ms", "120000"], check=True, stdout=subprocess.DEVNULL)

        def harvest(label, *extra):
            before = catalog.requests
            started = time.monotonic()
            subprocess.run([fed, "harvest", "--db", db, "--items-page-size", str(args.rows), *extra],
                           check=True, stdout=subprocess.DEVNULL)
            seconds = time.monotonic() - started
            report = json.loads(subprocess.run([fed, "report", "--db", db, "--source", "overheid", "--json"],
                                               check=True, capture_output=True, text=True).stdout)
            row = (label, report["pages"], catalog.requests - before, seconds, report["counts"]["added"], report["counts"]["updated"],
                   report["counts"]["unchanged"], report["status"])
            print(f"{label}: {row[1]} pages ({row[2]} requests) in {seconds:.2f} s; added {row[4]}, updated {row[5]}, "
                  f"unchanged {row[6]}, status {row[7]}", flush=True)
            rows.append(row)

        harvest("full listing into an empty hub")
        harvest("no changes")
        changed = catalog.change(0.01)
        harvest(f"{changed} packages (1%) changed")
        harvest("forced full listing (--full-listing-every 1)", "--full-listing-every", "1")
    server.shutdown()

    print()
    print(f"| round ({args.records:,} packages, {args.rows} a page) | pages | seconds | added | updated | unchanged |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, pages, _, seconds, added, updated, unchanged, _ in rows:
        print(f"| {label} | {pages} | {seconds:.2f} | {added:,} | {updated:,} | {unchanged:,} |")


if __name__ == "__main__":
    main()
