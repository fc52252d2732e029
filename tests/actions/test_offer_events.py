"""The assistant keeps what it showed and what was clicked, for the label check and the funnel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions import base, products
from advisor_core.errors import PersistenceError
from tests.actions.conftest import (
    CUSTOMER_ID,
    SENDER,
    all_text,
    assessment_for,
    customer_token,
    make_tracker,
    run_action,
    seed,
    slot_sets,
)
from tests.fakes import make_customer


def offer_events(uow):
    return list(uow._committed_store.offer_events)


def recommended(fake_uow, level: str = "C3"):
    seed(fake_uow, make_customer(CUSTOMER_ID, investable_assets=Decimal("500000.00")),
         assessment_for(level, days_ago=0))
    run_action(products.RecommendProducts(), make_tracker(intent="ask_recommendation", token=customer_token()))
    return offer_events(fake_uow)


def test_every_product_shown_is_recorded_once_within_the_level_and_without_text(fake_uow):
    events = recommended(fake_uow)

    record = fake_uow._committed_store.recommendations[-1]
    assert [e.product_id for e in events] == [item.product_id for item in record.items]
    for event in events:
        assert event.kind == "shown" and event.customer_level == "C3"
        assert event.customer_id == CUSTOMER_ID and event.conversation_id == SENDER
        assert event.channel == "rest"
        assert not any(isinstance(v, str) and " " in v for v in vars(event).values())  # codes, no sentences


def test_asking_for_a_shown_product_is_a_click(fake_uow):
    shown = recommended(fake_uow)
    product_id = shown[0].product_id
    tracker = make_tracker(text=f"tell me more about {product_id}", intent="request_product",
                           token=customer_token(), slots={"product": product_id})
    _, dispatcher = run_action(products.RequestProduct(), tracker)

    assert "complete the purchase" in all_text(dispatcher)
    clicks = [e for e in offer_events(fake_uow) if e.kind == "clicked"]
    assert [(c.product_id, c.customer_level) for c in clicks] == [(product_id, "C3")]


def test_asking_for_a_product_never_shown_is_not_a_click(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C5", days_ago=0))
    tracker = make_tracker(text="I want the bond fund", intent="request_product", token=customer_token(),
                           slots={"product": "bond_fund"})
    run_action(products.RequestProduct(), tracker)

    assert offer_events(fake_uow) == []


def test_a_failed_record_does_not_change_the_reply(fake_uow, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("not recordable")

    monkeypatch.setattr(products, "record_offers_shown", refuse)
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C2", days_ago=0))
    _, dispatcher = run_action(products.RecommendProducts(),
                               make_tracker(intent="ask_recommendation", token=customer_token()))

    assert "Based on your risk level C2" in all_text(dispatcher)
    assert offer_events(fake_uow) == []


# ------------------------------------------------------------------ accepted


def request(product_id, token=None):
    tracker = make_tracker(text=f"I want the {product_id}", intent="request_product", token=token,
                           slots={"product": product_id})
    return run_action(products.RequestProduct(), tracker)


def confirm(product_id, token=None):
    tracker = make_tracker(text="yes, I understand the risk", intent="affirm", token=token,
                           slots={"pending_product": product_id})
    return run_action(products.ConfirmProductRequest(), tracker)


def kinds(fake_uow, product_id=None):
    return [e.kind for e in offer_events(fake_uow) if product_id in (None, e.product_id)]


def test_a_shown_product_confirmed_after_the_warning_is_accepted(fake_uow):
    # Shown at C3; the customer retakes the questionnaire in this conversation (now C2), asks for the
    # R3 product they were shown, gets the special risk warning and confirms: they accepted the offer.
    shown = {e.product_id for e in recommended(fake_uow, "C3")}
    assert "balanced_fund" in shown
    seed(fake_uow, assessment_for("C2", days_ago=0, assessment_id="A-retake", conversation_id=SENDER))
    events, _ = request("balanced_fund", customer_token())
    assert slot_sets(events) == {"pending_product": "balanced_fund"}
    assert kinds(fake_uow, "balanced_fund") == ["shown"]  # a warning is neither a click nor an acceptance

    events, dispatcher = confirm("balanced_fund", customer_token())

    assert "Your confirmation is recorded" in all_text(dispatcher)
    assert slot_sets(events) == {"pending_product": None, "product": None}
    accepted = [e for e in offer_events(fake_uow) if e.kind == "accepted"]
    assert [(e.product_id, e.customer_id, e.customer_level, e.conversation_id, e.channel) for e in accepted] == [
        ("balanced_fund", CUSTOMER_ID, "C2", SENDER, "rest")]
    assert not any(isinstance(v, str) and " " in v for v in vars(accepted[0]).values())  # codes, no text


def test_a_confirmed_product_never_shown_records_nothing(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C3"))
    request("tech_thematic_fund", customer_token())
    _, dispatcher = confirm("tech_thematic_fund", customer_token())

    assert "Your confirmation is recorded" in all_text(dispatcher)
    assert offer_events(fake_uow) == []


def test_a_shown_product_asked_for_within_the_level_is_clicked_and_accepted(fake_uow):
    shown = recommended(fake_uow)
    product_id = shown[0].product_id
    _, dispatcher = request(product_id, customer_token())

    assert "complete the purchase" in all_text(dispatcher)
    assert kinds(fake_uow, product_id) == ["shown", "clicked", "accepted"]
    accepted = offer_events(fake_uow)[-1]
    assert (accepted.customer_id, accepted.customer_level) == (CUSTOMER_ID, "C3")


def test_a_guest_who_accepts_a_shown_product_is_recorded_without_an_id(fake_uow):
    # A guest with an assessment taken in this conversation: shown, then asked for within the level.
    seed(fake_uow, assessment_for("C3", customer_id=None, conversation_id=SENDER, days_ago=0))
    run_action(products.RecommendProducts(), make_tracker(intent="ask_recommendation"))
    shown = offer_events(fake_uow)
    assert shown and all(e.customer_id is None for e in shown)
    request(shown[0].product_id)

    accepted = [e for e in offer_events(fake_uow) if e.kind == "accepted"]
    assert [(e.product_id, e.customer_id, e.customer_level) for e in accepted] == [(shown[0].product_id, None, "C3")]


@pytest.mark.parametrize("failure", [ValueError("not recordable"), PersistenceError("database gone"),
                                     RuntimeError("driver fell over")], ids=lambda e: type(e).__name__)
def test_a_failed_acceptance_record_never_changes_the_conversation(fake_uow, monkeypatch, failure):
    def fail(*args, **kwargs):
        raise failure

    recommended(fake_uow, "C3")
    seed(fake_uow, assessment_for("C2", days_ago=0, assessment_id="A-retake", conversation_id=SENDER))
    request("balanced_fund", customer_token())
    monkeypatch.setattr(products, "record_offer_response", fail)

    events, dispatcher = confirm("balanced_fund", customer_token())
    assert "Your confirmation is recorded" in all_text(dispatcher)
    assert base.APOLOGY not in all_text(dispatcher)
    assert slot_sets(events) == {"pending_product": None, "product": None}
    assert "accepted" not in kinds(fake_uow)

    events, dispatcher = request("money_market_fund", customer_token())
    assert "complete the purchase" in all_text(dispatcher) and base.APOLOGY not in all_text(dispatcher)
    assert slot_sets(events) == {"product": None}


# ------------------------------------------------------------------ persona label check arms


@pytest.mark.parametrize("customer_id, product, other", [("C000123", "bond_fund", "money_market_fund"),
                                                         ("C000124", "money_market_fund", "bond_fund")])
def test_a_labelled_customer_is_shown_their_arm_and_the_shown_event_says_which(fake_uow, customer_id, product,
                                                                               other):
    # Both customers are labelled "steady" (little in deposits, no growth product, level C3): the
    # label check shows a bond fund to one arm and a money market fund to the other, the same arm
    # every time (a hash of the pseudonymous id).
    seed(fake_uow, make_customer(customer_id, investable_assets=Decimal("500000.00")),
         assessment_for("C3", customer_id=customer_id, days_ago=0))
    for _ in range(2):
        _, dispatcher = run_action(products.RecommendProducts(),
                                   make_tracker(intent="ask_recommendation", token=customer_token(customer_id)))
        text = all_text(dispatcher)
        assert svc_name(product) in text and svc_name(other) not in text

    shown = offer_events(fake_uow)
    tagged = [(e.product_id, e.persona, e.arm) for e in shown if e.arm != "none"]
    assert tagged == [(product, "steady", "expected" if product == "bond_fund" else "alternative")] * 2
    assert all(e.persona == "" for e in shown if e.product_id != product)
    assert other not in {e.product_id for e in shown}

    request(product, customer_token(customer_id))
    accepted = [e for e in offer_events(fake_uow) if e.kind == "accepted"]
    assert [(e.product_id, e.persona, e.arm) for e in accepted] == [tagged[0]]


def svc_name(product_id):
    from advisor_core.adapters.datafiles import default_catalog

    return default_catalog().get(product_id).name


def test_no_arm_when_the_level_allows_only_one_of_them(fake_uow):
    seed(fake_uow, make_customer(CUSTOMER_ID), assessment_for("C1", days_ago=0))   # bond fund is R2
    run_action(products.RecommendProducts(), make_tracker(intent="ask_recommendation", token=customer_token()))

    shown = offer_events(fake_uow)
    assert shown and all((e.persona, e.arm) == ("", "none") for e in shown)


def test_a_guest_is_never_in_the_label_check(fake_uow):
    seed(fake_uow, assessment_for("C3", customer_id=None, conversation_id=SENDER, days_ago=0))
    run_action(products.RecommendProducts(), make_tracker(intent="ask_recommendation"))

    shown = offer_events(fake_uow)
    assert shown and "bond_fund" in {e.product_id for e in shown}
    assert all((e.customer_id, e.persona, e.arm) == (None, "", "none") for e in shown)
