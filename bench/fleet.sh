#!/usr/bin/env bash
# The staff's kiosk page at scale (issue 10): StoreBackend::fleet() on a store of N answers
# (default 10,000,000) from K kiosks (default 200), on SQLite and on PostgreSQL.
#  1. SQLite: fill_store (bench/fill_store.sh) makes the answers, spread over 912 days; the store is
#     then taken back to schema 5 and `lkp-store kiosk list` upgrades it to 6 (timed: the migration
#     counts every stored answer per kiosk and Stockholm day). Every kiosk then gets a heartbeat of
#     version 2 (a tenth of them with 20 rejected reasons of 200 bytes, a twentieth heard from 3 h
#     ago) and session counters on each of its days (cumulative, as heartbeats leave them).
#     bench_fleet: fleet(DAYS) plus every kiosk's status and sessions per day, R rounds after 3
#     warm-up rounds: median, p90, max.
#  2. PostgreSQL (a throwaway cluster from Debian's postgresql, as the tests use): the same kiosks
#     and answers copied over at schema 5 (PG_ANSWERS=0 copies no answers, which fleet() never
#     reads, and is quicker), the migration timed, the same heartbeats and counters, bench_fleet.
# Usage: bench/fleet.sh [N=10000000] [K=200] [DAYS=30] [R=50]     BUILD_DIR=build by default.
#   FLEET_DB=FILE keeps the SQLite store there (made when missing, reused when present, never
#   removed). STEPS="sqlite postgres" (the default) or either alone (postgres needs the SQLite store).
# Needs about 450 bytes per answer in ${TMPDIR:-/tmp} for SQLite, and as much again for PostgreSQL.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
n=${1:-10000000} kiosks=${2:-200} days=${3:-30} rounds=${4:-50}
steps=${STEPS:-sqlite postgres}
store_bin=$build/bin/lkp-store bench_bin=$build/bin/bench_fleet
for b in "$store_bin" "$bench_bin"; do
  [ -x "$b" ] || { echo "no $b: build first (cmake --build $build -j2 --target lkp-store bench_fleet)" >&2; exit 1; }
