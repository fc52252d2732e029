"""The KYC questionnaire: asking, validating free text and buttons, scoring and storing."""

from __future__ import annotations

import json
import logging
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
    blocking,
    buttons,
    channel_of,
    identify,
    is_digression,
    last_bot_response,
    texts_for,
)
from actions.wiring import Services, services
from advisor_core.domain.answers import (
    RECHECK_SLOT,
    ReadingKind,
    answer_slots,
    is_valid_answer,
    item_for,
    needs_recheck,
    read_answer,
)
from advisor_core.domain.questionnaire import Option, Questionnaire
from advisor_core.domain.texts import Texts
from advisor_core.errors import PersistenceError, RetakeLimitError, UnderageError
from advisor_core.services.assessments import assess, check_can_start

logger = logging.getLogger(__name__)

FAILED_SLOT = "kyc_failed_attempts"
BLOCKED_SLOT = "kyc_blocked"
UNSAVED_SLOT = "kyc_unsaved"  # the answers are complete but the last save failed
OWNER_SLOT = "kyc_owner"  # Identity.owner_key of whoever started the questionnaire in progress
EXPLAIN_AFTER_FAILURES = 2


def option_buttons(options: tuple[Option, ...], lang: str = "en") -> list[dict[str, str]]:
    """The options as buttons: the title in the conversation's language, the same payload in every one."""
    return buttons(*((o.label_in(lang), "/inform" + json.dumps({"option": o.id})) for o in options))


def reset_events(q: Questionnaire) -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in answer_slots(q)] + [
        SlotSet(FAILED_SLOT, 0), SlotSet(BLOCKED_SLOT, None), SlotSet(UNSAVED_SLOT, None)]


# ------------------------------------------------------------------ asking


