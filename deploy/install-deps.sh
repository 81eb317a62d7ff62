#!/usr/bin/env bash
# Installs the Debian packages Tweeling needs to build and run, only those that are missing.
# Used by deploy/quickstart.sh (build and run) and tests/run.sh (with --tests: also the test tools).
#   deploy/install-deps.sh [--tests] [EXTRA-PACKAGE...]
#   deploy/install-deps.sh --list [--tests]     print the packages, install nothing
# Packages are installed without their recommendations (a fresh Debian 12 gets only what is
# listed here and what it depends on): list every tool the build runs, even one that a listed
# package merely recommends (make, recommended by cmake). tests/deps/check_install_deps.py checks
# that every tool the build and the tests run comes from a package listed here.
set -euo pipefail

with_tests=0
list_only=0
[ "${1:-}" = "--list" ] && { list_only=1; shift; }
if [ "${1:-}" = "--tests" ]; then
  with_tests=1
  shift
fi

# python3-owslib and gdal-bin are the real GIS clients the tests drive (tests/clients/run_clients.py):
# OWSLib's OGC API – Records client (as QGIS MetaSearch uses it) and GDAL's OAPIF driver.
# libserd-dev is the Turtle/N-Triples reader of the DCAT-AP harvest (federation/adapters/dcat/);
# libxml2-dev reads the XML of CSW catalogs (federation/adapters/xml.*).
# libproj-dev (registry/geo) brings libproj25 and proj-data, which holds proj.db, as dependencies.
# nodejs and npm build the web UI (web/build.sh: MapLibre and CesiumJS come from npm) and run the
# SHACL validator of the DCAT-AP test (tests/shacl). python3 serves the quickstart's sample 3D Tiles
# (deploy/sample_tiles.py). chromium is the browser the web UI's test drives (tests/web). wrk is the
# HTTP load generator of the load soak (bench/soak.py, ctest soak_quick) and of bench/run.sh.
packages=(libpistache-dev rapidjson-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev catch2 cmake make g++
          pkg-config libroaring-dev libsodium-dev libzstd-dev libproj-dev libserd-dev libxml2-dev curl python3
          nodejs npm)
((with_tests)) && packages+=(python3-owslib gdal-bin chromium wrk)
if ((list_only)); then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
missing=()
for package in "${packages[@]}" "$@"; do
  # npm: Debian's package, unless the installed nodejs brings its own (NodeSource's does, and
  # conflicts with Debian's npm).
  [ "$package" = npm ] && { command -v npm >/dev/null 2>&1 || missing+=(npm); continue; }
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing missing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
