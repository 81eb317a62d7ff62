#!/usr/bin/env bash
# Tweeling national-scale benchmark: harvest, search, publish, memory, size. See bench/README.md.
#
#   bench/run.sh [--records N] [--sources S] [--requests R] [--duration SECONDS] [--puts P]
#                [--build-dir DIR] [--keep]
#
# Defaults: 100,000 records over 400 sources, 1,000 timed requests per search, wrk for 10 s,
# 3,000 single PUTs. Prints a Markdown table on stdout and writes it to bench/.data/last-run.md.
# Everything it starts listens on 127.0.0.1 (a free port) and is stopped on exit.
set -euo pipefail

RECORDS=100000
SOURCES=400
REQUESTS=1000
DURATION=10
PUTS=3000
SEED=1
KEEP=0
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${TWEELING_BENCH_BUILD:-$ROOT/build-bench}"

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
    case "$1" in
        --records) RECORDS="$2"; shift 2 ;;
        --sources) SOURCES="$2"; shift 2 ;;
        --requests) REQUESTS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --puts) PUTS="$2"; shift 2 ;;
        --build-dir) BUILD="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
done
for value in "$RECORDS" "$SOURCES" "$REQUESTS" "$DURATION" "$PUTS"; do
    [[ "$value" =~ ^[0-9]+$ ]] || { echo "bench/run.sh: '$value' is not a whole number" >&2; exit 2; }
done
[ "$SOURCES" -ge 1 ] && [ "$RECORDS" -ge "$SOURCES" ] || { echo "bench/run.sh: need records >= sources >= 1" >&2; exit 2; }

DATA="$ROOT/bench/.data"
RUN="$DATA/run"
FACTS="$RUN/facts.env"
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
fact() { printf '%s=%s\n' "$1" "$2" >> "$FACTS"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
file_bytes() { local total=0 f; for f in "$@"; do [ -f "$f" ] && total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }
max_rss_kb() { sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"; }
vm_hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo ""; }

# --- processes: every one we start is remembered and stopped by its pid on exit -----------------
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_server NAME LOG COMMAND... : starts it in the background, waits for "listening on", sets PORT and PID.
start_server() {
    local name="$1" logfile="$2"
    shift 2
    "$@" 2> "$logfile" > /dev/null &
    PID=$!
    PIDS+=("$PID")
    local waited=0
    until grep -q 'listening on http://' "$logfile" 2>/dev/null; do
        if ! kill -0 "$PID" 2>/dev/null; then
            echo "bench/run.sh: $name exited before listening; its log:" >&2
            tail -20 "$logfile" >&2
            exit 1
        fi
        sleep 0.2
        waited=$((waited + 1))
        if [ "$waited" -gt 3000 ]; then echo "bench/run.sh: $name did not start in 10 minutes" >&2; exit 1; fi
    done
    PORT="$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$logfile" | head -1 | sed 's/.*://')"
}

stop_server() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# --- build, tools, data -----------------------------------------------------------------------------
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    log "configuring a Release build in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DTWEELING_BENCH=ON >&2
fi
if ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release' "$BUILD/CMakeCache.txt"; then
    log "warning: $BUILD is not a Release build; figures will be slow"
fi
log "building (Release, -j${BENCH_JOBS:-2})"
cmake --build "$BUILD" -j"${BENCH_JOBS:-2}" --target twin-registry twin-federation tweeling-bench-feed-server >&2
REG="$BUILD/bin/twin-registry"
FED="$BUILD/bin/twin-federation"
FEEDSRV="$BUILD/bin/tweeling-bench-feed-server"

if ! command -v wrk > /dev/null; then
    log "installing wrk (Debian package)"
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y wrk >&2 || { apt-get update >&2 && apt-get install -y wrk >&2; } || true
    elif command -v sudo > /dev/null; then
        sudo apt-get install -y wrk >&2 || { sudo apt-get update >&2 && sudo apt-get install -y wrk >&2; } || true
    fi
