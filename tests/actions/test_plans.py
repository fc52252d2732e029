"""Education-fund planning: validate_education_plan_form and action_show_education_plan."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import plans
from tests.actions.conftest import (
    DOMAIN,
    all_text,
    bot_event,
    form_tracker,
    make_tracker,
    run_action,
    slot_sets,
    user_event,
)

FORM = "education_plan_form"


def validate(slot, value, **kwargs):
    return run_action(plans.ValidateEducationPlanForm(), form_tracker(FORM, slot, value, **kwargs), DOMAIN)


def required(slots):
    tracker = make_tracker(slots=slots, intent="inform", active_loop={"name": FORM})
    return asyncio.run(plans.ValidateEducationPlanForm().required_slots(
        list(DOMAIN["forms"][FORM]["required_slots"]), CollectingDispatcher(), tracker, DOMAIN))


def _fv(monthly: float, years: int, rate: float) -> float:
    i, n = rate / 100 / 12, years * 12
    return monthly * ((1 + i) ** n - 1) / i


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize("text, expected", [("3", "3"), ("she is 3", "3"), ("0", "0"), ("17", "17"),
                                            ("three", "3")])
def test_a_child_age_from_0_to_17_is_accepted(text, expected):
    events, dispatcher = validate("child_age", text)

    assert slot_sets(events)["child_age"] == expected
    assert dispatcher.messages == []


@pytest.mark.parametrize("text", ["18", "abc", "25", "-3", "3 or 4"])
def test_an_impossible_child_age_is_rejected_with_a_reprompt(text):
    events, dispatcher = validate("child_age", text)

    assert slot_sets(events)["child_age"] is None
    assert len(dispatcher.messages) == 1
    assert "0 to 17" in dispatcher.messages[0]["text"]


@pytest.mark.parametrize("text, expected", [("500", "500"), ("500 a month", "500"), ("1,200", "1200")])
def test_a_monthly_amount_is_accepted(text, expected):
    events, dispatcher = validate("monthly_contribution", text, slots={"child_age": "3"})

    sets = slot_sets(events)
    assert sets["monthly_contribution"] == expected
    assert sets.get("target_amount") is None
    assert sets["requested_slot"] is None  # both answers are in: the form is done
    assert dispatcher.messages == []


@pytest.mark.parametrize("text", ["lots", "0", "5,000,000", "500 or 600"])
def test_an_impossible_monthly_amount_is_rejected(text):
    events, dispatcher = validate("monthly_contribution", text, slots={"child_age": "3"})

    assert slot_sets(events)["monthly_contribution"] is None
    assert len(dispatcher.messages) == 1
    assert "target" in dispatcher.messages[0]["text"]  # the re-prompt mentions the other way


@pytest.mark.parametrize("text", ["target 200,000", "my goal is 200000", "I'd like to reach 200k"])
def test_a_target_instead_of_a_monthly_amount_switches_to_the_target(text):
    events, dispatcher = validate("monthly_contribution", text, slots={"child_age": "3"})

    sets = slot_sets(events)
    assert sets["monthly_contribution"] is None
    assert sets["target_amount"] == "200000"
    assert sets["requested_slot"] is None
    assert dispatcher.messages == []


def test_a_target_amount_is_validated():
    good, _ = validate("target_amount", "200,000", slots={"child_age": "3"})
    bad, dispatcher = validate("target_amount", "a lot", slots={"child_age": "3"})

    assert slot_sets(good)["target_amount"] == "200000"
    assert slot_sets(bad)["target_amount"] is None
    assert len(dispatcher.messages) == 1


def test_required_slots_ask_a_monthly_amount_unless_a_target_was_given():
    assert required({}) == ["child_age", "monthly_contribution"]
    assert required({"child_age": "3"}) == ["child_age", "monthly_contribution"]
    assert required({"child_age": "3", "target_amount": "200000"}) == ["child_age", "target_amount"]


def test_no_right_after_the_stop_confirmation_is_ignored():
    events, dispatcher = validate("child_age", "no",
                                  history=[bot_event("How old is your child now?"), user_event("stop", "stop")],
                                  last_bot=bot_event("Do you want to stop here?", "utter_ask_confirm_stop"))

    assert slot_sets(events)["child_age"] is None
    assert dispatcher.messages == []


# ------------------------------------------------------------------ asking and showing


@pytest.mark.parametrize("action, words", [(plans.AskChildAge, "How old"),
                                           (plans.AskMonthlyContribution, "each month"),
                                           (plans.AskTargetAmount, "turns 18")])
def test_the_plan_questions(action, words):
    events, dispatcher = run_action(action(), make_tracker())

    assert events == []
    assert words in all_text(dispatcher)


def test_show_plan_for_a_3_year_old_and_500_a_month():
    events, dispatcher = run_action(plans.ShowEducationPlan(),
                                    make_tracker(slots={"child_age": "3", "monthly_contribution": "500"}))

    text = all_text(dispatcher)
    assert "15 years" in text            # the horizon
    assert "90,000" in text              # paid in
    for figure in ("104,857", "123,045", "145,409"):   # the spec's check values at 2%, 4%, 6%
        assert figure in text
    for rate in ("2%", "4%", "6%"):
        assert rate in text
    assert "simulated" in text.lower()
    assert "not guaranteed" in text
    assert slot_sets(events) == {"child_age": None, "monthly_contribution": None, "target_amount": None}


def test_the_projection_figures_match_the_formula():
    _, dispatcher = run_action(plans.ShowEducationPlan(),
                               make_tracker(slots={"child_age": "8", "monthly_contribution": "1000"}))

    text = all_text(dispatcher)
    for rate in (2, 4, 6):
        assert f"{round(_fv(1000, 10, rate)):,}" in text
    assert "120,000" in text


def test_show_plan_for_a_target_gives_the_monthly_amount_in_three_scenarios():
    """Spec 6: always three scenarios, the inverse plan too (it used to show one 4% rate)."""
    events, dispatcher = run_action(plans.ShowEducationPlan(),
                                    make_tracker(slots={"child_age": "3", "target_amount": "200000"}))

    text = all_text(dispatcher)
    assert "200,000" in text
    found = re.findall(r"at (\d+)% a year: ([\d,]+\.?\d*) a month, paying in ([\d,]+\.?\d*)", text)
    assert [rate for rate, _, _ in found] == ["2", "4", "6"], text
    n = 180
    for rate, monthly, paid in found:
        i = int(rate) / 100 / 12
        amount = Decimal(monthly.replace(",", ""))
        assert abs(float(amount) - 200000 * i / ((1 + i) ** n - 1)) < 0.02   # FV formula, solved for P
        assert Decimal(paid.replace(",", "")) == amount * n
    monthlies = [Decimal(m.replace(",", "")) for _, m, _ in found]
    assert monthlies == sorted(monthlies, reverse=True)   # a higher return needs less each month
    assert "simulated" in text and "not guaranteed" in text
    assert slot_sets(events) == {"child_age": None, "monthly_contribution": None, "target_amount": None}


def test_show_plan_with_missing_numbers_says_so_and_resets():
    events, dispatcher = run_action(plans.ShowEducationPlan(), make_tracker(slots={"child_age": None}))

    assert "couldn't work that plan out" in all_text(dispatcher)
    assert slot_sets(events) == {"child_age": None, "monthly_contribution": None, "target_amount": None}


def test_cancel_education_plan():
    events, dispatcher = run_action(plans.CancelEducationPlan(),
                                    make_tracker(slots={"child_age": "3", "requested_slot": "monthly_contribution"}))

    assert slot_sets(events) == {"child_age": None, "monthly_contribution": None, "target_amount": None,
                                 "requested_slot": None}
    assert "stopped" in all_text(dispatcher)


def test_a_second_failed_answer_is_explained_differently():
    first_events, first = validate("child_age", "abc")
    prompt = first.messages[0]["text"]
    _, second = validate("child_age", "xyz", last_bot=bot_event(prompt))

    text = second.messages[0]["text"]
    assert text != prompt
    assert "until your child turns 18" in text and "stop" in text


def test_a_classroom_question_in_the_plan_gets_no_reprompt_of_its_own():
    tracker = form_tracker(FORM, "child_age", "what is compound interest?")
    tracker.latest_message["intent"] = {"name": "faq", "confidence": 0.9}
    events, dispatcher = run_action(plans.ValidateEducationPlanForm(), tracker, DOMAIN)

    assert slot_sets(events)["child_age"] is None
    assert dispatcher.messages == []  # its rule answered it; the form asks its question again
