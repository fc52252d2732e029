"""The scoring rules of scripts/nlu_eval.py: thresholds, figures and typed-answer verdicts (no Rasa)."""

from __future__ import annotations

import pytest

from advisor_core.adapters.datafiles import default_questionnaire
from tests.scripts import load_script

nlu_eval = load_script("nlu_eval")

Q = default_questionnaire()
Outcome, Parse = nlu_eval.Outcome, nlu_eval.Parse


def parse(intent="faq", confidence=0.9, margin=0.5, topic="what_is_dca", topic_confidence=0.6, text="x") -> Parse:
    return Parse(text=text, intent=intent, raw_intent=intent, raw_confidence=confidence, margin=margin,
                 topic=topic, topic_confidence=topic_confidence)


# ------------------------------------------------------------------ reading a parse and thresholds


def test_read_parse_sees_through_the_gate_to_the_raw_scores():
    result = {
        "text": "whats dca",
        "intent": {"name": "nlu_fallback", "confidence": 0.5},
        "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.5}, {"name": "faq", "confidence": 0.93},
                           {"name": "inform", "confidence": 0.05}],
        "response_selector": {"faq": {"response": {"intent_response_key": "faq/what_is_dca", "confidence": 0.41}}},
    }
    p = nlu_eval.read_parse(result)
    assert (p.intent, p.raw_intent, p.topic) == ("nlu_fallback", "faq", "what_is_dca")
    assert p.raw_confidence == pytest.approx(0.93) and p.margin == pytest.approx(0.88)
    assert p.topic_confidence == pytest.approx(0.41)
    assert nlu_eval.decide(p, gate=0.4, fallback=0.4, ambiguity=0.05) == "faq"
    assert nlu_eval.decide(p, gate=0.5, fallback=0.4, ambiguity=0.05) == "nlu_fallback"


@pytest.mark.parametrize(("p", "expected"), [
    (parse(topic_confidence=0.29), "nlu_fallback"),                    # the gate: unsure classroom answer
    (parse(intent="greet", topic_confidence=0.0), "greet"),           # the gate ignores other intents
    (parse(intent="greet", confidence=0.35), "nlu_fallback"),          # intent below the fallback
    (parse(intent="greet", confidence=0.8, margin=0.01), "nlu_fallback"),  # two intents too close
    (parse(), "faq"),
])
def test_decide_applies_gate_then_fallback(p, expected):
    assert nlu_eval.decide(p, gate=0.3, fallback=0.4, ambiguity=0.05) == expected


def test_figures_count_a_fallback_and_a_wrong_topic_as_errors():
    labels = [{"text": "a", "intent": "faq", "topic": "what_is_dca"},
              {"text": "b", "intent": "faq", "topic": "bond_fund"},
              {"text": "c", "intent": "faq", "topic": "inflation"},
              {"text": "d", "intent": "affirm"},
              {"text": "e", "intent": "deny"}]
    decided = [("faq", "what_is_dca"), ("faq", "equity_fund"), ("nlu_fallback", "inflation"),
               ("affirm", None), ("faq", "fund_fees")]
    f = nlu_eval.intent_figures(labels, decided, known_intents={"faq", "affirm"})
    assert f.intent_accuracy == pytest.approx(3 / 5)        # a, b (intent right), d
    assert f.end_to_end_accuracy == pytest.approx(2 / 5)    # b has the wrong topic
    assert f.known_intent_accuracy == pytest.approx(3 / 4)  # deny is not in the model
    assert f.classroom_accuracy == pytest.approx(1 / 3)
    assert (f.classroom_answered, f.classroom_coverage) == (2, pytest.approx(2 / 3))
    assert f.classroom_wrong_rate == pytest.approx(1 / 2)
    assert f.classroom_answers_to_other_messages == 1
    assert f.fallbacks == 1


def test_choose_prefers_the_most_answered_pair_within_the_error_limit():
    labels = [{"text": str(n), "intent": "faq", "topic": "t"} for n in range(3)]
    parses = [parse(topic="t", topic_confidence=0.9), parse(topic="t", topic_confidence=0.6),
              parse(topic="other", topic_confidence=0.3)]
    chosen = nlu_eval.choose(nlu_eval.sweep({"en": (labels, parses)}, ambiguity=0.0))
    assert chosen.figures["en"].classroom_wrong_rate == 0
    assert chosen.figures["en"].classroom_answered == 2
    assert 0.3 < chosen.gate.latin <= 0.6


