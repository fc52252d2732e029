# Shared by scripts/start.sh and scripts/test.sh: install uv if missing, then the locked environment.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

ensure_uv() {
  if ! command -v uv >/dev/null 2>&1; then
    echo "uv not found: installing it with pip (user site)"
    # A distribution's own Python (Debian 12, Ubuntu 23.04+) refuses pip installs (PEP 668) even
    # into the user site: uv alone then goes there with --break-system-packages, which leaves
    # the system's packages untouched.
    python3 -m pip install --quiet --user uv \
      || python3 -m pip install --quiet --user --break-system-packages uv \
      || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
  fi
}

sync_env() {
  ensure_uv
  uv sync --frozen --quiet
}

# The web demo page's widget comes from the npm registry (web/package-lock.json).
ensure_web_widget() {
  if [ -d web/node_modules/rasa-webchat ]; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "npm not found: installing Debian's npm"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq && apt-get install -y -qq npm >/dev/null
    else
      echo "npm not found and not root: the web demo page needs 'npm ci' in web/ (install Node.js/npm)" >&2
      return 1
    fi
  fi
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
}

# In CI when CI is set to anything but empty, 0, false or no (any case) - as tests/ci.py decides it.
in_ci() {
  local value
  value="$(printf '%s' "${CI:-}" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]')"
  case "$value" in
    ""|0|false|no) return 1 ;;
    *) return 0 ;;
  esac
}

RASA=(uv run --frozen --no-sync rasa)
PY=(uv run --frozen --no-sync python)

# Train only when no model matches the current data (rasa skips unchanged parts itself).
train_model() {  # out_dir [extra rasa train options, e.g. --skip-validation after `rasa data validate`]
  local out="$1"
  shift
  "${RASA[@]}" train --domain rasa_bot/domain --data rasa_bot/data --config rasa_bot/config.yml \
    --out "$out" --fixed-model-name advisor "$@"
}

wait_for_http() {  # url, seconds
  local url="$1" limit="$2" waited=0
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    sleep 1; waited=$((waited + 1))
    if [ "$waited" -ge "$limit" ]; then echo "timed out waiting for $url" >&2; return 1; fi
  done
}
