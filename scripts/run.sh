#!/usr/bin/env bash
# Starts the action server (5055), the Rasa server (5005, REST + socket.io) and the demo partner
# page (8080). Ctrl-C stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD" SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false
ORIGINS="${VIRAGE_ALLOWED_ORIGINS:-http://localhost:8080,http://127.0.0.1:8080}"
export VIRAGE_ALLOWED_ORIGINS="$ORIGINS"
mkdir -p var/log
# The action server answers only the Rasa server: both get the same secret (scripts/secrets.sh).
source scripts/secrets.sh

# A port already taken (often a Virage left running in another terminal) would otherwise only
# show up as a service dying during start-up.
for port in 5055 5005 8080 ${VIRAGE_WORKSPACE_PORT:-8090}; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Le port $port est déjà utilisé (une autre instance de Virage ?). Arrêtez-la, puis relancez make run." >&2
    exit 1
  fi
done

pids=()
names=()
cleanup() {
  echo; echo "Arrêt de Virage…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  echo "Arrêté."
}
trap cleanup INT TERM EXIT

.venv/bin/python -m actions.server --port 5055 > var/log/actions.log 2>&1 &
pids+=($!); names+=(actions)
.venv/bin/rasa run --model models --credentials credentials.yml --endpoints endpoints.yml \
  --port 5005 --cors ${ORIGINS//,/ } > var/log/rasa.log 2>&1 &
pids+=($!); names+=(rasa)
if [ -f web/server.py ]; then
  .venv/bin/python -m web.server --port 8080 > var/log/web.log 2>&1 &
  pids+=($!); names+=(web)
fi

# The advisors' workspace (workspace/), on loopback only.
if [ -f workspace/app.py ]; then
  .venv/bin/python -m workspace serve --host 127.0.0.1 --port "${VIRAGE_WORKSPACE_PORT:-8090}" > var/log/workspace.log 2>&1 &
  pids+=($!); names+=(workspace)
fi

echo "Démarrage de Virage (le chargement du modèle prend de 20 à 60 secondes)…"
for _ in $(seq 1 180); do
  if curl -fs http://localhost:5005/ >/dev/null 2>&1; then break; fi
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || {
      echo "Le service « ${names[$i]} » s'est arrêté au démarrage ; fin de var/log/${names[$i]}.log :"
      tail -20 "var/log/${names[$i]}.log"; exit 1; }
  done
  sleep 1
done
cat <<MSG
Virage est prêt.
  • Page de démonstration (widget)  : http://localhost:8080/
  • API REST                        : curl -s -XPOST http://localhost:5005/webhooks/rest/webhook -H 'Content-Type: application/json' -d '{"sender":"moi","message":"bonjour"}'
  • socket.io                       : ws://localhost:5005/socket.io/
  • Serveur d'actions               : http://127.0.0.1:5055/health (appels réservés au serveur Rasa)
  • Espace des conseillers          : http://127.0.0.1:${VIRAGE_WORKSPACE_PORT:-8090}/  (compte : make advisor-add EMAIL=… ROLE=…)
Journaux dans var/log/. Ctrl-C pour arrêter.
MSG
wait
