"""Whether a typed message answers the question the assistant has open.

While the questionnaire or the education plan waits for an answer, a message that reads as an
answer to that question is taken as the answer, whatever intent the classifier prefers: "bond
prices fall when rates rise" in the bonds question is an answer, not a classroom question;
"wait it out" in the drawdown question is an answer, not "stop". A real digression ("what is a
bond fund?") is not, and is answered before the question is asked again. How one item's answer
is read is answer_parsing's; this module maps the form's slots onto it.
"""

from __future__ import annotations

from advisor_core.domain import answer_parsing
from advisor_core.domain.answers import item_for
from advisor_core.domain.plans import PLAN_SLOTS
from advisor_core.domain.questionnaire import Questionnaire


def reads_as_answer(questionnaire: Questionnaire, slot: str, text: str) -> bool:
    """True when ``text`` gives an answer to the open question ``slot``.

    An answer the reader finds but cannot use as it is still counts: an age under 18 (the
    dialogue explains why it stops) and an answer that fits two options (the dialogue asks
    which one was meant).
    """
    if not text or not text.strip() or text.lstrip().startswith("/"):
        return False
    if slot in PLAN_SLOTS:
        return not answer_parsing.is_digression(text) and bool(answer_parsing.numbers_in(text))
    if slot == questionnaire.goals.slot:
        return answer_parsing.reads_as_answer(questionnaire.goals, text)
    try:
        item = item_for(questionnaire, slot)
    except KeyError:  # not a question this module knows
        return False
    return answer_parsing.reads_as_answer(item, text)
