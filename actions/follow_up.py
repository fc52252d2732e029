"""Replies that need the context of the conversation.

Follow-ups about what was just shown ("what would I earn on 50000?" after deposit-plus, "and at
6%?" after an education plan, "why?" after a level) and a plain "yes" / "no" to the assistant's
own question. The context is read from the conversation's events, so no extra slot has to be
kept in step with what was said.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AdvisorAction, DomainDict, Events, blocking, buttons, identify, latest_intent
from actions.plans import ShowEducationPlan
from actions.products import RecommendProducts
from actions.support import MENU, RequestHuman
from actions.wiring import Services
from advisor_core.domain.answer_parsing import numbers_in
from advisor_core.domain.calculators import (
    DISCLAIMER,
    EDUCATION_TARGET_AGE,
    deposit_plus_comparison,
    future_value,
    months_until_age,
)
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.plans import PLAN_SLOTS
from advisor_core.errors import CalculatorInputError
from advisor_core.services.assessments import current_assessment
from advisor_core.services.recommendations import DEPOSIT_PLUS_MONTHS, money

MAX_RATE = Decimal(20)  # percent a year: beyond it a "rate" is more likely a typo than a question
_RATE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent)", re.IGNORECASE)


def _amount_and_rate(text: str) -> tuple[Decimal | None, Decimal | None]:
    """The first amount and the first percentage in the text ("what if I put 800 in at 3%?")."""
    found = _RATE.search(text)
    rate = Decimal(found.group(1)) if found else None
    rest = text[:found.start()] + " " + text[found.end():] if found else text
    amounts = numbers_in(rest)
    return (amounts[0] if amounts else None), rate


# The last result these actions showed is what a follow-up refers to.
RESULT_OF_ACTION = {"action_explain_deposit_plus": "deposit_plus", "action_show_education_plan": "education_plan",
                    "action_score_assessment": "risk_level", "action_tell_risk_level": "risk_level",
                    "action_recommend_products": "recommendation"}


def last_result(events: list[dict[str, Any]]) -> dict[str, Any]:
    """{"kind": ...} of the latest result shown; an education plan also with the figures it used."""
    plan: dict[str, Any] = {}
    result: dict[str, Any] = {}
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") in PLAN_SLOTS and event.get("value") is not None:
            plan[event["name"]] = event["value"]
        elif kind == "action" and event.get("name") in RESULT_OF_ACTION:
            result = {"kind": RESULT_OF_ACTION[event["name"]]}
            if result["kind"] == "education_plan":
                result |= {slot: plan.get(slot) for slot in PLAN_SLOTS}
                # the form asks for a monthly amount or a target: the one given last counts
                if "target_amount" in plan and "monthly_contribution" in plan:
                    result["monthly_contribution" if _given_last(events, "target_amount") else "target_amount"] = None
                plan = {}
    return result


def _given_last(events: list[dict[str, Any]], slot: str) -> bool:
    for event in reversed(events):
        if event.get("event") == "slot" and event.get("value") is not None and event.get("name") in (
                "target_amount", "monthly_contribution"):
            return event["name"] == slot
    return False


class AnswerFollowUp(AdvisorAction):
    def name(self) -> str:
        return "action_answer_follow_up"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        result = last_result(tracker.events)
        kind = result.get("kind")
        text = (tracker.latest_message or {}).get("text") or ""
        if latest_intent(tracker) == "ask_why":
            return await self._why(dispatcher, tracker, svc, kind)
        if kind == "deposit_plus":
            return self._deposit_plus(dispatcher, svc, text)
        if kind == "education_plan":
            return await self._education_plan(dispatcher, tracker, domain, svc, result, text)
        dispatcher.utter_message(
            text=("I can work that out for deposit-plus (what a balance would earn) or for an education plan "
                  "(what a monthly amount could grow to). Which would you like?"),
            buttons=buttons(("Deposit-plus", "/ask_deposit_plus"), ("Education plan", "/plan_education_fund")))
        return []

    # ------------------------------------------------------------------ what if

    @staticmethod
    def _deposit_plus(dispatcher: CollectingDispatcher, svc: Services, text: str) -> Events:
        amount, _ = _amount_and_rate(text)
        if amount is None or amount <= 0:
            dispatcher.utter_message(text="Which balance should I work out? For example: \"what would 50,000 earn?\"")
            return []
        rates = svc.catalog.rates
        c = deposit_plus_comparison(amount, DEPOSIT_PLUS_MONTHS, rates)
        dispatcher.utter_message(
            text=(f"On {money(c.balance)} over {c.months} months: about {money(c.demand_earnings)} at the "
                  f"demand-deposit rate, and about {money(c.deposit_plus_earnings)} in deposit-plus - "
                  f"{money(c.extra)} more, if today's rates stay the same. Rates can change; these are "
                  "estimates, not promises."))
        return []

    @staticmethod
    async def _education_plan(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                              svc: Services, result: dict[str, Any], text: str) -> Events:
        amount, rate = _amount_and_rate(text)
        child_age, monthly, target = (result.get(s) for s in PLAN_SLOTS)
        if child_age is None or (amount is None and rate is None):
            dispatcher.utter_message(text="What should I change: the monthly amount (\"what if I put in 800?\") "
                                          "or the rate (\"and at 3%?\")?")
            return []
        if rate is not None and amount is None and monthly is not None:
            if not 0 <= rate <= MAX_RATE:
                dispatcher.utter_message(text=f"Please give a yearly rate between 0% and {MAX_RATE}%.")
                return []
            try:
                months = months_until_age(int(child_age))
                value = future_value(Decimal(monthly), months, rate)
            except (CalculatorInputError, ValueError, ArithmeticError):
                dispatcher.utter_message(
                    text="I couldn't work that out; say \"plan an education fund\" to start again."
                )
                return []
            dispatcher.utter_message(
                text=(f"At {rate.normalize():f}% a year, saving {money(Decimal(monthly))} a month until your child "
                      f"turns {EDUCATION_TARGET_AGE} ({months} payments) would come to about "
                      f"{money(value.quantize(Decimal(1)))}. {DISCLAIMER}"))
            return []
        if amount is None:
            dispatcher.utter_message(text="For a target, tell me a new amount to reach, e.g. \"what about 300,000?\"")
            return []
        # A new amount: the plan is shown again the same way, with the other figures kept.
        changed = "target_amount" if target is not None else "monthly_contribution"
        unchanged = "monthly_contribution" if changed == "target_amount" else "target_amount"
        tracker.slots.update({"child_age": str(child_age), changed: str(amount), unchanged: None})
        return await ShowEducationPlan().act(dispatcher, tracker, domain, svc)

    # ------------------------------------------------------------------ why

    async def _why(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                   kind: str | None) -> Events:
        if kind == "recommendation":
            dispatcher.utter_message(
                text=("I only suggest products whose risk rating is at or below your risk level: a customer at "
                      "level Cn may be recommended products rated up to Rn. Within that, products that fit the "
                      "goals and time horizon from your questionnaire come first, and each comes with its own "
                      "reasons. You can ask me about any product by name."))
            return []
        who = identify(tracker)
        current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                 conversation_id=tracker.sender_id, now=svc.clock())
        if current is None or not current.valid:
            dispatcher.utter_message(
                text=("Could you tell me what you'd like me to explain? I can explain your risk level once "
                      "you've taken the questionnaire, or any product or investing idea you ask about."),
                buttons=MENU)
            return []
        record = current.record
        level = RiskLevel.parse(record.level)
        band = svc.questionnaire.level_for(record.total_score)
        lines = [f"Your level {level.name} comes from your answers: they scored {record.total_score} out of 100, "
                 f"which is in the {band.name} band. "
                 f"Your ability to bear a loss scored {record.capacity_score}/100 and your willingness to take "
                 f"risk {record.willingness_score}/100; the level is never more than one step above the lower "
                 "of the two."]
        if record.caps:
            lines.append("It was also limited by these rules: " + " ".join(c.explanation for c in record.caps))
        else:
            lines.append("No other limit applied.")
        lines.append("If your situation has changed, you can retake the questionnaire (once a day).")
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=buttons(("Retake the questionnaire", "/start_risk_assessment"),
                                                 ("Show suitable products", "/ask_recommendation")))
        return []


# A yes to the assistant's question presses its first button; these are the buttons it can press.
# The questionnaire needs its form, so it follows as the next action (a rule starts the form);
# the others answer in this same turn.
START_QUESTIONNAIRE = "/start_risk_assessment"
ACTION_FOR_YES: dict[str, type[AdvisorAction]] = {"/request_human": RequestHuman,
                                                 "/ask_recommendation": RecommendProducts}


def last_question(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The bot's last message if it was a question with buttons, else None."""
    for event in reversed(events):
        if event.get("event") == "bot":
            text = (event.get("text") or "").rstrip()
            has_buttons = bool((event.get("data") or {}).get("buttons"))
            return event if text.endswith("?") and has_buttons else None
    return None


class AnswerYesNo(AdvisorAction):
    """A plain "yes" / "ok" / "no thanks" to the assistant's own yes/no question.

    "Yes" does what the question's first button does; "no" declines and shows the menu. (The stop
    and above-level confirmations have rules of their own.)
    """

    def name(self) -> str:
        return "action_answer_yes_no"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        question = last_question(tracker.events)
        if question is None:
            dispatcher.utter_message(text="I'm not sure what that answers. What would you like to do?", buttons=MENU)
            return []
        if latest_intent(tracker) == "deny":
            dispatcher.utter_message(text="No problem. Is there anything else I can help you with?", buttons=MENU)
            return []
        first = question["data"]["buttons"][0].get("payload", "")
        if first == START_QUESTIONNAIRE:
            return [FollowupAction("action_prepare_assessment")]
        action = ACTION_FOR_YES.get(first)
        if action is None:
            dispatcher.utter_message(text="Please pick one of the options above, or tell me in a few words.")
            return []
        return await action().act(dispatcher, tracker, domain, svc)
