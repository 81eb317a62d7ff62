#!/usr/bin/env python3
"""A bounded load soak of one node: searchers, publishers and a harvesting hub at the same time,
then checks that nothing was lost, nothing failed and nothing grew (bench/README.md, "Load soak").

    bench/soak.py [--duration 180] [--records 20000] [--bin-dir build/bin]
    bench/soak.py --quick                       # ~45 s, as ctest soak_quick runs it

It builds nothing: it runs the built twin-registry and twin-federation (--bin-dir, or --registry and
--federation) and wrk (Debian package wrk). In a temporary directory it seeds a node with --records
generated records (bench/generate.py, `twin-registry import`), starts the node and a hub harvesting
it every 10 s, both on 127.0.0.1 on free ports with their rate limits off, and for --duration
seconds runs together:
  - wrk (bench/soak.lua): searches that differ in every request (q, bbox, CQL2 filter, datetime,
    value lists, facets, sortby, limit, offset, f=json/html), record reads, feed pages;
  - --publishers threads (bench/publish.py's Publisher) creating records with PUT and POST,
    replacing seeded ones and deleting their own, about --write-rate writes a second in all, each
    acknowledged write remembered;
  - a sampler reading VmRSS, Threads and the open descriptors of the node and the hub.
Then it asks the hub for one last round and checks (exit status 1 when one fails):
  - no 5xx to any client (wrk, publishers, the hub: the node's own /metrics), no 4xx to the requests
    meant as valid, no socket errors;
  - every acknowledged write is what GET answers and what the node's /feed holds; the hub, once it
    has the node's latest seq, holds exactly the node's records;
  - the node's RSS at the end is at most 10% above its sample after warm-up (--warm-up: a quarter of
    the run), its open descriptors and threads no more than a few above theirs;
  - node and hub stop cleanly on SIGTERM (exit status 0).
Everything it starts is stopped, also on failure or Ctrl-C; the directory is deleted unless --keep.
"""
import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests", "support"))
import generate  # noqa: E402
from live_server import Server  # noqa: E402
from publish import Publisher, item_path, read_keys  # noqa: E402

NODE_ID = "soak-node"
SOURCE_ID = "node"
# What a hub adds to a record it holds (README, "Record size"), left out when comparing it with the node's.
HUB_MEMBERS = ("harvest", "validation", "signature", "verified")
# The node's gauges of what it holds in memory, printed beside its RSS.
MEMORY_GAUGES = ("tweeling_term_index_terms", "tweeling_term_index_bytes", "tweeling_search_cache_entries",
                 "tweeling_records")
RSS_GROWTH_LIMIT = 0.10
FD_SLACK = 8
THREAD_SLACK = 2


def log(message):
    print("[soak %s] %s" % (time.strftime("%H:%M:%S"), message), file=sys.stderr, flush=True)


def now_rfc3339():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# --- the processes ------------------------------------------------------------------------------

def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError("%s failed (exit %d):\n%s" % (" ".join(command), result.returncode, result.stderr[-3000:]))
    return result


def loadavg():
    with open("/proc/loadavg", encoding="utf-8") as handle:
        return " ".join(handle.read().split()[:3])


def sample(pid):
    """(VmRSS in KiB, open descriptors, threads, RssFile in KiB) of a live process. RssFile is the part
    of VmRSS that maps files (the program and its libraries, and any mmap of the database)."""
    with open("/proc/%d/status" % pid, encoding="utf-8") as handle:
        status = handle.read()

    def field(name):
        return int(re.search(r"^%s:\s+(\d+)" % name, status, re.M).group(1))
    return field("VmRSS"), len(os.listdir("/proc/%d/fd" % pid)), field("Threads"), field("RssFile")


