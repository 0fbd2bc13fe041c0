#!/usr/bin/env bash
# The whole test suite, in layers: knowledge, actions, leads and pre-screening, NLU data,
# dialogue (rasa data validate + e2e conversation stories), live server over HTTP, widget in
# headless Chromium. `make test` installs, builds the knowledge base and trains (if stale) first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" TF_CPP_MIN_LOG_LEVEL=3 SQLALCHEMY_SILENCE_UBER_WARNING=1 RASA_TELEMETRY_ENABLED=false
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider "$@"
