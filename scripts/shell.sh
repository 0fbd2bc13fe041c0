#!/usr/bin/env bash
# A terminal conversation with Virage (starts the action server in the background).
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD"
mkdir -p var/log
source scripts/secrets.sh
.venv/bin/python -m actions.server --port 5055 > var/log/actions.log 2>&1 &
ACTIONS=$!
trap 'kill $ACTIONS 2>/dev/null' EXIT INT TERM
.venv/bin/rasa shell --model models --endpoints endpoints.yml
