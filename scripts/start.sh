#!/usr/bin/env bash
# Sets up and starts the whole assistant: database, demo customers, model, action server, Rasa.
# Usage: scripts/start.sh        (Ctrl-C stops everything)
source "$(dirname "$0")/common.sh"

sync_env
export ADVISOR_VAR_DIR="${ADVISOR_VAR_DIR:-$ROOT/var}"
mkdir -p "$ADVISOR_VAR_DIR"
export RASA_TRACKER_DB="${RASA_TRACKER_DB:-$ADVISOR_VAR_DIR/rasa_tracker.db}"
export ACTION_PORT="${ACTION_PORT:-5055}"
export RASA_PORT="${RASA_PORT:-5005}"
export ACTION_ENDPOINT_URL="${ACTION_ENDPOINT_URL:-http://127.0.0.1:$ACTION_PORT/webhook}"

# Refuse settings the servers must not run with (an ADVISOR_JWT_SECRET shorter than 32 bytes).
"${PY[@]}" -m advisor_core check-config
web_ready=1
ensure_web_widget || web_ready=0
"${PY[@]}" -m advisor_core migrate
# Rasa's events table and the session indexes of rasa_bot/tracker_store.py (idempotent).
"${PY[@]}" scripts/tracker_db_migrate.py
"${PY[@]}" -m advisor_core load-demo
train_model rasa_bot/models

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

"${RASA[@]}" run actions --actions actions --port "$ACTION_PORT" &
pids+=($!)

api_args=()
if [ -n "${RASA_API_TOKEN:-}" ]; then
  api_args=(--enable-api --auth-token "$RASA_API_TOKEN")
fi
cors="${RASA_CORS_ORIGINS:-http://localhost:8080}"

if [ "$web_ready" = 1 ]; then
  "${PY[@]}" scripts/serve_web.py --port "${WEB_PORT:-8080}" &
  pids+=($!)
  echo "Web demo page: http://localhost:${WEB_PORT:-8080}/ (open it as localhost; CORS allows that origin)"
fi

echo "Starting Rasa on port $RASA_PORT (REST: POST http://localhost:$RASA_PORT/webhooks/rest/webhook)"
# TensorFlow on one thread: the models are small, more threads only spin against the action server.
TF_INTRA_OP_PARALLELISM_THREADS="${TF_INTRA_OP_PARALLELISM_THREADS:-1}" \
TF_INTER_OP_PARALLELISM_THREADS="${TF_INTER_OP_PARALLELISM_THREADS:-1}" \
"${RASA[@]}" run --model rasa_bot/models/advisor.tar.gz --endpoints rasa_bot/endpoints.yml \
  --credentials rasa_bot/credentials.yml --port "$RASA_PORT" --cors "$cors" "${api_args[@]}" &
pids+=($!)
wait -n "${pids[@]}"
