#!/usr/bin/env bash
# Quickstart: a small national federation on this machine. Installs what is missing, builds, and
# starts on 127.0.0.1:
#   - four registry nodes — Amsterdam (GM0363), Haarlem (GM0392), Rotterdam (GM0599), Utrecht
#     (GM0344) — each loaded with its sample records from deploy/samples/;
#   - a province hub, Noord-Holland (PV27), harvesting Amsterdam and Haarlem;
#   - a national hub harvesting the province hub, Rotterdam and Utrecht;
#   - the sample records' 3D Tiles, served from this machine (deploy/sample_tiles.py), so that the
#     hubs probe them and the national hub assembles them into /twin/tileset.json without internet;
#   - the web UI (web/dist, built here with npm), which every node and hub serves at /ui and loads
#     in its HTML pages.
# Waits for the first harvest rounds, prints the URLs, a publisher key per node and example
# requests; Ctrl-C stops them all.
#
#   deploy/quickstart.sh            build, start, wait for Ctrl-C
#   deploy/quickstart.sh --check    build, start, run the example search, stop (exit 1 if it fails)
#   BUILD_DIR=dir                   build directory (default: build); --no-build uses it (and
#                                   web/dist) as they are
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

check=0
build=1
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
if ((build)); then
  bash deploy/install-deps.sh
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" -j2 --target twin-registry twin-federation
  bash web/build.sh
fi
registry="$build_dir/bin/twin-registry"
federation="$build_dir/bin/twin-federation"
[ -x "$registry" ] && [ -x "$federation" ] || { echo "programs not built in $build_dir/bin" >&2; exit 1; }

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/tweeling-quickstart-XXXXXX")
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$run_dir"
}
trap stop_all EXIT
trap 'echo; echo "Stopping..."; exit 0' INT TERM

declare -A urls keys
# wait_for_url LOG -> prints the URL the program announced
wait_for_url() {
  local log=$1 url=""
  for _ in $(seq 1 100); do
    # Whole lines only: a log line may be read while it is being written, and "http://127.0.0.1:80"
    # may be the start of "http://127.0.0.1:8043".
    local content
    content=$(cat "$log"; echo x)
    content=${content%x}
    if [[ "$content" != *$'\n' ]]; then
      [[ "$content" == *$'\n'* ]] && content=${content%$'\n'*} || content=""
    fi
    url=$(grep -o 'listening on http://[0-9.]*:[0-9]*' <<<"$content" | head -n1 | sed 's/listening on //') || true
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "a program did not start; its log ($log):" >&2; cat "$log" >&2; exit 1; }
  echo "$url"
}

# public_key URL: the Ed25519 key a node or hub signs with, as its identity document shows it
public_key() {
  curl -fsS "$1/.well-known/tweeling.json" | sed -n 's/.*"publicKey":"\([^"]*\)".*/\1/p'
}

# start_node ID CODE NAME SAMPLES
start_node() {
  local id=$1 code=$2 name=$3 samples=$4
  local db="$run_dir/$id.db" log="$run_dir/$id.log"
  local publisher="https://identifier.overheid.nl/tooi/id/gemeente/$id"
  "$registry" import --db "$db" --node-id "$id" "$samples" 2>>"$log" >/dev/null
  keys[$id]=$("$registry" keys create --db "$db" --publisher "$publisher")
  "$registry" serve --db "$db" --listen 127.0.0.1:0 --node-id "$id" --name "$name ($code)" 2>>"$log" &
  pids+=($!)
  urls[$id]=$(wait_for_url "$log")
}

