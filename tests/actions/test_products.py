"""Risk level, recommendations, products asked for by name, and deposit-plus."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from actions import products
from advisor_core.adapters.datafiles import default_catalog
from advisor_core.domain.levels import RiskRating
from tests.actions.conftest import (
    CUSTOMER_ID,
    SENDER,
    advisor_token,
    all_text,
    assessment_for,
    customer_token,
    expired_token,
    forged_token,
    make_tracker,
    payloads,
    run_action,
    seed,
    slot_sets,
    stored,
)
from tests.fakes import make_customer, make_event

CATALOG = default_catalog()
RATING_IN_TEXT = re.compile(r"\((R[1-5])\)")


def customer(**overrides):
    values = dict(demand_balance=Decimal("20000.00"), holdings=())
    values.update(overrides)
    return make_customer(CUSTOMER_ID, **values)


def ratings_listed(text):
    return [RiskRating.parse(r) for r in RATING_IN_TEXT.findall(text)]


# ------------------------------------------------------------------ risk level


def test_tell_risk_level_with_a_valid_assessment(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3", days_ago=30))
    events, dispatcher = run_action(products.TellRiskLevel(),
                                    make_tracker(intent="ask_risk_level", token=customer_token()))

    text = all_text(dispatcher)
    assert "Your risk level is C3" in text
    assert "17 May 2025" in text  # FIXED_NOW minus 30 days
    assert "R1 to R3" in text     # what the level means
    assert slot_sets(events) == {"risk_level": "C3", "risk_score": 21.0, "lowest_category": False}
    assert "/start_risk_assessment" in payloads(dispatcher)


@pytest.mark.parametrize("case", ["none", "too_old", "someone_else", "forged"])
def test_tell_risk_level_without_a_valid_assessment_offers_the_questionnaire(case, fake_uow):
    token = customer_token()
    if case == "too_old":
        seed(fake_uow, customer(), assessment_for("C3", days_ago=400))
    elif case == "someone_else":
        seed(fake_uow, assessment_for("C4", customer_id="C999999"))
    elif case == "forged":
        seed(fake_uow, customer(), assessment_for("C4"))
        token = forged_token()
    events, dispatcher = run_action(products.TellRiskLevel(), make_tracker(intent="ask_risk_level", token=token))

    assert events == []
    assert payloads(dispatcher) == ["/start_risk_assessment"]
    text = all_text(dispatcher)
    assert "C1" in text and "C5" in text  # the levels are explained in general
    assert "Your risk level is" not in text
    if case == "too_old":
        assert "more than 12 months old" in text


def test_an_anonymous_level_is_found_by_the_conversation(fake_uow):
    seed(fake_uow, assessment_for("C2", customer_id=None, conversation_id=SENDER, days_ago=0.01))
    events, dispatcher = run_action(products.TellRiskLevel(), make_tracker(intent="ask_risk_level"))

    assert slot_sets(events)["risk_level"] == "C2"
    assert "Your risk level is C2" in all_text(dispatcher)


# ------------------------------------------------------------------ recommendations


@pytest.mark.parametrize("token", [None, "forged", "expired"])
def test_recommend_without_assessment_offers_the_questionnaire_and_nothing_risky(token, fake_uow):
    seed(fake_uow, customer())
    real = {"forged": forged_token(), "expired": expired_token()}.get(token)
    events, dispatcher = run_action(products.RecommendProducts(),
                                    make_tracker(intent="ask_recommendation", token=real))

    assert events == []
    assert payloads(dispatcher) == ["/start_risk_assessment"]
    text = all_text(dispatcher)
    for product in CATALOG.products:
        assert product.name not in text  # an anonymous user has no balance: not even deposit-plus
    assert stored(fake_uow)["recommendations"] == []


def test_recommend_without_assessment_shows_only_deposits_to_a_known_customer(fake_uow):
    seed(fake_uow, customer(demand_balance=Decimal("20000.00")))
    events, dispatcher = run_action(products.RecommendProducts(),
                                    make_tracker(intent="ask_recommendation", token=customer_token()))

    assert events == []
    assert "/start_risk_assessment" in payloads(dispatcher)
    text = all_text(dispatcher)
    shown = [p for p in CATALOG.products if p.name in text]
    assert [p.id for p in shown] == ["deposit_plus"]
    records = stored(fake_uow)["recommendations"]
    assert all(item.product_id == "deposit_plus" for r in records for item in r.items)
    assert all(r.assessment_id is None and r.level == "none" for r in records)


def test_recommend_for_c2_never_lists_anything_above_r2_and_keeps_a_record(fake_uow):
    assessment = assessment_for("C2", answers={"kyc_horizon": "gt_10y",
                                               "kyc_goals": ["retirement", "child_education", "wealth_growth"]})
    seed(fake_uow, customer(investable_assets=Decimal("5000000.00"), total_assets=Decimal("9000000.00")),
         assessment)
    events, dispatcher = run_action(products.RecommendProducts(),
                                    make_tracker(intent="ask_recommendation", token=customer_token()))

    assert events == []
    text = all_text(dispatcher)
    assert "Based on your risk level C2" in text
    listed = ratings_listed(text)
    assert listed, text
    assert max(listed) <= RiskRating.R2
    for product in CATALOG.products:
        if product.risk_rating > RiskRating.R2:
            assert product.name not in text, product.id
    assert "not promises" in text  # no promised returns

    records = stored(fake_uow)["recommendations"]
    assert len(records) == 1
    record = records[0]
    assert record.customer_id == CUSTOMER_ID
    assert record.conversation_id == SENDER
    assert record.assessment_id == assessment.assessment_id
    assert record.level == "C2"
    assert record.items
    for item in record.items:
        assert RiskRating.parse(item.risk_rating) <= RiskRating.R2
        assert item.reasons and all(reason.strip() for reason in item.reasons)
        assert CATALOG.get(item.product_id).name in text


def test_the_advisor_only_cross_sell_is_never_shown_to_a_customer(fake_uow):
    # The renovation instalment is `audience: advisor` in the catalog: an assessed customer with a
    # seasoned mortgage (make_customer's started in 2015) still does not see it.
    seed(fake_uow, customer(), assessment_for("C2"))
    _, dispatcher = run_action(products.RecommendProducts(),
                               make_tracker(intent="ask_recommendation", token=customer_token()))
    assert CATALOG.get("renovation_instalment").name not in all_text(dispatcher)
    [record] = stored(fake_uow)["recommendations"]
    assert "renovation_instalment" not in [i.product_id for i in record.items]


def test_cross_sell_offer_is_not_shown_without_an_assessment(fake_uow):
    seed(fake_uow, customer())
    _, dispatcher = run_action(products.RecommendProducts(),
                               make_tracker(intent="ask_recommendation", token=customer_token()))
    assert CATALOG.get("renovation_instalment").name not in all_text(dispatcher)


# ------------------------------------------------------------------ products asked for by name


def request(product_id, fake_uow, *, token="customer", text="I want the thematic fund"):
    real = {"customer": customer_token(), "forged": forged_token(), "advisor": advisor_token()}.get(token, token)
    return run_action(products.RequestProduct(),
                      make_tracker(intent="request_product", token=real, slots={"product": product_id}, text=text,
                                   entities=[{"entity": "product", "value": product_id}]))


def test_above_level_request_warns_and_asks_for_explicit_confirmation(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    events, dispatcher = request("tech_thematic_fund", fake_uow)

    assert slot_sets(events) == {"pending_product": "tech_thematic_fund"}
    text = all_text(dispatcher)
    assert "Special risk warning" in text
    assert "R5" in text and "C3" in text
    assert "confirm" in text.lower()
    assert payloads(dispatcher) == ["/affirm", "/deny"]
    events_stored = stored(fake_uow)["suitability_events"]
    assert len(events_stored) == 1
    warning = events_stored[0]
    assert (warning.kind, warning.product_id, warning.product_rating, warning.customer_level) == (
        "warning", "tech_thematic_fund", "R5", "C3")
    assert warning.customer_id == CUSTOMER_ID and warning.conversation_id == SENDER
    assert "Special risk warning" in warning.text


def test_the_confirmation_is_recorded(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    request("tech_thematic_fund", fake_uow)
    events, dispatcher = run_action(products.ConfirmProductRequest(),
                                    make_tracker(text="yes, I understand the risk", intent="affirm",
                                                 token=customer_token(),
                                                 slots={"pending_product": "tech_thematic_fund"}))

    assert slot_sets(events) == {"pending_product": None, "product": None}
    kinds = [(e.kind, e.product_id) for e in stored(fake_uow)["suitability_events"]]
    assert kinds == [("warning", "tech_thematic_fund"), ("confirmation", "tech_thematic_fund")]
    warning, confirmation = stored(fake_uow)["suitability_events"]
    assert warning.customer_text == "I want the thematic fund"   # the customer's own request
    assert confirmation.customer_text == "yes, I understand the risk"
    assert confirmation.customer_id == CUSTOMER_ID
    assert "recorded" in all_text(dispatcher)
    assert "not recommended by us" in all_text(dispatcher)


def test_declining_clears_the_pending_product_and_records_nothing(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    events, dispatcher = run_action(products.DeclineProductRequest(),
                                    make_tracker(intent="deny", token=customer_token(),
                                                 slots={"pending_product": "tech_thematic_fund"}))

    assert slot_sets(events) == {"pending_product": None, "product": None}
    assert stored(fake_uow)["suitability_events"] == []
    assert "nothing has been bought" in all_text(dispatcher)


@pytest.mark.parametrize("product_id", ["bond_fund", "tech_thematic_fund", "index_fund"])
def test_a_lowest_category_customer_is_refused_and_the_refusal_is_recorded(product_id, fake_uow):
    seed(fake_uow, customer(), assessment_for("C1", lowest=True))
    events, dispatcher = request(product_id, fake_uow)

    assert slot_sets(events) == {"product": None, "pending_product": None}
    assert "/affirm" not in payloads(dispatcher)
    assert "lowest risk category" in all_text(dispatcher)
    [refusal] = stored(fake_uow)["suitability_events"]
    assert (refusal.kind, refusal.product_id, refusal.customer_level) == ("refusal", product_id, "C1")


@pytest.mark.parametrize("product_id", ["bank_wealth_steady", "structured_deposit_gold"])
def test_bank_wealth_and_structured_deposits_are_never_sold_above_level(product_id, fake_uow):
    seed(fake_uow, customer(), assessment_for("C1"))
    events, dispatcher = request(product_id, fake_uow)

    assert slot_sets(events) == {"product": None, "pending_product": None}
    assert "/affirm" not in payloads(dispatcher)
    assert "never sold above" in all_text(dispatcher)
    [refusal] = stored(fake_uow)["suitability_events"]
    assert (refusal.kind, refusal.product_id) == ("refusal", product_id)


def test_a_request_within_the_level_records_no_event(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    events, dispatcher = request("balanced_fund", fake_uow)

    assert slot_sets(events) == {"product": None}
    assert stored(fake_uow)["suitability_events"] == []
    text = all_text(dispatcher)
    assert "within your level C3" in text
    assert "not guaranteed" in text
    assert "/affirm" not in payloads(dispatcher)


@pytest.mark.parametrize("token", [None, "forged", "advisor"])
def test_a_request_without_a_verified_customer_needs_an_assessment_first(token, fake_uow):
    seed(fake_uow, customer(), assessment_for("C5"))
    events, dispatcher = request("tech_thematic_fund", fake_uow, token=token)

    assert slot_sets(events) == {"product": None}
    assert payloads(dispatcher) == ["/start_risk_assessment"]
    assert stored(fake_uow)["suitability_events"] == []


def test_an_unknown_product_is_asked_about(fake_uow):
    events, dispatcher = request("magic_beans_fund", fake_uow)

    assert slot_sets(events) == {"product": None}
    assert "Which product" in all_text(dispatcher)
    assert stored(fake_uow)["suitability_events"] == []


def test_a_lapsed_confirmation_is_not_recorded(fake_uow):
    seed(fake_uow, customer())  # no assessment any more
    events, dispatcher = run_action(products.ConfirmProductRequest(),
                                    make_tracker(intent="affirm", token=customer_token(),
                                                 slots={"pending_product": "tech_thematic_fund"}))

    assert slot_sets(events) == {"pending_product": None, "product": None}
    assert "lapsed" in all_text(dispatcher)
    assert stored(fake_uow)["suitability_events"] == []


def test_a_confirmation_for_a_product_now_refused_records_no_confirmation(fake_uow):
    # The warning was given at C3; since then the customer retook the questionnaire and is now in
    # the lowest category. The stale pending product is confirmed.
    seed(fake_uow, customer(), assessment_for("C3", days_ago=2),
         assessment_for("C1", lowest=True, days_ago=0.01))
    run_action(products.ConfirmProductRequest(),
               make_tracker(intent="affirm", token=customer_token(), slots={"pending_product": "tech_thematic_fund"}))

    assert [e.kind for e in stored(fake_uow)["suitability_events"]] == []


def test_a_confirmation_for_a_product_now_refused_does_not_promise_the_purchase(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3", days_ago=2),
         assessment_for("C1", lowest=True, days_ago=0.01))
    events, dispatcher = run_action(products.ConfirmProductRequest(),
                                    make_tracker(intent="affirm", token=customer_token(),
                                                 slots={"pending_product": "tech_thematic_fund"}))

    text = all_text(dispatcher)
    assert "complete the purchase" not in text
    assert "confirmation is recorded" not in text
    assert slot_sets(events)["pending_product"] is None


def test_a_confirmation_without_a_warning_in_this_conversation_is_refused(fake_uow):
    # Issue 10 item 4: a valid C3 assessment, a pending product slot, but no warning was ever
    # shown in this conversation (only in another one): nothing may be recorded as confirmed.
    other = make_event("E-elsewhere", customer_id=CUSTOMER_ID, conversation_id="another-conversation",
                       product_id="tech_thematic_fund", customer_level="C3")
    seed(fake_uow, customer(), assessment_for("C3"), other)
    events, dispatcher = run_action(products.ConfirmProductRequest(),
                                    make_tracker(intent="affirm", token=customer_token(),
                                                 slots={"pending_product": "tech_thematic_fund"}))

    assert [e.event_id for e in stored(fake_uow)["suitability_events"]] == ["E-elsewhere"]
    assert "lapsed" in all_text(dispatcher)
    assert slot_sets(events) == {"pending_product": None, "product": None}


def test_one_warning_answers_one_confirmation(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    request("tech_thematic_fund", fake_uow)
    confirm = make_tracker(intent="affirm", text="yes", token=customer_token(),
                           slots={"pending_product": "tech_thematic_fund"})
    run_action(products.ConfirmProductRequest(), confirm)
    _, dispatcher = run_action(products.ConfirmProductRequest(), confirm)   # replayed

    assert [e.kind for e in stored(fake_uow)["suitability_events"]] == ["warning", "confirmation"]
    assert "lapsed" in all_text(dispatcher)


@pytest.mark.parametrize("product_id", ["index_fund", "tech_thematic_fund"])
def test_at_65_or_over_an_r4_plus_request_goes_to_a_human(product_id, fake_uow):
    # Issue 10 item 2: a 67-year-old (by the bank's record) at C3 asks for an R4/R5 fund.
    seed(fake_uow, customer(birth_date=dt.date(1958, 1, 10)), assessment_for("C3", age=67))
    events, dispatcher = request(product_id, fake_uow, text="I'd like some of that fund please")

    assert slot_sets(events) == {"product": None, "pending_product": None}   # nothing to confirm here
    assert "/affirm" not in payloads(dispatcher)
    [ticket] = stored(fake_uow)["handoffs"]
    [warning] = stored(fake_uow)["suitability_events"]
    assert warning.kind == "warning" and warning.product_id == product_id
    assert warning.customer_text == "I'd like some of that fund please"
    assert ticket.customer_id == CUSTOMER_ID and ticket.conversation_id == SENDER
    assert product_id in ticket.summary and warning.event_id in ticket.summary
    assert "I'd like some of that fund please" in ticket.summary
    text = all_text(dispatcher)
    assert "Special risk warning" in text
    assert ticket.ticket_id in text and "human advisor" in text and "working day" in text
    # and a confirmation typed anyway records nothing
    run_action(products.ConfirmProductRequest(),
               make_tracker(intent="affirm", token=customer_token(), slots={"pending_product": product_id}))
    assert [e.kind for e in stored(fake_uow)["suitability_events"]] == ["warning"]


def test_under_65_an_r4_request_still_needs_a_confirmation(fake_uow):
    seed(fake_uow, customer(birth_date=dt.date(1962, 1, 10)), assessment_for("C3", age=63))
    events, _ = request("index_fund", fake_uow)
    assert slot_sets(events) == {"pending_product": "index_fund"}
    assert stored(fake_uow)["handoffs"] == []


# ------------------------------------------------------------------ deposit-plus


def test_deposit_plus_explains_insurance_and_compares_for_a_verified_customer(fake_uow):
    seed(fake_uow, customer(demand_balance=Decimal("20000.00")))
    events, dispatcher = run_action(products.ExplainDepositPlus(),
                                    make_tracker(intent="ask_deposit_plus", token=customer_token()))

    assert events == []
    first, second = (m["text"] for m in dispatcher.messages)
    assert "deposit insurance" in first and "500,000" in first
    assert "not an investment" in first
    # 20,000 for 12 months: demand 0.2% -> 40; deposit-plus 0.4% for 3 months then 0.9% -> 155.
    assert "20,000" in second
    assert "about 40 " in second
    assert "about 155 " in second
    assert "115 more" in second


@pytest.mark.parametrize("token", [None, "forged", "expired"])
def test_deposit_plus_shows_no_balance_to_an_unverified_user(token, fake_uow):
    seed(fake_uow, customer(demand_balance=Decimal("20000.00")))
    real = {"forged": forged_token(), "expired": expired_token()}.get(token)
    events, dispatcher = run_action(products.ExplainDepositPlus(),
                                    make_tracker(intent="ask_deposit_plus", token=real))

    assert events == []
    assert len(dispatcher.messages) == 1
    text = all_text(dispatcher)
    assert "500,000" in text
    assert "20,000" not in text and "current account holds" not in text


@pytest.mark.parametrize("balance", ["5000.00", "3000.00"])
def test_deposit_plus_makes_no_comparison_at_or_below_5000(balance, fake_uow):
    seed(fake_uow, customer(demand_balance=Decimal(balance)))
    _, dispatcher = run_action(products.ExplainDepositPlus(),
                               make_tracker(intent="ask_deposit_plus", token=customer_token()))

    assert len(dispatcher.messages) == 1
