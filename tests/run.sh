#!/usr/bin/env bash
# The one test command: installs what is missing (Debian packages), configures, builds with -j2 and
# runs every test. Used by CI (.ci/run) and by developers alike.
#
#   tests/run.sh              Release build in build/ (or $BUILD_DIR), every test
#   tests/run.sh --sanitize   the same with AddressSanitizer and UndefinedBehaviorSanitizer, in
#                             build-sanitize/ (or $BUILD_DIR): any report fails the test it is in
#   tests/run.sh --fuzz       after the tests, build the fuzz targets (clang, build-fuzz/) and fuzz
#                             each for $FUZZ_SECONDS (20) seconds: tests/fuzz/run.sh, docs/RELIABILITY.md
set -euo pipefail
cd "$(dirname "$0")/.."

sanitize=0
fuzz=0
for argument in "$@"; do
  case "$argument" in
    --sanitize) sanitize=1 ;;
    --fuzz) fuzz=1 ;;
    *) echo "unknown option $argument" >&2; exit 2 ;;
  esac
done

bash deploy/install-deps.sh --tests

# The SHACL validator for the DCAT-AP test (ctest dcat_shacl), pinned by tests/shacl/package-lock.json.
(cd tests/shacl && npm ci --no-audit --no-fund)

# The NL API Design Rules linter (Spectral) and the publiccode.yml validator (Ajv) for ctest adr_lint
# and publiccode_yml, pinned by tests/adr/package-lock.json.
(cd tests/adr && npm ci --no-audit --no-fund)

# The web UI (web/dist), which the servers serve at /ui and the browser test (ctest web_browser) uses;
# npm ci runs only when web/node_modules does not match web/package-lock.json.
bash web/build.sh

cmake_options=(-DCMAKE_BUILD_TYPE=Release)
if ((sanitize)); then
  build_dir=${BUILD_DIR:-build-sanitize}
  cmake_options+=(-DTWEELING_SANITIZE=address,undefined)
  # Every program the tests start inherits these. Leaks are checked too; the suppressions file
  # names each third-party leak it silences and why.
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
  export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
else
  build_dir=${BUILD_DIR:-build}
fi
cmake -S . -B "$build_dir" "${cmake_options[@]}"
cmake --build "$build_dir" -j2
(cd "$build_dir" && ctest --output-on-failure -j2)
# Not by default: a cold fuzz build is about 7.5 CPU-minutes (docs/RELIABILITY.md, "In CI").
# tests/fuzz/run.sh installs clang and its runtimes (only for this: the ordinary run stays lean).
if ((fuzz)); then
  bash tests/fuzz/run.sh --seconds "${FUZZ_SECONDS:-20}"
fi
