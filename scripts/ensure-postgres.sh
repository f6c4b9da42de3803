#!/usr/bin/env bash
# The integration and e2e tests need a real PostgreSQL server: start the local cluster if it is down.
set -euo pipefail
url="${TEST_DATABASE_URL:-${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}"
if pg_isready -q -d "$url" 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  echo "ensure-postgres: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -d "$url" && exit 0; sleep 1; done
fi
echo "ensure-postgres: no PostgreSQL answers at $url; set TEST_DATABASE_URL to a server where the tests may create databases" >&2
exit 1
