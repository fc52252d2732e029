"""The KYC questionnaire: asking, validating free text and buttons, scoring and storing."""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction

from actions.base import AdvisorAction, AskSlotAction, blocking, buttons, channel_of, identify, last_bot_response
from actions.wiring import services
from advisor_core.domain.answer_parsing import parse_answer, parse_goals
from advisor_core.domain.questionnaire import Option, Questionnaire
from advisor_core.domain.scoring import ADULT_AGE, MAX_AGE, has_contradiction
from advisor_core.domain.answers import answer_slots as domain_answer_slots
from advisor_core.domain.answers import is_valid_answer
from advisor_core.errors import AnswerError, PersistenceError, RetakeLimitError, UnderageError
from advisor_core.services.assessments import assess, check_can_start

logger = logging.getLogger(__name__)

RECHECK_SLOT = "kyc_loss_tolerance_recheck"
FAILED_SLOT = "kyc_failed_attempts"
BLOCKED_SLOT = "kyc_blocked"
UNSAVED_SLOT = "kyc_unsaved"  # the answers are complete but the last save failed
EXPLAIN_AFTER_FAILURES = 2


def option_buttons(options: tuple[Option, ...]) -> list[dict[str, str]]:
    return buttons(*((o.label, "/inform" + json.dumps({"option": o.id})) for o in options))


def answer_slots(q: Questionnaire) -> list[str]:
    return [*q.slots, RECHECK_SLOT]


def is_clean(q: Questionnaire, slot: str, value: Any) -> bool:
    """Whether a slot already holds a validated answer (an option id, a whole age, goal ids)."""
    if slot == q.goals.slot:
        return isinstance(value, list) and all(v in q.goals.option_ids for v in value)
    item = q.item("loss_tolerance") if slot == RECHECK_SLOT else q.item_for_slot(slot)
    if item.is_age:
        return (isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer()
                and ADULT_AGE <= value <= MAX_AGE)
    return value in item.option_ids


def reset_events(q: Questionnaire) -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in answer_slots(q)] + [
        SlotSet(FAILED_SLOT, 0), SlotSet(BLOCKED_SLOT, None), SlotSet(UNSAVED_SLOT, None)]


# ------------------------------------------------------------------ asking


class AskQuestion(AskSlotAction):
    """Asks one questionnaire item with its options as buttons, in the spec's order."""

    async def act(self, dispatcher, tracker, domain, svc):
        q = svc.questionnaire
        position = q.slots.index(self.slot) + 1 if self.slot in q.slots else None
        prefix = f"Question {position} of {len(q.slots)}: " if position else ""
        if self.slot == q.goals.slot:
            dispatcher.utter_message(text=prefix + q.goals.question, buttons=option_buttons(q.goals.options))
        elif self.slot == RECHECK_SLOT:
            item = q.item("loss_tolerance")
            dispatcher.utter_message(
                text=("Before we finish, one of your answers needs a second look: you said you could bear "
                      "a loss of at most 5%, but you also chose a high-risk aim or mostly the riskier "
                      "option B. Both can't guide us at once. " + item.question),
                buttons=option_buttons(item.options))
        else:
            item = q.item_for_slot(self.slot)
            dispatcher.utter_message(text=prefix + item.question,
                                     buttons=option_buttons(item.options) if item.options else [])
        return []


def _ask_action(slot: str) -> type[AskQuestion]:
    class_name = "Ask" + "".join(part.title() for part in slot.split("_"))
    return type(class_name, (AskQuestion,), {"slot": slot, "__module__": __name__})


# One ask action per slot; the slot names are the contract's and the domain lists these actions.
ASK_ACTIONS = [_ask_action(slot) for slot in (
    "kyc_income_source", "kyc_investable_assets", "kyc_asset_share", "kyc_liquidity_reserve", "kyc_age",
    "kyc_experience", "kyc_trade_frequency", "kyc_knowledge_bonds", "kyc_knowledge_diversification",
    "kyc_horizon", "kyc_objective", "kyc_loss_tolerance", "kyc_drawdown_reaction", "kyc_return_tradeoff",
    RECHECK_SLOT, "kyc_goals")]


# ------------------------------------------------------------------ validating