def test_choose_keeps_every_language_within_the_error_limit():
    """A pair that is fine in English but answers Chinese questions wrong is not feasible."""
    en = [{"text": str(n), "intent": "faq", "topic": "t"} for n in range(2)]
    en_parses = [parse(topic="t", topic_confidence=0.9), parse(topic="t", topic_confidence=0.2)]
    zh = [{"text": f"基金{n}", "intent": "faq", "topic": "t"} for n in range(2)]
    zh_parses = [parse(text="基金0", topic="t", topic_confidence=0.9),
                 parse(text="基金1", topic="other", topic_confidence=0.5)]
    chosen = nlu_eval.choose(nlu_eval.sweep({"en": (en, en_parses), "zh": (zh, zh_parses)}, ambiguity=0.0))
    assert chosen.figures["zh"].classroom_wrong_rate == 0
    assert 0.5 < chosen.gate.chinese <= 0.9
    # the Latin-script messages keep their own, lower gate: both English questions are answered
    assert chosen.gate.latin <= 0.2
    assert chosen.figures["en"].classroom_answered == 2


def test_thresholds_are_given_as_one_gate_or_one_per_script():
    assert nlu_eval.parse_thresholds("0.4,0.1") == (nlu_eval.Gates(0.4, 0.4), 0.1)
    assert nlu_eval.parse_thresholds("0.25,0.6,0.1") == (nlu_eval.Gates(0.25, 0.6), 0.1)
    with pytest.raises(ValueError, match="LATIN,CHINESE,FALLBACK"):
        nlu_eval.parse_thresholds("0.4")


# ------------------------------------------------------------------ typed answers


def judge(entry, outcome):
    return nlu_eval.judge(Q, entry, outcome)


def test_a_boundary_read_as_the_safer_option_is_understood_and_the_riskier_one_is_flagged():
    entry = {"slot": "kyc_asset_share", "text": "30%", "candidates": ["10_30", "30_50"]}
    assert judge(entry, Outcome("value", "30_50")) == nlu_eval.Verdict(understood=True)
    assert judge(entry, Outcome("value", "10_30")) == nlu_eval.Verdict(understood=False, riskier=True)
    assert judge(entry, Outcome("ask", candidates=("10_30", "30_50"))).understood
    assert not judge(entry, Outcome("ask", candidates=("10_30",))).understood
    assert not judge(entry, Outcome("ask", candidates=Q.item_for_slot("kyc_asset_share").option_ids)).understood


def test_a_clear_answer_asked_back_is_understood_but_counted_as_clarified():
    entry = {"slot": "kyc_drawdown_reaction", "text": "wait it out", "expect": "hold"}
    verdict = judge(entry, Outcome("ask", candidates=("sell_some", "hold")))
    assert verdict.understood and verdict.clarified
    assert judge(entry, Outcome("value", "buy_more")).riskier
    assert not judge(entry, Outcome("value", "sell_some")).riskier


def test_crediting_a_knowledge_answer_or_an_adult_age_is_riskier():
    assert judge({"slot": "kyc_knowledge_bonds", "text": "no idea", "expect": "dont_know"},
                 Outcome("value", "falls")).riskier
    assert judge({"slot": "kyc_age", "text": "I am 16", "expect": 16}, Outcome("value", 61)).riskier
    assert judge({"slot": "kyc_age", "text": "sixty two", "expect": 62}, Outcome("value", 26)).riskier
    assert not judge({"slot": "kyc_age", "text": "twenty six", "expect": 26}, Outcome("value", 62)).riskier


def test_a_digression_or_non_answer_must_not_be_stored():
    digression = {"slot": "kyc_knowledge_bonds", "text": "what is a bond fund?", "answer": False}
    assert judge(digression, Outcome("reject")).understood
    stored = judge(digression, Outcome("value", "falls"))
    assert not stored.understood and stored.nonanswer_stored


def test_plan_answers_compare_numbers_and_the_slot_they_went_to():
    entry = {"slot": "monthly_contribution", "text": "I want to reach 300k", "expect": 300000,
             "expect_slot": "target_amount"}
    assert judge(entry, Outcome("value", nlu_eval.Decimal("300000"), slot="target_amount")).understood
    assert not judge(entry, Outcome("value", nlu_eval.Decimal("300000"), slot="monthly_contribution")).understood

