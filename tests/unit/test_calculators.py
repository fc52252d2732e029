"""Education-fund and deposit-plus calculators (spec section 6 check values)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.domain.calculators import (
    DISCLAIMER,
    SCENARIO_RATES,
    deposit_plus_comparison,
    education_projection,
    future_value,
    monthly_for_target,
    months_until_age,
    target_plan,
)
from advisor_core.domain.products import DepositRates
from advisor_core.errors import CalculatorInputError

D = Decimal
RATES = default_catalog().rates
CENT = D("0.01")


def whole(value: Decimal) -> int:
    return int(value.quantize(D(1)))


# ------------------------------------------------------------------ spec check values


@pytest.mark.parametrize(("rate", "expected"), [(2, 104857), (3, 113486), (4, 123045), (6, 145409)])
def test_spec_check_values(rate: int, expected: int) -> None:
    months = months_until_age(3)          # a 3-year-old until 18
    assert months == 180
    value = future_value(D(500), months, D(rate))
    assert isinstance(value, Decimal)
    assert whole(value) == expected
    assert value.as_tuple().exponent == -2, "money to the cent"


def test_education_projection() -> None:
    projection = education_projection(D(500), 180)
    assert projection.total_paid == D("90000.00")
    assert projection.monthly == D("500.00")
    assert projection.months == 180 and projection.years == D("15.0")
    assert [s.annual_rate for s in projection.scenarios] == list(SCENARIO_RATES) == [D(2), D(4), D(6)]
    assert [whole(s.future_value) for s in projection.scenarios] == [104857, 123045, 145409]
    assert all(isinstance(s.future_value, Decimal) for s in projection.scenarios)
    assert "simulated" in projection.disclaimer and "not guaranteed" in projection.disclaimer
    assert projection.disclaimer == DISCLAIMER


def test_projection_custom_rates() -> None:
    projection = education_projection(D(500), 180, rates=(D(3),))
    assert [whole(s.future_value) for s in projection.scenarios] == [113486]


def test_zero_rate_is_the_sum_paid_in() -> None:
    assert future_value(D(500), 180, D(0)) == D("90000.00")
    need = monthly_for_target(D(90000), 180, D(0))
    assert need.monthly == D("500.00")
    assert need.total_paid == D("90000.00")


def test_one_month_is_one_payment() -> None:
    # payments at month end: the single payment earns nothing
    assert future_value(D(500), 1, D(6)) == D("500.00")


def test_rounded_half_up_to_cents() -> None:
    value = future_value(D("33.33"), 7, D("3.7"))
    assert value == value.quantize(CENT)


# ------------------------------------------------------------------ the inverse


def test_monthly_for_target_round_trip() -> None:
    need = monthly_for_target(D(100000), 180, D(4))
    assert isinstance(need.monthly, Decimal)
    assert need.monthly == D("406.36")
    assert future_value(need.monthly, 180, D(4)) >= D(100000)
    assert future_value(need.monthly - CENT, 180, D(4)) < D(100000)
    assert need.total_paid == need.monthly * 180
    assert need.target == D("100000.00") and need.months == 180 and need.annual_rate == D(4)
    assert "not guaranteed" in need.disclaimer


def test_monthly_for_target_default_rate_is_4() -> None:
    assert monthly_for_target(D(100000), 180).annual_rate == D(4)


@settings(max_examples=200, deadline=None)
@given(
    target=st.decimals(min_value=D("100"), max_value=D("10000000"), places=2),
    months=st.integers(1, 600),
    rate=st.decimals(min_value=D(0), max_value=D(12), places=2),
)
def test_property_monthly_reaches_the_target(target: Decimal, months: int, rate: Decimal) -> None:
    need = monthly_for_target(target, months, rate)
    assert need.monthly > 0
    assert need.monthly == need.monthly.quantize(CENT)
    assert future_value(need.monthly, months, rate) >= target
    if need.monthly > CENT:
        # and a cent less would not (up to the final rounding to cents)
        assert future_value(need.monthly - CENT, months, rate) <= target


@settings(max_examples=200, deadline=None)
@given(
    monthly=st.decimals(min_value=D("1"), max_value=D("100000"), places=2),
    months=st.integers(1, 600),
    low=st.decimals(min_value=D(0), max_value=D(12), places=2),
    step=st.decimals(min_value=D(0), max_value=D(5), places=2),
)
def test_property_future_value_grows_with_rate_and_is_at_least_paid_in(
        monthly: Decimal, months: int, low: Decimal, step: Decimal) -> None:
    at_low = future_value(monthly, months, low)
    assert at_low >= monthly * months
    assert future_value(monthly, months, low + step) >= at_low


# ------------------------------------------------------------------ bad inputs


@pytest.mark.parametrize(("monthly", "months"), [
    (D(0), 180), (D(-1), 180), (D(500), 0), (D(500), -12), (D(500), 601),
])
def test_future_value_bad_inputs(monthly: Decimal, months: int) -> None:
    with pytest.raises(CalculatorInputError):
        future_value(monthly, months, D(4))
    with pytest.raises(CalculatorInputError):
        education_projection(monthly, months)


def test_fifty_years_is_allowed() -> None:
    assert future_value(D(1), 600, D(0)) == D("600.00")


@pytest.mark.parametrize(("target", "months"), [(D(0), 180), (D(-5), 180), (D(1000), 0), (D(1000), 601)])
def test_monthly_for_target_bad_inputs(target: Decimal, months: int) -> None:
    with pytest.raises(CalculatorInputError):
        monthly_for_target(target, months)


# ------------------------------------------------------------------ months until age


@pytest.mark.parametrize(("child", "months"), [(0, 216), (3, 180), (17, 12)])
def test_months_until_age(child: int, months: int) -> None:
    assert months_until_age(child) == months


def test_months_until_other_target_age() -> None:
    assert months_until_age(10, target_age=22) == 144


@pytest.mark.parametrize("child", [-1, 18, 25])
def test_months_until_age_bad_inputs(child: int) -> None:
    with pytest.raises(CalculatorInputError, match="0 and 17"):
        months_until_age(child)


# ------------------------------------------------------------------ deposit-plus


def test_catalog_rates() -> None:
    assert RATES.demand_rate == D("0.20")
    assert RATES.deposit_plus_multiple == D(2)
    assert RATES.deposit_plus_bonus_rate == D("0.50")
    assert RATES.bonus_after_months == 3
    assert RATES.deposit_insurance_limit == D(500000)
    assert RATES.offer_above_balance == D(5000)


def test_deposit_plus_comparison_hand_computed() -> None:
    # 10,000 for 12 months. Demand 0.20%: 10000 * 0.20% * 12/12 = 20.00.
    # Deposit-plus: 2 x 0.20 = 0.40% for the first 3 months, 0.40 + 0.50 = 0.90% for the other 9:
    # 10000 * (0.40 * 3 + 0.90 * 9) / 100 / 12 = 10000 * 9.3 / 1200 = 77.50.
    result = deposit_plus_comparison(D(10000), 12, RATES)
    assert result.demand_earnings == D("20.00")
    assert result.deposit_plus_earnings == D("77.50")
    assert result.extra == D("57.50")
    assert result.base_rate == D("0.40")
    assert result.bonus_rate == D("0.90")
    assert result.balance == D("10000.00") and result.months == 12


def test_deposit_plus_before_the_bonus() -> None:
    # 3 months: no bonus yet; 20,000 * 0.40% * 3/12 = 20.00 against 20,000 * 0.20% * 3/12 = 10.00
    result = deposit_plus_comparison(D(20000), 3, RATES)
    assert result.deposit_plus_earnings == D("20.00")
    assert result.demand_earnings == D("10.00")
    assert result.deposit_plus_earnings == 2 * result.demand_earnings


def test_deposit_plus_with_other_rates() -> None:
    rates = DepositRates(demand_rate=D("0.35"), deposit_plus_multiple=D(2), deposit_plus_bonus_rate=D("0.5"),
                         bonus_after_months=3, deposit_insurance_limit=D(500000), offer_above_balance=D(5000))
    # 6,000 for 6 months: (0.70 * 3 + 1.20 * 3) / 1200 * 6000 = 28.50; demand 0.35 * 6 / 1200 * 6000 = 10.50
    result = deposit_plus_comparison(D(6000), 6, rates)
    assert result.deposit_plus_earnings == D("28.50")
    assert result.demand_earnings == D("10.50")


@pytest.mark.parametrize(("balance", "months"), [(D(0), 12), (D(-100), 12), (D(1000), 0), (D(1000), 121)])
def test_deposit_plus_bad_inputs(balance: Decimal, months: int) -> None:
    with pytest.raises(CalculatorInputError):
        deposit_plus_comparison(balance, months, RATES)


@settings(max_examples=200, deadline=None)
@given(balance=st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2), months=st.integers(1, 120))
def test_property_deposit_plus_pays_at_least_twice_demand(balance: Decimal, months: int) -> None:
    result = deposit_plus_comparison(balance, months, RATES)
    assert isinstance(result.deposit_plus_earnings, Decimal)
    assert result.deposit_plus_earnings >= result.demand_earnings
    # exactly twice before the bonus, more after (up to rounding to cents)
    exact_demand = balance * RATES.demand_rate * months / 100 / 12
    exact_plus = balance * (D("0.40") * min(months, 3) + D("0.90") * max(months - 3, 0)) / 100 / 12
    assert abs(result.demand_earnings - exact_demand) <= D("0.005")
    assert abs(result.deposit_plus_earnings - exact_plus) <= D("0.005")


# ------------------------------------------------------------------ the target plan (issue 10 item 6)


def test_target_plan_shows_the_three_scenarios() -> None:
    plan = target_plan(D(200000), 180)
    assert [n.annual_rate for n in plan.needs] == [D(2), D(4), D(6)]
    assert plan.target == D("200000.00") and plan.months == 180
    for need in plan.needs:
        i = need.annual_rate / 100 / 12
        # paying the monthly amount reaches the target, a cent less a month does not
        assert future_value(need.monthly, 180, need.annual_rate) >= D(200000)
        assert future_value(need.monthly - D("0.01"), 180, need.annual_rate) < D(200000)
        assert need.total_paid == need.monthly * 180
        assert i > 0
    assert plan.needs[0].monthly > plan.needs[1].monthly > plan.needs[2].monthly
    assert "not guaranteed" in plan.disclaimer


def test_target_plan_bad_inputs() -> None:
    with pytest.raises(CalculatorInputError):
        target_plan(D(0), 12)
    with pytest.raises(CalculatorInputError):
        target_plan(D(1000), 0)
