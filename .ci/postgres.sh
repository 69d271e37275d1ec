# Sourced by .ci/run (and usable by hand: `source .ci/postgres.sh;
# pg_start; ...; pg_stop`): a throwaway PostgreSQL cluster for the history
# store's tests. initdb into a temporary directory, a free loopback port,
# trust authentication on 127.0.0.1 only, stopped and deleted by pg_stop.
# Exports TRUSTMAP_TEST_POSTGRES for the tests (store/suite_test.go).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

pg_install() { # Debian's PostgreSQL 15 server, if it is not there yet
  if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ]; then return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
}

pg_free_port() { # a loopback port nothing listens on
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

pg_start() {
  pg_install
  PG_DIR=$(mktemp -d /tmp/trustmap-pg.XXXXXX)
  PG_PORT=$(pg_free_port)
  # initdb and the server refuse to run as root: run them as the
  # postgres user the Debian package creates.
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log"; return 1; }
  "${as[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$PG_DIR/server.log"; return 1; }
  PG_AS=("${as[@]}")
  export TRUSTMAP_TEST_POSTGRES="postgres://postgres@127.0.0.1:$PG_PORT/postgres?sslmode=disable"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
  unset TRUSTMAP_TEST_POSTGRES PG_DIR
}
