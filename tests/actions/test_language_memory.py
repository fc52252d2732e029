"""A signed-in customer's language is kept for their next visit (conversation contract, "Language")."""

from __future__ import annotations

import pytest

from actions import support
from actions.base import REMEMBERED_SLOT
from advisor_core.errors import PersistenceError
from tests.actions.conftest import (
    CUSTOMER_ID,
    FIXED_NOW,
    advisor_token,
    all_text,
    customer_token,
    forged_token,
    make_tracker,
    run_action,
    slot_sets,
)


def _remembered(fake_uow) -> dict[str, str]:
    return dict(fake_uow._committed_store.customer_languages)


def _remember(fake_uow, customer_id: str, language: str) -> None:
    with fake_uow:
        fake_uow.customer_languages.put(customer_id, language, FIXED_NOW)
        fake_uow.commit()


# ------------------------------------------------------------------ a new visit


def test_a_new_session_of_a_signed_in_customer_starts_in_their_stored_language(fake_uow):
    _remember(fake_uow, CUSTOMER_ID, "zh-CN")
    tracker = make_tracker(slots={"session_started_metadata": {"auth_token": customer_token()}})
    events, dispatcher = run_action(support.SessionStart(), tracker)

    assert slot_sets(events) == {"language": "zh-CN", REMEMBERED_SLOT: f"{CUSTOMER_ID} zh-CN"}
    assert [e["event"] for e in events][0] == "session_started" and events[-1]["name"] == "action_listen"
    assert dispatcher.messages == []


def test_the_language_carried_over_from_the_same_conversation_wins_over_the_stored_one(fake_uow):
    _remember(fake_uow, CUSTOMER_ID, "zh-CN")
    tracker = make_tracker(slots={"language": "en", "session_started_metadata": {"auth_token": customer_token()}})
    events, _ = run_action(support.SessionStart(), tracker)

    assert slot_sets(events) == {"language": "en"}


@pytest.mark.parametrize("metadata", [None, {}, {"auth_token": forged_token()}, {"auth_token": advisor_token()},
                                      "not a dict"])
def test_without_a_verified_customer_no_stored_language_is_read(fake_uow, metadata):
    _remember(fake_uow, CUSTOMER_ID, "zh-CN")
    events, _ = run_action(support.SessionStart(), make_tracker(slots={"session_started_metadata": metadata}))

    assert slot_sets(events) == {}


def test_a_customer_with_nothing_stored_starts_as_on_a_first_visit(fake_uow):
    tracker = make_tracker(slots={"session_started_metadata": {"auth_token": customer_token()}})
    events, _ = run_action(support.SessionStart(), tracker)

    assert slot_sets(events) == {}


# ------------------------------------------------------------------ storing


def test_the_conversations_language_is_stored_for_a_signed_in_customer(fake_uow):
    events, dispatcher = run_action(support.Greet(), make_tracker(text="你好", token=customer_token(),
                                                                  slots={"language": "zh-CN"}))

    assert _remembered(fake_uow) == {CUSTOMER_ID: "zh-CN"}
    assert slot_sets(events)[REMEMBERED_SLOT] == f"{CUSTOMER_ID} zh-CN"
    assert "欢迎回来" in all_text(dispatcher)


def test_a_switch_is_stored_by_the_action_that_follows_it(fake_uow):
    _remember(fake_uow, CUSTOMER_ID, "zh-CN")
    tracker = make_tracker(text="English please", intent="switch_language", token=customer_token(),
                           slots={"language": "en", REMEMBERED_SLOT: f"{CUSTOMER_ID} zh-CN"})
    events, dispatcher = run_action(support.RememberLanguage(), tracker)

    assert _remembered(fake_uow) == {CUSTOMER_ID: "en"}
    assert slot_sets(events) == {REMEMBERED_SLOT: f"{CUSTOMER_ID} en"}
    assert dispatcher.messages == []


def test_an_unchanged_language_is_not_written_again(fake_uow):
    _remember(fake_uow, CUSTOMER_ID, "zh-CN")
    commits = fake_uow.commits
    tracker = make_tracker(token=customer_token(), slots={"language": "zh-CN", REMEMBERED_SLOT: f"{CUSTOMER_ID} zh-CN"})
    events, _ = run_action(support.RememberLanguage(), tracker)

    assert fake_uow.commits == commits
    assert events == []


def test_another_customer_signing_in_to_the_same_conversation_gets_their_own_record(fake_uow):
    tracker = make_tracker(token=customer_token("C000999"),
                           slots={"language": "zh-CN", REMEMBERED_SLOT: f"{CUSTOMER_ID} zh-CN"})
    run_action(support.RememberLanguage(), tracker)

    assert _remembered(fake_uow) == {"C000999": "zh-CN"}


@pytest.mark.parametrize("token", [None, forged_token(), advisor_token()])
def test_guests_and_advisors_have_no_language_stored(fake_uow, token):
    events, _ = run_action(support.RememberLanguage(), make_tracker(token=token, slots={"language": "zh-CN"}))

    assert _remembered(fake_uow) == {}
    assert events == []


def test_no_language_yet_stores_nothing(fake_uow):
    events, _ = run_action(support.RememberLanguage(), make_tracker(token=customer_token()))

    assert _remembered(fake_uow) == {}
    assert events == []


def test_a_failed_store_leaves_the_reply_whole(fake_uow, monkeypatch):
    def refuse(*args, **kwargs):
        raise PersistenceError("database unavailable")

    monkeypatch.setattr(fake_uow.customer_languages, "put", refuse)
    events, dispatcher = run_action(support.Greet(), make_tracker(text="你好", token=customer_token(),
                                                                  slots={"language": "zh-CN"}))

    assert "欢迎回来" in all_text(dispatcher)
    assert REMEMBERED_SLOT not in slot_sets(events)
    assert slot_sets(events)["customer_id"] == CUSTOMER_ID
