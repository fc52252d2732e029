"""The persona label check flags a planted wrong label and not a right one; arms stay within level."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.analytics.book import synthetic_book
from advisor_core.analytics.cross_sell import valid_level
from advisor_core.analytics.label_check import experiment_from_events, label_check, simulate_experiment
from advisor_core.analytics.rules import default_rules
from advisor_core.domain.levels import RiskLevel
from advisor_core.services.offers import choose_label_arm
from tests.analytics_rows import TODAY

CATALOG = default_catalog()
RULES = default_rules()


@pytest.fixture(scope="module")
def book() -> pd.DataFrame:
    return synthetic_book(20_000, seed=21)


@pytest.mark.parametrize("wrong", ["growth", "steady", "cash_keeper"])
def test_a_planted_wrong_label_is_flagged_and_right_ones_are_not(book: pd.DataFrame, wrong: str) -> None:
    experiment = simulate_experiment(book, TODAY, CATALOG, RULES, {wrong: "alternative"}, seed=3)
    result = label_check(experiment, RULES.label_confidence)
    assert result.loc[wrong, "flagged"] and result.loc[wrong, "ci_high"] < 0
    for right in set(result.index) - {wrong}:
        assert not result.loc[right, "flagged"], right
        assert result.loc[right, "verdict"] == "supported"


def test_no_difference_is_not_flagged(book: pd.DataFrame) -> None:
    experiment = simulate_experiment(book, TODAY, CATALOG, RULES, {}, seed=4, accept_preferred=0.1, accept_other=0.1)
    result = label_check(experiment)
    assert not result["flagged"].any()


def test_both_arms_stay_within_the_customers_level(book: pd.DataFrame) -> None:
    experiment = simulate_experiment(book, TODAY, CATALOG, RULES, {}, seed=5)
    levels = pd.Series(valid_level(book, TODAY), index=book["customer_id"])
    for persona, arms in RULES.label_arms.items():
        part = experiment[experiment["persona"] == persona]
        top = max(int(CATALOG.get(arms.expected).risk_rating), int(CATALOG.get(arms.alternative).risk_rating))
        if top > 1:
            assert (levels.loc[part["customer_id"]].to_numpy() >= top).all(), persona
        assert set(part["product_id"]) <= {arms.expected, arms.alternative}


def test_interval_is_the_wald_interval() -> None:
    experiment = pd.DataFrame({
        "customer_id": [f"c{i}" for i in range(200)], "persona": "steady",
        "arm": ["expected"] * 100 + ["alternative"] * 100, "product_id": "x", "clicked": False,
        "accepted": [True] * 30 + [False] * 70 + [True] * 10 + [False] * 90,
    })
    row = label_check(experiment, 0.95).loc["steady"]
    se = (0.3 * 0.7 / 100 + 0.1 * 0.9 / 100) ** 0.5
    assert row["difference"] == pytest.approx(0.2)
    assert row["ci_low"] == pytest.approx(0.2 - 1.959964 * se, abs=1e-5)
    assert row["verdict"] == "supported" and not row["flagged"]


def test_experiment_from_recorded_offer_events() -> None:
    t = dt.datetime(2026, 11, 20, tzinfo=dt.UTC)
    rows = [
        ("e1", "C1", "shown", "bond_fund", "steady", "expected"),
        ("e2", "C1", "clicked", "bond_fund", "steady", "expected"),
        ("e3", "C1", "accepted", "bond_fund", "steady", "expected"),
        ("e4", "C2", "shown", "money_market_fund", "steady", "alternative"),
        ("e5", None, "shown", "bond_fund", "steady", "expected"),     # a guest: not in the experiment
        ("e6", "C3", "shown", "deposit_plus", "", "none"),            # not a label check offer
    ]
    events = pd.DataFrame([dict(event_id=e, customer_id=c, kind=k, product_id=p, persona=pe, arm=a, created_at=t,
                                conversation_id="x", customer_level="C3", channel="rest")
                           for e, c, k, p, pe, a in rows])
    experiment = experiment_from_events(events).sort_values("customer_id").reset_index(drop=True)
    assert experiment["customer_id"].tolist() == ["C1", "C2"]
    assert experiment["accepted"].tolist() == [True, False]
    assert experiment["clicked"].tolist() == [True, False]


def test_the_assistant_chooses_an_arm_only_within_level() -> None:
    kwargs = dict(persona="growth", expected="balanced_fund", alternative="bond_fund")
    assert choose_label_arm(CATALOG, customer_id="C1", level=RiskLevel.C2, **kwargs) is None
    assert choose_label_arm(CATALOG, customer_id="C1", level=None, **kwargs) is None
    arms = {choose_label_arm(CATALOG, customer_id=f"C{i}", level=RiskLevel.C3, **kwargs).arm for i in range(40)}
    assert arms == {"expected", "alternative"}
    first = choose_label_arm(CATALOG, customer_id="C7", level=RiskLevel.C4, **kwargs)
    assert first == choose_label_arm(CATALOG, customer_id="C7", level=RiskLevel.C4, **kwargs)
