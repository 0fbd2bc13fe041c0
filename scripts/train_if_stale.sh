#!/usr/bin/env bash
# Train only when the model is missing or an input changed (content hash of config, domain, data
# and the custom NLU components in rasa_server/nlu/, whose code and tables shape the model).
set -euo pipefail
cd "$(dirname "$0")/.."
STAMP=models/.trained.sha256
PYTHONPATH="$PWD" .venv/bin/python -m knowledge.export_nlu >/dev/null   # lookups follow vocabulary.yml
WANT=$( (cat config.yml; find domain data rasa_server/nlu -type f \( -name '*.yml' -o -name '*.py' \) | sort | xargs cat) | sha256sum | cut -d' ' -f1)
LATEST=$(ls -t models/*.tar.gz 2>/dev/null | head -n1 || true)
if [ -n "$LATEST" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$WANT" ]; then
  echo "Modèle à jour : $LATEST"
  exit 0
fi
echo "Entraînement du modèle (config, domaine ou données modifiés)…"
start=$(date +%s)
.venv/bin/rasa train --config config.yml --domain domain --data data --out models --fixed-model-name virage --quiet
echo "$WANT" > "$STAMP"
echo "Modèle entraîné en $(( $(date +%s) - start )) s : models/virage.tar.gz"