class ValidateKycForm(FormValidationAction):
    def name(self) -> str:
        return "validate_kyc_form"

    async def required_slots(self, domain_slots, dispatcher, tracker, domain):
        if tracker.get_slot(BLOCKED_SLOT):
            return []
        q = services().questionnaire
        answers = {s: tracker.get_slot(s) for s in q.slots}
        recheck_needed = tracker.get_slot(RECHECK_SLOT) is not None or (
            answers.get("kyc_return_tradeoff") is not None and has_contradiction(q, answers))
        return [s for s in domain_slots if s != RECHECK_SLOT or recheck_needed]

    async def get_validation_events(self, dispatcher, tracker, domain):
        q = services().questionnaire
        updates: dict[str, Any] = {}
        pending = dict(tracker.slots_to_validate())
        # An answer Rasa stored while this server was unreachable was never validated: do it now.
        for slot in answer_slots(q):
            value = tracker.get_slot(slot)
            if slot not in pending and value is not None and not is_clean(q, slot, value):
                pending[slot] = value
        for slot, value in pending.items():
            if slot not in answer_slots(q):
                continue
            result = self.validate_answer(q, slot, value, dispatcher, tracker)
            updates.update(result)
            tracker.slots.update(result)
        return [SlotSet(slot, value) for slot, value in updates.items()]

    def validate_answer(self, q: Questionnaire, slot: str, value: Any, dispatcher: CollectingDispatcher,
                        tracker: Tracker) -> dict[str, Any]:
        if last_bot_response(tracker) == "utter_ask_confirm_stop":
            return {slot: None}  # "no, don't stop" is not an answer; the question is asked again
        if slot != RECHECK_SLOT and is_clean(q, slot, value):
            return {slot: value, FAILED_SLOT: 0}  # already validated, e.g. when a retry re-enters the form
        if slot == q.goals.slot and isinstance(value, list) and all(isinstance(v, str) for v in value):
            text = " ".join(value)
        elif isinstance(value, str):
            text = value
        else:  # a forged payload such as {"option": {"$ne": null}} is never read as text
            return self._reject(q, slot, dispatcher, tracker)
        try:
            if slot == q.goals.slot:
                clean: Any = parse_goals(q.goals, text)
            elif slot == RECHECK_SLOT:
                clean = parse_answer(q.item("loss_tolerance"), text)
                return {RECHECK_SLOT: clean, FAILED_SLOT: 0}  # the first reading of item 11 is kept too
            else:
                item = q.item_for_slot(slot)
                clean = parse_answer(item, text)
                if item.is_age and int(clean) < ADULT_AGE:
                    raise UnderageError(int(clean))
        except UnderageError:
            dispatcher.utter_message(
                text=("Thank you for telling me. The questionnaire is only for customers aged 18 or over, "
                      "so I can't make a risk assessment for you, and nothing has been saved. A parent or "
                      "guardian can talk to the bank about saving for you, and I'm happy to answer "
                      "questions in the financial classroom."))
            return {slot: None, BLOCKED_SLOT: True}
        except AnswerError:
            return self._reject(q, slot, dispatcher, tracker)
        return {slot: clean, FAILED_SLOT: 0}

    def _reject(self, q: Questionnaire, slot: str, dispatcher: CollectingDispatcher,
                tracker: Tracker) -> dict[str, Any]:
        failures = int(tracker.get_slot(FAILED_SLOT) or 0) + 1
        if slot == q.goals.slot:
            why = q.goals.why
        else:
            why = q.item_for_slot("kyc_loss_tolerance" if slot == RECHECK_SLOT else slot).why
        if slot == "kyc_age":
            hint = "Please give your age as a number of years, for example 42."
        else:
            hint = "Please pick one of the buttons, or say it in your own words."
        if failures >= EXPLAIN_AFTER_FAILURES:
            dispatcher.utter_message(
                text=(f"I still couldn't match that to an answer. Here's why we ask: {why} {hint} "
                      "Would you like to go on? Answer the question below, or say \"stop\" to end the "
                      "questionnaire without saving anything."))
        else:
            dispatcher.utter_message(text=f"Sorry, I couldn't use that answer. {hint}")
        return {slot: None, FAILED_SLOT: failures}


