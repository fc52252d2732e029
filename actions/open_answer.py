"""Takes a typed message as the answer to the question a form has open, before any rule sees it.

Rasa runs this custom slot mapping for the requested slot of the questionnaire and the education
plan. A message that reads as an answer is the answer, whatever intent the classifier preferred:
"bond prices fall when rates rise" in the bonds question, "wait it out" in the drawdown question,
"I am 16 years old" in the age question. A real digression ("what is a bond fund?", "stop",
"talk to a person") is left unfilled, so the form steps aside and its rule answers it; the form
then asks its question again.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import DIGRESSION_INTENTS, latest_intent
from actions.wiring import services
from advisor_core.domain.open_question import reads_as_answer

logger = logging.getLogger(__name__)


def open_answer(tracker: Tracker, questionnaire: Any) -> str | None:
    """The text to fill the requested slot with, or None to let the form step aside."""
    slot = tracker.get_slot("requested_slot")
    text = ((tracker.latest_message or {}).get("text") or "").strip()
    if not slot or not text:
        return None
    intent = latest_intent(tracker)
    if intent not in DIGRESSION_INTENTS:
        # An answer, or something the form re-prompts for: a broken or forged payload too (a
        # well-formed button is read by the from_entity mapping, which Rasa tries first).
        return text
    # "what is a bond fund?" stays a classroom question even though it names an option
    return text if reads_as_answer(questionnaire, slot, text) else None


class ExtractOpenAnswer(Action):
    def name(self) -> str:
        return "action_extract_open_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            value = open_answer(tracker, services().questionnaire)
        except Exception as exc:  # extraction must never break the turn; the form re-asks
            logger.error("action %s failed with %s", self.name(), type(exc).__name__)
            return []
        slot = tracker.get_slot("requested_slot")
        return [SlotSet(slot, value)] if value is not None else []
