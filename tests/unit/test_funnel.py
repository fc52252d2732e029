"""The assistant's funnel on a recorded set of conversations (tests/data/conversations.jsonl).

The recording: six conversations on 2026-11-20/21 over REST and Socket.IO (two completed
questionnaires, two dropped at kyc_asset_share and kyc_income_source, classroom questions, two
fallbacks, one handoff) and one on 2026-01-05 that a 90-day retention on 2026-11-22 excludes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from advisor_core.analytics.batch import replicate_events
from advisor_core.analytics.funnel import (
    combine_counts,
    funnel_counts,
    funnel_table,
    pseudonym,
    read_events_jsonl,
)

RECORDED = Path(__file__).resolve().parents[1] / "data" / "conversations.jsonl"
NOW = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return read_events_jsonl(RECORDED, now=NOW, retention_days=90)


def table_of(events: pd.DataFrame) -> pd.DataFrame:
    return funnel_table(funnel_counts(events)[0]).set_index(["day", "channel"])


def test_counts_per_day_and_channel(events: pd.DataFrame) -> None:
    table = table_of(events)
    assert list(table.index) == [("2026-11-20", "rest"), ("2026-11-20", "socketio"),
                                 ("2026-11-21", "rest"), ("2026-11-21", "socketio")]
    expected = {
        ("2026-11-20", "rest"): dict(conversations=2, user_messages=9, questionnaire_started=1,
                                     questionnaire_completed=1, classroom_questions=2, fallbacks=1, handoffs=1,
                                     recommendations_shown=1),
        ("2026-11-20", "socketio"): dict(conversations=1, user_messages=3, questionnaire_started=1,
                                         questionnaire_completed=0, classroom_questions=0, fallbacks=0, handoffs=0,
                                         recommendations_shown=0),
        ("2026-11-21", "rest"): dict(conversations=1, user_messages=2, questionnaire_started=0,
                                     questionnaire_completed=0, classroom_questions=0, fallbacks=1, handoffs=0,
                                     recommendations_shown=0),
        ("2026-11-21", "socketio"): dict(conversations=2, user_messages=6, questionnaire_started=2,
                                         questionnaire_completed=1, classroom_questions=1, fallbacks=0, handoffs=0,
                                         recommendations_shown=1),
    }
    for key, counts in expected.items():
        assert table.loc[key, list(counts)].to_dict() == counts, key
    assert table.loc[("2026-11-21", "rest"), "fallback_rate"] == 0.5
    assert table.loc[("2026-11-21", "socketio"), "completion_rate"] == 0.5


def test_drop_off_per_question_and_classroom_topics(events: pd.DataFrame) -> None:
    _, drops, topics = funnel_counts(events)
    assert drops.to_dict("records") == [
        {"day": "2026-11-20", "channel": "socketio", "question": "kyc_asset_share", "dropped": 1},
        {"day": "2026-11-21", "channel": "socketio", "question": "kyc_income_source", "dropped": 1},
    ]
    assert topics.groupby("topic")["questions"].sum().to_dict() == {"deposit_insurance": 1, "what_is_fund": 2}


def test_retention_drops_old_conversations() -> None:
    everything = read_events_jsonl(RECORDED)
    assert everything["conversation"].nunique() == 7
    assert read_events_jsonl(RECORDED, now=NOW, retention_days=90)["conversation"].nunique() == 6


def test_no_message_text_and_no_raw_ids_are_kept(events: pd.DataFrame) -> None:
    raw = [json.loads(line) for line in RECORDED.read_text(encoding="utf-8").splitlines()]
    texts = {e["text"] for e in raw if e.get("text")}
    senders = {e["sender_id"] for e in raw}
    cells = set(events.astype(str).to_numpy().ravel())
    assert not texts & cells and not senders & cells
    assert set(events["conversation"]) <= {pseudonym(s) for s in senders}


def test_offer_events_add_clicked_and_accepted(events: pd.DataFrame) -> None:
    at = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)
    offers = pd.DataFrame([dict(event_id=f"e{i}", kind=k, channel="rest", created_at=at)
                           for i, k in enumerate(["shown", "shown", "clicked", "accepted"])])
    table = funnel_table(funnel_counts(events)[0], offers).set_index(["day", "channel"])
    offer_columns = ["offers_shown", "offers_clicked", "offers_accepted"]
    assert table.loc[("2026-11-20", "rest"), offer_columns].tolist() == [2, 1, 1]
    assert table.loc[("2026-11-21", "rest"), "offers_shown"] == 0


def test_partial_counts_add_up_to_the_whole(events: pd.DataFrame) -> None:
    big = replicate_events(events, 12, seed=1)
    whole = funnel_counts(big)
    conversations = sorted(big["conversation"].unique())
    halves = [big[big["conversation"].isin(conversations[::2])], big[big["conversation"].isin(conversations[1::2])]]
    combined = combine_counts(funnel_counts(h) for h in halves)
    for mine, theirs in zip(combined, whole, strict=True):
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), theirs.reset_index(drop=True), check_dtype=False)


def test_a_line_that_is_not_an_event_names_the_line(tmp_path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"sender_id": "a", "event": "user", "timestamp": 1}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="events.jsonl:2"):
        read_events_jsonl(path)
