"""Whether a typed message answers the question the assistant has open.

While the questionnaire or the education plan waits for an answer, a message that reads as an
answer to that question is taken as the answer, whatever intent the classifier prefers: "bond
prices fall when rates rise" in the bonds question is an answer, not a classroom question;
"wait it out" in the drawdown question is an answer, not "stop". A real digression ("what is a
bond fund?") is not, and is answered before the question is asked again.
"""

from __future__ import annotations

import re

from advisor_core.domain.answer_parsing import numbers_in, parse_answer, parse_goals
from advisor_core.domain.questionnaire import Questionnaire
from advisor_core.errors import AgeOutOfRangeError, AnswerError

PLAN_SLOTS = ("child_age", "monthly_contribution", "target_amount")
RECHECK_SLOT = "kyc_loss_tolerance_recheck"

_QUESTION_START = re.compile(
    r"^\s*(what|whats|what's|how|why|when|where|which|who|is|are|can|could|does|do|should|will|would|"
    r"explain|tell me|define|meaning)\b", re.IGNORECASE)


def is_question(text: str) -> bool:
    """Phrased as a question of the customer's own ("what is ...?", "explain ...")."""
    return text.rstrip().endswith("?") or bool(_QUESTION_START.match(text))


def reads_as_answer(questionnaire: Questionnaire, slot: str, text: str) -> bool:
    """True when ``text`` gives a usable answer to the open question ``slot``.

    An answer the reader finds but cannot use as it is still counts: an age under 18 (the
    dialogue explains why it stops) and an answer that fits two options (the dialogue asks
    which one was meant).
    """
    if not text or not text.strip() or text.lstrip().startswith("/"):
        return False
    if slot in PLAN_SLOTS:
        return bool(numbers_in(text))
    try:
        if slot == questionnaire.goals.slot:
            parse_goals(questionnaire.goals, text)
        else:
            key_slot = questionnaire.item("loss_tolerance").slot if slot == RECHECK_SLOT else slot
            parse_answer(questionnaire.item_for_slot(key_slot), text)
    except AgeOutOfRangeError:
        return True
    except AnswerError as exc:
        return bool(getattr(exc, "candidates", None))
    except KeyError:  # not a question this module knows
        return False
    return True
