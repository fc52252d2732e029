"""Greeting, sessions, fallbacks and handing over to a person."""

from __future__ import annotations

import pytest

from actions import support
from tests.actions.conftest import (
    CUSTOMER_ID,
    FULL_ANSWERS,
    SENDER,
    action_event,
    advisor_token,
    all_text,
    assessment_for,
    bot_event,
    customer_token,
    expired_token,
    forged_token,
    make_tracker,
    payloads,
    run_action,
    seed,
    slot_event,
    slot_sets,
    stored,
    user_event,
)
from tests.fakes import make_customer

# ------------------------------------------------------------------ greeting


def test_greet_welcomes_back_a_verified_customer_with_their_level(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C3", days_ago=30))
    events, dispatcher = run_action(support.Greet(), make_tracker(token=customer_token()))

    text = all_text(dispatcher)
    assert "Welcome back" in text
    assert "C3" in text
    assert "17 May 2025" in text
    assert slot_sets(events) == {"user_role": "customer", "customer_id": CUSTOMER_ID, "risk_level": "C3",
                                 "risk_score": 21.0, "lowest_category": False}
    assert "/start_risk_assessment" in payloads(dispatcher)
    assert "/request_human" in payloads(dispatcher)


def test_greet_a_verified_customer_without_a_valid_assessment(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C3", days_ago=400))
    events, dispatcher = run_action(support.Greet(), make_tracker(token=customer_token()))

    assert "Welcome back" in all_text(dispatcher)
    assert "C3" not in all_text(dispatcher)
    assert "risk_level" not in slot_sets(events)


@pytest.mark.parametrize("token, words", [
    ("expired", "sign-in has expired"),
    ("forged", "sign-in could not be verified"),
    ("garbage", "sign-in could not be verified"),
])
def test_greet_treats_an_unverified_sign_in_as_a_guest_and_says_why(token, words, fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C3"))
    real = {"expired": expired_token(), "forged": forged_token(), "garbage": "not.a.jwt"}[token]
    events, dispatcher = run_action(support.Greet(), make_tracker(token=real))

    text = all_text(dispatcher)
    assert words in text
    assert "guest" in text
    assert "Welcome back" not in text and "C3" not in text
    assert slot_sets(events) == {"user_role": "anonymous", "customer_id": None}


def test_greet_an_anonymous_user():
    events, dispatcher = run_action(support.Greet(), make_tracker(metadata={"customer_id": CUSTOMER_ID}))

    assert slot_sets(events) == {"user_role": "anonymous", "customer_id": None}
    assert "guest" not in all_text(dispatcher)  # nothing failed, there is just no sign-in
    assert "Welcome back" not in all_text(dispatcher)


def test_greet_an_advisor():
    events, dispatcher = run_action(support.Greet(), make_tracker(token=advisor_token()))

    assert slot_sets(events) == {"user_role": "advisor", "customer_id": None}
    assert "Advisor tools" in all_text(dispatcher)


def test_the_token_is_read_from_the_last_user_event_when_the_latest_message_has_no_metadata():
    from rasa_sdk import Tracker

    from tests.actions.conftest import default_slots

    event = user_event("hi", "greet", token=customer_token())
    tracker = Tracker("conv-x", default_slots(), {"text": "hi", "intent": {"name": "greet"}}, [event],
                      paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")
    events, _ = run_action(support.Greet(), tracker)

    assert slot_sets(events)["customer_id"] == CUSTOMER_ID


# ------------------------------------------------------------------ fallbacks


def test_rephrase_first_then_offer_a_human():
    first_events, first = run_action(support.RephraseOrHandoff(),
                                     make_tracker(text="blorp", intent="nlu_fallback"))

    assert "say it another way" in all_text(first)
    assert payloads(first) == []
    count = slot_sets(first_events)["fallback_count"]
    assert count == 1

    second_events, second = run_action(
        support.RephraseOrHandoff(),
        make_tracker(text="blorp again", intent="nlu_fallback", slots={"fallback_count": count},
                     before=[user_event("blorp", "nlu_fallback"), action_event("action_rephrase_or_handoff"),
                             bot_event("Sorry, I didn't understand that."), slot_event("fallback_count", count),
                             action_event("action_listen")]))

    assert "/request_human" in payloads(second)
    assert "human" in all_text(second)
    assert slot_sets(second_events)["fallback_count"] == 0  # the next misunderstanding starts again


def test_a_misunderstanding_after_an_understood_turn_asks_to_rephrase_again():
    history = [user_event("blorp", "nlu_fallback"), action_event("action_rephrase_or_handoff"),
               bot_event("Sorry, I didn't understand that."), slot_event("fallback_count", 1.0),
               action_event("action_listen"),
               user_event("what is my risk level", "ask_risk_level"), action_event("action_tell_risk_level"),
               bot_event("Customers are placed in one of five risk levels..."), action_event("action_listen")]
    events, dispatcher = run_action(support.RephraseOrHandoff(),
                                    make_tracker(text="zzzk", intent="nlu_fallback",
                                                 slots={"fallback_count": 1.0}, before=history))

    assert "say it another way" in all_text(dispatcher)
    assert "/request_human" not in payloads(dispatcher)


# ------------------------------------------------------------------ handoff


def _chat_history():
    return [user_event("hi", "greet"), bot_event("Hello!", None),
            user_event("what should I invest in", "ask_recommendation"), bot_event("..."),
            user_event("saving for school", "plan_education_fund"), bot_event("..."),
            user_event("yes", "affirm"), bot_event("...")]


def test_request_human_stores_a_ticket_with_a_summary_and_gives_the_reference(fake_uow):
    seed(fake_uow, assessment_for("C3"))
    tracker = make_tracker(text="talk to a person", intent="request_human", token=customer_token(),
                           slots={"risk_level": "C3"}, before=_chat_history())
    events, dispatcher = run_action(support.RequestHuman(), tracker)

    assert events == []
    [ticket] = stored(fake_uow)["handoffs"]
    assert ticket.customer_id == CUSTOMER_ID
    assert ticket.conversation_id == SENDER
    assert ticket.status == "open"
    assert "risk level C3" in ticket.summary
    assert "ask_recommendation" in ticket.summary and "plan_education_fund" in ticket.summary
    assert "affirm" not in ticket.summary and "request_human" not in ticket.summary
    text = all_text(dispatcher)
    assert ticket.ticket_id in text
    assert "reply in this chat" in text


def test_request_human_for_a_guest_explains_how_to_be_found(fake_uow):
    tracker = make_tracker(text="talk to a person", intent="request_human", token=forged_token(),
                           before=_chat_history())
    _, dispatcher = run_action(support.RequestHuman(), tracker)

    [ticket] = stored(fake_uow)["handoffs"]
    assert ticket.customer_id is None
    assert "risk level" not in ticket.summary  # no level known
    text = all_text(dispatcher)
    assert ticket.ticket_id in text
    assert "sign in" in text


def test_a_guest_handoff_never_carries_the_level_of_an_earlier_signed_in_turn(fake_uow):
    seed(fake_uow, assessment_for("C5", conversation_id=SENDER))
    tracker = make_tracker(text="talk to a person", intent="request_human", slots={"risk_level": "C5"},
                           before=[user_event("hi", "greet", token=customer_token()), *_chat_history()])
    run_action(support.RequestHuman(), tracker)

    [ticket] = stored(fake_uow)["handoffs"]
    assert ticket.customer_id is None
    assert "C5" not in ticket.summary and "risk level" not in ticket.summary


# ------------------------------------------------------------------ sessions


def test_session_start_carries_over_only_whitelisted_slots():
    slots = dict(FULL_ANSWERS, risk_level="C3", risk_score=54.0, lowest_category=False, customer_id=CUSTOMER_ID,
                 user_role="customer", pending_product="tech_thematic_fund", requested_slot="kyc_horizon",
                 kyc_blocked=True, kyc_failed_attempts=1.0, fallback_count=1.0, child_age="3",
                 product="bond_fund", customer_ref="C000999", language="zh-CN")
    events, dispatcher = run_action(support.SessionStart(), make_tracker(slots=slots))

    assert events[0]["event"] == "session_started"
    assert events[-1] == {**events[-1], "event": "action", "name": "action_listen"}
    carried = slot_sets(events)
    assert set(carried) <= set(support.CARRY_OVER_SLOTS)
    assert carried == {s: slots[s] for s in support.CARRY_OVER_SLOTS if slots.get(s) is not None}
    assert carried["kyc_goals"] == slots["kyc_goals"]
    assert carried["language"] == "zh-CN"   # the customer's language outlives the session
    for never in ("customer_id", "user_role", "pending_product", "requested_slot", "kyc_blocked", "product",
                  "customer_ref", "kyc_age"):
        assert never not in carried
    assert dispatcher.messages == []


def test_session_start_does_not_set_empty_slots():
    events, _ = run_action(support.SessionStart(), make_tracker())

    assert slot_sets(events) == {}
    assert [e["event"] for e in events] == ["session_started", "action"]


# ------------------------------------------------------------------ registration


def test_the_action_server_registers_exactly_the_actions_the_domain_lists():
    from rasa_sdk.executor import ActionExecutor

    from tests.actions.conftest import DOMAIN

    executor = ActionExecutor()
    executor.register_package("actions")

    assert set(executor.actions) == set(DOMAIN["actions"])  # no abstract base registered, none missing
