#!/usr/bin/env bash
# Sourced by run.sh, shell.sh and `make actions`: the secrets the processes share.
#   VIRAGE_ACTION_SECRET   the Rasa server -> action server credential (endpoints.yml, actions/server.py)
#   VIRAGE_SESSION_SECRET  signs the conversation ids the Rasa server issues (common/sessions.py); the widget's
#                          server checks the same tokens for the visitors' ratings
# A value already in the environment wins (separate hosts: set the same one on both);
# otherwise they are generated once into var/secrets.env (mode 600, ignored by git).
source scripts/random.sh
mkdir -p var
if [ ! -s var/secrets.env ]; then
  (umask 077
   printf 'VIRAGE_ACTION_SECRET=%s\nVIRAGE_SESSION_SECRET=%s\n' "$(random_hex 32)" "$(random_hex 32)" > var/secrets.env)
fi
while IFS='=' read -r key value; do
  case "$key" in
    VIRAGE_ACTION_SECRET|VIRAGE_SESSION_SECRET)
      if [ -z "${!key:-}" ]; then export "$key=$value"; else export "$key"; fi ;;
  esac
done < var/secrets.env
