#!/usr/bin/env bash
# NLU evaluation on a held-out split of the project's own data: trains on 80%, tests on the other
# 20% (fixed seed), and prints intent and classroom response-selection accuracy.
# Usage: scripts/nlu_eval.sh [training-fraction]     (takes several minutes on 2 cores)
source "$(dirname "$0")/common.sh"
sync_env
fraction="${1:-0.8}"
work="$ROOT/var/nlu-eval"
rm -rf "$work" && mkdir -p "$work"
"${RASA[@]}" data split nlu --nlu rasa_bot/data/nlu --training-fraction "$fraction" --random-seed 7 \
  --out "$work/split" >/dev/null
"${RASA[@]}" train nlu --nlu "$work/split/training_data.yml" --config rasa_bot/config.yml \
  --domain rasa_bot/domain --out "$work/model" --fixed-model-name nlu >/dev/null
"${RASA[@]}" test nlu --nlu "$work/split/test_data.yml" --model "$work/model/nlu.tar.gz" \
  --out "$work/results" >/dev/null
"${PY[@]}" - "$work/results" <<'PY'
import json, sys
from pathlib import Path
results = Path(sys.argv[1])
intent = json.loads((results / "intent_report.json").read_text())
print(f"intent accuracy (held out): {intent['accuracy']:.3f}, weighted F1 {intent['weighted avg']['f1-score']:.3f}")
rs = results / "response_selection_report.json"
if rs.exists():
    report = json.loads(rs.read_text())
    print(f"classroom response selection accuracy (held out): {report['accuracy']:.3f}")
weak = sorted((v["f1-score"], k) for k, v in intent.items() if isinstance(v, dict) and "f1-score" in v
              and k not in ("macro avg", "weighted avg", "micro avg"))[:5]
print("weakest intents (F1):", ", ".join(f"{k} {f:.2f}" for f, k in weak))
PY
