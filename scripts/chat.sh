#!/usr/bin/env bash
# Chat with the running assistant (start it first with scripts/start.sh) in this terminal.
source "$(dirname "$0")/common.sh"
sync_env
exec "${PY[@]}" scripts/chat.py "$@"
