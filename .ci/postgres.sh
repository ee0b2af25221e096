# Sourced by .ci/run: starts throw-away PostgreSQL clusters for the tests
# and stops them when the shell exits. Each cluster is Debian's postgresql
# package, initialised in a temporary directory and run as an
# unprivileged user (a system user bmrkit-ci-pg when CI runs as root),
# listening only on 127.0.0.1 on a free port. It exports
#
#   BMRKIT_TEST_POSTGRES                the URL of the main cluster's superuser "bmrkit"
#   BMRKIT_TEST_POSTGRES_REQUIRED       tests that need it fail instead of skipping
#   BMRKIT_TEST_POSTGRES_CHAOS          the URL of a second cluster, for the test that
#                                       restarts its server (so no other test is hit)
#   BMRKIT_TEST_POSTGRES_CHAOS_RESTART  a command that restarts that cluster
#
# Trust authentication on loopback and fsync=off: the clusters hold only
# test data and live for one CI run.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
pg_run=()
if [ "$(id -u)" -eq 0 ]; then
  id bmrkit-ci-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin bmrkit-ci-pg
  pg_run=(runuser -u bmrkit-ci-pg --)
fi
pg_dirs=()

stop_postgres() {
  for d in "${pg_dirs[@]}"; do
    "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$d/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$d"
  done
}
trap stop_postgres EXIT

# start_cluster starts a cluster; it sets pg_url and pg_restart.
start_cluster() {
  local dir port p opts
  dir=$(mktemp -d /tmp/bmrkit-ci-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown bmrkit-ci-pg "$dir"
  pg_dirs+=("$dir")
  port=""
  for _ in $(seq 1 50); do
    p=$((54320 + RANDOM % 2000))
    if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
  done
  [ -n "$port" ] || { echo "no free port for PostgreSQL" >&2; exit 1; }
  opts="-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
  "${pg_run[@]}" "$pg_bin/initdb" -D "$dir/data" -U bmrkit -A trust -E UTF8 --no-sync >"$dir/initdb.log"
  "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w start >/dev/null
  pg_url="postgres://bmrkit@127.0.0.1:$port/postgres?sslmode=disable"
  pg_restart="${pg_run[*]} $pg_bin/pg_ctl -D $dir/data -o '$opts' -l $dir/server.log -m fast -w restart >/dev/null"
  "$pg_bin/psql" "$pg_url" -Atc "SELECT 'PostgreSQL ' || current_setting('server_version') || ' on 127.0.0.1:$port'"
}

start_cluster
export BMRKIT_TEST_POSTGRES="$pg_url"
export BMRKIT_TEST_POSTGRES_REQUIRED=1
start_cluster
export BMRKIT_TEST_POSTGRES_CHAOS="$pg_url"
export BMRKIT_TEST_POSTGRES_CHAOS_RESTART="$pg_restart"
