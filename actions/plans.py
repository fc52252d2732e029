"""Education-fund planning: the form's validation and the projection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import AdvisorAction, AskSlotAction, DomainDict, Events, is_digression, last_bot_response
from actions.wiring import Services
from advisor_core.domain.calculators import (
    EDUCATION_TARGET_AGE,
    education_projection,
    months_until_age,
    target_plan,
)
from advisor_core.domain.plans import PLAN_SLOTS, AmountKind, read_child_age, read_monthly_or_target, read_target
from advisor_core.errors import CalculatorInputError
from advisor_core.services.recommendations import money


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
    def _not_an_answer(slot: str, prompt: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        """Re-prompt, unless a digression rule already answered the message (then just ask again).

        Asked twice without progress, the second re-prompt says why the number is needed and how to
        leave, rather than repeating itself.
        """
        if is_digression(tracker):
            return {slot: None}
        if prompt in _recent_bot_texts(tracker):
            prompt = (f"I still need a number for this one. {WHY[slot]} {prompt} Or say \"stop\" to leave the "
                      "plan; nothing is saved.")
        dispatcher.utter_message(text=prompt)
        return {slot: None}

    def validate_child_age(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                           domain: DomainDict) -> dict[str, Any]:
        if self._ignored(tracker):
            return {"child_age": None}
        age = read_child_age(str(value))
        if age is None:
            return self._not_an_answer("child_age", f"Please tell me the child's age as a whole number from 0 to "
                                                    f"{EDUCATION_TARGET_AGE - 1}, for example 3.", dispatcher, tracker)
        return {"child_age": str(age)}

    def validate_monthly_contribution(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                      domain: DomainDict) -> dict[str, Any]:
        if self._ignored(tracker):
            return {"monthly_contribution": None}
        reading = read_monthly_or_target(str(value))
        if reading.kind is AmountKind.TARGET:
            return {"monthly_contribution": None, "target_amount": str(reading.amount)}
        if reading.kind is AmountKind.REJECTED:
            return self._not_an_answer("monthly_contribution", "Please give a monthly amount as a number, for "
                                       "example 500 - or a target such as \"target 200,000\".", dispatcher, tracker)
        return {"monthly_contribution": str(reading.amount)}

    def validate_target_amount(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: DomainDict) -> dict[str, Any]:
        if self._ignored(tracker):
            return {"target_amount": None}
        amount = read_target(str(value))
        if amount is None:
            return self._not_an_answer("target_amount", "Please give the target as a number, for example 200,000.",
                                       dispatcher, tracker)
        return {"target_amount": str(amount)}


WHY = {
    "child_age": "The plan runs until your child turns 18, so their age sets how many years you save.",
    "monthly_contribution": "The projection shows what a regular monthly amount could grow to.",
    "target_amount": "With a target I can work out the monthly amount it needs.",
}


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


QUESTIONS = {
    "child_age": "How old is your child now? (a number of years, for example 3)",
    "monthly_contribution": ("How much could you put aside each month (for example 500)? Or, if you have a "
                             "target in mind, tell me the amount to reach, e.g. \"target 200,000\"."),
    "target_amount": "What amount would you like to reach by the time your child turns 18?",
}


class AskPlanQuestion(AskSlotAction):
    """Asks one question of the education plan."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        dispatcher.utter_message(text=QUESTIONS[self.slot])
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
        try:
            months = months_until_age(int(tracker.get_slot("child_age")))
            target = tracker.get_slot("target_amount")
            if target is not None:
                needs = target_plan(Decimal(target), months)
                lines = [f"To reach {money(needs.target)} in {months // 12} years ({months} monthly payments), "
                         "you would save about this much a month, depending on the return (simulated "
                         "scenarios):"]
                lines += [f"- at {n.annual_rate}% a year: {money(n.monthly)} a month, paying in "
                          f"{money(n.total_paid)} in total" for n in needs.needs]
                lines.append(needs.disclaimer)
                dispatcher.utter_message(text="\n".join(lines))
            else:
                plan = education_projection(Decimal(tracker.get_slot("monthly_contribution")), months)
                lines = [f"Saving {money(plan.monthly)} a month for {months // 12} years, until your child "
                         f"turns {EDUCATION_TARGET_AGE}, you pay in {money(plan.total_paid)}. Simulated "
                         "outcomes:"]
                lines += [f"- at {s.annual_rate}% a year: about {money(s.future_value.quantize(Decimal(1)))}"
                          for s in plan.scenarios]
                lines.append(plan.disclaimer)
                dispatcher.utter_message(text="\n".join(lines))
        except (CalculatorInputError, TypeError, ValueError):
            dispatcher.utter_message(text="I couldn't work that plan out from those numbers; let's try again "
                                          "- say \"plan an education fund\".")
            return _reset()
        dispatcher.utter_message(text="Our Education Plan comes in a bond-led (R2) and a balanced (R3) version; "
                                      "ask me for suitable products to see which fits your risk level.")
        return _reset()


class CancelEducationPlan(AdvisorAction):
    def name(self) -> str:
        return "action_cancel_education_plan"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        dispatcher.utter_message(text="OK, I've stopped the education plan. Ask me again whenever you like.")
        return _reset() + [SlotSet("requested_slot", None)]
