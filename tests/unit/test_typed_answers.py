"""The typed answer set (tests/data/typed_answers_en.yml): share understood and no riskier reading.

Each answer is read as the dialogue reads it: questionnaire items with parse_answer /
parse_goals, the education plan's questions with numbers_in and the plan's rule of one number.
"Understood" means exactly the expected reading: the option, the candidates offered back, or a
rejection. "Riskier" means a single option with more points than the expected option (or than
the safest expected candidate), or an age read as another age.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor_core.adapters.datafiles import default_questionnaire
from advisor_core.domain.answer_parsing import numbers_in, parse_answer, parse_goals
from advisor_core.errors import AmbiguousAnswerError, AnswerError

DATA = Path(__file__).resolve().parents[1] / "data" / "typed_answers_en.yml"
PLAN_ITEMS = ("plan_child_age", "plan_monthly", "plan_target")
MIN_UNDERSTOOD = 0.95


@dataclass(frozen=True)
class Outcome:
    understood: bool
    riskier: bool
    got: Any


def _cases() -> list[dict[str, Any]]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))["answers"]


def _read(case: dict[str, Any]) -> Any:
    """("value", x), ("candidates", set) or ("reject", None)."""
    q = default_questionnaire()
    key, text = case["item"], case["text"]
    try:
        if key in PLAN_ITEMS:
            found = numbers_in(text)
            return ("value", found[0]) if len(found) == 1 else ("reject", None)
        if key == "goals":
            return "value", set(parse_goals(q.goals, text))
        return "value", parse_answer(q.item(key), text)
    except AmbiguousAnswerError as error:
        return "candidates", set(error.candidates)
    except AnswerError:
        return "reject", None


def _points(key: str, option: str) -> int:
    return default_questionnaire().item(key).option(option).points


def judge(case: dict[str, Any]) -> Outcome:
    kind, got = _read(case)
    key = case["item"]
    if case.get("reject"):
        return Outcome(kind == "reject", False, (kind, got))
    if "candidates" in case:
        expected = set(case["candidates"])
        riskier = kind == "value" and _points(key, got) > min(_points(key, o) for o in expected)
        return Outcome(kind == "candidates" and got == expected, riskier, (kind, got))
    expect = case["expect"]
    if key in PLAN_ITEMS:
        return Outcome(kind == "value" and got == Decimal(expect), False, (kind, got))
    if key == "goals":
        return Outcome(kind == "value" and got == set(expect), False, (kind, got))
    if key == "age":
        return Outcome(kind == "value" and got == expect, kind == "value" and got != expect, (kind, got))
    riskier = kind == "value" and _points(key, got) > _points(key, expect)
    return Outcome(kind == "value" and got == expect, riskier, (kind, got))


def test_the_set_is_big_and_varied_enough() -> None:
    cases = _cases()
    assert len(cases) >= 80
    keys = {c["item"] for c in cases}
    assert set(default_questionnaire().slots) <= {default_questionnaire().item(k).slot for k in keys
                                                  if k not in (*PLAN_ITEMS, "goals")} | {"kyc_goals"}
    assert set(PLAN_ITEMS) <= keys and "goals" in keys
    assert len({(c["item"], c["text"]) for c in cases}) == len(cases), "every answer is written once"


def test_typed_answers_are_understood_and_never_riskier() -> None:
    cases = _cases()
    outcomes = [(case, judge(case)) for case in cases]
    misses = [(c["item"], c["text"], o.got) for c, o in outcomes if not o.understood]
    riskier = [(c["item"], c["text"], o.got) for c, o in outcomes if o.riskier]
    share = sum(o.understood for _, o in outcomes) / len(outcomes)
    print(f"\ntyped answers understood: {share:.1%} of {len(outcomes)}; read as riskier: {len(riskier)}")
    for miss in misses:
        print("  not understood:", miss)
    assert not riskier, f"read as riskier than stated: {riskier}"
    assert share >= MIN_UNDERSTOOD, f"understood {share:.1%} < {MIN_UNDERSTOOD:.0%}: {misses}"


@pytest.mark.parametrize("case", _cases(), ids=lambda c: f"{c['item']}:{c['text']}")
def test_no_typed_answer_is_read_as_riskier(case: dict[str, Any]) -> None:
    assert not judge(case).riskier
