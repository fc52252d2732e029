"""Lifecycle stages at their boundaries, lifetime value, next best action within suitability."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.analytics.book import synthetic_book
from advisor_core.analytics.cross_sell import cross_sell_frame, offered_products
from advisor_core.analytics.lifecycle import lifecycle_frame, lifecycle_stage, stage_summary
from advisor_core.analytics.rules import STAGES, default_rules
from tests.analytics_rows import TODAY, book, one, row

CATALOG = default_catalog()
RULES = default_rules()
HOLDER = dict(products_held=1, hold_bond_fund=5_000.0, wealth_products=5_000.0)


def stage_of(**fields) -> str:
    return str(lifecycle_stage(one(**fields), TODAY, RULES)[0])


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


@pytest.mark.parametrize("quiet, expected", [(60, "grow"), (61, "retain"), (180, "retain"), (181, "win_back")])
def test_activity_boundaries(quiet: int, expected: str) -> None:
    assert stage_of(last_activity=ago(quiet), **HOLDER) == expected


def test_win_back_comes_before_everything_else() -> None:
    assert stage_of(last_activity=ago(400), opened_on=ago(500)) == "win_back"


@pytest.mark.parametrize("tenure, products, expected", [(89, 0, "acquire"), (90, 0, "grow"), (10, 1, "grow")])
def test_acquire_is_a_new_customer_without_a_product(tenure: int, products: int, expected: str) -> None:
    fields = dict(opened_on=ago(tenure), last_activity=ago(1), mobile_logins=10, monthly_transfers=5)
    if products:
        fields.update(HOLDER)
    assert stage_of(**fields) == expected


@pytest.mark.parametrize("logins, transfers, expected", [
    (3, 1, "activate"), (4, 1, "grow"), (3, 2, "grow"),
])
def test_activate_is_no_product_and_barely_used(logins: int, transfers: int, expected: str) -> None:
    assert stage_of(mobile_logins=logins, monthly_transfers=transfers) == expected


def test_a_product_holder_is_never_in_activate() -> None:
    assert stage_of(mobile_logins=0, monthly_transfers=0, **HOLDER) == "grow"


def test_lifetime_value_follows_margin_and_stage_retention() -> None:
    frame = book(row(demand_balance=10_000.0, last_activity=ago(1), **HOLDER),
                 row(demand_balance=10_000.0, last_activity=ago(200), **HOLDER))
    result = lifecycle_frame(frame, TODAY, CATALOG, RULES)
    margin = 10_000 * 0.015 + 5_000 * 0.008
    assert result["annual_margin"].tolist() == pytest.approx([margin, margin])
    grow, win_back = 0.92, 0.40
    expected = [margin * grow / (1.08 - grow), margin * win_back / (1.08 - win_back)]
    assert result["lifetime_value"].tolist() == pytest.approx(expected, abs=0.01)
    assert result["lifetime_value"].iloc[0] > result["lifetime_value"].iloc[1]


def test_next_best_action_never_offers_a_product_the_gate_refused() -> None:
    frame = synthetic_book(3000, seed=11)
    offers = cross_sell_frame(frame, TODAY, CATALOG, RULES)
    result = lifecycle_frame(frame, TODAY, CATALOG, RULES, offers=offers)
    products = offered_products(CATALOG, RULES)
    assert set(result["stage"].astype(str)) <= set(STAGES)
    for i in np.flatnonzero(result["offer_product"].to_numpy() != ""):
        pid = result["offer_product"].iat[i]
        campaign = result["next_best_action"].iat[i].removeprefix("offer_")
        assert offers[campaign].iat[i] and offers[f"{campaign}_product"].iat[i] == pid
        if products[pid].risk_bearing:
            assert int(products[pid].rating) <= offers["valid_level"].iat[i]


def test_grow_without_a_valid_assessment_is_invited_to_take_one() -> None:
    result = lifecycle_frame(one(risk_level=0, assessed_on=None, **HOLDER), TODAY, CATALOG, RULES)
    assert result["next_best_action"].tolist() == ["invite_risk_assessment"]
    assert result["offer_product"].tolist() == [""]


def test_stage_summary_lists_every_stage() -> None:
    summary = stage_summary(lifecycle_frame(synthetic_book(500, seed=2), TODAY, CATALOG, RULES))
    assert list(summary.index) == list(STAGES)
    assert summary["customers"].sum() == 500
