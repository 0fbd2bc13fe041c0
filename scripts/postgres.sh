#!/usr/bin/env bash
# A PostgreSQL server of the project's own: Debian's binaries (scripts/install_services.sh), a data
# directory under var/, a loopback TCP port, password (SCRAM) authentication, no system service.
#   bash scripts/postgres.sh start   installs if needed, creates the cluster once, starts it, creates
#                                    role and database `virage`, prints the DATABASE_URL line
#   bash scripts/postgres.sh stop    stops it (fast shutdown)
#   bash scripts/postgres.sh url     prints DATABASE_URL=postgresql://virage:…@127.0.0.1:PORT/virage
#   bash scripts/postgres.sh status  exit 0 when it answers
# Settings (environment): VIRAGE_PG_DIR (default var/pg), VIRAGE_PG_PORT (default 5433: 5432 is left
# to a system PostgreSQL), VIRAGE_PG_OPTIONS (extra server settings for `start`, e.g. the test
# server's "-c fsync=off": its databases are thrown away). The password is generated once into $VIRAGE_PG_DIR.password (mode 600).
# PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user the package
# creates, and owns its data directory.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/random.sh

PG_DIR="${VIRAGE_PG_DIR:-$PWD/var/pg}"
case "$PG_DIR" in /*) ;; *) PG_DIR="$PWD/$PG_DIR" ;; esac
PG_PORT="${VIRAGE_PG_PORT:-5433}"
PW_FILE="${PG_DIR%/}.password"
DB=virage
ROLE=virage

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

password() { stored_secret "$PW_FILE"; }

url() { echo "DATABASE_URL=postgresql://$ROLE:$(password)@127.0.0.1:$PG_PORT/$DB"; }

ready() { "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

start() {
  bash scripts/install_services.sh postgresql
  local bin; bin="$(bindir)"
  local pw; pw="$(password)"
  if [ ! -s "$PG_DIR/PG_VERSION" ]; then
    mkdir -p "$PG_DIR"
    chmod 700 "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DIR"
    # Every parent must be traversable by the server's user.
    if ! as_owner test -w "$PG_DIR"; then
      echo "ERREUR : l'utilisateur postgres ne peut pas écrire dans $PG_DIR (dossiers parents fermés ?). Choisissez VIRAGE_PG_DIR ailleurs." >&2
      exit 1
    fi
    local pwtmp; pwtmp="$(mktemp)"; printf '%s\n' "$pw" > "$pwtmp"
    [ "$(id -u)" -eq 0 ] && chown postgres "$pwtmp"
    as_owner "$bin/initdb" -D "$PG_DIR" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 --pwfile="$pwtmp" >/dev/null
    rm -f "$pwtmp"
    cat >> "$PG_DIR/postgresql.conf" <<CONF
# Virage (scripts/postgres.sh): loopback only, its own socket folder, nothing else on the system.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
max_connections = 200
fsync = on
CONF
  fi
  if ! ready; then
    as_owner "$bin/pg_ctl" -D "$PG_DIR" -o "-p $PG_PORT ${VIRAGE_PG_OPTIONS:-}" -l "$PG_DIR/server.log" -w -t 60 start >/dev/null \
      || { echo "ERREUR : PostgreSQL n'a pas démarré ; fin de $PG_DIR/server.log :" >&2; tail -20 "$PG_DIR/server.log" >&2; exit 1; }
  fi
  # Role and database (idempotent); the superuser connects through the private socket (peer).
  as_owner "$bin/psql" -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT 'CREATE ROLE $ROLE LOGIN CREATEDB' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE')\gexec
ALTER ROLE $ROLE WITH LOGIN CREATEDB PASSWORD '$pw';
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB')\gexec
SQL
  url
}

stop() {
  local bin; bin="$(bindir)"
  [ -n "$bin" ] && [ -s "$PG_DIR/postmaster.pid" ] || return 0
  as_owner "$bin/pg_ctl" -D "$PG_DIR" -m fast -w -t 60 stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  status) ready ;;
  *) echo "usage : bash scripts/postgres.sh start|stop|url|status" >&2; exit 2 ;;
esac