class AskQuestion(AskSlotAction):
    """Asks one questionnaire item with its options as buttons, in the spec's order."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        q = svc.questionnaire
        texts = texts_for(tracker, svc)
        lang = texts.language
        position = q.slots.index(self.slot) + 1 if self.slot in q.slots else None
        prefix = texts.render("kyc.question_prefix", position=position, count=len(q.slots)) if position else ""
        if self.slot == q.goals.slot:
            dispatcher.utter_message(text=prefix + q.goals.question_in(lang),
                                     buttons=option_buttons(q.goals.options, lang))
        elif self.slot == RECHECK_SLOT:
            item = item_for(q, RECHECK_SLOT)
            dispatcher.utter_message(text=texts.render("kyc.recheck", prompt=q.consistency.recheck_prompt_in(lang),
                                                       question=item.question_in(lang)),
                                     buttons=option_buttons(item.options, lang))
        else:
            item = q.item_for_slot(self.slot)
            dispatcher.utter_message(text=prefix + item.question_in(lang),
                                     buttons=option_buttons(item.options, lang) if item.options else [])
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

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        if tracker.get_slot(BLOCKED_SLOT):
            return []
        q = services().questionnaire
        recheck_needed = needs_recheck(q, {s: tracker.get_slot(s) for s in answer_slots(q)})
        return [s for s in domain_slots if s != RECHECK_SLOT or recheck_needed]

    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> Events:
        q = services().questionnaire
        owner = tracker.get_slot(OWNER_SLOT)
        current_owner = identify(tracker).owner_key
        if owner is not None and owner != current_owner:
            # Identity is decided per message: answers given by someone else (a signed-in customer,
            # then a message without their token) never count towards this sender's assessment.
            dispatcher.utter_message(text=texts_for(tracker).render("kyc.owner_changed"))
            return reset_events(q) + [SlotSet(OWNER_SLOT, current_owner)]
        updates: dict[str, Any] = {}
        pending = dict(tracker.slots_to_validate())
        # An answer Rasa stored while this server was unreachable was never validated: do it now.
        for slot in answer_slots(q):
            value = tracker.get_slot(slot)
            if slot not in pending and value is not None and not is_valid_answer(q, slot, value):
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
        reading = read_answer(q, slot, value)
        texts = texts_for(tracker)
        if reading.kind is ReadingKind.UNDERAGE:
            dispatcher.utter_message(text=texts.render("kyc.underage"))
            return {slot: None, BLOCKED_SLOT: True}
        if reading.kind is ReadingKind.AMBIGUOUS:
            return self._ask_which(q, slot, reading.candidates, dispatcher, texts)
        if reading.kind is ReadingKind.REJECTED:
            if is_digression(tracker):
                return {slot: None}  # answered by its rule; the form asks its question again
            return self._reject(q, slot, dispatcher, tracker, texts)
        return {slot: reading.value, FAILED_SLOT: 0}  # the recheck keeps item 11's first reading too

    def _ask_which(self, q: Questionnaire, slot: str, candidates: tuple[str, ...],
                   dispatcher: CollectingDispatcher, texts: Texts) -> dict[str, Any]:
        """An answer that fits more than one option is never guessed: the customer picks."""
        item = item_for(q, slot)
        options = tuple(o for o in item.options if o.id in candidates)
        labels = texts.render("kyc.or").join(texts.render("kyc.quoted_option", label=o.label_in(texts.language))
                                            for o in options)
        dispatcher.utter_message(text=texts.render("kyc.ask_which", options=labels),
                                 buttons=option_buttons(options, texts.language))
        return {slot: None}

    def _reject(self, q: Questionnaire, slot: str, dispatcher: CollectingDispatcher,
                tracker: Tracker, texts: Texts) -> dict[str, Any]:
        failures = int(tracker.get_slot(FAILED_SLOT) or 0) + 1
        why = q.goals.why_in(texts.language) if slot == q.goals.slot else item_for(q, slot).why_in(texts.language)
        hint = texts.render("kyc.hint_age" if slot != q.goals.slot and item_for(q, slot).is_age else "kyc.hint_pick")
        if failures >= EXPLAIN_AFTER_FAILURES:
            dispatcher.utter_message(text=texts.render("kyc.explain_after_failures", why=why, hint=hint))
        else:
            dispatcher.utter_message(text=texts.render("kyc.reject", hint=hint))
        return {slot: None, FAILED_SLOT: failures}


# ------------------------------------------------------------------ starting, stopping, scoring


class PrepareAssessment(AdvisorAction):
    def name(self) -> str:
        return "action_prepare_assessment"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        who = identify(tracker)
        q = svc.questionnaire
        texts = texts_for(tracker, svc)
        if tracker.get_slot(UNSAVED_SLOT) and all(is_valid_answer(q, slot, tracker.get_slot(slot))
                                                  for slot in q.slots):
            # The last attempt could not be saved: keep the answers, the form completes at once.
            dispatcher.utter_message(text=texts.render("kyc.retry_save"))
            return [SlotSet(UNSAVED_SLOT, None), SlotSet(BLOCKED_SLOT, None)]
        try:
            await blocking(check_can_start, svc.uow_factory(), customer_id=who.customer_id,
                           conversation_id=tracker.sender_id, now=svc.clock())
        except RetakeLimitError:
            dispatcher.utter_message(text=texts.render("kyc.retake_limit"))
            return [SlotSet(BLOCKED_SLOT, True)]
        dispatcher.utter_message(text=texts.render("kyc.intro", count=len(svc.questionnaire.slots)))
        return reset_events(svc.questionnaire) + [SlotSet(OWNER_SLOT, who.owner_key)]


class CancelQuestionnaire(AdvisorAction):
    def name(self) -> str:
        return "action_cancel_questionnaire"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        dispatcher.utter_message(text=texts_for(tracker, svc).render("kyc.cancelled"))
        return reset_events(svc.questionnaire) + [SlotSet("requested_slot", None)]


class ScoreAssessment(AdvisorAction):
    def name(self) -> str:
        return "action_score_assessment"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        q = svc.questionnaire
        if tracker.get_slot(BLOCKED_SLOT):
            return reset_events(q)  # the reason was already given
        texts = texts_for(tracker, svc)
        who = identify(tracker)
        owner = tracker.get_slot(OWNER_SLOT)
        if owner is not None and owner != who.owner_key:
            dispatcher.utter_message(text=texts.render("kyc.owner_changed_at_scoring"),
                                     buttons=buttons((texts.render("button.take_questionnaire"),
                                                      "/start_risk_assessment")))
            return reset_events(q) + [SlotSet(OWNER_SLOT, None)]
        # Every answer given, item 11's re-ask beside its first reading: advisor_core decides which counts.
        answers = {slot: tracker.get_slot(slot) for slot in answer_slots(q)}
        try:
            result, _ = await blocking(assess, svc.uow_factory(), q, answers=answers,
                                       customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                       channel=channel_of(tracker), now=svc.clock(), texts=texts)
        except RetakeLimitError:
            dispatcher.utter_message(text=texts.render("kyc.retake_limit"))
            return reset_events(q)
        except UnderageError:  # the bank's record of a signed-in customer's date of birth says under 18
            dispatcher.utter_message(text=texts.render("kyc.record_underage"))
            return reset_events(q)
        except PersistenceError as exc:
            logger.error("action %s could not save the assessment: %s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=texts.render("kyc.save_failed"),
                                     buttons=buttons((texts.render("button.try_again"), "/start_risk_assessment")))
            return [SlotSet(UNSAVED_SLOT, True)]
        lines = [texts.render("kyc.result_level", level=result.level.name,
                              meaning=q.meaning_of(result.level, texts.language))]
        if result.age_disagrees:
            lines.append(result.explanation[0])
        lines.append(texts.render("kyc.result_score", total=result.total, capacity=result.capacity,
                                  willingness=result.willingness))
        if result.caps:
            lines.append(texts.render("kyc.result_caps_heading"))
            lines += [texts.render("kyc.result_cap", explanation=cap.explanation) for cap in result.caps]
        lines.append(texts.render("kyc.result_saved"))
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=buttons((texts.render("button.show_products"), "/ask_recommendation"),
                            (texts.render("button.plan_education"), "/plan_education_fund")))
        return [SlotSet("risk_level", result.level.name), SlotSet("risk_score", float(result.total)),
                SlotSet("lowest_category", result.lowest_category), SlotSet(FAILED_SLOT, 0)]
