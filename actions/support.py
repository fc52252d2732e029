"""Greeting, sessions, the financial classroom, fallbacks and handing over to a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import (
    REMEMBERED_SLOT,
    AdvisorAction,
    DomainDict,
    Events,
    blocking,
    buttons,
    identify,
    identity_in,
    language,
    remembered_key,
    texts_for,
)
from actions.wiring import Services
from advisor_core.domain.sessions import CARRY_OVER_SLOTS, carried_over  # noqa: F401 (tests read it here)
from advisor_core.domain.texts import Texts
from advisor_core.services.assessments import current_assessment
from advisor_core.services.handoffs import open_ticket
from advisor_core.services.preferences import remembered_language


def menu(texts: Texts) -> list[dict[str, str]]:
    """What the assistant can do, as buttons (the same payloads in every language)."""
    return buttons((texts.render("button.find_level"), "/start_risk_assessment"),
                   (texts.render("button.plan_education"), "/plan_education_fund"),
                   (texts.render("button.deposit_plus_menu"), "/ask_deposit_plus"),
                   (texts.render("button.talk_to_person"), "/request_human"))


class SessionStart(AdvisorAction):
    def name(self) -> str:
        return "action_session_start"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        events: list[dict[str, Any]] = [SessionStarted()]
        kept = carried_over(tracker.current_slot_values())
        events += [SlotSet(slot, value) for slot, value in kept.items()]
        if "language" not in kept:
            events += await _language_of_last_visit(tracker, svc)
        events.append(ActionExecuted("action_listen"))
        return events


async def _language_of_last_visit(tracker: Tracker, svc: Services) -> Events:
    """A signed-in customer's stored language starts a new conversation (contract, "Language").

    The token comes with the message that starts the session (Rasa passes its metadata in the
    slot session_started_metadata). That message's own language signal - the client's metadata,
    a request, Chinese text - is applied after this and wins.
    """
    customer_id = identity_in(tracker.get_slot("session_started_metadata")).customer_id
    if customer_id is None:
        return []
    stored = await blocking(remembered_language, svc.uow_factory(), customer_id)
    if stored is None:
        return []
    return [SlotSet("language", stored), SlotSet(REMEMBERED_SLOT, remembered_key(customer_id, stored))]


class RememberLanguage(AdvisorAction):
    """Runs after a language switch so a signed-in customer's choice is stored at once.

    The storing itself is AdvisorAction.run's, after every action; this one has nothing else to do.
    """

    def name(self) -> str:
        return "action_remember_language"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        return []


class Greet(AdvisorAction):
    def name(self) -> str:
        return "action_greet"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        who = identify(tracker)
        events: list[dict[str, Any]] = [SlotSet("user_role", who.role if who.verified else "anonymous"),
                                        SlotSet("customer_id", who.customer_id)]
        if who.is_advisor:
            dispatcher.utter_message(text=texts.render("support.advisor_hello"))
            return events
        opening = texts.render("support.hello")
        if who.anonymous_status:
            reason = texts.render(f"identity.{who.anonymous_status}")
            opening = texts.sentences(opening, texts.render("support.guest_note", reason=reason))
        if who.customer_id:
            current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                     conversation_id=tracker.sender_id, now=svc.clock())
            if current is not None and current.valid:
                opening = texts.render("support.welcome_back_level", level=current.record.level,
                                       date=texts.date(current.record.created_at))
                events += [SlotSet("risk_level", current.record.level),
                           SlotSet("risk_score", float(current.record.total_score)),
                           SlotSet("lowest_category", current.record.lowest_category)]
            else:
                opening = texts.render("support.welcome_back")
        dispatcher.utter_message(text=texts.sentences(opening, texts.render("support.offer")), buttons=menu(texts))
        return events


def _previous_turn_fell_back(tracker: Tracker) -> bool:
    """Whether the user turn before this one was also answered by a rephrase request."""
    users_seen = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                return False
        elif users_seen == 1 and event.get("event") == "action" and event.get("name") == "action_rephrase_or_handoff":
            return True
    return False


class RephraseOrHandoff(AdvisorAction):
    """First misunderstanding: ask to rephrase. Second in a row: offer a person.

    Also Rasa's core fallback (no policy was confident about what to do next). Then, like Rasa's
    own default fallback, it reverts the user message, or Rasa would predict it again and again
    until its circuit breaker stops the conversation.
    """

    def name(self) -> str:
        return "action_rephrase_or_handoff"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        revert = [] if intent == "nlu_fallback" else [UserUtteranceReverted()]
        if _previous_turn_fell_back(tracker):
            dispatcher.utter_message(text=texts.render("support.still_not_getting_it"),
                                     buttons=buttons((texts.render("button.yes_person"), "/request_human"),
                                                     (texts.render("button.no_menu"), "/greet")))
            return [SlotSet("fallback_count", 0)] + revert
        dispatcher.utter_message(text=texts.render("support.rephrase"))
        return [SlotSet("fallback_count", 1)] + revert


def conversation_summary(tracker: Tracker, level: str | None, limit: int = 6) -> str:
    """A short summary for the advisor: the requester's own valid level and what was asked about.

    The level is passed in, looked up for whoever sends this message; the conversation's slots
    may still hold a level from a signed-in turn, which must not follow a guest's request.
    """
    intents = []
    for event in tracker.events:
        if event.get("event") == "user":
            name = (event.get("parse_data") or {}).get("intent", {}).get("name")
            if name and name not in intents and name not in ("affirm", "deny", "inform", "greet", "request_human"):
                intents.append(name)
    parts = []
    if level:
        parts.append(f"risk level {level}")
    if intents:
        parts.append("asked about: " + ", ".join(intents[-limit:]))
    parts.append("channel " + (tracker.get_latest_input_channel() or "unknown"))
    parts.append("language " + language(tracker))   # so the advisor answers in the customer's language
    return "; ".join(parts)


class RequestHuman(AdvisorAction):
    def name(self) -> str:
        return "action_request_human"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        who = identify(tracker)
        current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                 conversation_id=tracker.sender_id, now=svc.clock())
        level = current.record.level if current is not None and current.valid else None
        ticket = await blocking(open_ticket, svc.uow_factory(), customer_id=who.customer_id,
                                conversation_id=tracker.sender_id, summary=conversation_summary(tracker, level),
                                now=svc.clock())
        texts = texts_for(tracker, svc)
        follow_up = texts.render("common.advisor_replies_here" if who.customer_id else "handoff.guest_follow_up")
        dispatcher.utter_message(text=texts.render("handoff.done", ticket=ticket.ticket_id, follow_up=follow_up))
        return []
