#!/usr/bin/env bash
# Debian packages the portal and its tests need: HarfBuzz subsetting for fast
# Thai PDFs, poppler for reading PDFs back, chromium for the browser tests,
# redis-server for the tests of the shared job queue and rate-limit store,
# postgresql for the second run of the suite (the tests start a private
# server from its binaries; the system's own cluster is not used), wrk for
# the load benchmark (bench/load.py, a short run of which is in the suite).
# Installs only what is missing, and only when it can (root + apt).
set -euo pipefail
need=()
for pkg in libharfbuzz-subset0 poppler-utils chromium redis-server postgresql wrk; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: please install ${need[*]} with your package manager" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
