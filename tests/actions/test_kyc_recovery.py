"""Answers Rasa stored while the action server was down are validated when it is back."""

from __future__ import annotations

from actions import kyc
from tests.actions.conftest import make_tracker, run_action


def test_an_unvalidated_answer_left_by_an_outage_is_validated_on_the_next_turn() -> None:
    # During the outage Rasa's slot extraction stored the raw text; validate_kyc_form never ran.
    slots = {"kyc_income_source": "one_stable_wage", "kyc_investable_assets": "about 300k",
             "requested_slot": "kyc_asset_share"}
    tracker = make_tracker(slots=slots, text="what is a bond fund?", intent="faq")
    events, dispatcher = run_action(kyc.ValidateKycForm(), tracker)
    sets = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert sets["kyc_investable_assets"] == "100k_500k"
    assert "kyc_income_source" not in sets  # clean answers are left alone


def test_unvalidated_nonsense_is_cleared_and_asked_again() -> None:
    slots = {"kyc_income_source": "banana split", "requested_slot": "kyc_investable_assets"}
    events, dispatcher = run_action(kyc.ValidateKycForm(), make_tracker(slots=slots, text="hi", intent="greet"))
    sets = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert sets["kyc_income_source"] is None
    assert dispatcher.messages  # the customer is told the answer could not be used