done
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing" >&2; exit 1; }
# shellcheck source=bench/fill_store.sh
source "$repo/bench/fill_store.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/lkp-fleet-bench.XXXXXX")
chmod 755 "$work"  # the postgres user must reach its data folder inside
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
now_us() { local t=${EPOCHREALTIME//[!0-9]/}; echo "$t"; }
seconds_since() { awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.2f", (b - a) / 1e6 }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The SQL that takes a store of schema 6 back to 5 (as tests/store/migration_test.cpp does).
undo_schema_6="DROP TABLE kiosk_days;
ALTER TABLE heartbeats DROP COLUMN heartbeat_version; ALTER TABLE heartbeats DROP COLUMN sessions_started;
ALTER TABLE heartbeats DROP COLUMN sessions_completed; ALTER TABLE heartbeats DROP COLUMN sessions_abandoned;
ALTER TABLE heartbeats DROP COLUMN abandoned_at; ALTER TABLE heartbeats DROP COLUMN rejected_reasons;
UPDATE meta SET value = '5' WHERE key = 'schema_version';"

# 20 reasons of about 200 bytes each, as JSON: the most a heartbeat brings.
reasons="["
for i in $(seq 1 20); do
  reasons+="{\"code\":\"invalid\",\"field\":\"answers.q$i\",\"count\":$i,\"reason\":\"$(printf 'x%.0s' $(seq 1 190))\"}"
  [ "$i" -lt 20 ] && reasons+=","
done
reasons+="]"

# heartbeats_sql NOW_FUNCTION: a version 2 heartbeat for every kiosk, and session counters on every
# day of kiosk_days (started = 1.3 x the answers so far, completed = the answers, abandoned = 0.3 x).
heartbeats_sql() {
  local sqlite=$1 received sent
  if [ "$sqlite" = 1 ]; then
    received="strftime('%Y-%m-%dT%H:%M:%fZ', 'now', CASE WHEN n % 20 = 0 THEN '-3 hours' ELSE '-1 minutes' END)"
    sent="strftime('%Y-%m-%dT%H:%M:%fZ', 'now', CASE WHEN n % 20 = 0 THEN '-3 hours' ELSE '-1 minutes' END)"
  else
    received="now() - CASE WHEN n % 20 = 0 THEN interval '3 hours' ELSE interval '1 minute' END"
    sent="to_char(($received) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
  fi
  cat <<SQL
INSERT INTO heartbeats (kiosk, program_version, unsent, rejected, oldest_unsent_age_s, free_disk_bytes, last_error,
                        sent_at, received_at, heartbeat_version, sessions_started, sessions_completed,
                        sessions_abandoned, abandoned_at, rejected_reasons)
SELECT name, '0.2.0', n % 7, CASE WHEN n % 10 = 0 THEN 210 ELSE 0 END, CASE WHEN n % 7 = 0 THEN NULL ELSE 60 END,
       20000000000, '', $sent, $received, 2, 13000, 10000, 3000,
       '{"language":900,"district":800,"trygghet":600,"delaktighet":400,"livskvalitet":300}',
       CASE WHEN n % 10 = 0 THEN '$reasons' ELSE '[]' END
FROM (SELECT name, row_number() OVER (ORDER BY name) AS n FROM kiosks) k;
UPDATE kiosk_days SET sessions_started = c.total * 13 / 10, sessions_completed = c.total,
                      sessions_abandoned = c.total * 3 / 10
FROM (SELECT day AS d, kiosk AS k, sum(answers) OVER (PARTITION BY kiosk ORDER BY day) AS total FROM kiosk_days) c
WHERE kiosk_days.day = c.d AND kiosk_days.kiosk = c.k;
SQL
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -r)," \
  "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
echo "binaries: $build/bin, commit $(git -C "$repo" rev-parse --short HEAD); $(sqlite3 --version | cut -d' ' -f1-2)"

db=${FLEET_DB:-$work/fleet.sqlite}
if [ -n "${FLEET_DB:-}" ] && [ -f "$FLEET_DB" ]; then
  echo "reusing $FLEET_DB: $(sqlite3 "$db" 'SELECT count(*) FROM kiosks') kiosks," \
    "$(sqlite3 "$db" 'SELECT sum(answers) FROM kiosk_days') answers"
else
  echo "== SQLite store: $n answers from $kiosks kiosks"
  t0=$(now_us)
  fill_store "$db" "$n" "$kiosks"
  echo "fill: $(seconds_since "$t0") s, $(($(stat -c %s "$db") / 1048576)) MiB"
  sqlite3 "$db" "$undo_schema_6"
  t0=$(now_us)
  "$store_bin" kiosk list --db "$db" >/dev/null
  echo "migration to schema 6 (kiosk_days from $n answers): $(seconds_since "$t0") s," \
    "$(sqlite3 "$db" 'SELECT count(*) FROM kiosk_days') rows, $(sqlite3 "$db" 'SELECT sum(answers) FROM kiosk_days') answers"
  sqlite3 "$db" "$(heartbeats_sql 1)"
fi

if [[ " $steps " == *" sqlite "* ]]; then
  echo "== fleet() on SQLite"
  "$bench_bin" --db "$db" "$days" "$rounds"
fi

if [[ " $steps " == *" postgres "* ]]; then
  echo "== fleet() on PostgreSQL"
  pg_dir="$work/pgdata"; mkdir -p "$pg_dir"; chown postgres "$pg_dir"
  pg_port=$(free_port)
  runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$pg_dir/pg" -A trust -U lkp >/dev/null
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$pg_dir/pg" -l "$pg_dir/log" -w \
    -o "-k $pg_dir -p $pg_port -c listen_addresses=127.0.0.1 -c max_wal_size=4GB" start >/dev/null
  pg_url="postgresql://lkp@127.0.0.1:$pg_port/postgres"
  psql=(psql -X -q -v ON_ERROR_STOP=1 -d "$pg_url")
  sqlite3 "$db" 'SELECT name FROM kiosks' | while read -r k; do "$store_bin" kiosk add "$k" --postgres "$pg_url" >/dev/null; done
  "${psql[@]}" -c "$undo_schema_6"
  if [ "${PG_ANSWERS:-1}" = 1 ]; then
    columns="kiosk, id, seq, survey_id, survey_version, location, language, district, answers, started_at, submitted_at,
             flags, content_hash, received_at, kiosk_id"
    t0=$(now_us)
    sqlite3 -csv "$db" "SELECT $columns FROM responses" |
      "${psql[@]}" -c "\\copy responses ($columns) FROM pstdin WITH (FORMAT csv)"
    "${psql[@]}" -c "VACUUM ANALYZE responses"
    echo "copied $("${psql[@]}" -At -c 'SELECT count(*) FROM responses') answers in $(seconds_since "$t0") s"
  fi
  t0=$(now_us)
  "$store_bin" kiosk list --postgres "$pg_url" >/dev/null
  echo "migration to schema 6: $(seconds_since "$t0") s, $("${psql[@]}" -At -c 'SELECT count(*) FROM kiosk_days') rows"
  if [ "${PG_ANSWERS:-1}" != 1 ]; then  # no answers to count: the SQLite store's days instead
    sqlite3 -csv "$db" "SELECT day, kiosk, answers FROM kiosk_days" |
      "${psql[@]}" -c "\\copy kiosk_days (day, kiosk, answers) FROM pstdin WITH (FORMAT csv)"
  fi
  "${psql[@]}" -c "$(heartbeats_sql 0)"
  "${psql[@]}" -c "VACUUM ANALYZE"
  "$bench_bin" --postgres "$pg_url" "$days" "$rounds"
fi
