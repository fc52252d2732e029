"""Replies that depend on context: answers to an open question, yes/no, follow-ups."""

from __future__ import annotations

import pytest

from actions import follow_up, open_answer
from tests.actions.conftest import (
    CUSTOMER_ID,
    FULL_ANSWERS,
    SENDER,
    action_event,
    all_text,
    assessment_for,
    bot_event,
    customer_token,
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

# ------------------------------------------------------------------ an open question takes its answer first


def in_form(slot: str, text: str, intent: str, form: str = "kyc_form"):
    return make_tracker(text=text, intent=intent, slots={"requested_slot": slot}, active_loop={"name": form})


@pytest.mark.parametrize("slot, text, intent", [
    ("kyc_knowledge_bonds", "bond prices fall when rates rise", "faq"),
    ("kyc_drawdown_reaction", "I would hold", "stop"),
    ("kyc_age", "I am 16 years old", "bot_challenge"),
    ("kyc_horizon", "more than 10 years", "request_human"),
    ("monthly_contribution", "I could do 800", "faq"),
])
def test_an_answer_to_the_open_question_fills_it_whatever_the_intent(slot, text, intent):
    events, dispatcher = run_action(open_answer.ExtractOpenAnswer(), in_form(slot, text, intent))

    assert slot_sets(events) == {slot: text}
    assert dispatcher.messages == []


@pytest.mark.parametrize("slot, text, intent", [
    ("kyc_knowledge_bonds", "what is a bond fund?", "faq"),
    ("kyc_objective", "what does growth mean", "faq"),
    ("kyc_drawdown_reaction", "stop", "stop"),
    ("kyc_horizon", "talk to a person", "request_human"),
    ("kyc_age", "are you a bot", "bot_challenge"),
    ("child_age", "what is compound interest?", "faq"),
])
def test_a_real_digression_is_left_to_its_rule(slot, text, intent):
    events, _ = run_action(open_answer.ExtractOpenAnswer(), in_form(slot, text, intent))

    assert events == []


def test_a_broken_payload_goes_to_the_form_which_re_prompts_for_it():
    events, _ = run_action(open_answer.ExtractOpenAnswer(), in_form("kyc_horizon", '/inform{"option": ', "inform"))
    assert slot_sets(events) == {"kyc_horizon": '/inform{"option":'}  # stripped


def test_a_payload_of_a_digression_is_left_to_its_rule():
    events, _ = run_action(open_answer.ExtractOpenAnswer(), in_form("kyc_horizon", "/stop", "stop"))
    assert events == []


def test_any_other_intent_is_taken_as_the_answer_for_the_form_to_validate():
    events, _ = run_action(open_answer.ExtractOpenAnswer(), in_form("kyc_horizon", "blue", "inform"))
    assert slot_sets(events) == {"kyc_horizon": "blue"}


# ------------------------------------------------------------------ yes / no


def after_question(bot: dict, text: str, intent: str, **kwargs):
    return make_tracker(text=text, intent=intent, before=[user_event("hi"), bot, action_event("action_listen")],
                        **kwargs)


def offer_of_a_person() -> dict:
    event = bot_event("Sorry, I'm still not getting it. Would you like me to connect you with a human advisor?")
    event["data"] = {"buttons": [{"title": "Yes, talk to a person", "payload": "/request_human"},
                                 {"title": "No, show me the menu", "payload": "/greet"}]}
    return event


def offer_of_the_questionnaire() -> dict:
    event = bot_event("I don't have a valid assessment for you. The questionnaire takes about five minutes - "
                      "shall we do it now?")
    event["data"] = {"buttons": [{"title": "Take the risk questionnaire", "payload": "/start_risk_assessment"}]}
    return event


def offer_of_products() -> dict:
    event = bot_event("Your risk level is C3. ... Would you like to see products that suit your level?")
    event["data"] = {"buttons": [{"title": "Show suitable products", "payload": "/ask_recommendation"},
                                 {"title": "Plan for a child's education", "payload": "/plan_education_fund"}]}
    return event


def test_ok_to_the_offer_of_a_person_opens_a_ticket(fake_uow):
    events, dispatcher = run_action(follow_up.AnswerYesNo(), after_question(offer_of_a_person(), "ok", "affirm"))

    assert len(stored(fake_uow)["handoffs"]) == 1
    assert "reference is" in all_text(dispatcher)


def test_no_thanks_to_the_offer_of_a_person_declines_and_shows_the_menu(fake_uow):
    _, dispatcher = run_action(follow_up.AnswerYesNo(), after_question(offer_of_a_person(), "no thanks", "deny"))

    assert stored(fake_uow)["handoffs"] == []
    assert "No problem" in all_text(dispatcher)
    assert "/start_risk_assessment" in payloads(dispatcher)


def test_yes_please_to_the_questionnaire_offer_starts_the_questionnaire():
    events, dispatcher = run_action(follow_up.AnswerYesNo(),
                                    after_question(offer_of_the_questionnaire(), "yes please", "affirm"))

    assert events == [{"event": "followup", "timestamp": None, "name": "action_prepare_assessment"}]
    assert dispatcher.messages == []


def test_sure_to_the_products_offer_shows_products(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C3", days_ago=0))
    _, dispatcher = run_action(follow_up.AnswerYesNo(),
                               after_question(offer_of_products(), "sure", "affirm", token=customer_token()))

    assert "Based on your risk level C3" in all_text(dispatcher)


def test_yes_with_no_question_asked_says_so():
    _, dispatcher = run_action(follow_up.AnswerYesNo(),
                               after_question(bot_event("Deposit-plus is a deposit."), "yes", "affirm"))
    assert "not sure what that answers" in all_text(dispatcher)


# ------------------------------------------------------------------ follow-ups on what was just shown


def shown(action: str, *slot_events: dict) -> list[dict]:
    return [*slot_events, action_event(action), bot_event("(the result)"), action_event("action_listen")]


def test_what_would_i_earn_after_deposit_plus_computes_for_that_amount():
    tracker = make_tracker(text="what would I earn on 50000?", intent="what_if",
                           before=shown("action_explain_deposit_plus"))
    _, dispatcher = run_action(follow_up.AnswerFollowUp(), tracker)

    text = all_text(dispatcher)
    assert "On 50,000 over 12 months" in text and "deposit-plus" in text


def test_and_at_5_percent_after_an_education_projection_uses_the_same_monthly_amount():
    tracker = make_tracker(text="and at 5%?", intent="what_if", before=shown(
        "action_show_education_plan", slot_event("child_age", "3"), slot_event("monthly_contribution", "500")))
    _, dispatcher = run_action(follow_up.AnswerFollowUp(), tracker)

    # 500 a month for 180 months at 5% a year (FV of an ordinary annuity, computed by hand): 133,644
    assert "At 5% a year, saving 500 a month" in all_text(dispatcher)
    assert "133,644" in all_text(dispatcher)


def test_what_if_i_put_in_800_shows_the_projection_again_with_800():
    tracker = make_tracker(text="what if I put in 800?", intent="what_if", before=shown(
        "action_show_education_plan", slot_event("child_age", "3"), slot_event("monthly_contribution", "500")))
    events, dispatcher = run_action(follow_up.AnswerFollowUp(), tracker)

    text = all_text(dispatcher)
    assert "Saving 800 a month for 15 years" in text and "144,000" in text  # paid in: 800 x 180
    assert slot_sets(events)["monthly_contribution"] is None  # the plan is done again, nothing pending


def test_why_after_a_level_explains_the_score_and_the_caps(fake_uow):
    seed(fake_uow, assessment_for("C2", customer_id=None, conversation_id=SENDER, days_ago=0,
                                  answers=dict(FULL_ANSWERS)))
    tracker = make_tracker(text="why?", intent="ask_why", before=shown("action_score_assessment"))
    _, dispatcher = run_action(follow_up.AnswerFollowUp(), tracker)

    text = all_text(dispatcher)
    assert "Your level C2 comes from your answers" in text
    assert "ability to bear a loss" in text


def test_why_for_a_guest_without_any_level_asks_what_to_explain():
    tracker = make_tracker(text="why?", intent="ask_why")
    _, dispatcher = run_action(follow_up.AnswerFollowUp(), tracker)
    assert "what you'd like me to explain" in all_text(dispatcher)


def test_what_if_without_a_calculation_offers_the_calculators():
    _, dispatcher = run_action(follow_up.AnswerFollowUp(), make_tracker(text="and at 6%?", intent="what_if"))
    assert {"/ask_deposit_plus", "/plan_education_fund"} <= set(payloads(dispatcher))


def test_the_last_result_is_the_latest_action_that_showed_one():
    events = [*shown("action_show_education_plan", slot_event("child_age", "3"),
                     slot_event("monthly_contribution", "500")),
              *shown("action_explain_deposit_plus")]
    assert follow_up.last_result(events) == {"kind": "deposit_plus"}
    assert follow_up.last_result(events[:4])["monthly_contribution"] == "500"
