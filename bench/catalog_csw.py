#!/usr/bin/env python3
"""How a hub harvests a large CSW 2.0.2 catalog with ISO 19139 records: pages and seconds for a
full harvest into an empty hub, a round with no changes, a round after 1% changed, and a forced
full listing.

    bench/catalog_csw.py [--records 10000] [--page-size 500] [--build-dir build-bench]

Serves a synthetic CSW endpoint on 127.0.0.1 from this process: POSTed GetRecords (startPosition,
maxRecords, an apiso:Modified >= filter) answered with csw:GetRecordsResponse pages of full
gmd:MD_Metadata records in the shape of the Nationaal Georegister's (Dutch 3D datasets of six
municipalities, RD New, INSPIRE theme, WMS and 3D Tiles online resources, a CC BY licence anchor),
oldest dateStamp first. Adds it to a new hub database as a `csw` source and runs
`twin-federation harvest` against it. Prints one line per round and a Markdown table for
bench/RESULTS.md.
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MUNICIPALITIES = [("gm0363", "Amsterdam", 4.90, 52.37), ("gm0599", "Rotterdam", 4.48, 51.92),
                  ("gm0518", "'s-Gravenhage", 4.30, 52.08), ("gm0344", "Utrecht", 5.12, 52.09),
                  ("gm0503", "Delft", 4.36, 52.01), ("gm0772", "Eindhoven", 5.47, 51.44)]
SUBJECTS = [("3d-gebouwen", "3D-gebouwen"), ("boomkronen", "Boomkronen in 3D"), ("hittestress", "Hittestress 2025"),
            ("puntenwolk", "Puntenwolk AHN"), ("overstroming", "Overstromingsdiepte")]

NAMESPACES = ('xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco" '
              'xmlns:gmx="http://www.isotc211.org/2005/gmx" xmlns:gml="http://www.opengis.net/gml/3.2" '
              'xmlns:xlink="http://www.w3.org/1999/xlink"')


def text(value):
    return f"<gco:CharacterString>{escape(value)}</gco:CharacterString>"


def make_record(i, rng, stamp, title_suffix=""):
    code, city, lon, lat = MUNICIPALITIES[i % len(MUNICIPALITIES)]
    slug, subject = SUBJECTS[i % len(SUBJECTS)]
    west, south = lon + rng.uniform(-0.05, 0.05), lat + rng.uniform(-0.05, 0.05)
    ident = f"{slug}-{code}-{i:06d}"
    title = f"{subject} {city} deel {i}{title_suffix}"
    return f"""<gmd:MD_Metadata>
