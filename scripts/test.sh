#!/usr/bin/env bash
# Sets up and runs every test: lint and type checks (ruff, mypy), unit, integration (SQLite and the
# local PostgreSQL), action tests, data validation, Rasa story tests and end-to-end tests against
# the real servers.
# The model is trained once here and shared by the story tests and the end-to-end tests.
source "$(dirname "$0")/common.sh"

sync_env
export ADVISOR_TEST_MODEL_DIR="${ADVISOR_TEST_MODEL_DIR:-$ROOT/var/test-model}"
mkdir -p "$ROOT/var"

echo "== 1/5 ruff and mypy, then unit, integration and action tests"
# Rules and paths are in pyproject.toml ([tool.ruff], [tool.mypy]); a finding fails the run.
"${PY[@]}" -m ruff check .
"${PY[@]}" -m mypy
"${PY[@]}" -m pytest tests/unit tests/nlu tests/integration tests/actions -q -p no:cacheprovider

echo "== 2/5 rasa data validate"
"${RASA[@]}" data validate --domain rasa_bot/domain --data rasa_bot/data --config rasa_bot/config.yml \
  --fail-on-warnings

echo "== 3/5 train the model once"
train_model "$ADVISOR_TEST_MODEL_DIR" --skip-validation   # step 2 validated the same data

echo "== 4/5 story tests"
rm -rf "$ROOT/var/story-results"
"${RASA[@]}" test core --model "$ADVISOR_TEST_MODEL_DIR/advisor.tar.gz" --stories tests/rasa_bot \
  --out "$ROOT/var/story-results" --successes --fail-on-prediction-errors
"${PY[@]}" scripts/story_report.py "$ROOT/var/story-results"

echo "== 5/5 end-to-end tests (real action server and Rasa server, Socket.IO, the browser)"
# The browser test must run in CI: there, a missing widget or Chromium fails the run.
if ! ensure_web_widget && in_ci; then echo "CI is set: the web widget must be installed" >&2; exit 1; fi
if ! bash scripts/ensure_chromium.sh && in_ci; then echo "CI is set: Chromium must be installed" >&2; exit 1; fi
"${PY[@]}" -m pytest tests/e2e -q -p no:cacheprovider
