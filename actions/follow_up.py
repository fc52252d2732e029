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

from actions.base import AdvisorAction, DomainDict, Events, blocking, buttons, identify, latest_intent, texts_for
from actions.plans import ShowEducationPlan
from actions.products import RecommendProducts
from actions.support import RequestHuman, menu
from actions.wiring import Services
from advisor_core.domain.answer_parsing import numbers_in
from advisor_core.domain.calculators import (
    EDUCATION_TARGET_AGE,
    deposit_plus_comparison,
    disclaimer,
    future_value,
    months_until_age,
)
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.plans import PLAN_SLOTS
from advisor_core.domain.texts import Texts
from advisor_core.errors import CalculatorInputError
from advisor_core.services.assessments import cap_explanations, current_assessment
from advisor_core.services.recommendations import DEPOSIT_PLUS_MONTHS

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
        texts = texts_for(tracker, svc)
        if latest_intent(tracker) == "ask_why":
            return await self._why(dispatcher, tracker, svc, kind, texts)
        if kind == "deposit_plus":
            return self._deposit_plus(dispatcher, svc, text, texts)
        if kind == "education_plan":
            return await self._education_plan(dispatcher, tracker, domain, svc, result, text, texts)
        dispatcher.utter_message(
            text=texts.render("follow.which_calculator"),
            buttons=buttons((texts.render("button.deposit_plus"), "/ask_deposit_plus"),
                            (texts.render("button.education_plan"), "/plan_education_fund")))
        return []

    # ------------------------------------------------------------------ what if

    @staticmethod
    def _deposit_plus(dispatcher: CollectingDispatcher, svc: Services, text: str, texts: Texts) -> Events:
        amount, _ = _amount_and_rate(text)
        if amount is None or amount <= 0:
            dispatcher.utter_message(text=texts.render("follow.which_balance"))
            return []
        rates = svc.catalog.rates
        c = deposit_plus_comparison(amount, DEPOSIT_PLUS_MONTHS, rates)
        dispatcher.utter_message(text=texts.render(
            "deposit.what_if", balance=texts.money(c.balance), months=c.months,
            demand_earnings=texts.money(c.demand_earnings), plus_earnings=texts.money(c.deposit_plus_earnings),
            extra=texts.money(c.extra)))
        return []

    @staticmethod
    async def _education_plan(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                              svc: Services, result: dict[str, Any], text: str, texts: Texts) -> Events:
        amount, rate = _amount_and_rate(text)
        child_age, monthly, target = (result.get(s) for s in PLAN_SLOTS)
        if child_age is None or (amount is None and rate is None):
            dispatcher.utter_message(text=texts.render("follow.what_to_change"))
            return []
        if rate is not None and amount is None and monthly is not None:
            if not 0 <= rate <= MAX_RATE:
                dispatcher.utter_message(text=texts.render("follow.rate_range", max_rate=MAX_RATE))
                return []
            try:
                months = months_until_age(int(child_age))
                value = future_value(Decimal(monthly), months, rate)
            except (CalculatorInputError, ValueError, ArithmeticError):
                dispatcher.utter_message(text=texts.render("follow.cannot_compute"))
                return []
            dispatcher.utter_message(text=texts.render(
                "follow.at_rate", rate=f"{rate.normalize():f}", monthly=texts.money(Decimal(monthly)),
                target_age=EDUCATION_TARGET_AGE, months=months, value=texts.money(value.quantize(Decimal(1))),
                disclaimer=disclaimer(texts)))
            return []
        if amount is None:
            dispatcher.utter_message(text=texts.render("follow.new_target"))
            return []
        # A new amount: the plan is shown again the same way, with the other figures kept.
        changed = "target_amount" if target is not None else "monthly_contribution"
        unchanged = "monthly_contribution" if changed == "target_amount" else "target_amount"
        tracker.slots.update({"child_age": str(child_age), changed: str(amount), unchanged: None})
        return await ShowEducationPlan().act(dispatcher, tracker, domain, svc)

    # ------------------------------------------------------------------ why

    async def _why(self, dispatcher: CollectingDispatcher, tracker: Tracker, svc: Services,
                   kind: str | None, texts: Texts) -> Events:
        if kind == "recommendation":
            dispatcher.utter_message(text=texts.render("follow.why_recommendation"))
            return []
        who = identify(tracker)
        current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                 conversation_id=tracker.sender_id, now=svc.clock())
        if current is None or not current.valid:
            dispatcher.utter_message(text=texts.render("follow.why_unknown"), buttons=menu(texts))
            return []
        record = current.record
        level = RiskLevel.parse(record.level)
        band = svc.questionnaire.level_for(record.total_score)
        lines = [texts.render("follow.why_level", level=level.name, total=record.total_score, band=band.name,
                              capacity=record.capacity_score, willingness=record.willingness_score)]
        if record.caps:
            explanations = cap_explanations(svc.questionnaire, record, texts)
            lines.append(texts.render("follow.why_caps", explanations=texts.sentences(*explanations)))
        else:
            lines.append(texts.render("follow.why_no_caps"))
        lines.append(texts.render("follow.why_retake"))
        retake = (texts.render("button.retake_questionnaire"), "/start_risk_assessment")
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=buttons(retake, (texts.render("button.show_products"), "/ask_recommendation")))
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
            return event if text.endswith(("?", "？")) and has_buttons else None
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
        texts = texts_for(tracker, svc)
        question = last_question(tracker.events)
        if question is None:
            dispatcher.utter_message(text=texts.render("follow.not_sure"), buttons=menu(texts))
            return []
        if latest_intent(tracker) == "deny":
            dispatcher.utter_message(text=texts.render("follow.no_problem"), buttons=menu(texts))
            return []
        first = question["data"]["buttons"][0].get("payload", "")
        if first == START_QUESTIONNAIRE:
            return [FollowupAction("action_prepare_assessment")]
        action = ACTION_FOR_YES.get(first)
        if action is None:
            dispatcher.utter_message(text=texts.render("follow.pick_option"))
            return []
        return await action().act(dispatcher, tracker, domain, svc)
