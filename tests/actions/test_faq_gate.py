"""The NLU component that falls back when the classroom answer itself is uncertain (rasa#9723)."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from rasa_bot.components.faq_gate import FaqConfidenceGate


def message(intent: str, intent_confidence: float, answer_confidence: float | None) -> Message:
    data = {"text": "what is a bond fund", "intent": {"name": intent, "confidence": intent_confidence},
            "intent_ranking": [{"name": intent, "confidence": intent_confidence}]}
    if answer_confidence is not None:
        data["response_selector"] = {"faq": {"response": {"confidence": answer_confidence,
                                                          "utter_action": "utter_faq/bond_fund"}}}
    return Message(data=data)


@pytest.fixture
def gate() -> FaqConfidenceGate:
    return FaqConfidenceGate({"retrieval_intent": "faq", "threshold": 0.5})


def test_confident_answer_is_kept(gate: FaqConfidenceGate) -> None:
    [result] = gate.process([message("faq", 0.99, 0.93)])
    assert result.data["intent"]["name"] == "faq"


def test_uncertain_answer_becomes_nlu_fallback(gate: FaqConfidenceGate) -> None:
    [result] = gate.process([message("faq", 0.99, 0.2)])
    assert result.data["intent"]["name"] == "nlu_fallback"
    assert result.data["intent_ranking"][0]["name"] == "nlu_fallback"


def test_missing_selection_counts_as_uncertain(gate: FaqConfidenceGate) -> None:
    [result] = gate.process([message("faq", 0.95, None)])
    assert result.data["intent"]["name"] == "nlu_fallback"


def test_other_intents_are_untouched(gate: FaqConfidenceGate) -> None:
    [result] = gate.process([message("greet", 0.97, 0.1)])
    assert result.data["intent"]["name"] == "greet"


def test_threshold_boundary_is_inclusive(gate: FaqConfidenceGate) -> None:
    [result] = gate.process([message("faq", 0.9, 0.5)])
    assert result.data["intent"]["name"] == "faq"


def chinese_message(answer_confidence: float) -> Message:
    m = message("faq", 0.99, answer_confidence)
    m.data["text"] = "债券基金是什么"
    return m


def test_messages_in_chinese_have_their_own_threshold() -> None:
    gate = FaqConfidenceGate({"retrieval_intent": "faq", "threshold": 0.3, "threshold_chinese": 0.6})
    [english] = gate.process([message("faq", 0.99, 0.45)])
    [chinese] = gate.process([chinese_message(0.45)])
    assert english.data["intent"]["name"] == "faq"
    assert chinese.data["intent"]["name"] == "nlu_fallback"
    [sure] = gate.process([chinese_message(0.65)])
    assert sure.data["intent"]["name"] == "faq"


def test_without_a_chinese_threshold_one_threshold_serves_both() -> None:
    gate = FaqConfidenceGate({"retrieval_intent": "faq", "threshold": 0.5})
    assert gate.process([chinese_message(0.45)])[0].data["intent"]["name"] == "nlu_fallback"
    assert gate.process([chinese_message(0.55)])[0].data["intent"]["name"] == "faq"
