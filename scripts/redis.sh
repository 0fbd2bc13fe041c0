#!/usr/bin/env bash
# A Redis server of the project's own, for the cluster's lock store (scripts/cluster.sh): Debian's
# redis-server (scripts/install_services.sh), loopback only, a password, its own folder under var/,
# no system service.
#   bash scripts/redis.sh start    installs if needed, starts it in the background, prints REDIS_URL=…
#   bash scripts/redis.sh stop     stops it (SHUTDOWN NOSAVE)
#   bash scripts/redis.sh url      prints REDIS_URL=redis://:<password>@127.0.0.1:PORT/0
#   bash scripts/redis.sh status   exit 0 when it answers
# Settings (environment): VIRAGE_REDIS_DIR (default var/redis), VIRAGE_REDIS_PORT (default 6380:
# 6379 is left to a system Redis). The password is generated once into $VIRAGE_REDIS_DIR.password
# (mode 600); VIRAGE_REDIS_PASSWORD, when set, wins.
# No persistence (no RDB snapshot, no AOF): Redis holds only the conversation locks, each a few
# seconds long (60 s at most). A Redis restart forgets the locks of the turns in flight; those turns
# end with the French apology (the lock store refuses to guess) and the next message works.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/random.sh

R_DIR="${VIRAGE_REDIS_DIR:-$PWD/var/redis}"
case "$R_DIR" in /*) ;; *) R_DIR="$PWD/$R_DIR" ;; esac
R_PORT="${VIRAGE_REDIS_PORT:-6380}"
PW_FILE="${R_DIR%/}.password"

password() {
  if [ -n "${VIRAGE_REDIS_PASSWORD:-}" ]; then echo "$VIRAGE_REDIS_PASSWORD"; return; fi
  stored_secret "$PW_FILE"
}

url() { echo "REDIS_URL=redis://:$(password)@127.0.0.1:$R_PORT/0"; }

cli() { REDISCLI_AUTH="$(password)" redis-cli -h 127.0.0.1 -p "$R_PORT" "$@"; }

ready() { [ "$(cli ping 2>/dev/null)" = "PONG" ]; }

start() {
  bash scripts/install_services.sh redis
  local pw; pw="$(password)"
  mkdir -p "$R_DIR"; chmod 700 "$R_DIR"
  if ready; then url; return 0; fi
  # The configuration holds the password: written by us, readable by us only.
  (umask 077; cat > "$R_DIR/redis.conf" <<CONF
# Virage (scripts/redis.sh): loopback only, a password, no persistence, nothing else on the system.
bind 127.0.0.1
port $R_PORT
protected-mode yes
requirepass $pw
daemonize yes
pidfile $R_DIR/redis.pid
logfile $R_DIR/redis.log
dir $R_DIR
save ""
appendonly no
maxmemory 256mb
maxmemory-policy noeviction
CONF
)
  redis-server "$R_DIR/redis.conf"
  for _ in $(seq 1 50); do ready && { url; return 0; }; sleep 0.1; done
  echo "ERREUR : Redis n'a pas démarré ; fin de $R_DIR/redis.log :" >&2
  tail -20 "$R_DIR/redis.log" >&2 || true
  exit 1
}

stop() {
  ready || return 0
  cli shutdown nosave >/dev/null 2>&1 || true
  for _ in $(seq 1 50); do ready || return 0; sleep 0.1; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  status) ready ;;
  *) echo "usage : bash scripts/redis.sh start|stop|url|status" >&2; exit 2 ;;
esac
