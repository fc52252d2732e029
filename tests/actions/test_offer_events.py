"""The assistant keeps what it showed and what was clicked, for the label check and the funnel."""

from __future__ import annotations

from decimal import Decimal

from actions import products
from tests.actions.conftest import (
    CUSTOMER_ID,
    SENDER,
    all_text,
    assessment_for,
    customer_token,
    make_tracker,
    run_action,
    seed,
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
