"""Questionnaire answers as the end-to-end tests send them: button payloads and a typed age."""

from __future__ import annotations

import json
from typing import Any

from advisor_core.adapters.datafiles import default_questionnaire
from tests.factories import middle_answers

Q = default_questionnaire()
ORDER = list(Q.slots)
# A balanced customer: no cap fires, no contradiction (no loss-tolerance recheck question).
# The goal is sent as one button, so it is the option id rather than a list.
BALANCED: dict[str, Any] = middle_answers(asset_share="30_50", age=45, experience="fixed_income", horizon="3_5y",
                                          goals="retirement")


def button(option: str) -> str:
    """The payload of the option's button."""
    return "/inform" + json.dumps({"option": option})


def message_for(slot: str, value: Any) -> str:
    """The age typed as a sentence, every other answer as its button."""
    return f"I'm {value}" if slot == "kyc_age" else button(str(value))
