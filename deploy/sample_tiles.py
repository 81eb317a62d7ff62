#!/usr/bin/env python3
"""The quickstart's 3D Tiles: the sample records' tilesets, served from this machine.

    sample_tiles.py SAMPLES-DIR OUT-DIR

The sample records (SAMPLES-DIR/*.json) link to 3D Tiles tilesets on the municipalities' servers.
So that the quickstart works without internet, this writes a small valid 3D Tiles 1.1 tileset for
every such link into OUT-DIR/tiles/ (its region is the record's footprint, its one content the
sample GLB in deploy/samples/3dtiles/), copies the records into OUT-DIR/samples/ with those links
pointing here, then serves OUT-DIR/tiles/ on 127.0.0.1 (a free port) and prints
"listening on http://127.0.0.1:PORT" on stderr. The records are rewritten only after the port is
known. Stops on SIGTERM.
"""
import glob
import http.server
import json
import math
import os
import shutil
import signal
import sys
import urllib.parse

samples_dir, out_dir = sys.argv[1], sys.argv[2]
tiles_dir = os.path.join(out_dir, "tiles")
os.makedirs(tiles_dir, exist_ok=True)
os.makedirs(os.path.join(out_dir, "samples"), exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
shutil.copy(os.path.join(here, "samples", "3dtiles", "content.glb"), os.path.join(tiles_dir, "content.glb"))


def envelope(geometry):
    points = []

    def walk(value):
        if isinstance(value, list) and value and isinstance(value[0], (int, float)):
            points.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk((geometry or {}).get("coordinates"))
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def local_path(href):
    parsed = urllib.parse.urlparse(href)
    return (parsed.netloc + parsed.path).replace("/", "_")


records_by_file = {}
for path in sorted(glob.glob(os.path.join(samples_dir, "*.json"))):
    with open(path, encoding="utf-8") as handle:
        records = json.load(handle)
    records_by_file[os.path.basename(path)] = records
    for record in records:
        box = envelope(record.get("geometry"))
        for distribution in record["properties"].get("distributions", []):
            if distribution.get("format") != "3dtiles" or box is None:
                continue
            west, south, east, north = (math.radians(v) for v in box)
            # Ellipsoidal heights in the Netherlands: NAP is about 40-45 m above the GRS80 ellipsoid.
            region = [west, south, east, north, 0.0, 250.0]
            tileset = {
                "asset": {"version": "1.1", "generator": "Tweeling quickstart"},
                "geometricError": 500,
                "root": {
                    "boundingVolume": {"region": region},
                    "geometricError": 0,
                    "refine": "ADD",
                    "content": {"uri": "../content.glb"},
                },
            }
            folder = os.path.join(tiles_dir, local_path(distribution["href"]))
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "tileset.json"), "w", encoding="utf-8") as handle:
                json.dump(tileset, handle)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = urllib.parse.urlparse(self.path).path.lstrip("/")
        full = os.path.abspath(os.path.join(tiles_dir, path))
        if full.startswith(os.path.abspath(tiles_dir) + os.sep) and os.path.isfile(full):
            with open(full, "rb") as handle:
                body = handle.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json" if full.endswith(".json") else "model/gltf-binary")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
base = "http://127.0.0.1:%d" % server.server_address[1]
for name, records in records_by_file.items():
    for record in records:
        for distribution in record["properties"].get("distributions", []):
            if distribution.get("format") == "3dtiles":
                distribution["href"] = base + "/" + local_path(distribution["href"]) + "/tileset.json"
    with open(os.path.join(out_dir, "samples", name), "w", encoding="utf-8") as handle:
        json.dump(records, handle, ensure_ascii=False, indent=1)
signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
print("listening on " + base, file=sys.stderr, flush=True)
server.serve_forever()
