"""The assistant's funnel per day and channel, from recorded conversation events.

Events are Rasa event dicts with their ``sender_id``: one JSON object a line as the RabbitMQ
event broker publishes them (an exported ``.jsonl``), or rows of the SQL tracker store's
``events`` table (``advisor_core.adapters.tracker_events``). On reading, every event older than
the transcript retention is dropped, every message text is dropped, and sender ids are replaced by
a pseudonym (a hash): analytics keep no text and no raw ids.

Per conversation (its day is the day of its first event, its channel the first user message's
``input_channel``):

* questionnaire started - the ``kyc_form`` loop became active; completed - ``action_score_assessment``
  ran; a started, not completed questionnaire dropped off at the last question asked
  (``requested_slot``);
* classroom topics - user messages answered from the ``faq`` retrieval intent, by topic;
* fallbacks - ``action_rephrase_or_handoff`` / ``action_default_fallback`` runs, as a share of user
  messages; handoffs - ``action_request_human``;
* recommendations shown - ``action_recommend_products`` runs; clicked and accepted - from the
  advisor database's offer events when given.

:func:`funnel_counts` returns only sums, so per-partition results (conversations split across
partitions by id) add up to the whole (:func:`combine_counts`, used by the Dask batch).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

KYC_FORM = "kyc_form"
COMPLETED_ACTION = "action_score_assessment"
FALLBACK_ACTIONS = frozenset({"action_rephrase_or_handoff", "action_default_fallback"})
HANDOFF_ACTION = "action_request_human"
RECOMMEND_ACTION = "action_recommend_products"
FAQ_INTENT = "faq"

COUNT_COLUMNS: tuple[str, ...] = (
    "conversations", "user_messages", "questionnaire_started", "questionnaire_completed",
    "classroom_questions", "fallbacks", "handoffs", "recommendations_shown",
)
_EVENT_COLUMNS = ("conversation", "timestamp", "event", "name", "intent", "topic", "channel", "slot_value")


def pseudonym(sender_id: str) -> str:
    """A stable pseudonym for a conversation id (the id itself never reaches analytics)."""
    return hashlib.sha256(f"conversation:{sender_id}".encode()).hexdigest()[:16]


def _keep(event: dict[str, Any], oldest: float | None) -> bool:
    timestamp = event.get("timestamp")
    return isinstance(timestamp, (int, float)) and (oldest is None or timestamp >= oldest)


def _slim(sender_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """Only what the funnel needs: no message text, no raw ids."""
    kind = event.get("event")
    parse = event.get("parse_data") or {}
    intent = (parse.get("intent") or {}).get("name") or ""
    topic = ""
    if kind == "user" and intent == FAQ_INTENT:
        selector = (parse.get("response_selector") or {}).get(FAQ_INTENT) or {}
        key = (selector.get("response") or {}).get("intent_response_key") or ""
        topic = key.split("/", 1)[1] if "/" in key else "unknown"
    if kind == "bot":
        utter = (event.get("metadata") or {}).get("utter_action") or ""
        topic = utter.split("/", 1)[1] if utter.startswith("utter_faq/") else ""
    slot_value = ""
    if kind == "slot" and event.get("name") == "requested_slot":
        slot_value = event.get("value") or ""
    return {"conversation": pseudonym(str(sender_id)), "timestamp": float(event["timestamp"]), "event": kind or "",
            "name": event.get("name") or "", "intent": intent, "topic": topic,
            "channel": event.get("input_channel") or "", "slot_value": str(slot_value)}


def _oldest(now: dt.datetime | None, retention_days: int | None) -> float | None:
    if retention_days is None:
        return None
    if now is None:
        raise ValueError("retention_days needs now")
    return (now - dt.timedelta(days=retention_days)).timestamp()


def slim_events(events: Iterable[tuple[str, dict[str, Any]]], *, now: dt.datetime | None = None,
                retention_days: int | None = None) -> pd.DataFrame:
    """(sender_id, event dict) pairs -> the funnel's event frame, oldest first, within retention."""
    oldest = _oldest(now, retention_days)
    rows = [_slim(sender, event) for sender, event in events if _keep(event, oldest)]
    frame = pd.DataFrame(rows, columns=list(_EVENT_COLUMNS))
    return frame.sort_values(["conversation", "timestamp"], kind="stable").reset_index(drop=True)


