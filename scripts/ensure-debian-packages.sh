#!/usr/bin/env bash
# Install the Debian packages listed in the given files (one a line, # comments) when missing:
#   scripts/ensure-debian-packages.sh deploy/debian-packages.txt [tests/debian-packages.txt ...]
# On a system without apt it lists what is missing and fails, so nothing later waits on a part
# that is not there.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- deploy/debian-packages.txt
mapfile -t wanted < <(cat "$@" | grep -vE '^\s*(#|$)')
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "not a Debian system: make sure these (Debian names) are installed: ${wanted[*]}" >&2
  exit 0
fi
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
  echo "could not install ${missing[*]}: install them (sudo apt-get install ${missing[*]}) and run again" >&2
  exit 1
fi
