# Sourced by .ci/run: starts a throw-away PostgreSQL cluster for the tests
# and stops it when the shell exits. The cluster is Debian's postgresql
# package, initialised in a temporary directory and run as an unprivileged
# user (a system user bmrkit-ci-pg when CI runs as root), listening only on
# 127.0.0.1 on a free port. It exports
#
#   BMRKIT_TEST_POSTGRES          the URL of its superuser "bmrkit"
#   BMRKIT_TEST_POSTGRES_REQUIRED tests that need it fail instead of skipping
#   BMRKIT_TEST_POSTGRES_RESTART  a command that restarts it (the chaos test)
#
# Trust authentication on loopback and fsync=off: the cluster holds only
# test data and lives for one CI run.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
pg_dir=$(mktemp -d /tmp/bmrkit-ci-pg.XXXXXX)
chmod 755 "$pg_dir"
pg_run=()
if [ "$(id -u)" -eq 0 ]; then
  id bmrkit-ci-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin bmrkit-ci-pg
  chown bmrkit-ci-pg "$pg_dir"
  pg_run=(runuser -u bmrkit-ci-pg --)
fi
pg_port=""
for _ in $(seq 1 50); do
  p=$((54320 + RANDOM % 2000))
  if ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then pg_port=$p; break; fi
done
[ -n "$pg_port" ] || { echo "no free port for PostgreSQL" >&2; exit 1; }
pg_opts="-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
"${pg_run[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U bmrkit -A trust -E UTF8 --no-sync >"$pg_dir/initdb.log"
"${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -o "$pg_opts" -l "$pg_dir/server.log" -w start >/dev/null

stop_postgres() {
  "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_postgres EXIT

export BMRKIT_TEST_POSTGRES="postgres://bmrkit@127.0.0.1:$pg_port/postgres?sslmode=disable"
export BMRKIT_TEST_POSTGRES_REQUIRED=1
export BMRKIT_TEST_POSTGRES_RESTART="${pg_run[*]} $pg_bin/pg_ctl -D $pg_dir/data -o '$pg_opts' -l $pg_dir/server.log -m fast -w restart >/dev/null"
"$pg_bin/psql" "$BMRKIT_TEST_POSTGRES" -Atc "SELECT 'PostgreSQL ' || current_setting('server_version') || ' on 127.0.0.1:$pg_port'"
