#!/usr/bin/env bash
# make run-cluster: the scaled deployment on this machine, every part on loopback.
#   PostgreSQL (scripts/postgres.sh)  conversations, leads, knowledge base (DATABASE_URL)
#   Redis (scripts/redis.sh)          the per-conversation locks (rasa_server/lock_store.py)
#   N Rasa servers                    one Sanic worker each, the same model, endpoints.cluster.yml
#   M action servers                  python -m actions.server, the same secret
#   HAProxy                           visitors' door (REST + socket.io) and the action servers' door
# Ctrl-C (or SIGTERM) stops everything it started, PostgreSQL and Redis included (a PostgreSQL or
# Redis that was already running before is left running).
#
# Settings (environment), with their defaults:
#   VIRAGE_CLUSTER_RASA=2                 number of Rasa servers
#   VIRAGE_CLUSTER_ACTIONS=2              number of action servers
#   VIRAGE_CLUSTER_PORT=5005              load balancer, visitors' side (REST and socket.io)
#   VIRAGE_CLUSTER_RASA_BASE_PORT=5011    Rasa server i listens on BASE+i-1
#   VIRAGE_CLUSTER_ACTIONS_PORT=5055      load balancer, action calls of the Rasa servers
#   VIRAGE_CLUSTER_ACTIONS_BASE_PORT=5061 action server i listens on BASE+i-1
#   VIRAGE_CLUSTER_ACTION_TIMEOUT=10      seconds an action call may take (then the French apology)
#   VIRAGE_CLUSTER_BALANCE=roundrobin     REST spreading: roundrobin, or sender (hash of the sender)
#   VIRAGE_CLUSTER_ENDPOINTS=endpoints.cluster.yml
#   VIRAGE_CLUSTER_DIR=var/cluster        generated haproxy.cfg, logs (log/), pids file
#   VIRAGE_CLUSTER_DEMO_PORT=8080         the demo partner page with the widget, on the load balancer
#                                         (empty: not started; the tests and bench-scale leave it out)
#   VIRAGE_CLUSTER_KB=1                   0: do not rebuild the knowledge base in PostgreSQL
#   VIRAGE_MODEL=<newest models/*.tar.gz> the model every Rasa server loads
#   VIRAGE_PG_PORT=5433, VIRAGE_PG_DIR=var/pg              (scripts/postgres.sh)
#   VIRAGE_REDIS_PORT=6380, VIRAGE_REDIS_DIR=var/redis     (scripts/redis.sh)
#   DATABASE_URL                          when set, that database is used and no PostgreSQL started
#   VIRAGE_LOCK_LIFETIME=10               seconds a lock ticket lives without renewal
#   VIRAGE_ALLOWED_ORIGINS, VIRAGE_RATE_MESSAGES, VIRAGE_RATE_CONNECTIONS, VIRAGE_REST_API_KEY,
#   VIRAGE_ACTION_SECRET, VIRAGE_SESSION_SECRET: as for make run (README).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
export PYTHONPATH="$ROOT" SQLALCHEMY_SILENCE_UBER_WARNING=1 TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false

