"""Fixtures for the custom-action tests, in the style of rasa-sdk's own tests.

Every test gets fresh collaborators (``actions.wiring.use_services``): the packaged questionnaire
and catalog, ONE shared in-memory ``FakeUnitOfWork`` (``fake_uow``) so a test can look at what
an action stored, the secret ``SECRET`` and the fixed clock ``FIXED_NOW``. They are reset after
the test. A ``rasa_sdk.Tracker`` is built per test from slots and events (``make_tracker``), an
action is run with ``run_action`` and the returned events and ``dispatcher.messages`` are checked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.wiring import Services, use_services
from advisor_core.adapters.datafiles import default_catalog, default_questionnaire
from advisor_core.identity import issue_token
from tests.factories import middle_answers
from tests.fakes import FakeUnitOfWork

UTC = dt.UTC
FIXED_NOW = dt.datetime(2025, 6, 16, 10, 0, tzinfo=UTC)
SECRET = "test-secret"
OTHER_SECRET = "someone-elses-secret"
SENDER = "conv-4711"
CUSTOMER_ID = "C000123"
ADVISOR_ID = "ADV-007"
CHANNEL = "rest"

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "rasa_bot" / "domain" / "core.yml"


def load_domain() -> dict[str, Any]:
    with DOMAIN_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


DOMAIN: dict[str, Any] = load_domain()


# --------------------------------------------------------------------------- services


@pytest.fixture
def fake_uow() -> FakeUnitOfWork:
    """The one unit of work every action of the test writes to and reads from."""
    return FakeUnitOfWork()


@pytest.fixture(autouse=True)
def svc(fake_uow: FakeUnitOfWork) -> Iterator[Services]:
    services = Services(questionnaire=default_questionnaire(), catalog=default_catalog(),
                        uow_factory=lambda: fake_uow, jwt_secret=SECRET, clock=lambda: FIXED_NOW)
    use_services(services)
    yield services
    use_services(None)


@pytest.fixture
def domain() -> dict[str, Any]:
    return load_domain()


def seed(uow: FakeUnitOfWork, *records: Any) -> None:
    """Commit customers, assessments, recommendations, events and tickets to the fake."""
    from advisor_core.domain.records import (
        AssessmentRecord,
        Customer,
        HandoffTicket,
        RecommendationRecord,
        SuitabilityEvent,
    )

    with uow:
        for record in records:
            if isinstance(record, Customer):
                uow.customers.add(record)
            elif isinstance(record, AssessmentRecord):
                uow.assessments.add(record)
            elif isinstance(record, RecommendationRecord):
                uow.recommendations.add(record)
            elif isinstance(record, SuitabilityEvent):
                uow.suitability_events.add(record)
            elif isinstance(record, HandoffTicket):
                uow.handoffs.add(record)
            else:  # pragma: no cover - a mistake in a test
                raise TypeError(f"cannot seed {record!r}")
        uow.commit()


def stored(uow: FakeUnitOfWork) -> dict[str, list[Any]]:
    """Everything committed in the fake, by kind (the fake keeps it in ``_committed_store``)."""
    store = uow._committed_store
    return {
        "customers": list(store.customers.values()),
        "assessments": list(store.assessments),
        "recommendations": list(store.recommendations),
        "suitability_events": list(store.suitability_events),
        "handoffs": list(store.handoffs),
    }


# A complete, valid answer set (hand-scored: 54 points, band C3; capacity 70, willingness 44;
# the short horizon caps the level at C2).
FULL_ANSWERS: dict[str, Any] = middle_answers(age=42, experience="fixed_income", horizon="lt_1y")


def assessment_for(level: str, *, assessment_id: str | None = None, customer_id: str | None = CUSTOMER_ID,
                   conversation_id: str = "an-earlier-conversation", lowest: bool = False,
                   days_ago: float = 30, age: int = 44, answers: dict[str, Any] | None = None,
                   caps: tuple[Any, ...] = ()) -> Any:
    """A stored assessment at ``level`` made ``days_ago`` before FIXED_NOW."""
    from tests.fakes import make_assessment

    return make_assessment(
        assessment_id or f"A-{level}-{customer_id}-{days_ago}",
        customer_id=customer_id, conversation_id=conversation_id, level=level, lowest_category=lowest,
        created_at=FIXED_NOW - dt.timedelta(days=days_ago), age_at_assessment=age,
        answers=answers if answers is not None else {"kyc_horizon": "gt_10y", "kyc_goals": ["wealth_growth"]},
        caps=caps)


# --------------------------------------------------------------------------- tokens


def customer_token(subject: str = CUSTOMER_ID) -> str:
    return issue_token(subject, "customer", SECRET)


def advisor_token(subject: str = ADVISOR_ID) -> str:
    return issue_token(subject, "advisor", SECRET)


def expired_token(subject: str = CUSTOMER_ID, role: str = "customer") -> str:
    # identify() checks expiry against the real clock, so "expired" means expired now.
    return issue_token(subject, role, SECRET, expires_in=dt.timedelta(hours=-1))


def forged_token(subject: str = CUSTOMER_ID, role: str = "customer") -> str:
    return issue_token(subject, role, OTHER_SECRET)


# --------------------------------------------------------------------------- events and trackers


def user_event(text: str = "hello", intent: str = "greet", *, token: str | None = None,
               metadata: dict[str, Any] | None = None, channel: str = CHANNEL,
               entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    meta = dict(metadata or {})
    if token is not None:
        meta["auth_token"] = token
    return {
        "event": "user", "timestamp": None, "text": text, "input_channel": channel, "metadata": meta,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entities or [],
                       "text": text},
    }


def bot_event(text: str = "...", utter_action: str | None = None) -> dict[str, Any]:
    metadata = {"utter_action": utter_action} if utter_action else {}
    return {"event": "bot", "timestamp": None, "text": text, "data": {}, "metadata": metadata}


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def action_event(name: str) -> dict[str, Any]:
    return {"event": "action", "timestamp": None, "name": name, "policy": None, "confidence": None}


def default_slots(domain: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every slot of the domain with its initial value, as Rasa sends them."""
    slots = (domain or DOMAIN).get("slots", {})
    values = {name: spec.get("initial_value") for name, spec in slots.items()}
    values["requested_slot"] = None
    return values


