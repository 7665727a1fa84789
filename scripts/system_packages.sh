#!/usr/bin/env bash
# Install from apt those of the named Debian packages the tests use that this machine lacks, in one apt call:
#   bash scripts/system_packages.sh chromium redis-server postgresql
# `make test-unit` asks for chromium and redis-server, scripts/integration.sh for postgresql and redis-server.
set -euo pipefail
present() {
  case "$1" in
    chromium) test -x /usr/bin/chromium ;;
    redis-server) command -v redis-server >/dev/null ;;
    postgresql) ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 ;;
    *) echo "system_packages.sh: no presence test for $1" >&2; exit 2 ;;
  esac
}
need=()
for package in "$@"; do present "$package" || need+=("$package"); done
if ((${#need[@]})); then
  echo "installing ${need[*]} (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