fi
HAVE_WRK=0
command -v wrk > /dev/null && HAVE_WRK=1
[ "$HAVE_WRK" = 1 ] || log "warning: wrk is not available; throughput rows will say n/a"
[ -x /usr/bin/time ] || { echo "bench/run.sh: needs /usr/bin/time (Debian package 'time')" >&2; exit 1; }

mkdir -p "$DATA"
RECORDS_FILE="$DATA/records-$RECORDS-seed$SEED.ndjson"
rm -rf "$RUN"
mkdir -p "$RUN"
: > "$FACTS"
if [ ! -s "$RECORDS_FILE" ]; then
    log "generating $RECORDS records (seed $SEED) into $RECORDS_FILE"
    started=$(now)
    python3 "$ROOT/bench/generate.py" --records "$RECORDS" --seed "$SEED" > "$RECORDS_FILE.tmp"
    mv "$RECORDS_FILE.tmp" "$RECORDS_FILE"
    fact generate_seconds "$(elapsed "$started" "$(now)")"
fi
fact records "$RECORDS"
fact sources "$SOURCES"
fact seed "$SEED"
fact requests "$REQUESTS"
fact duration "$DURATION"
fact data_bytes "$(file_bytes "$RECORDS_FILE")"
fact date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
fact nproc "$(nproc)"
fact memory "$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
fact commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+local changes')"
fact loadavg_start "$(cut -d' ' -f1-3 /proc/loadavg)"
fact command "bench/run.sh --records $RECORDS --sources $SOURCES --requests $REQUESTS --duration $DURATION --puts $PUTS"

# --- the virtual nodes ------------------------------------------------------------------------------
log "starting the feed server: $RECORDS records as $SOURCES virtual nodes"
start_server feed-server "$RUN/feed-server.log" "$FEEDSRV" --data "$RECORDS_FILE" --sources "$SOURCES" --listen 127.0.0.1:0 --threads 2
FEED_PID=$PID
FEED_PORT=$PORT
fact feed_server_load "$(grep -o 'loaded [^"]*' "$RUN/feed-server.log" | head -1)"

HUB_DB="$RUN/hub.db"
log "adding $SOURCES sources to a new hub database"
started=$(now)
# Each virtual node's signing key is pinned as an operator would (GET /admin/keys: "N KEY" lines).
curl -fsS "http://127.0.0.1:$FEED_PORT/admin/keys" > "$RUN/keys.txt"
while read -r i key; do
    "$FED" sources add --db "$HUB_DB" --hub-id bench-hub --id "$(printf 'bench-%04d' "$i")" \
        --url "http://127.0.0.1:$FEED_PORT/n/$i" --every 1d --allow-private --public-key "$key" \
        > /dev/null 2>> "$RUN/sources-add.log"
done < "$RUN/keys.txt"
fact sources_add_seconds "$(elapsed "$started" "$(now)")"

# harvest NAME: one `twin-federation harvest` round, timed, with its peak RSS and summed reports.
harvest() {
    local name="$1" started finished code=0
    started=$(now)
    /usr/bin/time -v -o "$RUN/$name.time" "$FED" harvest --db "$HUB_DB" > "$RUN/$name.txt" 2> "$RUN/$name.err" || code=$?
    finished=$(now)
    fact "${name}_seconds" "$(elapsed "$started" "$finished")"
    fact "${name}_exit" "$code"
    fact "${name}_rss_kb" "$(max_rss_kb "$RUN/$name.time")"
    awk -v prefix="$name" '
        /^[^ ].*\): / { sources++; status = $0; sub(/.*\): /, "", status); sub(/,.*/, "", status); if (status != "ok") failed++ }
        / added, .* updated, / {
            added += $1; updated += $3; unchanged += $5; stale += $7; deleted += $9; rejected += $11
            if (match($0, /\([0-9]+ pages/)) pages += substr($0, RSTART + 1, RLENGTH - 7)
        }
        END { printf "%s_sources=%d\n%s_failed=%d\n%s_added=%d\n%s_updated=%d\n%s_unchanged=%d\n%s_stale=%d\n%s_deleted=%d\n%s_rejected=%d\n%s_pages=%d\n",
              prefix, sources, prefix, failed, prefix, added, prefix, updated, prefix, unchanged, prefix, stale, prefix, deleted, prefix, rejected, prefix, pages }
    ' "$RUN/$name.txt" >> "$FACTS"
}

