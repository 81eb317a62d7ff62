#!/usr/bin/env python3
"""Deterministic generator of synthetic twin records (NDJSON) for benchmarks.

Records are variations of the realistic samples in deploy/samples/: Dutch titles, real municipality
codes, footprints spread over the Netherlands, themes, formats and lineage, 2-4 KB each.

    bench/generate.py --records 100000 --seed 1 [--origins 400] > records.ndjson
"""
import argparse
import copy
import json
import os
import random

MUNICIPALITIES = [
    ("GM0363", "Amsterdam", "PV27"), ("GM0599", "Rotterdam", "PV28"), ("GM0344", "Utrecht", "PV26"),
    ("GM0518", "'s-Gravenhage", "PV28"), ("GM0772", "Eindhoven", "PV30"), ("GM0014", "Groningen", "PV20"),
    ("GM0153", "Enschede", "PV23"), ("GM0758", "Breda", "PV30"), ("GM0268", "Nijmegen", "PV25"),
    ("GM0034", "Almere", "PV24"), ("GM0503", "Delft", "PV28"), ("GM0439", "Purmerend", "PV27"),
    ("GM0479", "Zaanstad", "PV27"), ("GM0546", "Leiden", "PV28"), ("GM0935", "Maastricht", "PV31"),
    ("GM0202", "Arnhem", "PV25"), ("GM0080", "Leeuwarden", "PV21"), ("GM0193", "Zwolle", "PV23"),
    ("GM0687", "Middelburg", "PV29"), ("GM0106", "Assen", "PV22"),
]
SUBJECTS = [
    ("Hittestresskaart", "heat-stress", "hittestress"), ("3D gebouwen LoD2.2", "buildings", "gebouwen"),
    ("Overstromingsmodel", "flooding", "wateroverlast"), ("Bomenregister", "vegetation", "bomen"),
    ("Puntenwolk AHN", "pointcloud", "puntenwolk"), ("Geluidsbelasting wegverkeer", "noise", "geluid"),
    ("Stikstofdepositie", "nitrogen", "stikstof"), ("Hoogtemodel", "terrain", "hoogtemodel"),
    ("Luchtkwaliteit NO2", "air-quality", "luchtkwaliteit"), ("Energielabels gebouwen", "energy", "energie"),
    ("BIM-model stadhuis", "bim", "bim"), ("Riolering en kabels", "subsurface", "ondergrond"),
]


def records(count, seed=1):
    """The generated records, one dict at a time: the same `count` and `seed` give the same records
    (bench/run.sh writes them to NDJSON, bench/soak.py seeds a node with them)."""
    rng = random.Random(seed)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "deploy", "samples")
    templates = []
    # The sample files only: deploy/samples/ also holds the quickstart's 3D Tiles (a folder).
    for name in sorted(n for n in os.listdir(root) if n.endswith(".json")):
        with open(os.path.join(root, name), encoding="utf-8") as handle:
            templates.extend(json.load(handle))
    for index in range(count):
        record = copy.deepcopy(templates[index % len(templates)])
        code, town, province = MUNICIPALITIES[rng.randrange(len(MUNICIPALITIES))]
        subject, theme, word = SUBJECTS[rng.randrange(len(SUBJECTS))]
        year = rng.randrange(2010, 2026)
        record["id"] = "rec-%07d" % index
        props = record["properties"]
        props["title"] = "%s %s %d" % (subject, town, year)
        props["description"] = ("%s voor de gemeente %s (%d). Synthetisch record %d voor benchmarks, "
                                "met %s en %s." % (subject, town, year, index, word, theme))
        props["keywords"] = [word, town.lower(), str(year)]
        props["adminUnits"] = [code, province]
        props["publisher"] = {"id": "https://identifier.overheid.nl/tooi/id/gemeente/" + code.lower(),
                              "name": "Gemeente " + town}
        props["updated"] = "%d-%02d-%02dT12:00:00Z" % (year, rng.randrange(1, 13), rng.randrange(1, 29))
        schemes = [t for t in props["themes"] if t.get("scheme") == "https://w3id.org/tweeling/def/theme"]
        if schemes:
            schemes[0]["concepts"] = [{"id": theme}]
        lon = 3.4 + rng.random() * 3.6
        lat = 50.8 + rng.random() * 2.6
        size = 0.02 + rng.random() * 0.15
        record["geometry"] = {"type": "Polygon", "coordinates": [[
            [round(lon, 5), round(lat, 5)], [round(lon + size, 5), round(lat, 5)],
            [round(lon + size, 5), round(lat + size * 0.6, 5)], [round(lon, 5), round(lat + size * 0.6, 5)],
            [round(lon, 5), round(lat, 5)]]]}
        yield record


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    out = []
    for record in records(args.records, args.seed):
        out.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        if len(out) >= 10000:
            print("\n".join(out))
            out = []
    if out:
        print("\n".join(out))


if __name__ == "__main__":
    main()