class Sampler(threading.Thread):
    """Samples the node and the hub every `interval` seconds until stopped."""

    def __init__(self, pids, interval, started, node_url):
        super().__init__(daemon=True)
        self.pids, self.interval, self.started = pids, interval, started
        self.samples = {name: [] for name in pids}  # name -> [(seconds since start, rss, fds, threads, files)]
        self.gauges = []  # (seconds since start, {gauge: value}) of the node's /metrics
        self.client = Publisher(node_url, timeout=60)
        self.stopping = threading.Event()

    def take(self):
        at = time.monotonic() - self.started
        for name, pid in self.pids.items():
            try:
                self.samples[name].append((at,) + sample(pid))
            except (OSError, AttributeError):
                pass  # it exited: the checks say so
        try:
            text = self.client.request("GET", "/metrics")[2].decode("utf-8", "replace")
            self.gauges.append((at, {name: metric(text, name, None) for name in MEMORY_GAUGES}))
        except Exception:  # a gauge is only printed; the checks read /metrics themselves
            pass

    def run(self):
        while not self.stopping.wait(self.interval):
            self.take()


# --- the publishers -----------------------------------------------------------------------------

class PublisherThread(threading.Thread):
    """Writes until the deadline at about `rate` writes a second: new records by PUT and by POST,
    replacements of its share of the seeded records, deletions of its own new records. Remembers what
    each acknowledged write left (id -> (title, updated), or None when deleted)."""

    CYCLE = ("put-new", "update", "post-new", "update", "delete", "delete")

    def __init__(self, number, count, base, keys, seeds, deadline, rate):
        super().__init__(daemon=True)
        self.number, self.base, self.keys, self.deadline, self.rate = number, base, keys, deadline, rate
        self.mine = seeds[number::count]  # (id, line) of the seeded records only this thread replaces
        self.templates = seeds
        self.expected = {}
        self.created = []  # own new ids, oldest first, not deleted yet
        self.failures = []
        self.writes = {}
        self.serial = 0

    def record(self, line, record_id):
        record = json.loads(line)
        self.serial += 1
        record["properties"]["title"] += " (soak %d-%d)" % (self.number, self.serial)
        record["properties"]["updated"] = now_rfc3339()
        if record_id is None:
            record.pop("id", None)
        else:
            record["id"] = record_id
        return record

    def key_of(self, record):
        return self.keys[record["properties"]["publisher"]["id"]]

    def acknowledge(self, operation, status, wanted, record_id, record, body):
        self.writes[operation] = self.writes.get(operation, 0) + 1
        if status not in wanted:
            self.failures.append("%s %s: %d %s" % (operation, record_id, status, body[:300].decode("utf-8", "replace")))
            return False
        self.expected[record_id] = None if record is None else (record["properties"]["title"],
                                                                record["properties"]["updated"])
        return True

    def write(self, client, operation):
        if operation == "delete" and not self.created:
            operation = "update"
        if operation == "put-new":
            record_id = "soak-%d-%d" % (self.number, self.serial + 1)
            record = self.record(self.templates[self.serial % len(self.templates)][1], record_id)
            status, _, body = client.put(record_id, self.key_of(record), json.dumps(record).encode("utf-8"))
            if self.acknowledge(operation, status, (201,), record_id, record, body):
                self.created.append((record_id, self.key_of(record)))
        elif operation == "post-new":
            record = self.record(self.templates[(self.serial * 7) % len(self.templates)][1], None)
            status, headers, body = client.request("POST", "/collections/twins/items", self.key_of(record),
                                                   json.dumps(record).encode("utf-8"))
            location = headers.get("location", "")
            record_id = urllib.parse.unquote(location.rsplit("/", 1)[-1]) if location else "(no Location)"
            if self.acknowledge(operation, status, (201,), record_id, record, body):
                self.created.append((record_id, self.key_of(record)))
        elif operation == "update":
            record_id, line = self.mine[self.serial % len(self.mine)]
            record = self.record(line, record_id)
            status, _, body = client.put(record_id, self.key_of(record), json.dumps(record).encode("utf-8"))
            self.acknowledge(operation, status, (200,), record_id, record, body)
        else:
            record_id, key = self.created.pop(0)
            status, _, body = client.request("DELETE", item_path(record_id), key)
            self.acknowledge(operation, status, (200, 204), record_id, None, body)

    def run(self):
        client = Publisher(self.base, timeout=120)
        step = 0
        interval = 1.0 / self.rate
        next_at = time.monotonic()
        while time.monotonic() < self.deadline:
            try:
                self.write(client, self.CYCLE[step % len(self.CYCLE)])
            except Exception as error:  # no answer: the write's outcome is unknown, which is a failure
                self.failures.append("%s: no answer (%s: %s)" % (self.CYCLE[step % len(self.CYCLE)],
                                                                  type(error).__name__, error))
                client.close()
            step += 1
            next_at += interval
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            else:
                next_at = time.monotonic()
        client.close()


