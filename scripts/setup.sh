#!/usr/bin/env bash
# Everything a fresh machine needs: the npm packages (exact, from the lock file)
# and sqlfluff, which the test suite uses to prove every SQL file parses as Redshift.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund --loglevel=error

if ! command -v sqlfluff >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "setup: installing sqlfluff from Debian packages" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlfluff) >/dev/null
  else
    echo "setup: sqlfluff is missing; install it with: sudo apt-get install sqlfluff" >&2
    exit 1
  fi
fi
