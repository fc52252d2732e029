"""Greeting, sessions, the financial classroom, fallbacks and handing over to a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet, UserUtteranceReverted
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AdvisorAction, DomainDict, Events, blocking, buttons, identify
from actions.wiring import Services
from advisor_core.domain.sessions import CARRY_OVER_SLOTS, carried_over  # noqa: F401 (tests read it here)
from advisor_core.services.assessments import current_assessment
from advisor_core.services.handoffs import open_ticket

MENU = buttons(("Find my risk level", "/start_risk_assessment"),
               ("Plan for a child's education", "/plan_education_fund"),
               ("Idle cash: deposit-plus", "/ask_deposit_plus"),
               ("Talk to a person", "/request_human"))


class SessionStart(AdvisorAction):
    def name(self) -> str:
        return "action_session_start"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        events: list[dict[str, Any]] = [SessionStarted()]
        events += [SlotSet(slot, value) for slot, value in carried_over(tracker.current_slot_values()).items()]
        events.append(ActionExecuted("action_listen"))
        return events


class Greet(AdvisorAction):
    def name(self) -> str:
        return "action_greet"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        who = identify(tracker)
        events: list[dict[str, Any]] = [SlotSet("user_role", who.role if who.verified else "anonymous"),
                                        SlotSet("customer_id", who.customer_id)]
        if who.is_advisor:
            dispatcher.utter_message(text="Hello! Advisor tools are available: customer summaries, why a product "
                                          "was or wasn't suitable, campaign lists and open handoff tickets.")
            return events
        opening = "Hello! I'm the bank's virtual wealth assistant."
        if who.anonymous_reason:
            opening += f" Note: {who.anonymous_reason}, so I'll treat you as a guest for now."
        if who.customer_id:
            current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                     conversation_id=tracker.sender_id, now=svc.clock())
            if current is not None and current.valid:
                opening = (f"Welcome back! Your last risk level is {current.record.level}, assessed on "
                           f"{current.record.created_at:%d %B %Y}.")
                events += [SlotSet("risk_level", current.record.level),
                           SlotSet("risk_score", float(current.record.total_score)),
                           SlotSet("lowest_category", current.record.lowest_category)]
            else:
                opening = "Welcome back!"
        dispatcher.utter_message(text=opening + " I can explain investing basics, find your risk level, suggest "
                                                "suitable products or plan savings. What would you like to do?",
                                 buttons=MENU)
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
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        revert = [] if intent == "nlu_fallback" else [UserUtteranceReverted()]
        if _previous_turn_fell_back(tracker):
            dispatcher.utter_message(text="Sorry, I'm still not getting it. Would you like me to connect you with "
                                          "a human advisor?",
                                     buttons=buttons(("Yes, talk to a person", "/request_human"),
                                                     ("No, show me the menu", "/greet")))
            return [SlotSet("fallback_count", 0)] + revert
        dispatcher.utter_message(text="Sorry, I didn't understand that. Could you say it another way?")
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
        follow_up = ("An advisor will reply in this chat" if who.customer_id else
                     "As you're not signed in, please sign in to the app or visit a branch and quote it, so an "
                     "advisor can find your conversation")
        dispatcher.utter_message(
            text=(f"I've asked a human advisor to take over; your reference is {ticket.ticket_id}. {follow_up}, "
                  "usually within one working day (9:00-18:00). They will see a short summary of our chat, so you "
                  "won't need to repeat yourself."))
        return []
