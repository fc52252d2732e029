"""scripts/nlu_eval.py scores typed education-plan answers with the plan form's own validation."""

from __future__ import annotations

from decimal import Decimal

from tests.scripts import load_script

nlu_eval = load_script("nlu_eval")


def test_the_plan_form_validation_is_the_one_scored():
    assert nlu_eval.plan_outcome("child_age", "she's 4") == nlu_eval.Outcome("value", Decimal(4), slot="child_age")
    assert nlu_eval.plan_outcome("child_age", "20").kind == "reject"
    moved = nlu_eval.plan_outcome("monthly_contribution", "target 250,000")
    assert (moved.slot, moved.value) == ("target_amount", Decimal(250000))