def make_tracker(*, slots: dict[str, Any] | None = None, text: str = "hello", intent: str = "greet",
                 token: str | None = None, metadata: dict[str, Any] | None = None,
                 events: Iterable[dict[str, Any]] | None = None, before: Iterable[dict[str, Any]] = (),
                 after: Iterable[dict[str, Any]] = (), sender_id: str = SENDER, channel: str = CHANNEL,
                 active_loop: dict[str, Any] | None = None, entities: list[dict[str, Any]] | None = None,
                 latest_action_name: str = "action_listen") -> Tracker:
    """A tracker whose latest user message is ``text`` (with ``auth_token`` in its metadata).

    ``events`` replaces the default history [*before, user message, *after] entirely.
    """
    latest = user_event(text, intent, token=token, metadata=metadata, channel=channel, entities=entities)
    history = list(events) if events is not None else [*before, latest, *after]
    values = default_slots()
    values.update(slots or {})
    latest_message = {k: latest[k] for k in ("text", "metadata")} | {
        "intent": latest["parse_data"]["intent"], "entities": latest["parse_data"]["entities"]}
    return Tracker(sender_id, values, latest_message, history, paused=False, followup_action=None,
                   active_loop=active_loop or {}, latest_action_name=latest_action_name)


def form_tracker(form: str, slot: str, value: Any, *, slots: dict[str, Any] | None = None,
                 text: str | None = None, token: str | None = None,
                 history: Iterable[dict[str, Any]] = (),
                 last_bot: dict[str, Any] | None = None) -> Tracker:
    """The tracker a validation action sees: the form asked ``slot`` (``last_bot`` is the bot's
    last message, by default the question as a custom action sends it), the user answered, and
    the slot candidate is the last event, as Rasa's FormAction appends it."""
    values = dict(slots or {})
    values.update({"requested_slot": slot, slot: value})
    answer = text if text is not None else (" ".join(value) if isinstance(value, list) else str(value))
    asked = last_bot if last_bot is not None else bot_event(f"(the question for {slot})")
    return make_tracker(slots=values, text=answer, intent="inform", token=token,
                        before=[*history, asked], after=[slot_event(slot, value)],
                        active_loop={"name": form})


# --------------------------------------------------------------------------- running


def run_action(action: Action, tracker: Tracker,
               domain: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain if domain is not None else load_domain()))
    return events, dispatcher


def slot_sets(events: list[dict[str, Any]]) -> dict[str, Any]:
    """name -> value of the SlotSet events (the last one wins)."""
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def all_text(dispatcher: CollectingDispatcher) -> str:
    return "\n".join(texts(dispatcher))


def all_buttons(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    return [b for m in dispatcher.messages for b in (m.get("buttons") or [])]


def payloads(dispatcher: CollectingDispatcher) -> list[str]:
    return [b["payload"] for b in all_buttons(dispatcher)]


# --------------------------------------------------------------------------- pytest hooks


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The short test secret of the brief makes PyJWT warn on every token; that is expected here."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning"))
