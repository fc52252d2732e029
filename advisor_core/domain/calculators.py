"""Savings calculators: the education fund and deposit-plus. Money is Decimal throughout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from advisor_core.domain.products import DepositRates
from advisor_core.domain.texts import Texts, default_texts
from advisor_core.errors import CalculatorInputError

CENT = Decimal("0.01")
SCENARIO_RATES = (Decimal(2), Decimal(4), Decimal(6))   # percent a year
EDUCATION_TARGET_AGE = 18


def disclaimer(texts: Texts | None = None) -> str:
    """Simulated, not guaranteed: said with every projection (texts ``plan.disclaimer``)."""
    return (texts or default_texts()).render("plan.disclaimer")


def __getattr__(name: str) -> str:
    """``DISCLAIMER``: the English disclaimer, read from the texts on first use (never at import)."""
    if name == "DISCLAIMER":
        return disclaimer()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class Scenario:
    annual_rate: Decimal   # percent
    future_value: Decimal


@dataclass(frozen=True)
class EducationProjection:
    monthly: Decimal
    months: int
    total_paid: Decimal
    scenarios: tuple[Scenario, ...]
    disclaimer: str = ""

    @property
    def years(self) -> Decimal:
        return (Decimal(self.months) / 12).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class MonthlyNeed:
    target: Decimal
    months: int
    annual_rate: Decimal
    monthly: Decimal
    total_paid: Decimal
    disclaimer: str = ""


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def _growth_factor(annual_rate: Decimal, months: int) -> Decimal:
    """((1+i)^n - 1) / i with i the monthly rate; n when the rate is zero."""
    i = annual_rate / 100 / 12
    if i == 0:
        return Decimal(months)
    return ((1 + i) ** months - 1) / i


def _check_months(months: int) -> None:
    if months <= 0:
        raise CalculatorInputError("the saving period must be at least one month")
    if months > 12 * 50:
        raise CalculatorInputError("the saving period must be at most 50 years")


def future_value(monthly: Decimal, months: int, annual_rate: Decimal) -> Decimal:
    """FV = P * ((1+i)^n - 1) / i, payments at month end."""
    _check_months(months)
    if monthly <= 0:
        raise CalculatorInputError("the monthly amount must be more than zero")
    return _money(monthly * _growth_factor(annual_rate, months))


def months_until_age(child_age: int, target_age: int = EDUCATION_TARGET_AGE) -> int:
    if not 0 <= child_age < target_age:
        raise CalculatorInputError(f"the child's age must be between 0 and {target_age - 1}")
    return (target_age - child_age) * 12


def education_projection(monthly: Decimal, months: int, rates: tuple[Decimal, ...] = SCENARIO_RATES,
                         texts: Texts | None = None) -> EducationProjection:
    scenarios = tuple(Scenario(r, future_value(monthly, months, r)) for r in rates)
    return EducationProjection(_money(monthly), months, _money(monthly * months), scenarios, disclaimer(texts))


@dataclass(frozen=True)
class TargetPlan:
    """The monthly amount a target needs under each scenario rate (spec 6: always three)."""

    target: Decimal
    months: int
    needs: tuple[MonthlyNeed, ...]   # one per scenario rate, in the order of the rates
    disclaimer: str = ""


def target_plan(target: Decimal, months: int, rates: tuple[Decimal, ...] = SCENARIO_RATES,
                texts: Texts | None = None) -> TargetPlan:
    """The inverse of :func:`education_projection`: the monthly amount at each scenario rate."""
    needs = tuple(monthly_for_target(target, months, rate, texts) for rate in rates)
    return TargetPlan(_money(target), months, needs, disclaimer(texts))


def monthly_for_target(target: Decimal, months: int, annual_rate: Decimal = Decimal(4),
                       texts: Texts | None = None) -> MonthlyNeed:
    """The monthly amount (rounded up to the cent) that reaches the target at the given rate."""
    _check_months(months)
    if target <= 0:
        raise CalculatorInputError("the target amount must be more than zero")
    monthly = (target / _growth_factor(annual_rate, months)).quantize(CENT, ROUND_CEILING)
    return MonthlyNeed(_money(target), months, annual_rate, monthly, _money(monthly * months), disclaimer(texts))


def education_plan_lines(texts: Texts, child_age: int, monthly: Decimal | None,
                         target: Decimal | None) -> list[str]:
    """The education plan in words: the monthly amount a target needs, or what a monthly amount
    could grow to, under three simulated scenarios, then the disclaimer. Raises CalculatorInputError."""
    months = months_until_age(child_age)
    if target is not None:
        needs = target_plan(target, months, texts=texts)
        lines = [texts.render("plan.target_heading", target=texts.money(needs.target), years=months // 12,
                              months=months)]
        lines += [texts.render("plan.target_line", rate=n.annual_rate, monthly=texts.money(n.monthly),
                               total=texts.money(n.total_paid)) for n in needs.needs]
        lines.append(needs.disclaimer)
        return lines
    if monthly is None:
        raise CalculatorInputError("a monthly amount or a target is needed")
    plan = education_projection(monthly, months, texts=texts)
    lines = [texts.render("plan.projection_heading", monthly=texts.money(plan.monthly), years=months // 12,
                          target_age=EDUCATION_TARGET_AGE, total=texts.money(plan.total_paid))]
    lines += [texts.render("plan.projection_line", rate=s.annual_rate,
                           value=texts.money(s.future_value.quantize(Decimal(1)))) for s in plan.scenarios]
    lines.append(plan.disclaimer)
    return lines


@dataclass(frozen=True)
class DepositPlusComparison:
    balance: Decimal
    months: int
    demand_earnings: Decimal
    deposit_plus_earnings: Decimal
    base_rate: Decimal     # percent a year before the bonus
    bonus_rate: Decimal    # percent a year once held long enough

    @property
    def extra(self) -> Decimal:
        return self.deposit_plus_earnings - self.demand_earnings


def deposit_plus_comparison(balance: Decimal, months: int, rates: DepositRates) -> DepositPlusComparison:
    """Simple interest on the balance: demand rate against deposit-plus (with its bonus)."""
    if balance <= 0:
        raise CalculatorInputError("the balance must be more than zero")
    if not 1 <= months <= 120:
        raise CalculatorInputError("the holding period must be 1 to 120 months")
    base = rates.demand_rate * rates.deposit_plus_multiple
    boosted = base + rates.deposit_plus_bonus_rate
    early = min(months, rates.bonus_after_months)
    late = months - early
    plus = balance * (base * early + boosted * late) / 100 / 12
    demand = balance * rates.demand_rate * months / 100 / 12
    return DepositPlusComparison(_money(balance), months, _money(demand), _money(plus), base, boosted)
