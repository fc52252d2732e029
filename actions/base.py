"""What every custom action shares: identity, safe execution, and running blocking work off the loop."""

from __future__ import annotations

import abc
import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.wiring import Services, services
from advisor_core.domain.texts import Texts, language_of
from advisor_core.identity import Identity, verify_token
from advisor_core.services.preferences import remember_language

logger = logging.getLogger(__name__)
T = TypeVar("T")

# rasa_sdk ships no types: what the action server receives and returns, as plain dicts.
DomainDict = dict[str, Any]    # the domain, as Rasa sends it with every call
Events = list[dict[str, Any]]  # the events an action returns (SlotSet(...) and the like are dicts)


def language(tracker: Tracker) -> str:
    """The conversation's language from the slot ``language``: ``en`` or ``zh-CN`` (empty or unknown: English)."""
    return language_of(tracker.get_slot("language"))


def texts_for(tracker: Tracker, svc: Services | None = None) -> Texts:
    """What this conversation is told in: its language's texts (advisor_core/data/texts)."""
    return (svc or services()).text_book()(language(tracker))


def metadata_of(tracker: Tracker) -> dict[str, Any]:
    """The metadata of the latest user message (the widget's customData, the REST metadata).

    Only that one message counts: a token sent with an earlier message never signs in a later one.
    Rasa always puts the key into ``latest_message``; the last user event is read only when it is
    missing altogether (older trackers), and that event is the same latest message.
    """
    latest = tracker.latest_message or {}
    if "metadata" in latest:
        metadata = latest.get("metadata")
    else:
        metadata = next((event.get("metadata") for event in reversed(tracker.events)
                         if event.get("event") == "user"), None)
    return metadata if isinstance(metadata, dict) else {}


def identify(tracker: Tracker) -> Identity:
    """Only a verified auth_token says who this is; ids typed or put in metadata are ignored."""
    return identity_in(metadata_of(tracker))


def identity_in(metadata: object) -> Identity:
    """Who a message's metadata signs in: its verified ``auth_token``, or a guest."""
    token = metadata.get("auth_token") if isinstance(metadata, dict) else None
    return verify_token(token, services().jwt_secret)


# Intents whose rules answer a message inside a form before the form asks its question again.
DIGRESSION_INTENTS = frozenset({"faq", "bot_challenge", "stop", "request_human", "switch_language"})


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def is_digression(tracker: Tracker) -> bool:
    """The latest message was answered by a digression rule, so it needs no "not an answer" reply."""
    return latest_intent(tracker) in DIGRESSION_INTENTS


def last_bot_response(tracker: Tracker) -> str | None:
    """The name of the response the bot last uttered (e.g. "utter_ask_confirm_stop")."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action")
    return None


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "unknown"


async def blocking(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run database and file work in a thread so one slow call never stalls other conversations."""
    return await asyncio.to_thread(functools.partial(fn, *args, **kwargs))


class AdvisorAction(Action, abc.ABC):
    """Base of the assistant's actions: any unexpected failure ends in an apology, never silence."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> Events:
        try:
            svc = services()
            events = await self.act(dispatcher, tracker, domain, svc)
        except Exception as exc:  # the customer must never be left in silence
            # No message text, ids or amounts in the log: the class of the error is enough to start.
            logger.error("action %s failed with %s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=_apology(tracker))
            return []
        return events + await remember_language_events(tracker, events, svc)

    @abc.abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        """Do the action's work."""


#: What was last stored as the signed-in customer's language, as "<customer id> <language>":
#: a change of either is stored again (conversation contract, "Language").
REMEMBERED_SLOT = "language_remembered"


def remembered_key(customer_id: str, language: str) -> str:
    return f"{customer_id} {language}"


async def remember_language_events(tracker: Tracker, events: Events, svc: Services) -> Events:
    """Keep a signed-in customer's language for their next visit when it has changed.

    The slot ``language`` is filled inside Rasa (no action runs for it), so every action checks
    after its work. Storing is best effort: a failure is logged and the reply stands.
    """
    language = next((e.get("value") for e in reversed(events)
                     if e.get("event") == "slot" and e.get("name") == "language"), None)
    language = language or tracker.get_slot("language")
    if not language:
        return []
    try:
        customer_id = identify(tracker).customer_id
        if customer_id is None or tracker.get_slot(REMEMBERED_SLOT) == remembered_key(customer_id, language):
            return []
        stored = await blocking(remember_language, svc.uow_factory(), customer_id, language, svc.clock())
    except Exception as exc:  # noqa: BLE001 - the reply matters more than the preference
        logger.warning("could not store the customer's language: %s", type(exc).__name__)
        return []
    return [SlotSet(REMEMBERED_SLOT, remembered_key(customer_id, stored))]


def _apology(tracker: Tracker) -> str:
    try:
        return texts_for(tracker).render("common.apology")
    except Exception:  # noqa: BLE001 - the texts themselves failed: still never silence
        return APOLOGY


# Said only when even the texts cannot be read (the customer must never be left in silence).
APOLOGY = ("Sorry, something went wrong on our side and I couldn't finish that; nothing was "
           "half-saved. Please try again in a moment, or say \"talk to a person\".")


class AskSlotAction(AdvisorAction, abc.ABC):
    """Base of the `action_ask_<slot>` actions that a form calls to ask for one slot."""

    @property
    @abc.abstractmethod
    def slot(self) -> str:
        """The slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"


def buttons(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in pairs]
