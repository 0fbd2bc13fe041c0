#!/usr/bin/env bash
# Sourced by secrets.sh, postgres.sh and redis.sh: the project's one way to make a secret.
#   random_hex N        N random bytes from /dev/urandom, as hex
#   stored_secret FILE  the secret kept in FILE (mode 600), generated once (24 bytes) when missing
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

stored_secret() {
  if [ ! -s "$1" ]; then
    mkdir -p "$(dirname "$1")"
    (umask 077; random_hex 24 > "$1")
  fi
  cat "$1"
}
