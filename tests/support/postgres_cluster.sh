#!/usr/bin/env bash
# One throwaway PostgreSQL cluster shared by every test of a ctest run (the ctest fixture
# `postgres`): initdb costs about a second of CPU, and each PostgreSQL test used to pay it.
# Tests find it through LKP_TEST_POSTGRES_DIR (tests/support/store_server.cpp) and each makes a
# database of its own in it. A test program run outside ctest makes a cluster of its own with it
# (PostgresCluster). Without PostgreSQL 15 installed it does nothing and the tests skip.
# Usage: tests/support/postgres_cluster.sh start|stop DIR
set -euo pipefail
[ $# -eq 2 ] || { printf 'usage: %s start|stop DIR\n' "$0" >&2; exit 2; }
action=$1 dir=$2
bin=/usr/lib/postgresql/15/bin
as_postgres=()
[ "$(id -u)" -eq 0 ] && as_postgres=(runuser -u postgres --)

# The cluster's own folder is made in /tmp and given to the postgres user: DIR may sit where that
# user cannot reach (a build folder inside a private `mktemp -d` clone). DIR keeps its path and port.
stop() {
  if [ -f "$dir/cluster" ]; then
    local cluster
    cluster=$(cat "$dir/cluster")
    if [ -f "$cluster/pg/postmaster.pid" ]; then
      (cd / && "${as_postgres[@]}" "$bin/pg_ctl" -D "$cluster/pg" -m immediate -w stop >/dev/null) || true
    fi
    rm -rf "$cluster"
  fi
  rm -rf "$dir"
}

case $action in
  start)
    stop
    [ -x "$bin/initdb" ] || { echo "PostgreSQL 15 is not installed: its tests will skip"; exit 0; }
    mkdir -p "$dir"
    cluster=$(mktemp -d /tmp/lkp-test-postgres.XXXXXX)
    echo "$cluster" >"$dir/cluster"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$cluster"
    # A port nobody listens on, chosen by the kernel.
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # From /: the postgres user may not enter the folder ctest runs in.
    (cd / && "${as_postgres[@]}" "$bin/initdb" -D "$cluster/pg" -A trust -U lkp -N) >"$dir/initdb.log"
    # Room for the connections of several stores under test at once (ctest -j), each with its pool.
    (cd / && "${as_postgres[@]}" "$bin/pg_ctl" -D "$cluster/pg" -l "$cluster/log" -w start \
      -o "-k $cluster -p $port -c listen_addresses=127.0.0.1 -c max_connections=300") >/dev/null
    echo "$port" >"$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
    echo "PostgreSQL for the tests on 127.0.0.1:$port ($cluster)"
    ;;
  stop) stop ;;
  *) printf 'unknown action %s (start or stop)\n' "$action" >&2; exit 2 ;;
esac