log "harvest 1: all $SOURCES sources into the empty hub"
harvest harvest1
fact hub_db_bytes_after_harvest "$(file_bytes "$HUB_DB" "$HUB_DB-wal" "$HUB_DB-shm")"
log "harvest 2: nothing changed"
harvest harvest2
log "changing 1% of the records on the virtual nodes"
curl -fsS -X POST "http://127.0.0.1:$FEED_PORT/admin/mutate?fraction=0.01" > "$RUN/mutate.json"
fact mutate_changed "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["changed"])' "$RUN/mutate.json")"
log "harvest 3: after 1% changed"
harvest harvest3
fact hub_db_bytes "$(file_bytes "$HUB_DB" "$HUB_DB-wal" "$HUB_DB-shm")"
stop_server "$FEED_PID"

# --- search on the harvested hub --------------------------------------------------------------------
log "starting the hub (serve --no-harvest) on the harvested database"
# The rate limits are off: wrk and the latency client are one address asking as fast as they can.
start_server hub "$RUN/hub.log" "$FED" serve --db "$HUB_DB" --listen 127.0.0.1:0 --no-harvest --quiet \
    --rate-limit 0 --publish-rate-limit 0
HUB_PID=$PID
HUB="http://127.0.0.1:$PORT"
fact hub_rss_kb_idle "$(vm_hwm_kb "$HUB_PID")"
BBOX="4.5,51.8,5.5,52.4"
log "search latency: $REQUESTS sequential keep-alive requests per query"
python3 "$ROOT/bench/latency.py" --base "$HUB" --requests "$REQUESTS" \
    "q one word=q=hittestress" \
    "q three words (any)=q=hittestress,gebouwen,bomen" \
    "bbox=bbox=$BBOX" \
    "q + bbox + datetime=q=hittestress&bbox=$BBOX&datetime=2020-01-01/.." \
    "facets=facets=themes,formats" \
    "CQL2 filter=filter=themes%3D%27heat-stress%27" \
    "deep paging (offset 10000)=offset=10000" \
    "pycsw q=q=hittestress&limit=10" \
    "pycsw bbox=bbox=$BBOX&limit=10" \
    "pycsw q + bbox=q=hittestress&bbox=$BBOX&limit=10" \
    > "$RUN/latency.jsonl"

# wrk_run NAME PATH [HEADER]: throughput at 32 keep-alive connections.
wrk_run() {
    local name="$1" path="$2" header="${3:-Connection: keep-alive}"
    if [ "$HAVE_WRK" != 1 ]; then return; fi
    wrk -t2 -c32 -d"${DURATION}s" --timeout 10s --latency -H 'Connection: keep-alive' -H "$header" "$HUB$path" \
        > "$RUN/wrk-$name.txt" 2>&1 || true
    fact "wrk_${name}_rps" "$(awk '/^Requests\/sec:/ { print $2 }' "$RUN/wrk-$name.txt")"
    fact "wrk_${name}_p50" "$(awk '$1 == "50%" { print $2 }' "$RUN/wrk-$name.txt")"
    fact "wrk_${name}_p99" "$(awk '$1 == "99%" { print $2 }' "$RUN/wrk-$name.txt")"
    fact "wrk_${name}_errors" "$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { n += 1 } END { print n + 0 }' "$RUN/wrk-$name.txt")"
}
log "throughput: wrk -t2 -c32 -d${DURATION}s"
wrk_run health "/health"
# The same URL over and over: after the first, answered by the search page cache (README, "Search").
wrk_run qbbox "/collections/twins/items?q=hittestress&bbox=$BBOX&limit=10"
wrk_run q "/collections/twins/items?q=hittestress&limit=10"
wrk_run bbox "/collections/twins/items?bbox=$BBOX&limit=10"
# Every request searched afresh.
wrk_run qbbox_fresh "/collections/twins/items?q=hittestress&bbox=$BBOX&limit=10" "Cache-Control: no-cache"
wrk_run q_fresh "/collections/twins/items?q=hittestress&limit=10" "Cache-Control: no-cache"
wrk_run bbox_fresh "/collections/twins/items?bbox=$BBOX&limit=10" "Cache-Control: no-cache"
fact hub_rss_kb "$(vm_hwm_kb "$HUB_PID")"
stop_server "$HUB_PID"

