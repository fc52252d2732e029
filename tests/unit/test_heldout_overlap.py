"""The held-out evaluation set (tests/heldout/) is never trained on, and its labels are valid.

Uses the same reading and normalisation as scripts/nlu_eval.py check-overlap (imported from the
file; it imports no Rasa), so CI fails the moment someone copies a held-out message into
rasa_bot/data/nlu.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from advisor_core.adapters.datafiles import default_questionnaire
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[2]
NEW_INTENTS = {"what_if", "ask_why"}  # the follow-up intents of issue 14, item 4


nlu_eval = load_script("nlu_eval")


def test_no_heldout_text_is_a_training_example():
    clashes = nlu_eval.overlaps()
    assert not clashes, "held-out texts found in rasa_bot/data/nlu (remove them from one side):\n" + "\n".join(
        f"  {name}: {text!r} (trained as {', '.join(intents)})" for name, text, intents in clashes)


def test_the_check_finds_a_training_example_written_differently(tmp_path):
    held_out = nlu_eval.load_messages()[0]["text"]  # e.g. "hi there, anybody home?"
    disguised = held_out.upper().replace(",", " ,  ").replace("?", "") + "!"
    (tmp_path / "extra.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n'
        f"    - {disguised}\n    - something else entirely\n"
        "- synonym: ignored\n  examples: |\n    - not a sentence\n", encoding="utf-8")
    clashes = nlu_eval.overlaps(tmp_path)
    assert [(text, intents) for _, text, intents in clashes] == [(held_out, ["greet"])]


@pytest.mark.parametrize(("raw", "normal"), [
    ("What's  DCA?", "whats dca"),
    ("summary for [C000123](customer_ref)", "summary for c000123"),
    ('buy [tech fund]{"entity": "product", "value": "tech_thematic_fund"} now', "buy tech fund now"),
    ("  ok  ", "ok"),
])
def test_normalise(raw, normal):
    assert nlu_eval.normalise(raw) == normal


def test_heldout_texts_are_unique():
    # the same words may answer two questions ("30%"), so typed answers are unique per slot
    counts = Counter([nlu_eval.normalise(m["text"]) for m in nlu_eval.load_messages()]
                     + [(a["slot"], nlu_eval.normalise(a["text"])) for a in nlu_eval.load_typed_answers()])
    assert [t for t, n in counts.items() if n > 1] == []


def _domain_intents_and_topics() -> tuple[set[str], set[str]]:
    intents: set[str] = set()
    topics: set[str] = set()
    for path in (ROOT / "rasa_bot" / "domain").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        intents.update(i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or [])
        topics.update(k.split("/", 1)[1] for k in (data.get("responses") or {}) if k.startswith("utter_faq/"))
    return intents, topics


def test_messages_cover_every_intent_and_classroom_topic():
    intents, topics = _domain_intents_and_topics()
    messages = nlu_eval.load_messages()
    assert len(messages) >= 330
    labelled = Counter(m["intent"] for m in messages)
    assert set(labelled) <= intents | NEW_INTENTS
    assert intents | NEW_INTENTS <= set(labelled)
    per_topic = Counter(m["topic"] for m in messages if m["intent"] == "faq")
    assert set(per_topic) == topics
    assert min(per_topic.values()) >= 6


def test_typed_answer_labels_name_real_options():
    q = default_questionnaire()
    answers = nlu_eval.load_typed_answers()
    assert len(answers) >= 90
    plan_slots = set(nlu_eval.PLAN_SLOTS)
    for a in answers:
        slot = a["slot"]
        if slot in plan_slots or a.get("reject") or a.get("answer") is False:
            assert slot in plan_slots or slot in q.slots or slot == q.goals.slot, a
            continue
        if slot == q.goals.slot:
            assert set(a["expect"]) <= set(q.goals.option_ids), a
            continue
        item = q.item_for_slot(slot)
        if item.is_age:
            assert isinstance(a["expect"], int), a
            continue
        for option in a.get("candidates") or [a["expect"]]:
            assert option in item.option_ids, a
    assert {a["slot"] for a in answers} == set(q.slots) | {q.goals.slot} | plan_slots
