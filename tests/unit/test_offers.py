"""Recording offers shown, clicked and accepted: within level, codes only, a click needs a show."""

from __future__ import annotations

import datetime as dt

import pytest

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.domain.levels import RiskLevel
from advisor_core.errors import UnknownProductError
from advisor_core.services.offers import (
    label_arm_for,
    record_offer_accepted,
    record_offer_clicked,
    record_offer_response,
    record_offer_shown,
    record_offers_shown,
)
from tests.fakes import FakeUnitOfWork

CATALOG = default_catalog()
NOW = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)


def show(uow: FakeUnitOfWork, product: str = "bond_fund", level: RiskLevel | None = RiskLevel.C3, **kw):
    values = dict(customer_id="C000123", conversation_id="conv-1", product_id=product, level=level,
                  channel="rest", now=NOW)
    values.update(kw)
    return record_offer_shown(uow, CATALOG, **values)


def test_shown_clicked_accepted_are_kept_oldest_first() -> None:
    uow = FakeUnitOfWork()
    show(uow, persona="steady", arm="expected")
    later = NOW + dt.timedelta(minutes=1)
    common = dict(customer_id="C000123", conversation_id="conv-1", product_id="bond_fund", level=RiskLevel.C3,
                  channel="rest", persona="steady", arm="expected")
    record_offer_clicked(uow, CATALOG, now=later, **common)
    record_offer_accepted(uow, CATALOG, now=later + dt.timedelta(minutes=1), **common)
    with uow:
        events = uow.offer_events.list_for_conversation("conv-1")
        since = uow.offer_events.list_since(later)
    assert [e.kind for e in events] == ["shown", "clicked", "accepted"]
    assert events[0].customer_level == "C3" and events[0].persona == "steady"
    assert [e.kind for e in since] == ["clicked", "accepted"]
    assert uow.commits == 3


def test_a_product_above_the_level_is_refused_and_nothing_is_recorded() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(ValueError, match="above level C2"):
        show(uow, product="balanced_fund", level=RiskLevel.C2)
    with pytest.raises(ValueError, match="above level none"):
        show(uow, product="bond_fund", level=None)
    with uow:
        assert uow.offer_events.list_since() == []


def test_deposits_and_the_renovation_loan_need_no_level() -> None:
    uow = FakeUnitOfWork()
    show(uow, product="deposit_plus", level=None)
    show(uow, product="renovation_instalment", level=None)
    with uow:
        assert len(uow.offer_events.list_since()) == 2


def test_a_click_or_acceptance_needs_an_earlier_show() -> None:
    uow = FakeUnitOfWork()
    show(uow, product="money_market_fund")
    for record in (record_offer_clicked, record_offer_accepted):
        with pytest.raises(ValueError, match="was not shown"):
            record(uow, CATALOG, customer_id="C000123", conversation_id="conv-1", product_id="bond_fund",
                   level=RiskLevel.C3, channel="rest", now=NOW)


@pytest.mark.parametrize("field, value", [
    ("channel", "Web Chat!"), ("persona", "likes bonds, call him on 138..."), ("arm", "b"),
    ("conversation_id", "conv 1 with spaces"), ("customer_id", "Ada Sampleton"),
])
def test_free_text_is_refused(field: str, value: str) -> None:
    with pytest.raises(ValueError):
        show(FakeUnitOfWork(), **{field: value})


def test_an_unknown_product_is_refused() -> None:
    with pytest.raises(UnknownProductError):
        show(FakeUnitOfWork(), product="mystery_fund")


def test_a_guest_has_no_customer_id() -> None:
    uow = FakeUnitOfWork()
    event = show(uow, product="deposit_plus", level=None, customer_id=None)
    assert event.customer_id is None and event.customer_level == ""


def test_several_shown_in_one_unit_of_work_all_or_nothing() -> None:
    uow = FakeUnitOfWork()
    common = dict(customer_id="C1", conversation_id="conv-2", level=RiskLevel.C2, channel="socketio", now=NOW)
    events = record_offers_shown(uow, CATALOG, product_ids=["bond_fund", "money_market_fund", "deposit_plus"], **common)
    assert [e.product_id for e in events] == ["bond_fund", "money_market_fund", "deposit_plus"] and uow.commits == 1
    with pytest.raises(ValueError, match="above level C2"):
        record_offers_shown(uow, CATALOG, product_ids=["money_market_fund", "equity_fund"], **common)
    with uow:
        assert len(uow.offer_events.list_since()) == 3


def test_a_response_to_a_shown_offer_keeps_its_arm_and_a_request_on_ones_own_is_not_recorded() -> None:
    uow = FakeUnitOfWork()
    show(uow, product="bond_fund", persona="steady", arm="alternative")
    common = dict(customer_id="C000123", conversation_id="conv-1", level=RiskLevel.C3, channel="rest", now=NOW)
    clicked = record_offer_response(uow, CATALOG, kind="clicked", product_id="bond_fund", **common)
    assert clicked is not None and (clicked.persona, clicked.arm) == ("steady", "alternative")
    assert record_offer_response(uow, CATALOG, kind="accepted", product_id="equity_fund", **common) is None
    with pytest.raises(ValueError):
        record_offer_response(uow, CATALOG, kind="shown", product_id="bond_fund", **common)
    with uow:
        assert [e.kind for e in uow.offer_events.list_since()] == ["shown", "clicked"]


def test_label_arm_for_reads_the_arms_of_the_rules() -> None:
    arm = label_arm_for(CATALOG, customer_id="C1", persona="steady", level=RiskLevel.C2)
    assert arm is not None and arm.product_id in {"bond_fund", "money_market_fund"}
    assert label_arm_for(CATALOG, customer_id="C1", persona="steady", level=RiskLevel.C1) is None
    assert label_arm_for(CATALOG, customer_id="C1", persona="unknown_label", level=RiskLevel.C5) is None


def test_several_shown_with_a_label_check_arm_tag_only_the_arms_product() -> None:
    from advisor_core.domain.label_arms import LabelAssignment

    uow = FakeUnitOfWork()
    common = dict(customer_id="C1", conversation_id="conv-3", level=RiskLevel.C3, channel="rest", now=NOW)
    label = LabelAssignment("steady", "alternative", "money_market_fund")
    events = record_offers_shown(uow, CATALOG, product_ids=["deposit_plus", "money_market_fund", "balanced_fund"],
                                 label=label, **common)
    assert [(e.product_id, e.persona, e.arm) for e in events] == [
        ("deposit_plus", "", "none"), ("money_market_fund", "steady", "alternative"), ("balanced_fund", "", "none")]
    with pytest.raises(ValueError, match="not among those shown"):
        record_offers_shown(uow, CATALOG, product_ids=["deposit_plus"], label=label, **common)
    with uow:
        assert len(uow.offer_events.list_since()) == 3