# start_hub ID NAME SOURCE-ID=URL... : adds the sources, serves, waits for the first harvest round
start_hub() {
  local id=$1 name=$2
  shift 2
  local db="$run_dir/$id.db" log="$run_dir/$id.log"
  # Every node and hub of the quickstart listens on 127.0.0.1, a loopback address the harvester
  # refuses unless the source is added with --allow-private (it guards a real hub against being made
  # to fetch from its own machine or network).
  # Each source's signing key is pinned when it is added: an operator gets it from the source's
  # operator; here it is read from the source's /.well-known/tweeling.json (README, "Signed records").
  for source in "$@"; do
    "$federation" sources add --db "$db" --hub-id "$id" --id "${source%%=*}" --url "${source#*=}" --every 1m \
      --allow-private --public-key "$(public_key "${source#*=}")" 2>>"$log"
  done
  "$federation" serve --db "$db" --listen 127.0.0.1:0 --hub-id "$id" --name "$name" --quiet 2>>"$log" &
  pids+=($!)
  urls[$id]=$(wait_for_url "$log")
  for _ in $(seq 1 300); do
    local body
    body=$(curl -fsS "${urls[$id]}/sources") || body='"lastAttempt":null'
    [[ "$body" != *'"lastAttempt":null'* ]] && return 0
    sleep 0.1
  done
  echo "hub $id did not finish its first harvest round; its log ($log):" >&2; cat "$log" >&2; exit 1
}

# The samples' tilesets, served here; the records imported are copies whose 3D Tiles links point here.
python3 deploy/sample_tiles.py deploy/samples "$run_dir/local" 2>>"$run_dir/tiles.log" &
pids+=($!)
urls[tiles]=$(wait_for_url "$run_dir/tiles.log")
samples="$run_dir/local/samples"
start_node gm0363 GM0363 "Gemeente Amsterdam" "$samples/gm0363-amsterdam.json"
start_node gm0599 GM0599 "Gemeente Rotterdam" "$samples/gm0599-rotterdam.json"
start_node gm0344 GM0344 "Gemeente Utrecht" "$samples/gm0344-utrecht.json"
start_node gm0392 GM0392 "Gemeente Haarlem" "$samples/gm0392-haarlem.json"
start_hub pv27 "Provincie Noord-Holland (PV27)" gm0363="${urls[gm0363]}" gm0392="${urls[gm0392]}"
start_hub nl "Nationale digital twin" pv27="${urls[pv27]}" gm0599="${urls[gm0599]}" gm0344="${urls[gm0344]}"

ams=${urls[gm0363]}
search="$ams/collections/twins/items?q=gebouwen&bbox=4.7,52.2,5.1,52.5"
national="${urls[nl]}/collections/twins/items?q=gebouwen&limit=50"

if ((check)); then
  body=$(curl -fsS "$search")
  echo "$body" | grep -q '"numberMatched":[1-9]' || { echo "example search found nothing: $body" >&2; exit 1; }
  echo "$body" | grep -q 'gm0363' || { echo "example search did not return Amsterdam's record: $body" >&2; exit 1; }
  body=$(curl -fsS "$national")
  for origin in gm0363 gm0392 gm0599 gm0344; do
    echo "$body" | grep -q "\"origin\":\"$origin\"" || { echo "national search lacks $origin: $body" >&2; exit 1; }
  done
  # The national 3D twin: the hubs probe the tilesets after their first harvest, then assemble them.
  twin="${urls[nl]}/twin/tileset.json"
  children=0
  # (up to two minutes: links to the municipalities' own servers cost a timeout each without internet)
  for _ in $(seq 1 600); do
    body=$(curl -fsS "$twin") || body=""
    children=$(echo "$body" | grep -o '"content":{"uri"' | wc -l || true)
    ((children >= 8)) && break
    sleep 0.2
  done
  ((children >= 8)) || { echo "the national tileset has $children of the 8 sample tilesets: $body" >&2; exit 1; }
  # The hub's verdicts are searchable: the four 3DBAG tileset records pass (served here); the others
  # also link to files on the municipalities' own servers, which fail without internet.
  body=$(curl -fsS "${urls[nl]}/collections/twins/items?validation=pass&formats=3dtiles&facets=validation")
  echo "$body" | grep -q '"numberMatched":[4-8]' || { echo "validation=pass lacks the sample tilesets: $body" >&2; exit 1; }
  body=$(curl -fsS "${urls[nl]}/collections")
  echo "$body" | grep -q '"collectionType":"3d-container"' || { echo "no 3D GeoVolumes collection: $body" >&2; exit 1; }
  echo "quickstart check passed: $search, $national and $twin ($children tilesets)"
  exit 0
fi

cat <<EOT

Tweeling quickstart: a small national federation is running on this machine.

  registry nodes   Amsterdam (GM0363)  ${urls[gm0363]}/
                   Haarlem   (GM0392)  ${urls[gm0392]}/
                   Rotterdam (GM0599)  ${urls[gm0599]}/
                   Utrecht   (GM0344)  ${urls[gm0344]}/
  province hub     Noord-Holland (PV27) ${urls[pv27]}/   harvests Amsterdam and Haarlem
  national hub     ${urls[nl]}/   harvests the province hub, Rotterdam and Utrecht (every minute)

In a browser (the web UI): search with facets and a map, records, sources, the 3D twin:
  ${urls[nl]}/collections/twins/items?f=html
  ${urls[nl]}/sources?f=html
  ${urls[nl]}/twin

Search the whole country for buildings, with each record's origin and the path it came by:
  curl '$national'

What the national hub federates, and how the last harvest of each source went:
  curl '${urls[nl]}/sources'
  curl '${urls[nl]}/sources/pv27/reports/latest'

The national 3D twin: one 3D Tiles 1.1 tileset of every probed tileset (also per theme as OGC API –
3D GeoVolumes at /collections), and the quality of each source's assets:
  curl '${urls[nl]}/twin/tileset.json?themes=buildings'
  curl '${urls[nl]}/collections'
  curl '${urls[nl]}/sources/gm0599'

Search Amsterdam's buildings (OGC API – Records):
  curl '$search'

Everything about heat stress in Rotterdam, newest first:
  curl '${urls[gm0599]}/collections/twins/items?q=hittestress&sortby=-updated'

The change feed a hub harvests:
  curl '${urls[gm0344]}/feed?after=0&limit=100'

Publish a record to Amsterdam with its publisher key (shown once, here):
  export KEY=${keys[gm0363]}
  curl -X PUT -H "Authorization: Bearer \$KEY" -H 'Content-Type: application/geo+json' -H 'Expect:' \\
       --data-binary @my-record.json '${urls[gm0363]}/collections/twins/items/my-record-id'

Logs and databases: $run_dir (removed on exit). Press Ctrl-C to stop everything.
EOT
while true; do sleep 3600 & wait $!; done