# ------------------------------------------------------------------ starting, stopping, scoring


class PrepareAssessment(AdvisorAction):
    def name(self) -> str:
        return "action_prepare_assessment"

    async def act(self, dispatcher, tracker, domain, svc):
        who = identify(tracker)
        q = svc.questionnaire
        if tracker.get_slot(UNSAVED_SLOT) and all(is_valid_answer(q, slot, tracker.get_slot(slot))
                                                  for slot in q.slots):
            # The last attempt could not be saved: keep the answers, the form completes at once.
            dispatcher.utter_message(text="Let me try saving your answers again.")
            return [SlotSet(UNSAVED_SLOT, None), SlotSet(BLOCKED_SLOT, None)]
        try:
            await blocking(check_can_start, svc.uow_factory(), customer_id=who.customer_id,
                           conversation_id=tracker.sender_id, now=svc.clock())
        except RetakeLimitError as exc:
            dispatcher.utter_message(text=str(exc))
            return [SlotSet(BLOCKED_SLOT, True)]
        count = len(svc.questionnaire.slots)
        dispatcher.utter_message(
            text=(f"Let's work out your risk level. There are {count} short questions; tap an answer or "
                  "type it in your own words. You can ask me a question along the way, or say \"stop\" "
                  "at any time."))
        return reset_events(svc.questionnaire)


class CancelQuestionnaire(AdvisorAction):
    def name(self) -> str:
        return "action_cancel_questionnaire"

    async def act(self, dispatcher, tracker, domain, svc):
        dispatcher.utter_message(text="OK, I've stopped the questionnaire; nothing from it was saved. You can "
                                      "start again any time by saying \"take the risk questionnaire\".")
        return reset_events(svc.questionnaire) + [SlotSet("requested_slot", None)]


class ScoreAssessment(AdvisorAction):
    def name(self) -> str:
        return "action_score_assessment"

    async def act(self, dispatcher, tracker, domain, svc):
        q = svc.questionnaire
        if tracker.get_slot(BLOCKED_SLOT):
            return reset_events(q)  # the reason was already given
        who = identify(tracker)
        # Every answer given, item 11's re-ask beside its first reading: advisor_core decides which counts.
        answers = {slot: tracker.get_slot(slot) for slot in domain_answer_slots(q)}
        try:
            result, _ = await blocking(assess, svc.uow_factory(), q, answers=answers,
                                       customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                       channel=channel_of(tracker), now=svc.clock())
        except RetakeLimitError as exc:
            dispatcher.utter_message(text=str(exc))
            return reset_events(q)
        except UnderageError:  # the bank's record of a signed-in customer's date of birth says under 18
            dispatcher.utter_message(text=("The bank's record of your date of birth shows you are under 18, so I "
                                           "can't make a risk assessment for you, and nothing has been saved."))
            return reset_events(q)
        except PersistenceError as exc:
            logger.error("action %s could not save the assessment: %s", self.name(), type(exc).__name__)
            dispatcher.utter_message(
                text=("Sorry, I couldn't save your assessment just now because of a technical problem, so "
                      "nothing was stored. Your answers are kept in this conversation: tap \"Try again\" "
                      "in a moment and I'll save them without asking the questions again."),
                buttons=buttons(("Try again", "/start_risk_assessment")))
            return [SlotSet(UNSAVED_SLOT, True)]
        lines = [f"Your risk level is {result.level.name}. {q.meaning_of(result.level)}"]
        if result.age_disagrees:
            lines.append(result.explanation[0])
        lines.append(f"Your score was {result.total} out of 100 (ability to bear a loss {result.capacity}/100, "
                     f"willingness to take risk {result.willingness}/100).")
        if result.caps:
            lines.append("What limited your level:")
            lines += [f"- {cap.explanation}" for cap in result.caps]
        lines.append("Your answers and result are saved with the bank, valid for 12 months. Would you like "
                     "to see products that suit your level?")
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=buttons(("Show suitable products", "/ask_recommendation"),
                            ("Plan for a child's education", "/plan_education_fund")))
        return [SlotSet("risk_level", result.level.name), SlotSet("risk_score", float(result.total)),
                SlotSet("lowest_category", result.lowest_category), SlotSet(FAILED_SLOT, 0)]
