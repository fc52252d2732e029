"""scripts/nlu_eval.py scores typed education-plan answers with the plan form's own validation."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path


def _load_nlu_eval():
    if "nlu_eval" in sys.modules:
        return sys.modules["nlu_eval"]
    spec = importlib.util.spec_from_file_location("nlu_eval", Path(__file__).resolve().parents[2] / "scripts" / "nlu_eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["nlu_eval"] = module
    spec.loader.exec_module(module)
    return module


nlu_eval = _load_nlu_eval()


def test_the_plan_form_validation_is_the_one_scored():
    assert nlu_eval.plan_outcome("child_age", "she's 4") == nlu_eval.Outcome("value", Decimal(4), slot="child_age")
    assert nlu_eval.plan_outcome("child_age", "20").kind == "reject"
    moved = nlu_eval.plan_outcome("monthly_contribution", "target 250,000")
    assert (moved.slot, moved.value) == ("target_amount", Decimal(250000))
