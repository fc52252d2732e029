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
    # The stored text becomes its option; clean answers are left alone; the form goes on at question 3.
    assert sets == {"kyc_investable_assets": "100k_500k", "kyc_failed_attempts": 0,
                    "requested_slot": "kyc_asset_share"}
    assert dispatcher.messages == []  # the classroom rule answers the question itself


def test_unvalidated_nonsense_is_cleared_and_asked_again() -> None:
    slots = {"kyc_income_source": "banana split", "requested_slot": "kyc_investable_assets"}
    events, dispatcher = run_action(kyc.ValidateKycForm(), make_tracker(slots=slots, text="hi", intent="greet"))
    sets = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    # Cleared and asked again (the form goes back to question 1), counted as the first unusable answer.
    assert sets == {"kyc_income_source": None, "kyc_failed_attempts": 1, "requested_slot": "kyc_income_source"}
    # The customer is told the answer could not be used, and how to answer (not yet why we ask).
    assert [m["text"] for m in dispatcher.messages] == [
        "Sorry, I couldn't use that answer. Please pick one of the buttons, or say it in your own words."]
