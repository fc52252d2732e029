"""Education-fund planning: the form's validation and the projection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import (
    AdvisorAction,
    AskSlotAction,
    DomainDict,
    Events,
    is_digression,
    last_bot_response,
    texts_for,
)
from actions.wiring import Services
from advisor_core.domain.calculators import EDUCATION_TARGET_AGE, education_plan_lines
from advisor_core.domain.plans import PLAN_SLOTS, AmountKind, read_child_age, read_monthly_or_target, read_target
from advisor_core.errors import CalculatorInputError


class ValidateEducationPlanForm(FormValidationAction):
    def name(self) -> str:
        return "validate_education_plan_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        # Either a monthly amount (projection) or a target (the monthly amount it needs).
        unused = "monthly_contribution" if tracker.get_slot("target_amount") is not None else "target_amount"
        return [s for s in domain_slots if s != unused]

    def _ignored(self, tracker: Tracker) -> bool:
        return last_bot_response(tracker) == "utter_ask_confirm_stop"

    @staticmethod
    def _not_an_answer(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Re-prompt, unless a digression rule already answered the message (then just ask again).

        Asked twice without progress, the second re-prompt says why the number is needed and how to
        leave, rather than repeating itself.
        """
        if is_digression(tracker):
            return {slot: None}
        texts = texts_for(tracker)
        prompt = texts.render(f"plan.reprompt_{slot}", **({"max_age": EDUCATION_TARGET_AGE - 1}
                                                          if slot == "child_age" else {}))
        if prompt in _recent_bot_texts(tracker):
            prompt = texts.render("plan.still_need_number", why=texts.render(f"plan.why_{slot}"), prompt=prompt)
        dispatcher.utter_message(text=prompt)
        return {slot: None}

    def validate_child_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        if self._ignored(tracker):
            return {"child_age": None}
        age = read_child_age(str(value))
        if age is None:
            return self._not_an_answer("child_age", dispatcher, tracker)
        return {"child_age": str(age)}

    def validate_monthly_contribution(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        if self._ignored(tracker):
            return {"monthly_contribution": None}
        reading = read_monthly_or_target(str(value))
        if reading.kind is AmountKind.TARGET:
            return {"monthly_contribution": None, "target_amount": str(reading.amount)}
        if reading.kind is AmountKind.REJECTED:
            return self._not_an_answer("monthly_contribution", dispatcher, tracker)
        return {"monthly_contribution": str(reading.amount)}

    def validate_target_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if self._ignored(tracker):
            return {"target_amount": None}
        amount = read_target(str(value))
        if amount is None:
            return self._not_an_answer("target_amount", dispatcher, tracker)
        return {"target_amount": str(amount)}


def _recent_bot_texts(tracker: Tracker, turns: int = 3) -> list[str]:
    """The texts of the bot's last few messages (a re-prompt is sent together with the question)."""
    texts: list[str] = []
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            texts.append(event.get("text") or "")
            if len(texts) == turns:
                break
    return texts


def _reset() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in PLAN_SLOTS]


class AskPlanQuestion(AskSlotAction):
    """Asks one question of the education plan."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        dispatcher.utter_message(text=texts_for(tracker, svc).render(f"plan.ask_{self.slot}"))
        return []


class AskChildAge(AskPlanQuestion):
    slot = "child_age"


class AskMonthlyContribution(AskPlanQuestion):
    slot = "monthly_contribution"


class AskTargetAmount(AskPlanQuestion):
    slot = "target_amount"


class ShowEducationPlan(AdvisorAction):
    def name(self) -> str:
        return "action_show_education_plan"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        try:
            target = tracker.get_slot("target_amount")
            monthly = tracker.get_slot("monthly_contribution")
            lines = education_plan_lines(texts, int(tracker.get_slot("child_age")),
                                  None if target is not None else Decimal(monthly),
                                  Decimal(target) if target is not None else None)
        except (CalculatorInputError, TypeError, ValueError):
            dispatcher.utter_message(text=texts.render("plan.cannot_compute"))
            return _reset()
        dispatcher.utter_message(text="\n".join(lines))
        dispatcher.utter_message(text=texts.render("plan.products_note"))
        return _reset()


class CancelEducationPlan(AdvisorAction):
    def name(self) -> str:
        return "action_cancel_education_plan"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        dispatcher.utter_message(text=texts_for(tracker, svc).render("plan.cancelled"))
        return _reset() + [SlotSet("requested_slot", None)]