# --- publishing on a node ---------------------------------------------------------------------------
NODE_DB="$RUN/node.db"
log "publish: $PUTS single PUTs over keep-alive on a new node"
python3 - "$RECORDS_FILE" "$PUTS" > "$RUN/publishers.txt" <<'EOF'
import json, sys
seen = []
with open(sys.argv[1], encoding="utf-8") as handle:
    for number, line in enumerate(handle):
        if number >= int(sys.argv[2]):
            break
        publisher = json.loads(line)["properties"]["publisher"]["id"]
        if publisher not in seen:
            seen.append(publisher)
print("\n".join(seen))
EOF
: > "$RUN/keys.tsv"
while read -r publisher; do
    [ -n "$publisher" ] || continue
    printf '%s\t%s\n' "$publisher" "$("$REG" keys create --db "$NODE_DB" --node-id bench-node --publisher "$publisher")" >> "$RUN/keys.tsv"
done < "$RUN/publishers.txt"
start_server node "$RUN/node.log" "$REG" serve --db "$NODE_DB" --node-id bench-node --listen 127.0.0.1:0 --quiet \
    --rate-limit 0 --publish-rate-limit 0
NODE_PID=$PID
python3 "$ROOT/bench/publish.py" --base "http://127.0.0.1:$PORT" --keys "$RUN/keys.tsv" --data "$RECORDS_FILE" \
    --count "$PUTS" > "$RUN/publish.json"
fact node_rss_kb "$(vm_hwm_kb "$NODE_PID")"
stop_server "$NODE_PID"

log "publish: twin-registry import of all $RECORDS records into a new node database"
IMPORT_DB="$RUN/import.db"
started=$(now)
code=0
/usr/bin/time -v -o "$RUN/import.time" "$REG" import --db "$IMPORT_DB" --node-id bench-import "$RECORDS_FILE" \
    > "$RUN/import.out" 2> "$RUN/import.err" || code=$?
fact import_seconds "$(elapsed "$started" "$(now)")"
fact import_exit "$code"
fact import_rss_kb "$(max_rss_kb "$RUN/import.time")"
fact import_summary "$(grep -o '[0-9]* created, [0-9]* replaced, [0-9]* unchanged, [0-9]* invalid' "$RUN/import.err" | head -1)"
fact import_db_bytes "$(file_bytes "$IMPORT_DB" "$IMPORT_DB-wal" "$IMPORT_DB-shm")"

# --- the table ---------------------------------------------------------------------------------------
fact loadavg_end "$(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$ROOT/bench/report.py" "$RUN" | tee "$DATA/last-run.md"
if [ "$KEEP" != 1 ]; then
    rm -f "$HUB_DB" "$HUB_DB-wal" "$HUB_DB-shm" "$NODE_DB" "$NODE_DB-wal" "$NODE_DB-shm" \
          "$IMPORT_DB" "$IMPORT_DB-wal" "$IMPORT_DB-shm"
fi
log "done; the table is in bench/.data/last-run.md, logs in bench/.data/run/"