N="${VIRAGE_CLUSTER_RASA:-2}"
M="${VIRAGE_CLUSTER_ACTIONS:-2}"
LB_PORT="${VIRAGE_CLUSTER_PORT:-5005}"
RASA_BASE="${VIRAGE_CLUSTER_RASA_BASE_PORT:-5011}"
export VIRAGE_CLUSTER_ACTIONS_PORT="${VIRAGE_CLUSTER_ACTIONS_PORT:-5055}"
ACT_BASE="${VIRAGE_CLUSTER_ACTIONS_BASE_PORT:-5061}"
ACTION_TIMEOUT="${VIRAGE_CLUSTER_ACTION_TIMEOUT:-10}"
BALANCE="${VIRAGE_CLUSTER_BALANCE:-roundrobin}"
ENDPOINTS="${VIRAGE_CLUSTER_ENDPOINTS:-endpoints.cluster.yml}"
DIR="${VIRAGE_CLUSTER_DIR:-var/cluster}"
case "$DIR" in /*) ;; *) DIR="$ROOT/$DIR" ;; esac
export VIRAGE_PG_PORT="${VIRAGE_PG_PORT:-5433}"
export VIRAGE_REDIS_PORT="${VIRAGE_REDIS_PORT:-6380}"
DEMO_PORT="${VIRAGE_CLUSTER_DEMO_PORT-8080}"
ORIGINS="${VIRAGE_ALLOWED_ORIGINS:-http://localhost:${DEMO_PORT:-8080},http://127.0.0.1:${DEMO_PORT:-8080}}"
export VIRAGE_ALLOWED_ORIGINS="$ORIGINS"

die() { echo "ERREUR : $*" >&2; exit 1; }
case "$BALANCE" in roundrobin|sender) ;; *) die "VIRAGE_CLUSTER_BALANCE doit valoir roundrobin ou sender (reçu « $BALANCE »)." ;; esac
[[ "$N" =~ ^[1-9][0-9]*$ && "$M" =~ ^[1-9][0-9]*$ ]] || die "VIRAGE_CLUSTER_RASA et VIRAGE_CLUSTER_ACTIONS : des entiers ≥ 1."
MODEL="${VIRAGE_MODEL:-$(ls -t models/*.tar.gz 2>/dev/null | head -1)}"
[ -n "$MODEL" ] && [ -f "$MODEL" ] || die "aucun modèle dans models/ (make train) ni VIRAGE_MODEL valide."
MODEL="$(cd "$(dirname "$MODEL")" && pwd)/$(basename "$MODEL")"
HAPROXY="$(command -v haproxy || echo /usr/sbin/haproxy)"

# The Debian packages (postgresql, redis-server, haproxy): installed once, never as system services.
bash scripts/install_services.sh || die "installation des paquets Debian impossible (scripts/install_services.sh)."
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
rasa_ports=(); for i in $(seq 1 "$N"); do rasa_ports+=($((RASA_BASE + i - 1))); done
act_ports=(); for i in $(seq 1 "$M"); do act_ports+=($((ACT_BASE + i - 1))); done
for port in "$LB_PORT" "$VIRAGE_CLUSTER_ACTIONS_PORT" "${rasa_ports[@]}" "${act_ports[@]}" $DEMO_PORT; do
  in_use "$port" && die "le port $port est déjà utilisé (un Virage resté ouvert ?). Arrêtez-le ou changez les ports (README, « Déploiement à plusieurs serveurs »)."
done

mkdir -p "$DIR/log"
: > "$DIR/pids"
pids=(); names=()
started_pg=0; started_redis=0
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Arrêt du déploiement à plusieurs serveurs…"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for _ in $(seq 1 100); do
    alive=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break; sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
  wait 2>/dev/null
  [ "$started_redis" -eq 1 ] && bash scripts/redis.sh stop
  [ "$started_pg" -eq 1 ] && bash scripts/postgres.sh stop
  echo "Arrêté."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

launch() {  # name port log command…
  local name="$1" port="$2" log="$3"; shift 3
  "$@" > "$log" 2>&1 &
  pids+=($!); names+=("$name")
  echo "$name $! $port" >> "$DIR/pids"
}

# 1. PostgreSQL and Redis (each started only if not already answering).
if [ -z "${DATABASE_URL:-}" ]; then
  bash scripts/postgres.sh status || started_pg=1
  line="$(bash scripts/postgres.sh start)" || die "PostgreSQL n'a pas démarré."
  export DATABASE_URL="${line#DATABASE_URL=}"
fi
bash scripts/redis.sh status || started_redis=1
line="$(bash scripts/redis.sh start)" || die "Redis n'a pas démarré."
line="${line#REDIS_URL=redis://:}"
export VIRAGE_REDIS_PASSWORD="${line%@*}"

# 2. The knowledge base in that database (make kb).
if [ "${VIRAGE_CLUSTER_KB:-1}" != "0" ]; then
  echo "Construction de la base de connaissances dans PostgreSQL…"
  .venv/bin/python -m knowledge.cli build > "$DIR/log/kb.log" 2>&1 || { tail -20 "$DIR/log/kb.log" >&2; die "make kb a échoué (journal : $DIR/log/kb.log)."; }
fi

# 3. Action servers and Rasa servers, sharing the secrets.
source scripts/secrets.sh
for i in $(seq 1 "$M"); do
  launch "actions-$i" "${act_ports[$((i - 1))]}" "$DIR/log/actions-$i.log" \
    .venv/bin/python -m actions.server --host 127.0.0.1 --port "${act_ports[$((i - 1))]}"
done
for i in $(seq 1 "$N"); do
  # SANIC_PROXIES_COUNT=1: the visitor's address is the one HAProxy adds to X-Forwarded-For.
  launch "rasa-$i" "${rasa_ports[$((i - 1))]}" "$DIR/log/rasa-$i.log" \
    env SANIC_WORKERS=1 SANIC_PROXIES_COUNT=1 .venv/bin/rasa run --model "$MODEL" --credentials credentials.yml \
    --endpoints "$ENDPOINTS" --interface 127.0.0.1 --port "${rasa_ports[$((i - 1))]}" --cors ${ORIGINS//,/ }
done

# 4. HAProxy, from scripts/haproxy.cfg.tmpl.
servers() {  # prefix ports… ; cookie when prefix is "rasa-sio"
  local kind="$1"; shift; local i=1
  for port in "$@"; do
    case "$kind" in
      rasa) echo "    server rasa-$i 127.0.0.1:$port check" ;;
      sio) echo "    server rasa-$i 127.0.0.1:$port check cookie rasa-$i" ;;
      actions) echo "    server actions-$i 127.0.0.1:$port check" ;;
    esac
    i=$((i + 1))
  done
}
if [ "$BALANCE" = sender ]; then
  rest_balance=$'    option http-buffer-request\n    balance hash req.body,json_query(\'$.sender\')\n    hash-type consistent'
else
  rest_balance="    balance roundrobin"
fi
python3 - "$DIR/haproxy.cfg" <<PY || die "haproxy.cfg non généré."
import sys
text = open("scripts/haproxy.cfg.tmpl", encoding="utf-8").read()
fields = {
    "LB_PORT": "$LB_PORT", "ACTIONS_PORT": "$VIRAGE_CLUSTER_ACTIONS_PORT", "CLUSTER_DIR": "$DIR",
    "ACTION_TIMEOUT": "${ACTION_TIMEOUT}s", "REST_BALANCE": """$rest_balance""",
    "RASA_SERVERS": """$(servers rasa "${rasa_ports[@]}")""",
    "RASA_SERVERS_COOKIE": """$(servers sio "${rasa_ports[@]}")""",
    "ACTION_SERVERS": """$(servers actions "${act_ports[@]}")""",
}
for key, value in fields.items():
    text = text.replace("@" + key + "@", value)
open(sys.argv[1], "w", encoding="utf-8").write(text)
PY
"$HAPROXY" -c -q -f "$DIR/haproxy.cfg" || die "configuration HAProxy invalide ($DIR/haproxy.cfg)."

echo "Démarrage de $N serveurs Rasa et $M serveurs d'actions (chargement du modèle : 30 à 90 s)…"
ready_url() { curl -fs -o /dev/null --max-time 2 "$1"; }
check_alive() {
  for i in "${!pids[@]}"; do
    kill -0 "${pids[$i]}" 2>/dev/null || {
      echo "Le service « ${names[$i]} » s'est arrêté au démarrage ; fin de $DIR/log/${names[$i]}.log :" >&2
      tail -20 "$DIR/log/${names[$i]}.log" >&2; exit 1; }
  done
}
deadline=$((SECONDS + ${VIRAGE_CLUSTER_START_TIMEOUT:-400}))
for port in "${act_ports[@]}"; do
  until ready_url "http://127.0.0.1:$port/health"; do check_alive; [ $SECONDS -lt $deadline ] || die "serveur d'actions :$port pas prêt."; sleep 0.5; done
done
for port in "${rasa_ports[@]}"; do
  until ready_url "http://127.0.0.1:$port/webhooks/rest/"; do check_alive; [ $SECONDS -lt $deadline ] || die "serveur Rasa :$port pas prêt."; sleep 1; done
done
launch haproxy "$LB_PORT" "$DIR/log/haproxy.log" "$HAPROXY" -db -f "$DIR/haproxy.cfg"
until ready_url "http://127.0.0.1:$LB_PORT/webhooks/rest/" && ready_url "http://127.0.0.1:$VIRAGE_CLUSTER_ACTIONS_PORT/health"; do
  check_alive; [ $SECONDS -lt $deadline ] || die "HAProxy pas prêt."; sleep 0.2
done

if [ -n "$DEMO_PORT" ]; then
  launch web "$DEMO_PORT" "$DIR/log/web.log" .venv/bin/python -m web.server --port "$DEMO_PORT" --rasa-url "http://127.0.0.1:$LB_PORT"
  until ready_url "http://127.0.0.1:$DEMO_PORT/"; do check_alive; [ $SECONDS -lt $deadline ] || die "page de démonstration pas prête."; sleep 0.2; done
fi
{
  echo "Déploiement à plusieurs serveurs prêt."
  [ -n "$DEMO_PORT" ] && echo "  • Page de démonstration (widget)   : http://localhost:$DEMO_PORT/ (le widget parle à HAProxy, http://127.0.0.1:$LB_PORT)"
  echo "  • Entrée des visiteurs (HAProxy)  : http://127.0.0.1:$LB_PORT/webhooks/rest/webhook (REST), ws://127.0.0.1:$LB_PORT/socket.io/ (socket.io)"
  echo "  • Serveurs Rasa                   : $(for p in "${rasa_ports[@]}"; do printf '127.0.0.1:%s ' "$p"; done)(un processus Sanic chacun, modèle $(basename "$MODEL"))"
  echo "  • Appels d'actions (HAProxy)      : http://127.0.0.1:$VIRAGE_CLUSTER_ACTIONS_PORT/webhook → $(for p in "${act_ports[@]}"; do printf '127.0.0.1:%s ' "$p"; done)"
  echo "  • PostgreSQL                      : 127.0.0.1:$VIRAGE_PG_PORT (conversations, pistes, connaissances)"
  echo "  • Redis                           : 127.0.0.1:$VIRAGE_REDIS_PORT (verrous des conversations, mot de passe requis)"
  echo "  • Répartition REST                : $BALANCE ; socket.io : WebSocket, cookie VIRAGE_SIO pour le long-polling"
  echo "Journaux dans $DIR/log/. Ctrl-C pour tout arrêter."
} | tee "$DIR/ready"
# Runs until Ctrl-C / SIGTERM; a service that dies is not restarted (an orchestrator would):
# HAProxy's health checks send the traffic to the others.
while true; do sleep 1; done