# --- reading the node and the hub ---------------------------------------------------------------

def get_json(client, path):
    status, _, body = client.request("GET", path)
    if status != 200:
        raise RuntimeError("GET %s answered %d: %s" % (path, status, body[:300].decode("utf-8", "replace")))
    return json.loads(body)


def read_feed(client):
    """The whole feed as {(origin, id): entry}, the last entry of each, and the latest seq."""
    entries, after, latest = {}, 0, 0
    while True:
        page = get_json(client, "/feed?after=%d&limit=5000" % after)
        latest = page["latest"]
        for entry in page["entries"]:
            entries[(entry["origin"], entry["id"])] = entry
            after = max(after, entry["seq"])
        if not page.get("next") or not page["entries"]:
            return entries, latest


def without_hub_members(record):
    return {name: value for name, value in record.items() if name not in HUB_MEMBERS}


def metric(text, name, labels):
    """A sample of a Prometheus text exposition: `name{labels} value` (`name value` when labels is None)."""
    selector = re.escape(name) + ("" if labels is None else r"\{%s\}" % re.escape(labels))
    match = re.search(r"^%s (\S+)$" % selector, text, re.M)
    return float(match.group(1)) if match else None


# --- the soak -----------------------------------------------------------------------------------

class Soak:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.servers = []
        self.wrk = None
        self.directory = None

    def check(self, condition, message):
        print(("ok    " if condition else "FAIL  ") + message, flush=True)
        if not condition:
            self.failures.append(message)

    def start(self, command, name):
        server = Server(command, os.path.join(self.directory, name + ".log"))
        self.servers.append(server)
        return server

    def seed(self):
        args = self.args
        data = os.path.join(self.directory, "seed.ndjson")
        seeds, publishers = [], set()
        with open(data, "w", encoding="utf-8") as handle:
            for record in generate.records(args.records, seed=1):
                line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                handle.write(line + "\n")
                seeds.append((record["id"], line))
                publishers.add(record["properties"]["publisher"]["id"])
        db = os.path.join(self.directory, "node.db")
        keys = os.path.join(self.directory, "keys.tsv")
        with open(keys, "w", encoding="utf-8") as handle:
            for publisher in sorted(publishers):
                key = run([args.registry, "keys", "create", "--db", db, "--node-id", NODE_ID, "--publisher",
                           publisher]).stdout.strip()
                handle.write("%s\t%s\n" % (publisher, key))
        started = time.monotonic()
        run([args.registry, "import", "--db", db, "--node-id", NODE_ID, data])
        log("seeded %d records in %.1f s" % (len(seeds), time.monotonic() - started))
        return db, read_keys(keys), seeds

    def main(self):
        args = self.args
        self.directory = tempfile.mkdtemp(prefix="tweeling-soak-")
        log("working in %s" % self.directory)
        db, keys, seeds = self.seed()
        node = self.start([args.registry, "serve", "--db", db, "--node-id", NODE_ID, "--listen", "127.0.0.1:0",
                           "--rate-limit", "0", "--publish-rate-limit", "0"] + ([] if args.log_requests else ["--quiet"]),
                          "node")
        node_client = Publisher(node.url)
        identity = get_json(node_client, "/.well-known/tweeling.json")
        hub_db = os.path.join(self.directory, "hub.db")
        run([args.federation, "sources", "add", "--db", hub_db, "--hub-id", "soak-hub", "--id", SOURCE_ID,
             "--url", node.url, "--every", "10s", "--allow-private", "--public-key", identity["publicKey"]])
        admin_key = run([args.federation, "keys", "create", "--admin", "--db", hub_db]).stdout.strip()
        hub = self.start([args.federation, "serve", "--db", hub_db, "--listen", "127.0.0.1:0", "--no-probes",
                          "--rate-limit", "0", "--publish-rate-limit", "0", "--quiet"], "hub")
        hub_client = Publisher(hub.url)

        # --- the load -------------------------------------------------------------------------------
        duration = args.duration
        log("load for %d s: wrk -t%d -c%d, %d publishers at %.0f writes/s, a hub harvesting every 10 s"
            % (duration, args.wrk_threads, args.connections, args.publishers, args.write_rate))
        load_average = [loadavg()]
        started = time.monotonic()
        sampler = Sampler({"node": node.process.pid, "hub": hub.process.pid}, args.sample_every, started, node.url)
        sampler.take()
        sampler.start()
        wrk_out = os.path.join(self.directory, "wrk.txt")
        with open(wrk_out, "w", encoding="utf-8") as out:
            self.wrk = subprocess.Popen(
                [args.wrk, "-t%d" % args.wrk_threads, "-c%d" % args.connections, "-d%ds" % duration,
                 "--timeout", "30s", "--latency", "-s", os.path.join(ROOT, "bench", "soak.lua"), node.url, "--",
                 str(args.records), "1"], stdout=out, stderr=subprocess.STDOUT)
        deadline = started + duration
        publishers = [PublisherThread(number, args.publishers, node.url, keys, seeds, deadline,
                                      args.write_rate / args.publishers) for number in range(args.publishers)]
        for thread in publishers:
            thread.start()
        for thread in publishers:
            thread.join()
        self.wrk.wait(timeout=duration + 120)
        sampler.take()
        sampler.stopping.set()
        sampler.join()
        load_seconds = time.monotonic() - started
        load_average.append(loadavg())
        log("load done after %.1f s; checking" % load_seconds)

        # --- the figures ----------------------------------------------------------------------------
        with open(wrk_out, encoding="utf-8") as handle:
            wrk_text = handle.read()
        print("\n== wrk (searches, record reads, feed pages) ==")
        print(wrk_text.strip())
        statuses = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", (re.search(r"^SOAK-STATUSES (.*)$", wrk_text,
                                                                                        re.M) or [None, ""])[1]))
        socket_errors = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)",
                                                                (re.search(r"^SOAK-ERRORS (.*)$", wrk_text, re.M)
                                                                 or [None, ""])[1]))
        rps = re.search(r"^Requests/sec:\s+(\S+)", wrk_text, re.M)
        latency = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)",
                                                          (re.search(r"^SOAK-LATENCY-US (.*)$", wrk_text, re.M)
                                                           or [None, ""])[1]))
        writes = {}
        for thread in publishers:
            for operation, count in thread.writes.items():
                writes[operation] = writes.get(operation, 0) + count
        expected = {}
        for thread in publishers:
            expected.update(thread.expected)

        print("\n== figures ==")
        print("load: %.0f s; searchers: wrk -t%d -c%d; %s requests/s; latency p50 %.1f ms, p99 %.1f ms"
              % (load_seconds, args.wrk_threads, args.connections, rps.group(1) if rps else "?",
                 latency.get("p50", 0) / 1000.0, latency.get("p99", 0) / 1000.0))
        print("machine: %d cores; load average (1, 5, 15 min) %s at the start, %s at the end"
              % (os.cpu_count() or 0, load_average[0], load_average[1]))
        print("wrk answers: %s" % ", ".join("%s %d" % (k, statuses.get(k, 0)) for k in ("2xx", "3xx", "4xx", "5xx")))
        print("writes sent: %s (%.1f/s); distinct ids written: %d"
              % (", ".join("%s %d" % item for item in sorted(writes.items())), sum(writes.values()) / load_seconds,
                 len(expected)))
        warm = {}
        for name in ("node", "hub"):
            rows = sampler.samples[name]
            print("%s samples (s: RSS MiB (of which files), fds, threads): %s" % (name, "  ".join(
                "%.0f: %.1f (%.1f) %d %d" % (at, rss / 1024.0, files / 1024.0, fds, threads)
                for at, rss, fds, threads, files in rows)))
            warm[name] = next((row for row in rows if row[0] >= args.warm_up), rows[-1])
        for at, gauges in (sampler.gauges[:1] + [g for g in sampler.gauges if g[0] >= warm["node"][0]][:1]
                           + sampler.gauges[-1:]):
            print("node at %.0f s: %s" % (at, ", ".join("%s %s" % (name.replace("tweeling_", ""),
                                                                  "?" if value is None else "%.0f" % value)
                                                       for name, value in gauges.items())))

        # --- the checks -----------------------------------------------------------------------------
        print("\n== checks ==")
        self.check(bool(statuses) and statuses.get("5xx", 1) == 0,
                   "searchers got no 5xx (%d)" % statuses.get("5xx", -1))
        self.check(bool(statuses) and statuses.get("4xx", 1) == 0,
                   "searchers got no 4xx: every query the soak sends is valid (%d)" % statuses.get("4xx", -1))
        self.check(statuses.get("2xx", 0) > 0, "searchers were answered (%d 2xx)" % statuses.get("2xx", 0))
        self.check(bool(socket_errors) and sum(socket_errors.get(name, 0) for name in ("connect", "read", "write",
                                                                                     "timeout")) == 0,
                   "searchers had no socket errors or timeouts (%s)" % socket_errors)
        failures = [failure for thread in publishers for failure in thread.failures]
        self.check(not failures, "publishers: every write acknowledged (%d not%s)"
                   % (len(failures), (": " + "; ".join(failures[:5])) if failures else ""))
        self.check(len(expected) > 0, "publishers wrote (%d ids)" % len(expected))

        unreadable = []
        for record_id, want in sorted(expected.items()):
            status, _, body = node_client.request("GET", item_path(record_id))
            if want is None:
                if status != 404:
                    unreadable.append("%s: deleted, GET answered %d" % (record_id, status))
                continue
            if status != 200:
                unreadable.append("%s: GET answered %d" % (record_id, status))
                continue
            properties = json.loads(body)["properties"]
            if (properties["title"], properties["updated"]) != want:
                unreadable.append("%s: GET has %r, the write acknowledged %r"
                                  % (record_id, (properties["title"], properties["updated"]), want))
        self.check(not unreadable, "every acknowledged write is what GET answers (%d ids; %d not%s)"
                   % (len(expected), len(unreadable), (": " + "; ".join(unreadable[:5])) if unreadable else ""))

        node_feed, latest = read_feed(node_client)
        missing = []
        for record_id, want in sorted(expected.items()):
            entry = node_feed.get((NODE_ID, record_id))
            if entry is None:
                missing.append("%s: not in the feed" % record_id)
            elif want is None and entry["op"] != "delete":
                missing.append("%s: deleted, the feed has %s" % (record_id, entry["op"]))
            elif want is not None and (entry["op"] != "put" or (entry["record"]["properties"]["title"],
                                                                 entry["record"]["properties"]["updated"]) != want):
                missing.append("%s: the feed has another version" % record_id)
        self.check(not missing, "every acknowledged write is in the node's /feed (latest seq %d; %d not%s)"
                   % (latest, len(missing), (": " + "; ".join(missing[:5])) if missing else ""))
        live = sum(1 for entry in node_feed.values() if entry["op"] == "put")
        self.check(live == args.records + sum(1 for want in expected.values() if want is not None)
                   - sum(1 for record_id in expected if record_id.startswith("rec-")),
                   "the node holds the seeded records plus the new ones not deleted (%d)" % live)

        # The hub's last round: asked for now, finished when its cursor is the node's latest seq.
        status, _, body = hub_client.request("POST", "/sources/%s/harvest" % SOURCE_ID, admin_key)
        self.check(status == 202, "the hub accepts a harvest now (%d)" % status)
        waited_until = time.monotonic() + args.hub_wait
        source = {}
        while time.monotonic() < waited_until:
            source = get_json(hub_client, "/sources/" + SOURCE_ID)
            if source.get("cursor") == latest and source.get("state") == "ok":
                break
            time.sleep(0.5)
        self.check(source.get("cursor") == latest and source.get("state") == "ok",
                   "the hub caught up with the node (cursor %s of %d, state %s, last error %s)"
                   % (source.get("cursor"), latest, source.get("state"), source.get("lastError")))
        hub_feed, _ = read_feed(hub_client)
        node_records = {key: entry["record"] for key, entry in node_feed.items() if entry["op"] == "put"}
        hub_records = {key: without_hub_members(entry["record"]) for key, entry in hub_feed.items()
                       if entry["op"] == "put"}
        differ = [key for key in node_records if key in hub_records and hub_records[key] != node_records[key]]
        only_node = [key for key in node_records if key not in hub_records]
        only_hub = [key for key in hub_records if key not in node_records]
        self.check(not differ and not only_node and not only_hub,
                   "the hub holds exactly the node's records (%d; %d differ, %d missing, %d extra%s)"
                   % (len(node_records), len(differ), len(only_node), len(only_hub),
                      (": " + ", ".join("%s:%s" % key for key in (differ + only_node + only_hub)[:5]))
                      if differ or only_node or only_hub else ""))

        node_metrics = node_client.request("GET", "/metrics")[2].decode("utf-8", "replace")
        hub_metrics = hub_client.request("GET", "/metrics")[2].decode("utf-8", "replace")
        for name, text in (("node", node_metrics), ("hub", hub_metrics)):
            count = metric(text, "tweeling_http_requests_total", 'code="5xx"')
            self.check(count == 0, "the %s answered no 5xx to anyone (its /metrics: %s)" % (name, count))

        first, end = warm["node"], sampler.samples["node"][-1]
        growth = (end[1] - first[1]) / first[1]
        self.check(growth <= RSS_GROWTH_LIMIT or args.no_rss_check, "node RSS after warm-up: %.1f MiB at %.0f s -> %.1f MiB at the end "
                   "(%+.1f%%, limit +%.0f%%)" % (first[1] / 1024.0, first[0], end[1] / 1024.0, growth * 100,
                                                 RSS_GROWTH_LIMIT * 100)
                   + (" [not checked: --no-rss-check]" if args.no_rss_check else ""))
        self.check(end[2] <= first[2] + FD_SLACK, "node open descriptors: %d after warm-up -> %d at the end (slack %d)"
                   % (first[2], end[2], FD_SLACK))
        self.check(end[3] <= first[3] + THREAD_SLACK, "node threads: %d after warm-up -> %d at the end (slack %d)"
                   % (first[3], end[3], THREAD_SLACK))

        for name, server in (("node", node), ("hub", hub)):
            server.stop()
            self.check(server.process.returncode == 0, "the %s stopped cleanly on SIGTERM (exit %s)"
                       % (name, server.process.returncode))
        node_client.close()
        hub_client.close()

        # The hub logs each source's report of each round (an "event":"harvest" line).
        rounds = []
        with open(os.path.join(self.directory, "hub.log"), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if '"event":"harvest"' in line:
                    rounds.append(json.loads(line))
        print("hub rounds: %d; %s" % (len(rounds), ", ".join(
            "%s +%d ~%d -%d" % (r.get("status"), r.get("added", 0), r.get("updated", 0), r.get("deleted", 0))
            for r in rounds)))
        self.check(len(rounds) >= 2 and all(r.get("status") == "ok" and r.get("rejected", 0) == 0 for r in rounds),
                   "the hub harvested the node repeatedly, every round ok with nothing rejected (%d rounds)"
                   % len(rounds))

    def cleanup(self):
        if self.wrk is not None and self.wrk.poll() is None:
            self.wrk.terminate()
            try:
                self.wrk.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.wrk.kill()
                self.wrk.wait()
        for server in self.servers:
            server.stop()
        if self.directory and not self.args.keep:
            shutil.rmtree(self.directory, ignore_errors=True)
        elif self.directory:
            log("kept %s" % self.directory)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=180, help="seconds of load (180)")
    parser.add_argument("--quick", action="store_true",
                        help="the CI soak: 30 s of load, 5,000 records, fewer connections, RSS compared from "
                             "15 s (~45 s in all)")
    parser.add_argument("--warm-up", type=float,
                        help="RSS, descriptors and threads are compared from the first sample this many seconds "
                             "into the load (a quarter of --duration; --quick 15)")
    parser.add_argument("--records", type=int, help="seeded records (20000; --quick 5000)")
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"))
    parser.add_argument("--registry", help="twin-registry (BIN-DIR/twin-registry)")
    parser.add_argument("--federation", help="twin-federation (BIN-DIR/twin-federation)")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--connections", type=int, help="wrk connections (16; --quick 4)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--publishers", type=int, default=2)
    parser.add_argument("--write-rate", type=float, help="writes a second, all publishers together (40; --quick 20)")
    parser.add_argument("--sample-every", type=float, help="seconds between RSS samples (5; --quick 2)")
    parser.add_argument("--hub-wait", type=float, default=120, help="seconds the hub's last round may take (120)")
    parser.add_argument("--no-rss-check", action="store_true",
                        help="print RSS but do not check its growth (for sanitizer builds, whose allocator "
                             "keeps freed memory)")
    parser.add_argument("--log-requests", action="store_true", help="the node logs every request (node.log)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (databases, logs)")
    args = parser.parse_args()
    if args.quick:
        args.duration = 30 if args.duration == 180 else args.duration
        args.warm_up = 15.0 if args.warm_up is None else args.warm_up
    args.warm_up = args.duration * 0.25 if args.warm_up is None else args.warm_up
    args.records = args.records or (5000 if args.quick else 20000)
    args.connections = args.connections or (4 if args.quick else 16)
    args.write_rate = args.write_rate or (20.0 if args.quick else 40.0)
    args.sample_every = args.sample_every or (2.0 if args.quick else 5.0)
    args.registry = args.registry or os.path.join(args.bin_dir, "twin-registry")
    args.federation = args.federation or os.path.join(args.bin_dir, "twin-federation")
    for path in (args.registry, args.federation):
        if not os.access(path, os.X_OK):
            parser.error("%s is not an executable (build it, or give --bin-dir)" % path)
    if not shutil.which(args.wrk):
        parser.error("wrk is not installed (Debian package wrk; deploy/install-deps.sh --tests installs it)")
    if args.duration < 10 or args.records < 100 or args.publishers < 1 or args.write_rate <= 0:
        parser.error("need --duration >= 10, --records >= 100, --publishers >= 1 and --write-rate > 0")

    soak = Soak(args)
    # Stopped by Ctrl-C or SIGTERM, it still stops what it started (a shell without job control
    # starts background commands with SIGINT ignored, which Python would keep).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        soak.main()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    except Exception as error:
        log("error: %s: %s" % (type(error).__name__, error))
        return 1
    finally:
        soak.cleanup()
    if soak.failures:
        print("\nsoak FAILED: %d of the invariants do not hold" % len(soak.failures))
        return 1
    print("\nsoak passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
