#!/usr/bin/env bash
# Installs the Debian packages of the scaled deployment and of the PostgreSQL tests, and nothing
# else: postgresql (server + client), redis-server, haproxy. They are used as programs started by
# the project's own scripts (scripts/postgres.sh, scripts/redis.sh, scripts/cluster.sh), on
# loopback, with their data under var/: the packages' system services are never started or used.
# Idempotent: does nothing when every program is present; `apt-get update` runs only when
# something must be installed.
#   bash scripts/install_services.sh [postgresql] [redis] [haproxy]   (default: all three)
set -euo pipefail

wanted=("$@")
[ "${#wanted[@]}" -gt 0 ] || wanted=(postgresql redis haproxy)

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

missing=()
for name in "${wanted[@]}"; do
  case "$name" in
    postgresql) { [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ]; } || missing+=(postgresql postgresql-client) ;;
    redis)      command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
    haproxy)    command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy) ;;
    *) echo "install_services.sh : composant inconnu « $name »" >&2; exit 2 ;;
  esac
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "ERREUR : il manque ${missing[*]} et apt-get n'est pas disponible ; installez-les puis relancez." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ERREUR : installer ${missing[*]} demande root (ou sudo)." >&2; exit 1; }
  SUDO="sudo"
fi
echo "Installation des paquets Debian : ${missing[*]}…"
# policy-rc.d 101: the packages must not start their system services (we start our own, on loopback).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy" && created_policy=1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ "$created_policy" -eq 1 ] && $SUDO rm -f "$policy"
echo "Paquets installés."
