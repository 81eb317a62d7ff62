#!/usr/bin/env bash
# Installs the Debian packages Tweeling needs to build and run, only those that are missing.
# Used by deploy/quickstart.sh (build and run) and tests/run.sh (with --tests: also the test tools).
#   deploy/install-deps.sh [--tests] [EXTRA-PACKAGE...]
set -euo pipefail

with_tests=0
if [ "${1:-}" = "--tests" ]; then
  with_tests=1
  shift
fi

# python3-owslib and gdal-bin are the real GIS clients the tests drive (tests/clients/run_clients.py):
# OWSLib's OGC API – Records client (as QGIS MetaSearch uses it) and GDAL's OAPIF driver.
# nodejs and npm run the SHACL validator of the DCAT-AP test (tests/shacl).
packages=(libpistache-dev rapidjson-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev catch2 cmake make g++
          pkg-config libroaring-dev libsodium-dev libzstd-dev curl)
((with_tests)) && packages+=(python3 python3-owslib gdal-bin nodejs)
missing=()
for package in "${packages[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# npm: Debian's package, unless the installed nodejs brings its own (NodeSource's does, and conflicts
# with Debian's npm).
((with_tests)) && ! command -v npm >/dev/null 2>&1 && missing+=(npm)
if ((${#missing[@]})); then
  echo "Installing missing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
