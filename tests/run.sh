#!/usr/bin/env bash
# The one test command: installs what is missing (Debian packages), configures, builds with -j2 and
# runs every test. Used by CI (.ci/run) and by developers alike.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh --tests

# The SHACL validator for the DCAT-AP test (ctest dcat_shacl), pinned by tests/shacl/package-lock.json.
(cd tests/shacl && npm ci --no-audit --no-fund)

# The NL API Design Rules linter (Spectral) and the publiccode.yml validator (Ajv) for ctest adr_lint
# and publiccode_yml, pinned by tests/adr/package-lock.json.
(cd tests/adr && npm ci --no-audit --no-fund)

# The web UI (web/dist), which the servers serve at /ui and the browser test (ctest web_browser) uses;
# npm ci runs only when web/node_modules does not match web/package-lock.json.
bash web/build.sh

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j2
cd "$build_dir"
ctest --output-on-failure -j2
