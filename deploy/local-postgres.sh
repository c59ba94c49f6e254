#!/usr/bin/env bash
# Makes sure a PostgreSQL answers at 127.0.0.1:5432 with trust auth for local
# connections, as `make run` and `make test` expect: starts the local cluster,
# installing it from Debian's packages on a machine that has none.
set -euo pipefail
pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && exit 0

if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib
fi
version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba=/etc/postgresql/$version/main/pg_hba.conf
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127.0.0.1/32[[:space:]]+trust' "$hba"; then
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\nlocal all all trust' "$hba"
fi
pg_ctlcluster --skip-systemctl-redirect "$version" main start ||
  pg_ctlcluster --skip-systemctl-redirect "$version" main restart
for _ in $(seq 30); do
  pg_isready -h 127.0.0.1 -p 5432 -q && exit 0
  sleep 1
done
echo "PostgreSQL did not start at 127.0.0.1:5432" >&2
exit 1