<gmd:fileIdentifier>{text(ident)}</gmd:fileIdentifier>
<gmd:language><gmd:LanguageCode codeList="http://www.loc.gov/standards/iso639-2/" codeListValue="dut">Nederlands</gmd:LanguageCode></gmd:language>
<gmd:hierarchyLevel><gmd:MD_ScopeCode codeList="#MD_ScopeCode" codeListValue="dataset">dataset</gmd:MD_ScopeCode></gmd:hierarchyLevel>
<gmd:contact><gmd:CI_ResponsibleParty><gmd:organisationName>{text("Gemeente " + city)}</gmd:organisationName>
<gmd:contactInfo><gmd:CI_Contact><gmd:address><gmd:CI_Address><gmd:electronicMailAddress>{text("geo@" + code + ".example")}</gmd:electronicMailAddress></gmd:CI_Address></gmd:address></gmd:CI_Contact></gmd:contactInfo>
<gmd:role><gmd:CI_RoleCode codeList="#CI_RoleCode" codeListValue="pointOfContact">contactpunt</gmd:CI_RoleCode></gmd:role></gmd:CI_ResponsibleParty></gmd:contact>
<gmd:dateStamp><gco:DateTime>{stamp}</gco:DateTime></gmd:dateStamp>
<gmd:referenceSystemInfo><gmd:MD_ReferenceSystem><gmd:referenceSystemIdentifier><gmd:RS_Identifier><gmd:code><gmx:Anchor xlink:href="http://www.opengis.net/def/crs/EPSG/0/28992">Amersfoort / RD New</gmx:Anchor></gmd:code></gmd:RS_Identifier></gmd:referenceSystemIdentifier></gmd:MD_ReferenceSystem></gmd:referenceSystemInfo>
<gmd:identificationInfo><gmd:MD_DataIdentification>
<gmd:citation><gmd:CI_Citation><gmd:title>{text(title)}</gmd:title>
<gmd:date><gmd:CI_Date><gmd:date><gco:Date>2024-01-01</gco:Date></gmd:date><gmd:dateType><gmd:CI_DateTypeCode codeList="#CI_DateTypeCode" codeListValue="creation">creatie</gmd:CI_DateTypeCode></gmd:dateType></gmd:CI_Date></gmd:date></gmd:CI_Citation></gmd:citation>
<gmd:abstract>{text(f"{subject} van de gemeente {city}, tegel {i}, gemaakt voor de digitale tweeling.")}</gmd:abstract>
<gmd:pointOfContact><gmd:CI_ResponsibleParty><gmd:organisationName><gmx:Anchor xlink:href="https://identifier.overheid.nl/tooi/id/gemeente/{code}">Gemeente {escape(city)}</gmx:Anchor></gmd:organisationName>
<gmd:role><gmd:CI_RoleCode codeList="#CI_RoleCode" codeListValue="owner">eigenaar</gmd:CI_RoleCode></gmd:role></gmd:CI_ResponsibleParty></gmd:pointOfContact>
<gmd:descriptiveKeywords><gmd:MD_Keywords><gmd:keyword><gmx:Anchor xlink:href="http://inspire.ec.europa.eu/theme/bu">Gebouwen</gmx:Anchor></gmd:keyword>
<gmd:thesaurusName><gmd:CI_Citation><gmd:title><gmx:Anchor xlink:href="http://www.eionet.europa.eu/gemet/inspire_themes">GEMET - INSPIRE themes, version 1.0</gmx:Anchor></gmd:title></gmd:CI_Citation></gmd:thesaurusName></gmd:MD_Keywords></gmd:descriptiveKeywords>
<gmd:descriptiveKeywords><gmd:MD_Keywords><gmd:keyword>{text("3D")}</gmd:keyword><gmd:keyword>{text(slug)}</gmd:keyword><gmd:keyword>{text(city)}</gmd:keyword></gmd:MD_Keywords></gmd:descriptiveKeywords>
<gmd:resourceConstraints><gmd:MD_LegalConstraints><gmd:otherConstraints><gmx:Anchor xlink:href="http://creativecommons.org/licenses/by/4.0/deed.nl">CC BY 4.0</gmx:Anchor></gmd:otherConstraints></gmd:MD_LegalConstraints></gmd:resourceConstraints>
<gmd:extent><gmd:EX_Extent><gmd:geographicElement><gmd:EX_GeographicBoundingBox>
<gmd:westBoundLongitude><gco:Decimal>{west:.5f}</gco:Decimal></gmd:westBoundLongitude><gmd:eastBoundLongitude><gco:Decimal>{west + 0.01:.5f}</gco:Decimal></gmd:eastBoundLongitude>
<gmd:southBoundLatitude><gco:Decimal>{south:.5f}</gco:Decimal></gmd:southBoundLatitude><gmd:northBoundLatitude><gco:Decimal>{south + 0.01:.5f}</gco:Decimal></gmd:northBoundLatitude>
</gmd:EX_GeographicBoundingBox></gmd:geographicElement></gmd:EX_Extent></gmd:extent>
</gmd:MD_DataIdentification></gmd:identificationInfo>
<gmd:distributionInfo><gmd:MD_Distribution><gmd:transferOptions><gmd:MD_DigitalTransferOptions>
<gmd:onLine><gmd:CI_OnlineResource><gmd:linkage><gmd:URL>https://service.{code}.example/wms?service=WMS&amp;version=1.3.0&amp;request=GetCapabilities</gmd:URL></gmd:linkage><gmd:protocol><gmx:Anchor xlink:href="http://www.opengis.net/def/serviceType/ogc/wms">OGC:WMS</gmx:Anchor></gmd:protocol><gmd:name>{text(ident)}</gmd:name></gmd:CI_OnlineResource></gmd:onLine>
<gmd:onLine><gmd:CI_OnlineResource><gmd:linkage><gmd:URL>https://data.{code}.example/{ident}/tileset.json</gmd:URL></gmd:linkage><gmd:protocol>{text("download")}</gmd:protocol><gmd:name>{text("3D Tiles")}</gmd:name></gmd:CI_OnlineResource></gmd:onLine>
</gmd:MD_DigitalTransferOptions></gmd:transferOptions></gmd:MD_Distribution></gmd:distributionInfo>
<gmd:dataQualityInfo><gmd:DQ_DataQuality><gmd:lineage><gmd:LI_Lineage><gmd:statement>{text("Afgeleid uit BAG en AHN4.")}</gmd:statement></gmd:LI_Lineage></gmd:lineage></gmd:DQ_DataQuality></gmd:dataQualityInfo>
</gmd:MD_Metadata>"""


class Catalog:
    def __init__(self, n):
        rng = random.Random(1)
        self.lock = threading.Lock()
        self.tick = 0
        self.records = {}  # i -> (dateStamp, xml)
        for i in range(n):
            stamp = self.stamp()
            self.records[i] = (stamp, make_record(i, rng, stamp))
        self.rng = rng
        self.requests = 0

    def stamp(self):
        self.tick += 1
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(1735689600 + self.tick))

    def change(self, fraction):
        with self.lock:
            keys = self.rng.sample(sorted(self.records), max(1, int(len(self.records) * fraction)))
            for k in keys:
                stamp = self.stamp()
                self.records[k] = (stamp, make_record(k, random.Random(k), stamp, " (bijgewerkt)"))
            return len(keys)

    def get_records(self, body):
        start = int(re.search(r'startPosition="(\d+)"', body).group(1))
        size = int(re.search(r'maxRecords="(\d+)"', body).group(1))
        since = re.search(r"apiso:Modified</ogc:PropertyName><ogc:Literal>([^<]+)<", body)
        with self.lock:
            self.requests += 1
            listed = sorted(self.records.values())
        if since:
            listed = [r for r in listed if r[0] >= since.group(1)]
        page = listed[start - 1:start - 1 + size]
        nxt = start + len(page) if start - 1 + len(page) < len(listed) else 0
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<csw:GetRecordsResponse '
                f'xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" {NAMESPACES} version="2.0.2">'
                f'<csw:SearchStatus timestamp="2026-01-01T00:00:00Z"/>'
                f'<csw:SearchResults numberOfRecordsMatched="{len(listed)}" numberOfRecordsReturned="{len(page)}" '
                f'nextRecord="{nxt}" recordSchema="http://www.isotc211.org/2005/gmd" elementSet="full">\n'
                + "\n".join(r[1] for r in page) + "</csw:SearchResults></csw:GetRecordsResponse>\n").encode()


def serve(catalog):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            if self.path.split("?")[0] != "/geonetwork/srv/dut/csw":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
            answer = catalog.get_records(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--page-size", type=int, default=500, help="records per page (the hub's --items-page-size; "
                        "at most 500 for CSW)")
    parser.add_argument("--build-dir", default=os.environ.get("TWEELING_BENCH_BUILD", os.path.join(ROOT, "build-bench")))
    args = parser.parse_args()
    fed = os.path.join(args.build_dir, "bin", "twin-federation")
    if not os.access(fed, os.X_OK):
        sys.exit(f"{fed} not found: build it first (cmake --build {args.build_dir} --target twin-federation)")

    catalog = Catalog(args.records)
    server = serve(catalog)
    url = f"http://127.0.0.1:{server.server_address[1]}/geonetwork/srv/dut/csw"
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "hub.db")
        subprocess.run([fed, "sources", "add", "--db", db, "--id", "ngr", "--kind", "csw", "--url", url,
                        "--allow-private", "--timeout-ms", "120000"], check=True, stdout=subprocess.DEVNULL)

        def harvest(label, *extra):
            before = catalog.requests
            started = time.monotonic()
            subprocess.run([fed, "harvest", "--db", db, "--items-page-size", str(args.page_size), *extra],
                           check=True, stdout=subprocess.DEVNULL)
            seconds = time.monotonic() - started
            report = json.loads(subprocess.run([fed, "report", "--db", db, "--source", "ngr", "--json"],
                                               check=True, capture_output=True, text=True).stdout)
            row = (label, report["pages"], catalog.requests - before, seconds, report["counts"]["added"],
                   report["counts"]["updated"], report["counts"]["unchanged"], report["status"])
            print(f"{label}: {row[1]} pages ({row[2]} requests) in {seconds:.2f} s; added {row[4]}, updated {row[5]}, "
                  f"unchanged {row[6]}, status {row[7]}", flush=True)
            rows.append(row)

        harvest("full harvest into an empty hub")
        harvest("no changes")
        changed = catalog.change(0.01)
        harvest(f"{changed} records (1%) changed")
        harvest("forced full listing (--full-listing-every 1)", "--full-listing-every", "1")
    server.shutdown()

    print()
    print(f"| round ({args.records:,} ISO records, {args.page_size} a page) | pages | seconds | added | updated | unchanged |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, pages, _, seconds, added, updated, unchanged, _ in rows:
        print(f"| {label} | {pages} | {seconds:.2f} | {added:,} | {updated:,} | {unchanged:,} |")


if __name__ == "__main__":
    main()
