"""Suitability: the AMAC matching table, the insist path, assessment validity and retakes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.domain.levels import RiskLevel, RiskRating
from advisor_core.domain.products import Catalog, ProductType
from advisor_core.domain.suitability import (
    RequestOutcome,
    assessment_validity,
    check_retake_allowed,
    decide_product_request,
    may_recommend,
)
from advisor_core.errors import RetakeLimitError

UTC = dt.UTC
T0 = dt.datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


# ------------------------------------------------------------------ the matching table

TABLE = {  # spec section 3: customer level -> highest rating that may be recommended
    RiskLevel.C1: RiskRating.R1, RiskLevel.C2: RiskRating.R2, RiskLevel.C3: RiskRating.R3,
    RiskLevel.C4: RiskRating.R4, RiskLevel.C5: RiskRating.R5,
}


@pytest.mark.parametrize(("level", "rating"), list(itertools.product(RiskLevel, RiskRating)),
                         ids=lambda v: v.name)
def test_may_recommend_full_table(level: RiskLevel, rating: RiskRating) -> None:
    assert may_recommend(level, rating) is (rating <= TABLE[level])


# ------------------------------------------------------------------ customer asks for a product


def test_lowest_category_is_refused_anything_above_r1(catalog: Catalog) -> None:
    for product in catalog.products:
        decision = decide_product_request(RiskLevel.C1, True, product)
        if product.risk_rating is RiskRating.R1:
            assert decision.outcome is RequestOutcome.WITHIN_LEVEL
        else:
            assert decision.outcome is RequestOutcome.REFUSED, product.id
            assert "lowest risk category" in decision.message
            assert "R1" in decision.message


@pytest.mark.parametrize("product_id", ["bank_wealth_steady", "structured_deposit_gold"])
def test_bank_wealth_and_structured_deposit_never_sold_above_level(catalog: Catalog, product_id: str) -> None:
    product = catalog.get(product_id)
    assert product.type.never_sold_above_level
    decision = decide_product_request(RiskLevel.C1, False, product)
    assert decision.outcome is RequestOutcome.REFUSED
    assert decision.product is product and decision.level is RiskLevel.C1
    assert product.risk_rating.name in decision.message
    assert "never sold above" in decision.message


@pytest.mark.parametrize(("level", "product_id"), [
    (RiskLevel.C2, "index_fund"), (RiskLevel.C1, "bond_fund"), (RiskLevel.C4, "tech_thematic_fund"),
    (RiskLevel.C2, "education_plan_balanced"),
])
def test_fund_above_level_needs_confirmation(catalog: Catalog, level: RiskLevel, product_id: str) -> None:
    product = catalog.get(product_id)
    decision = decide_product_request(level, False, product)
    assert decision.outcome is RequestOutcome.NEEDS_CONFIRMATION
    message = decision.message.lower()
    assert "risk warning" in message
    assert "confirm" in message
    assert "recorded" in message
    assert product.risk_rating.name in decision.message and level.name in decision.message
    assert "not guaranteed" in message


@pytest.mark.parametrize(("level", "product_id"), [
    (RiskLevel.C5, "tech_thematic_fund"), (RiskLevel.C2, "bank_wealth_steady"),
    (RiskLevel.C2, "structured_deposit_gold"), (RiskLevel.C1, "money_market_fund"),
    (RiskLevel.C3, "bond_fund"),
])
def test_within_level(catalog: Catalog, level: RiskLevel, product_id: str) -> None:
    decision = decide_product_request(level, False, catalog.get(product_id))
    assert decision.outcome is RequestOutcome.WITHIN_LEVEL
    assert "within your level" in decision.message


@given(st.sampled_from(list(RiskLevel)), st.booleans(), st.integers(0, 100))
@settings(max_examples=200, deadline=None)
def test_property_request_outcomes(level: RiskLevel, lowest: bool, index: int) -> None:
    catalog = default_catalog()
    product = catalog.products[index % len(catalog.products)]
    if lowest:
        level = RiskLevel.C1
    decision = decide_product_request(level, lowest, product)
    if product.risk_rating <= TABLE[level]:
        assert decision.outcome is RequestOutcome.WITHIN_LEVEL
    elif lowest or product.type in (ProductType.BANK_WEALTH, ProductType.STRUCTURED_DEPOSIT):
        assert decision.outcome is RequestOutcome.REFUSED
    else:
        assert decision.outcome is RequestOutcome.NEEDS_CONFIRMATION
    lowered = decision.message.lower()
    assert "guarantee" not in lowered.replace("not guaranteed", "")


@given(st.sampled_from(list(RiskLevel)), st.booleans(), st.integers(0, 100), st.integers(18, 100))
@settings(max_examples=300, deadline=None)
def test_property_request_outcomes_with_age(level: RiskLevel, lowest: bool, index: int, age: int) -> None:
    """Spec 2.4: at 65 or over R4+ needs a human review - never a confirmation in the chat."""
    catalog = default_catalog()
    product = catalog.products[index % len(catalog.products)]
    if lowest:
        level = RiskLevel.C1
    decision = decide_product_request(level, lowest, product, age=age)
    review = age >= 65 and product.risk_rating >= RiskRating.R4
    if product.risk_rating <= TABLE[level] and not review:
        assert decision.outcome is RequestOutcome.WITHIN_LEVEL
    elif lowest or product.type in (ProductType.BANK_WEALTH, ProductType.STRUCTURED_DEPOSIT):
        assert decision.outcome is RequestOutcome.REFUSED
    elif review:
        assert decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW
    else:
        assert decision.outcome is RequestOutcome.NEEDS_CONFIRMATION


@pytest.mark.parametrize("product_id", ["index_fund", "equity_fund", "tech_thematic_fund"])
def test_a_67_year_old_cannot_confirm_r4_plus_alone(catalog: Catalog, product_id: str) -> None:
    decision = decide_product_request(RiskLevel.C3, False, catalog.get(product_id), age=67)
    assert decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW
    assert "Special risk warning" in decision.message and "human advisor" in decision.message


def test_at_64_an_r4_request_is_the_usual_confirmation(catalog: Catalog) -> None:
    decision = decide_product_request(RiskLevel.C3, False, catalog.get("index_fund"), age=64)
    assert decision.outcome is RequestOutcome.NEEDS_CONFIRMATION


# ------------------------------------------------------------------ assessment validity


@pytest.mark.parametrize(("days", "valid"), [(0, True), (1, True), (364, True), (366, False), (800, False)])
def test_twelve_months(days: int, valid: bool) -> None:
    result = assessment_validity(assessed_at=T0, age_at_assessment=40, now=T0 + dt.timedelta(days=days))
    assert result.valid is valid
    if not valid:
        assert "12 months" in result.reason


def test_valid_reason() -> None:
    assert assessment_validity(assessed_at=T0, age_at_assessment=40, now=T0).reason == "valid"


@pytest.mark.parametrize("threshold", [65, 70])
def test_crossing_an_age_threshold_with_birth_date(threshold: int) -> None:
    birth = dt.date(2025 - threshold, 6, 15)
    assessed = dt.datetime(2025, 6, 10, tzinfo=UTC)           # aged threshold - 1
    before = assessment_validity(assessed_at=assessed, age_at_assessment=threshold - 1,
                                 now=dt.datetime(2025, 6, 14, 12, tzinfo=UTC), birth_date=birth)
    after = assessment_validity(assessed_at=assessed, age_at_assessment=threshold - 1,
                                now=dt.datetime(2025, 6, 15, 8, tzinfo=UTC), birth_date=birth)
    assert before.valid is True
    assert after.valid is False
    assert str(threshold) in after.reason


@pytest.mark.parametrize("threshold", [65, 70])
def test_crossing_an_age_threshold_without_birth_date(threshold: int) -> None:
    # Without a birth date a year's ageing is assumed after 365 days.
    same_age = assessment_validity(assessed_at=T0, age_at_assessment=threshold - 1,
                                   now=T0 + dt.timedelta(days=364))
    crossed = assessment_validity(assessed_at=T0, age_at_assessment=threshold - 1,
                                  now=T0 + dt.timedelta(days=365))
    assert same_age.valid is True
    assert crossed.valid is False
    assert str(threshold) in crossed.reason


@pytest.mark.parametrize("age", [40, 63, 65, 66, 70, 75])
def test_no_threshold_crossed_stays_valid(age: int) -> None:
    # A birthday that does not cross 65 or 70 keeps the assessment valid.
    birth = dt.date(2025 - age - 1, 6, 15)
    result = assessment_validity(assessed_at=dt.datetime(2025, 6, 10, tzinfo=UTC), age_at_assessment=age,
                                 now=dt.datetime(2025, 6, 20, tzinfo=UTC), birth_date=birth)
    assert result.valid is True


# ------------------------------------------------------------------ retakes


def test_first_attempt_is_fine() -> None:
    check_retake_allowed([], T0)


def test_one_retake_a_day_is_allowed() -> None:
    check_retake_allowed([T0], T0 + dt.timedelta(hours=1))


def test_second_retake_the_same_day_is_refused() -> None:
    with pytest.raises(RetakeLimitError, match="tomorrow"):
        check_retake_allowed([T0, T0 + dt.timedelta(hours=1)], T0 + dt.timedelta(hours=2))


def test_next_day_is_fine() -> None:
    attempts = [T0, T0 + dt.timedelta(hours=1)]
    check_retake_allowed(attempts, dt.datetime(2025, 3, 11, 0, 5, tzinfo=UTC))
    check_retake_allowed(attempts + [dt.datetime(2025, 3, 11, 0, 5, tzinfo=UTC)],
                         dt.datetime(2025, 3, 12, 8, 0, tzinfo=UTC))


def test_retake_after_a_first_attempt_on_an_earlier_day() -> None:
    first = T0 - dt.timedelta(days=30)
    check_retake_allowed([first], T0)
    check_retake_allowed([first, T0 - dt.timedelta(days=1)], T0)
    with pytest.raises(RetakeLimitError):
        check_retake_allowed([first, T0], T0 + dt.timedelta(hours=3))


def test_attempt_order_does_not_matter() -> None:
    with pytest.raises(RetakeLimitError):
        check_retake_allowed([T0 + dt.timedelta(hours=1), T0], T0 + dt.timedelta(hours=2))


def test_retake_day_is_the_utc_day() -> None:
    first = dt.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    retake = dt.datetime(2025, 3, 10, 20, 0, tzinfo=UTC)
    now = dt.datetime(2025, 3, 11, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))   # 21:00 UTC on the 10th
    assert now.astimezone(UTC).date() == retake.date()
    with pytest.raises(RetakeLimitError):
        check_retake_allowed([first, retake], now)
