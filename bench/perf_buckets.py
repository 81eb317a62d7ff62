#!/usr/bin/env python3
"""Inclusive shares of the harvest path's parts in a `perf record -g --call-graph dwarf` profile.

    perf record -F 499 -g --call-graph dwarf,16384 -o perf.data build-bench/bin/twin-federation harvest --db hub.db
    perf script -i perf.data -F comm,tid,ip,sym | bench/perf_buckets.py

A sample counts for a part when the part's function is anywhere on its stack (so parts nest and do
not add up to 100%). Used for the analysis in RESULTS.md.
"""
import collections
import sys

# perf script output: a sample header line, then one "\tADDR SYMBOL (DSO)" line per frame, a blank line between samples
buckets = [
    ("JSON parse of feed pages (parseUntrusted)", "tweeling::common::parseUntrusted"),
    ("profile validation (Profile::validate)", "tweeling::registry::record::Profile::validate"),
    ("  of which std::regex", "std::__detail::_Executor"),
    ("extractIndexFields", "tweeling::registry::record::extractIndexFields"),
    ("normalizeForStorage", "tweeling::registry::record::normalizeForStorage"),
    ("content hash (canonical JSON + SHA-256)", "tweeling::federation::adapters::contentHash"),
    ("serialising the stored JSON (toString)", "tweeling::common::toString"),
    ("Store::apply (SQLite writes + commit)", "tweeling::registry::store::Store::apply"),
    ("  putInTransaction", "tweeling::registry::store::Store::Private::putInTransaction"),
    ("  statement-savepoint release (FTS5 flush per statement)", "sqlite3VtabSavepoint"),
    ("  commit", "tweeling::registry::store::Transaction::commit"),
    ("  WAL checkpoint", "sqlite3WalCheckpoint"),
    ("libcurl transfer / receive", "curl_multi_perform"),
    ("malloc/free (all)", "malloc"),
]
counts = collections.Counter()
total = 0
stack = []


def flush():
    global total
    if not stack:
        return
    total += 1
    text = "\n".join(stack)
    for name, needle in buckets:
        if needle in text:
            counts[name] += 1


for line in sys.stdin:
    if line.startswith("\t") or line.startswith(" "):
        stack.append(line.strip())
    else:  # a blank line or the next sample's header
        flush()
        stack = []
flush()
print("samples", total)
for name, _ in buckets:
    print(f"{100.0 * counts[name] / max(total, 1):5.1f}%  {name}")
