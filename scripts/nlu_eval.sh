#!/usr/bin/env bash
# NLU quality on the held-out set (tests/heldout/, never trained on) and the classroom thresholds
# chosen on the DEV sets (tests/dev/, never trained on). Details: scripts/nlu_eval.py --help.
# Usage: scripts/nlu_eval.sh check-overlap
#        scripts/nlu_eval.sh evaluate [--model PATH] [--thresholds GATE,FALLBACK] [--json OUT]
#        scripts/nlu_eval.sh tune [--model PATH] [--json OUT]
#        scripts/nlu_eval.sh typed-answers [--json OUT]                    (no model needed)
# With no command: evaluate the model scripts/start.sh trains (rasa_bot/models/advisor.tar.gz).
source "$(dirname "$0")/common.sh"
sync_env
export RASA_TELEMETRY_ENABLED=false
if [ "$#" -eq 0 ]; then
  set -- evaluate
fi
if { [ "$1" = "evaluate" ] || [ "$1" = "tune" ]; } && [[ " $* " != *" --model "* ]]; then
  set -- "$@" --model rasa_bot/models/advisor.tar.gz
fi
exec "${PY[@]}" scripts/nlu_eval.py "$@"
