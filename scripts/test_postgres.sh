#!/usr/bin/env bash
# `make test-postgres`: the whole test suite against PostgreSQL. Starts a PostgreSQL of its own
# (scripts/postgres.sh, with its own data directory and port, never the one of `make run`),
# builds the knowledge base in it exactly as `make kb DATABASE_URL=postgresql://…` does, runs
# pytest with VIRAGE_TEST_DB=postgresql (tests/databases.py: a fresh database per test or per
# module, copies of the knowledge base by CREATE DATABASE … TEMPLATE), and stops the server
# whatever happens (trap), leaving no process.
#   VIRAGE_TEST_PG_PORT  port of that server (default 5434)
#   VIRAGE_TEST_PG_DIR   its data directory (default var/pg-test)
# Arguments go to pytest (e.g. `bash scripts/test_postgres.sh tests/leads -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
export VIRAGE_PG_DIR="${VIRAGE_TEST_PG_DIR:-$PWD/var/pg-test}"
export VIRAGE_PG_PORT="${VIRAGE_TEST_PG_PORT:-5434}"
# Its databases are thrown away: no durability. Each DROP DATABASE forces a checkpoint, 1.2 s with
# fsync (13 s for 11 databases), 0.06 s without; the suite creates and drops one per test or so.
export VIRAGE_PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
started_at=$(date +%s)

# A server already answering on the port must be ours (left by an interrupted run), else stop.
if (exec 3<>"/dev/tcp/127.0.0.1/$VIRAGE_PG_PORT") 2>/dev/null && [ ! -s "$VIRAGE_PG_DIR/postmaster.pid" ]; then
  echo "ERREUR : le port $VIRAGE_PG_PORT est déjà utilisé par un autre programme ; choisissez VIRAGE_TEST_PG_PORT=…" >&2
  exit 1
fi

stop_pg() { bash scripts/postgres.sh stop || true; }
trap stop_pg EXIT
trap 'exit 130' INT TERM

line="$(bash scripts/postgres.sh start | grep '^DATABASE_URL=')"
url="${line#DATABASE_URL=}"
echo "PostgreSQL des tests : 127.0.0.1:$VIRAGE_PG_PORT (données : $VIRAGE_PG_DIR)"

# Databases left by an interrupted run (tests/databases.py names them virage_test_<pid>_<n>).
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
for name in $("$bin/psql" "$url" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'virage\_test\_%'"); do
  "$bin/psql" "$url" -qc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
done

export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
# The knowledge base in PostgreSQL, as an operator builds it (make kb DATABASE_URL=…).
DATABASE_URL="$url" .venv/bin/python -m knowledge.cli build

status=0
VIRAGE_TEST_DB=postgresql VIRAGE_TEST_PG_URL="$url" bash scripts/test.sh "$@" || status=$?
elapsed=$(($(date +%s) - started_at))
echo "test-postgres : $((elapsed / 60)) min $((elapsed % 60)) s, code de sortie $status"
exit "$status"