def iter_jsonl(path: Path | str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Events exported from the RabbitMQ broker, one JSON object a line with a ``sender_id``."""
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON event: {exc.msg}") from None
            if not isinstance(event, dict) or "sender_id" not in event:
                raise ValueError(f"{path}:{number}: an event needs a sender_id")
            yield str(event["sender_id"]), event


def read_events_jsonl(path: Path | str, *, now: dt.datetime | None = None,
                      retention_days: int | None = None) -> pd.DataFrame:
    return slim_events(iter_jsonl(path), now=now, retention_days=retention_days)


def _per_conversation(events: pd.DataFrame) -> pd.DataFrame:
    g = events.groupby("conversation", sort=True)
    user = events["event"] == "user"
    action = events["event"] == "action"
    first_channel = events[user & (events["channel"] != "")].groupby("conversation")["channel"].first()
    started = events[(events["event"] == "active_loop") & (events["name"] == KYC_FORM)].groupby("conversation").size()
    conversation = events["conversation"]
    per = pd.DataFrame({
        "day": pd.to_datetime(g["timestamp"].min(), unit="s", utc=True).dt.strftime("%Y-%m-%d"),
        "channel": first_channel,
        "user_messages": user.groupby(conversation).sum(),
        "questionnaire_started": started > 0,
        "questionnaire_completed": (action & (events["name"] == COMPLETED_ACTION)).groupby(conversation).any(),
        "classroom_questions": (user & (events["intent"] == FAQ_INTENT)).groupby(conversation).sum(),
        "fallbacks": (action & events["name"].isin(FALLBACK_ACTIONS)).groupby(conversation).sum(),
        "handoffs": (action & (events["name"] == HANDOFF_ACTION)).groupby(conversation).sum(),
        "recommendations_shown": (action & (events["name"] == RECOMMEND_ACTION)).groupby(conversation).sum(),
    })
    per["channel"] = per["channel"].fillna("unknown")
    per["questionnaire_started"] = per["questionnaire_started"].fillna(False).astype(bool)
    slots = events[(events["event"] == "slot") & (events["slot_value"] != "")]
    asked = slots.groupby("conversation")["slot_value"].last()
    per["last_question"] = asked.reindex(per.index).fillna("")
    per["conversations"] = 1
    return per


def funnel_counts(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(counts per day and channel, drop-offs per day/channel/question, classroom topics per
    day/channel/topic) - all sums, so partial results combine by adding."""
    if events.empty:
        empty = pd.DataFrame(columns=["day", "channel", *COUNT_COLUMNS])
        return empty, pd.DataFrame(columns=["day", "channel", "question", "dropped"]), \
            pd.DataFrame(columns=["day", "channel", "topic", "questions"])
    per = _per_conversation(events)
    counts = per.groupby(["day", "channel"])[list(COUNT_COLUMNS)].sum().astype("int64").reset_index()
    dropped = per[per["questionnaire_started"] & ~per["questionnaire_completed"]]
    drops = (dropped.assign(question=dropped["last_question"].replace("", "before_first_question"))
             .groupby(["day", "channel", "question"]).size().rename("dropped").reset_index())
    faq = events[(events["event"] == "user") & (events["intent"] == FAQ_INTENT)]
    faq = faq.drop(columns="channel").join(per[["day", "channel"]], on="conversation")
    topics = faq.groupby(["day", "channel", "topic"]).size().rename("questions").reset_index()
    return counts, drops, topics


def combine_counts(
    parts: Iterable[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Add up :func:`funnel_counts` results of disjoint sets of conversations."""
    parts = list(parts)
    keys = (["day", "channel"], ["day", "channel", "question"], ["day", "channel", "topic"])
    combined = []
    for i, key in enumerate(keys):
        frames = [p[i] for p in parts if not p[i].empty]
        if not frames:
            combined.append(parts[0][i] if parts else pd.DataFrame())
            continue
        combined.append(pd.concat(frames).groupby(key, sort=True).sum(numeric_only=True).astype("int64").reset_index())
    return combined[0], combined[1], combined[2]


def funnel_table(counts: pd.DataFrame, offer_events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts with rates (completion, fallback) and, when given, offers clicked and accepted."""
    table = counts.copy()
    for column in COUNT_COLUMNS:
        table[column] = table[column].astype("int64")
    table["completion_rate"] = (table["questionnaire_completed"] / table["questionnaire_started"].where(
        table["questionnaire_started"] > 0)).round(4)
    table["fallback_rate"] = (table["fallbacks"] / table["user_messages"].where(table["user_messages"] > 0)).round(4)
    if offer_events is not None and not offer_events.empty:
        offers = offer_events.assign(day=pd.to_datetime(offer_events["created_at"], utc=True).dt.strftime("%Y-%m-%d"))
        pivot = (offers.pivot_table(index=["day", "channel"], columns="kind", values="event_id", aggfunc="count",
                                    fill_value=0).reindex(columns=["shown", "clicked", "accepted"], fill_value=0)
                 .add_prefix("offers_").reset_index())
        table = table.merge(pivot, on=["day", "channel"], how="outer").fillna(
            {c: 0 for c in [*COUNT_COLUMNS, "offers_shown", "offers_clicked", "offers_accepted"]})
        for column in ("offers_shown", "offers_clicked", "offers_accepted", *COUNT_COLUMNS):
            table[column] = table[column].astype("int64")
    return table.sort_values(["day", "channel"]).reset_index(drop=True)
