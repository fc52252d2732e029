"""The persona label check live: a customer's label, their arm, and the list that shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.analytics.personas import persona_column, persona_of
from advisor_core.analytics.rules import default_rules
from advisor_core.domain.label_arms import LabelAssignment, arm_for, show_label_arm
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.recommendation import (
    CustomerContext,
    Recommendation,
    recommend,
)
from advisor_core.domain.records import Holding
from advisor_core.services.offers import choose_label_arm
from advisor_core.services.recommendations import recommend_and_record
from tests.fakes import FakeUnitOfWork, make_assessment, make_customer

CATALOG = default_catalog()
RULES = default_rules()
LABELLING = RULES.persona_rules
NOW = dt.datetime(2025, 6, 16, 10, tzinfo=dt.UTC)
EXPECTED_ARM = "C000123"      # arm_for(.., "steady") == "expected"
ALTERNATIVE_ARM = "C000124"   # arm_for(.., "steady") == "alternative"


# ------------------------------------------------------------------ arms


def test_the_arm_is_the_same_on_every_call_and_splits_customers_about_evenly() -> None:
    assert arm_for(EXPECTED_ARM, "steady") == "expected" and arm_for(ALTERNATIVE_ARM, "steady") == "alternative"
    assert all(arm_for(f"C{i:06d}", "steady") == arm_for(f"C{i:06d}", "steady") for i in range(100))
    arms = [arm_for(f"C{i:06d}", "growth") for i in range(2000)]
    assert 0.45 < arms.count("expected") / len(arms) < 0.55


def test_the_services_arm_choice_is_the_same_hash() -> None:
    for i in range(50):
        cid = f"C{i:06d}"
        chosen = choose_label_arm(CATALOG, customer_id=cid, persona="steady", expected="bond_fund",
                                  alternative="money_market_fund", level=RiskLevel.C3)
        assert chosen is not None and chosen.arm == arm_for(cid, "steady")


def ranked(level: RiskLevel | None, **kw) -> tuple[list[Recommendation], list[Recommendation]]:
    ctx = CustomerContext(level=level, investable_assets=Decimal(500000), total_assets=Decimal(1000000),
                          demand_balance=Decimal(20000), today=NOW.date(), **kw)
    return recommend(CATALOG, ctx), recommend(CATALOG, ctx, limit=len(CATALOG.products))


def ids(recs) -> list[str]:
    return [r.product.id for r in recs]


@pytest.mark.parametrize("customer_id, arm, product, other", [
    (EXPECTED_ARM, "expected", "bond_fund", "money_market_fund"),
    (ALTERNATIVE_ARM, "alternative", "money_market_fund", "bond_fund"),
])
def test_the_arms_product_takes_the_first_slot_of_either_and_the_other_is_not_shown(customer_id, arm, product,
                                                                                    other) -> None:
    shown, suitable = ranked(RiskLevel.C3)
    assert {"bond_fund", "money_market_fund"} <= set(ids(shown))
    first = min(ids(shown).index("bond_fund"), ids(shown).index("money_market_fund"))

    result, label = show_label_arm(shown, suitable, customer_id=customer_id, persona="steady",
                                   expected="bond_fund", alternative="money_market_fund")

    assert label == LabelAssignment("steady", arm, product)
    assert ids(result)[first] == product and other not in ids(result)
    assert [p for p in ids(result) if p != product] == [p for p in ids(shown) if p not in (product, other)]
    assert set(ids(result)) <= set(ids(suitable))  # nothing the rules would not show this customer


def test_an_arm_above_the_level_means_no_experiment() -> None:
    shown, suitable = ranked(RiskLevel.C1)  # bond_fund is R2
    assert "money_market_fund" in ids(shown)
    result, label = show_label_arm(shown, suitable, customer_id=EXPECTED_ARM, persona="steady",
                                   expected="bond_fund", alternative="money_market_fund")
    assert label is None and result == tuple(shown)


def test_an_arm_outside_another_suitability_rule_means_no_experiment() -> None:
    shown, suitable = ranked(RiskLevel.C3, holdings=("bond_fund",))  # already held
    result, label = show_label_arm(shown, suitable, customer_id=EXPECTED_ARM, persona="steady",
                                   expected="bond_fund", alternative="money_market_fund")
    assert label is None and result == tuple(shown)


@pytest.mark.parametrize("customer_id, persona, expected", [
    (None, "steady", "bond_fund"), ("", "steady", "bond_fund"), (EXPECTED_ARM, "", "bond_fund"),
    (EXPECTED_ARM, None, "bond_fund"), (EXPECTED_ARM, "unknown", None),
])
def test_a_guest_or_a_customer_without_a_label_or_arms_is_not_in_the_experiment(customer_id, persona,
                                                                                 expected) -> None:
    shown, suitable = ranked(RiskLevel.C3)
    result, label = show_label_arm(shown, suitable, customer_id=customer_id, persona=persona, expected=expected,
                                   alternative="money_market_fund" if expected else None)
    assert label is None and result == tuple(shown)


def test_a_list_with_neither_arm_is_left_alone() -> None:
    shown, suitable = ranked(RiskLevel.C3)
    without = [r for r in shown if r.product.id not in ("bond_fund", "money_market_fund")]
    result, label = show_label_arm(without, suitable, customer_id=EXPECTED_ARM, persona="steady",
                                   expected="bond_fund", alternative="money_market_fund")
    assert label is None and result == tuple(without)


# ------------------------------------------------------------------ persona labels


def customer(**kw):
    values = {"demand_balance": Decimal(10000), "total_assets": Decimal(100000), "holdings": ()}
    values.update(kw)
    return make_customer("C1", **values)


@pytest.mark.parametrize("record, level, label", [
    (customer(), RiskLevel.C3, "steady"),
    (customer(), None, "steady"),
    (customer(), RiskLevel.C4, "growth"),                                  # growth_min_level
    (customer(holdings=(Holding("index_fund", Decimal(1)),)), RiskLevel.C1, "growth"),
    (customer(holdings=(Holding("index_fund", Decimal(0)),)), RiskLevel.C1, "steady"),   # nothing held
    (customer(demand_balance=Decimal(60000)), RiskLevel.C3, "steady"),   # exactly 60%: not more
    (customer(demand_balance=Decimal("60000.01")), RiskLevel.C3, "cash_keeper"),
    (customer(demand_balance=Decimal(30000), holdings=(Holding("deposit_plus", Decimal(30001)),)),
     RiskLevel.C2, "cash_keeper"),                                          # deposit products count
    (customer(demand_balance=Decimal(90000), holdings=(Holding("balanced_fund", Decimal(5)),)),
     RiskLevel.C2, "growth"),                                               # growth wins
])
def test_persona_of_at_its_boundaries(record, level, label) -> None:
    assert LABELLING.growth_min_level == 4 and LABELLING.cash_keeper_deposit_share == Decimal("0.6")
    assert persona_of(record, level, LABELLING) == label


def test_the_record_rule_and_the_book_rule_agree() -> None:
    rng = np.random.default_rng(3)
    records, levels = [], []
    for i in range(400):
        total = Decimal(int(rng.integers(1, 300_000)))
        holdings = tuple(Holding(p, Decimal(int(rng.integers(0, 3)) * 1000))
                         for p in ("deposit_plus", "balanced_fund", "bond_fund") if rng.random() < 0.3)
        records.append(make_customer(f"C{i}", total_assets=total, holdings=holdings,
                                     demand_balance=Decimal(int(rng.integers(0, int(total) + 1)))))
        levels.append(None if rng.random() < 0.2 else RiskLevel(int(rng.integers(1, 6))))
    held = {p: np.array([float(sum(h.amount for h in c.holdings if h.product_id == p)) for c in records])
            for p in ("deposit_plus", "balanced_fund", "bond_fund")}
    column = persona_column(
        held["balanced_fund"] > 0, np.array([int(lv) if lv else 0 for lv in levels]),
        np.array([float(c.demand_balance) for c in records]) + held["deposit_plus"],
        np.array([float(c.total_assets) for c in records]), LABELLING)
    assert list(column) == [persona_of(c, lv, LABELLING) for c, lv in zip(records, levels, strict=True)]
    assert set(column) == {"steady", "growth", "cash_keeper"}


# ------------------------------------------------------------------ the recommendation service


def seeded(customer_id: str, level: str = "C3", **kw) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    with uow:
        uow.customers.add(make_customer(customer_id, investable_assets=Decimal("500000.00"), **kw))
        uow.assessments.add(make_assessment(f"A-{customer_id}", customer_id=customer_id, level=level,
                                            created_at=NOW - dt.timedelta(days=1), age_at_assessment=44,
                                            answers={"kyc_horizon": "gt_10y", "kyc_goals": ["wealth_growth"]}))
        uow.commit()
    return uow


@pytest.mark.parametrize("customer_id, product, other", [(EXPECTED_ARM, "bond_fund", "money_market_fund"),
                                                         (ALTERNATIVE_ARM, "money_market_fund", "bond_fund")])
def test_recommend_and_record_shows_and_records_the_customers_arm(customer_id, product, other) -> None:
    uow = seeded(customer_id)
    outcomes = [recommend_and_record(uow, CATALOG, customer_id=customer_id, conversation_id=f"conv-{n}", now=NOW,
                                     label_check=True) for n in range(2)]
    for outcome in outcomes:   # the same customer sees the same arm every time
        assert outcome.label is not None and outcome.label.product_id == product
        assert outcome.label.persona == "steady"
        assert product in ids(outcome.recommendations) and other not in ids(outcome.recommendations)
        assert [i.product_id for i in outcome.record.items] == ids(outcome.recommendations)  # kept as shown


def test_without_label_check_or_for_a_guest_the_list_is_the_rules_list() -> None:
    uow = seeded(EXPECTED_ARM)
    plain = recommend_and_record(uow, CATALOG, customer_id=EXPECTED_ARM, conversation_id="c", now=NOW)
    assert plain.label is None and {"bond_fund", "money_market_fund"} <= set(ids(plain.recommendations))
    uow = FakeUnitOfWork()
    with uow:
        uow.assessments.add(make_assessment("A-guest", customer_id=None, conversation_id="guest-conv", level="C3",
                                            created_at=NOW - dt.timedelta(hours=1), age_at_assessment=44,
                                            answers={"kyc_horizon": "gt_10y"}))
        uow.commit()
    guest = recommend_and_record(uow, CATALOG, customer_id=None, conversation_id="guest-conv", now=NOW,
                                 label_check=True)
    assert guest.recommendations and guest.label is None


def test_a_customer_whose_level_allows_only_one_arm_is_not_in_the_experiment() -> None:
    uow = seeded(EXPECTED_ARM, level="C1")
    outcome = recommend_and_record(uow, CATALOG, customer_id=EXPECTED_ARM, conversation_id="c", now=NOW,
                                   label_check=True)
    assert outcome.label is None and "money_market_fund" in ids(outcome.recommendations)
