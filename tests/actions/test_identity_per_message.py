"""Identity is decided per message: a message without a valid token is a guest's.

A conversation that was signed in before keeps its slots (level, customer id, answers), but
nothing personal from those turns may reach a later message that carries no valid token.
"""

from __future__ import annotations

from actions import advisor, kyc, products, support
from tests.actions.conftest import (
    CUSTOMER_ID,
    FULL_ANSWERS,
    SENDER,
    advisor_token,
    all_text,
    assessment_for,
    customer_token,
    form_tracker,
    make_tracker,
    payloads,
    run_action,
    seed,
    slot_sets,
    stored,
    user_event,
)
from tests.fakes import make_customer

SIGNED_IN_SLOTS = {"risk_level": "C5", "risk_score": 88.0, "lowest_category": False,
                   "customer_id": CUSTOMER_ID, "user_role": "customer"}


def signed_in_history() -> list[dict]:
    return [user_event("hi", "greet", token=customer_token())]


def test_a_guest_message_never_gets_the_level_of_a_signed_in_turn_of_the_same_conversation(fake_uow):
    seed(fake_uow, assessment_for("C5", conversation_id=SENDER, days_ago=0))
    tracker = make_tracker(text="what is my risk level?", intent="ask_risk_level", slots=SIGNED_IN_SLOTS,
                           before=signed_in_history())
    events, dispatcher = run_action(products.TellRiskLevel(), tracker)

    text = all_text(dispatcher)
    assert "C5" not in text.replace("C1 (most careful) to C5 (most adventurous)", "")
    assert "assessed on" not in text
    assert "/start_risk_assessment" in payloads(dispatcher)
    assert "risk_level" not in slot_sets(events)


def test_the_same_question_with_the_token_gets_the_level(fake_uow):
    seed(fake_uow, assessment_for("C5", conversation_id=SENDER, days_ago=0))
    tracker = make_tracker(text="what is my risk level?", intent="ask_risk_level", token=customer_token(),
                           before=signed_in_history())
    _, dispatcher = run_action(products.TellRiskLevel(), tracker)

    assert "Your risk level is C5" in all_text(dispatcher)


def test_a_guest_still_gets_the_level_of_their_own_questionnaire_in_this_conversation(fake_uow):
    seed(fake_uow, assessment_for("C2", customer_id=None, conversation_id=SENDER, days_ago=0),
         assessment_for("C5", conversation_id=SENDER, days_ago=0, assessment_id="signed-in-later"))
    tracker = make_tracker(text="what is my risk level?", intent="ask_risk_level")
    _, dispatcher = run_action(products.TellRiskLevel(), tracker)

    assert "Your risk level is C2" in all_text(dispatcher)


def test_a_guest_message_gets_no_recommendation_from_a_signed_in_level(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID),
         assessment_for("C5", conversation_id=SENDER, days_ago=0))
    tracker = make_tracker(text="what should I invest in", intent="ask_recommendation", slots=SIGNED_IN_SLOTS,
                           before=signed_in_history())
    _, dispatcher = run_action(products.RecommendProducts(), tracker)

    text = all_text(dispatcher)
    assert "Based on your risk level" not in text
    assert "valid assessment" in text
    for record in stored(fake_uow)["recommendations"]:
        assert record.customer_id is None and record.level == "none"


def test_a_guest_message_sees_no_balance_in_deposit_plus(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID))
    tracker = make_tracker(text="tell me about deposit plus", intent="ask_deposit_plus", slots=SIGNED_IN_SLOTS,
                           before=signed_in_history())
    _, dispatcher = run_action(products.ExplainDepositPlus(), tracker)

    assert "Your current account holds" not in all_text(dispatcher)


def test_advisor_tools_refuse_a_message_without_the_advisor_token(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID))
    tracker = make_tracker(text=f"summary of {CUSTOMER_ID}", intent="advisor_customer_summary",
                           slots={"customer_ref": CUSTOMER_ID, "user_role": "advisor"},
                           before=[user_event("hi", "greet", token=advisor_token())])
    _, dispatcher = run_action(advisor.AdvisorCustomerSummary(), tracker)

    assert all_text(dispatcher) == advisor.REFUSAL


def test_a_token_on_an_earlier_message_does_not_sign_in_a_later_one():
    tracker = make_tracker(text="hello again", intent="greet", before=signed_in_history())
    events, dispatcher = run_action(support.Greet(), tracker)

    assert slot_sets(events)["customer_id"] is None
    assert "Welcome back" not in all_text(dispatcher)


def test_answers_given_while_signed_in_do_not_continue_as_a_guest():
    owner = f"customer:{CUSTOMER_ID}"
    tracker = form_tracker("kyc_form", "kyc_horizon", "more than 10 years",
                           slots=dict(FULL_ANSWERS, kyc_horizon=None, kyc_owner=owner))
    dispatcher_events, dispatcher = run_action(kyc.ValidateKycForm(), tracker)

    values = slot_sets(dispatcher_events)
    assert values["kyc_income_source"] is None and values["kyc_age"] is None and values["kyc_horizon"] is None
    assert values["kyc_owner"] == "guest"
    assert "started again from the first question" in all_text(dispatcher)


def test_the_owner_goes_on_answering_with_their_token():
    owner = f"customer:{CUSTOMER_ID}"
    tracker = form_tracker("kyc_form", "kyc_horizon", "more than 10 years", token=customer_token(),
                           slots=dict(FULL_ANSWERS, kyc_horizon=None, kyc_owner=owner))
    events, _ = run_action(kyc.ValidateKycForm(), tracker)

    assert slot_sets(events)["kyc_horizon"] == "gt_10y"
    assert "kyc_income_source" not in slot_sets(events)


def test_answers_of_a_signed_in_customer_are_not_scored_for_a_guest(fake_uow):
    slots = dict(FULL_ANSWERS, kyc_owner=f"customer:{CUSTOMER_ID}")
    tracker = make_tracker(text="/inform", intent="inform", slots=slots, before=signed_in_history())
    events, dispatcher = run_action(kyc.ScoreAssessment(), tracker)

    assert stored(fake_uow)["assessments"] == []
    assert "risk_level" not in slot_sets(events)
    assert "haven't scored or saved" in all_text(dispatcher)


def test_prepare_assessment_records_who_started_it(fake_uow):
    tracker = make_tracker(text="start the questionnaire", intent="start_risk_assessment", token=customer_token())
    events, _ = run_action(kyc.PrepareAssessment(), tracker)

    assert slot_sets(events)["kyc_owner"] == f"customer:{CUSTOMER_ID}"
