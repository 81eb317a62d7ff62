#!/usr/bin/env python3
"""Turns the measurements of one bench/run.sh run (bench/.data/run/) into a Markdown table.

    bench/report.py bench/.data/run > last-run.md

Targets are the national-scale targets (bench/README.md); the 1,000,000-record ones are shown
beside any size for reference (they apply at 1M), the pycsw ones apply at 100,000.
"""
import json
import os
import sys

PYCSW_BEST_RPS = {"q": 3.8, "bbox": 29.0, "qbbox": 20.0}  # the pycsw baseline (bench/README.md), 100k, better set-up


def load_facts(run):
    facts = {}
    with open(os.path.join(run, "facts.env"), encoding="utf-8") as handle:
        for line in handle:
            if "=" in line:
                key, _, value = line.rstrip("\n").partition("=")
                facts[key] = value
    return facts


def number(facts, key):
    try:
        return float(facts.get(key, ""))
    except ValueError:
        return None


def cpu_of(run, name):
    """User + system seconds and the CPU share from a `/usr/bin/time -v` file, or (None, None)."""
    user = system = share = None
    try:
        with open(os.path.join(run, name + ".time"), encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.strip().rpartition(": ")
                if key == "User time (seconds)":
                    user = float(value)
                elif key == "System time (seconds)":
                    system = float(value)
                elif key == "Percent of CPU this job got":
                    share = value
    except OSError:
        pass
    return (user + system if user is not None and system is not None else None), share


def fmt_int(value):
    return "n/a" if value is None else f"{int(round(value)):,}"


def fmt_s(value):
    if value is None:
        return "n/a"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def fmt_ms(value):
    if value is None:
        return "n/a"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def fmt_mib(kb=None, size=None):
    if kb is not None:
        size = kb * 1024
    if size is None:
        return "n/a"
    return f"{size / 1048576:,.0f} MiB"


def verdict(ok):
    return "met" if ok else "**missed**"


def main():
    run = sys.argv[1]
    facts = load_facts(run)
    latency = []
    path = os.path.join(run, "latency.jsonl")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            latency = [json.loads(line) for line in handle if line.strip()]
    publish = {}
    path = os.path.join(run, "publish.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            publish = json.load(handle)

    records = int(facts["records"])
    out = []
    w = out.append
    w(f"### {records:,} records, {int(facts['sources']):,} sources — {facts.get('date', '')}")
    w("")
    w(f"Machine: `nproc` = {facts.get('nproc')}, {facts.get('memory')} RAM. Commit {facts.get('commit')}. "
      f"Command: `{facts.get('command')}`. Data: {int(facts.get('data_bytes', 0)) / 1048576:,.0f} MiB of NDJSON "
      f"(~{int(facts.get('data_bytes', 0)) / records:,.0f} bytes a record). Feed server: {facts.get('feed_server_load', '')}. "
      f"Load average at start {facts.get('loadavg_start', 'n/a')}, at end {facts.get('loadavg_end', 'n/a')} "
      "(other work shares these cores).")
    w("")

    w("| harvest (`twin-federation harvest`, all sources) | figure | target (at 1M) |")
    w("| --- | --- | --- |")
    h1 = number(facts, "harvest1_seconds")
    added = number(facts, "harvest1_added") or 0
    rate = added / h1 if h1 else None
    w(f"| full harvest into an empty hub | {fmt_s(h1)} = **{fmt_int(rate)} records/s** "
      f"({fmt_int(added)} added, {fmt_int(number(facts, 'harvest1_rejected'))} rejected, "
      f"{fmt_int(number(facts, 'harvest1_pages'))} pages, {fmt_int(number(facts, 'harvest1_failed'))} sources failed); "
      f"CPU {fmt_s(cpu_of(run, 'harvest1')[0])} ({cpu_of(run, 'harvest1')[1]} of one core) = "
      f"{fmt_int(added / cpu_of(run, 'harvest1')[0] if cpu_of(run, 'harvest1')[0] else None)} records per CPU-second "
      f"| ≤ 60 s, ≥ 17,000 records/s: {verdict(rate is not None and rate >= 17000)} |")
    h2 = number(facts, "harvest2_seconds")
    w(f"| second harvest, nothing changed | {fmt_s(h2)} ({fmt_int(number(facts, 'harvest2_added'))} added, "
      f"{fmt_int(number(facts, 'harvest2_updated'))} updated, {fmt_int(number(facts, 'harvest2_pages'))} pages) "
      f"| ≤ 3 s: {verdict(h2 is not None and h2 <= 3)} |")
    h3 = number(facts, "harvest3_seconds")
    w(f"| harvest after 1% changed ({fmt_int(number(facts, 'mutate_changed'))} records) | {fmt_s(h3)} "
      f"({fmt_int(number(facts, 'harvest3_updated'))} updated, {fmt_int(number(facts, 'harvest3_added'))} added, "
      f"{fmt_int(number(facts, 'harvest3_rejected'))} rejected) | — |")
    rss = [number(facts, f"harvest{i}_rss_kb") for i in (1, 2, 3)]
    peak = max([r for r in rss if r is not None], default=None)
    w(f"| hub peak RSS during harvest (`/usr/bin/time -v`) | {fmt_mib(kb=rss[0])} (full), {fmt_mib(kb=rss[1])} "
      f"(unchanged), {fmt_mib(kb=rss[2])} (1%) | ≤ 1 GiB: {verdict(peak is not None and peak <= 1048576)} |")
    db = number(facts, "hub_db_bytes")
    at_million = (db or 0) / max(records, 1) * 1_000_000
    w(f"| hub database on disk (db + wal) | {fmt_mib(size=db)} ({(db or 0) / max(records, 1):,.0f} bytes a record; "
      f"× 1M ≈ {at_million / 1024 ** 3:.1f} GiB) | ≤ 3 GiB: {verdict(db is not None and at_million <= 3 * 1024 ** 3)} |")
    w("")

    w(f"| search on the hub (`serve --no-harvest`), {facts.get('requests')} sequential keep-alive requests | "
      "numberMatched | p50 | p95 | p99 | p99 ≤ 15 ms (at 1M) |")
    w("| --- | ---: | ---: | ---: | ---: | --- |")
    for row in latency:
        query = row["query"].replace("%3D", "=").replace("%27", "'")
        label = f"{row['name']}: `{query}`"
        if row.get("status") != 200:
            w(f"| {label} | n/a ({row.get('status')}) | n/a ({row.get('status')}) | | | not implemented |")
            continue
        p99 = row.get("p99_ms")
        target = verdict(p99 is not None and p99 <= 15)
        if row["name"] in ("q + bbox + datetime", "pycsw q + bbox"):
            target += f"; p50 ≤ 3 ms: {verdict(row.get('p50_ms', 1e9) <= 3)}"
        w(f"| {label} | {fmt_int(row.get('numberMatched'))} | {fmt_ms(row.get('p50_ms'))} | {fmt_ms(row.get('p95_ms'))} "
          f"| {fmt_ms(p99)} | {target} |")
    w("")

    health = number(facts, "wrk_health_rps")
    w(f"| throughput, `wrk -t2 -c32 -d{facts.get('duration')}s` keep-alive | requests/s | wrk p50 · p99 "
      "| share of `/health` (target ≥ 40%) | × better pycsw at 100k (target ≥ 100×) |")
    w("| --- | ---: | --- | --- | --- |")
    if health is None:
        w("| (wrk not available) | n/a | | | |")
    else:
        w(f"| `/health` (the server's ceiling) | {fmt_int(health)} | {facts.get('wrk_health_p50')} · "
          f"{facts.get('wrk_health_p99')} | 100% | — |")
        rows = []
        for fresh in (False, True):
            for key, label in (("qbbox", "`q=hittestress&bbox=4.5,51.8,5.5,52.4&limit=10`"),
                               ("q", "`q=hittestress&limit=10`"), ("bbox", "`bbox=4.5,51.8,5.5,52.4&limit=10`")):
                rows.append((key, key + "_fresh" if fresh else key,
                             label + (", `Cache-Control: no-cache` (searched afresh)" if fresh
                                      else ", repeated (the search page cache)")))
        for key, fact_key, label in rows:
            rps = number(facts, f"wrk_{fact_key}_rps")
            if rps is None:
                w(f"| {label} | n/a | | | |")
                continue
            share = rps / health if health else 0
            times = rps / PYCSW_BEST_RPS[key]
            errors = number(facts, f"wrk_{fact_key}_errors") or 0
            note = f" ({fmt_int(errors)} errors)" if errors else ""
            w(f"| {label}{note} | {fmt_int(rps)} | {facts.get(f'wrk_{fact_key}_p50')} · {facts.get(f'wrk_{fact_key}_p99')} | "
              f"{share:.1%}: {verdict(share >= 0.4)} | {times:,.1f}× ({PYCSW_BEST_RPS[key]} req/s): "
              f"{verdict(times >= 100)} |")
    w("")

    w("| publishing and memory | figure |")
    w("| --- | --- |")
    if publish:
        w(f"| single PUTs over keep-alive on a node ({publish.get('puts')} records, statuses {publish.get('statuses')}) | "
          f"**{publish.get('per_second', 0):,.0f} records/s** (p50 {fmt_ms(publish.get('p50_ms'))}, "
          f"p99 {fmt_ms(publish.get('p99_ms'))}) |")
    imp = number(facts, "import_seconds")
    w(f"| `twin-registry import` of the NDJSON ({facts.get('import_summary', '')}) | {fmt_s(imp)} = "
      f"**{fmt_int(records / imp if imp else None)} records/s** (CPU {fmt_s(cpu_of(run, 'import')[0])}, "
      f"{cpu_of(run, 'import')[1]} of one core), peak RSS {fmt_mib(kb=number(facts, 'import_rss_kb'))}, "
      f"database {fmt_mib(size=number(facts, 'import_db_bytes'))} |")
    w(f"| serving hub VmHWM after the searches and wrk | {fmt_mib(kb=number(facts, 'hub_rss_kb'))} "
      f"(at start {fmt_mib(kb=number(facts, 'hub_rss_kb_idle'))}) |")
    w(f"| serving node VmHWM after the PUTs | {fmt_mib(kb=number(facts, 'node_rss_kb'))} |")
    w(f"| adding the sources (`sources add` × {facts.get('sources')}) | {fmt_s(number(facts, 'sources_add_seconds'))} |")
    print("\n".join(out))


if __name__ == "__main__":
    main()
