#!/usr/bin/env bash
# Installs the Debian packages Tweeling needs to build and run, only those that are missing.
# Used by tests/run.sh and deploy/quickstart.sh.
set -euo pipefail

packages=(libpistache-dev rapidjson-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev catch2 cmake g++
          pkg-config libroaring-dev curl python3)
missing=()
for package in "${packages[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "Installing missing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
