"""A deterministic synthetic customer book for demos, tests and campaign planning.

Every customer here is made up: the names come from small built-in lists of
obviously fictional surnames, and every number is drawn from
``numpy.random.default_rng(seed)``. The same ``(n_customers, seed, today)`` always
gives the same book, independent of the clock, the machine and the process.

Money in the returned :class:`Customer` records is :class:`~decimal.Decimal` with
two decimal places. All amounts are generated as whole cents (int64) so that the
invariants hold exactly:

* ``total_assets = demand_balance + investable_assets + other (non-investable) assets``,
  hence ``total_assets >= investable_assets >= 0``;
* the holdings of a customer sum to at most ``investable_assets``;
* every customer is aged 18-85 on ``today``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from advisor_core.domain.records import Customer, Holding
from advisor_core.domain.tiers import wealth_tier

DEMO_SEED = 20261124
DEMO_TODAY = dt.date(2026, 1, 1)

MIN_AGE = 18
MAX_AGE = 85
MAX_CHILD_AGE = 25

# Catalog product ids a demo customer may hold.
PRODUCT_IDS: tuple[str, ...] = (
    "money_market_fund",
    "bond_fund",
    "bank_wealth_steady",
    "balanced_fund",
    "index_fund",
    "equity_fund",
    "tech_thematic_fund",
    "education_plan_bond",
    "deposit_plus",
)
# Relative popularity of each product among customers who hold anything.
_PRODUCT_WEIGHTS = np.array([1.6, 1.2, 1.5, 1.2, 1.0, 0.8, 0.5, 0.7, 1.4])
_EDUCATION_PRODUCT = PRODUCT_IDS.index("education_plan_bond")
_THEMATIC_PRODUCT = PRODUCT_IDS.index("tech_thematic_fund")

# Obviously fictional names: ordinary first names, made-up "demo" surnames.
_FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Ben", "Cleo", "Dev", "Elin", "Finn", "Gia", "Hugo", "Iris", "Jun",
    "Kai", "Lena", "Milo", "Nora", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess",
    "Ugo", "Vera", "Wes", "Xena", "Yara", "Zeno",
)
_LAST_NAMES: tuple[str, ...] = (
    "Sampleton", "Testwood", "Mockridge", "Demoford", "Placeholm", "Fictley",
    "Dummerton", "Stubbins", "Synthwell", "Examplar", "Fakenham-Lorem", "Ipsumby",
    "Notareal", "Madeupson", "Pretendo", "Figmenta",
)

_ZERO = Decimal("0.00")


def generate_demo_book(
    n_customers: int = 3000,
    seed: int = DEMO_SEED,
    today: dt.date | None = None,
) -> list[Customer]:
    """Return ``n_customers`` synthetic customers ``C000001``.. as frozen records.

    ``today`` (default :data:`DEMO_TODAY`, 2026-01-01) anchors birth dates, ages and
    mortgage start dates; it never defaults to the clock.
    """
    if isinstance(n_customers, bool) or not isinstance(n_customers, (int, np.integer)):
        raise TypeError(f"n_customers must be an int, not {type(n_customers).__name__}")
    if n_customers < 0:
        raise ValueError(f"n_customers must be >= 0, got {n_customers}")
    today = DEMO_TODAY if today is None else today
    n = int(n_customers)
    if n == 0:
        return []
    rng = np.random.default_rng(seed)
    frame = _draw_book(rng, n, today)
    holdings = _draw_holdings(rng, frame)

    customers: list[Customer] = []
    for row, held in zip(frame.itertuples(index=False), holdings, strict=True):
        customers.append(
            Customer(
                customer_id=row.customer_id,
                display_name=row.display_name,
                birth_date=row.birth_date,
                demand_balance=_money(row.demand_cents),
                investable_assets=_money(row.investable_cents),
                total_assets=_money(row.total_cents),
                mortgage_start=row.mortgage_start,
                children_ages=row.children_ages,
                monthly_transactions=int(row.monthly_transactions),
                holdings=held,
            )
        )
    return customers


def demo_book_frame(customers: list[Customer], today: dt.date | None = None) -> pd.DataFrame:
    """One row per customer: the scalar fields, the wealth tier and holdings totals.

    Columns: ``customer_id, display_name, birth_date, age, demand_balance,
    investable_assets, total_assets, holdings_total, n_holdings, tier,
    mortgage_start, n_children, youngest_child_age, monthly_transactions``.
    Money columns are float64 for analysis (the records stay the Decimal source of
    truth); dates are datetime64 (``NaT`` for no mortgage); ``youngest_child_age`` is
    a nullable ``Int64``. ``age`` is the age on ``today`` (default :data:`DEMO_TODAY`).
    """
    today = DEMO_TODAY if today is None else today
    rows = [
        {
            "customer_id": c.customer_id,
            "display_name": c.display_name,
            "birth_date": c.birth_date,
            "age": c.age_on(today),
            "demand_balance": float(c.demand_balance),
            "investable_assets": float(c.investable_assets),
            "total_assets": float(c.total_assets),
            "holdings_total": float(sum((h.amount for h in c.holdings), _ZERO)),
            "n_holdings": len(c.holdings),
            "tier": wealth_tier(c.total_assets).value,
            "mortgage_start": c.mortgage_start,
            "n_children": len(c.children_ages),
            "youngest_child_age": min(c.children_ages) if c.children_ages else None,
            "monthly_transactions": c.monthly_transactions,
        }
        for c in customers
    ]
    frame = pd.DataFrame(rows, columns=_FRAME_COLUMNS)
    return frame.astype(_FRAME_DTYPES)


_FRAME_DTYPES: dict[str, str] = {
    "customer_id": "object",
    "display_name": "object",
    "birth_date": "datetime64[ns]",
    "age": "int64",
    "demand_balance": "float64",
    "investable_assets": "float64",
    "total_assets": "float64",
    "holdings_total": "float64",
    "n_holdings": "int64",
    "tier": "object",
    "mortgage_start": "datetime64[ns]",
    "n_children": "int64",
    "youngest_child_age": "Int64",
    "monthly_transactions": "int64",
}
_FRAME_COLUMNS = list(_FRAME_DTYPES)


# --------------------------------------------------------------------------- drawing


def _draw_book(rng: np.random.Generator, n: int, today: dt.date) -> pd.DataFrame:
    """Draw the scalar fields; the order of the draws is part of the determinism."""
    # Ages 18..85, bulk in the working years, a longer tail towards the old.
    ages = MIN_AGE + np.floor((MAX_AGE - MIN_AGE + 1) * rng.beta(2.0, 2.4, n)).astype(np.int64)
    ages = np.clip(ages, MIN_AGE, MAX_AGE)
    birthday_u = rng.random(n)

    first = rng.integers(0, len(_FIRST_NAMES), n)
    last = rng.integers(0, len(_LAST_NAMES), n)

    # Total financial assets: log-normal, rising gently with age.
    wealth_z = rng.standard_normal(n)
    log_total = np.log(17_000.0) + 1.75 * wealth_z + 0.018 * (ages - 48)
    total_cents = np.round(np.exp(log_total) * 100).astype(np.int64)
    total_cents = np.maximum(total_cents, 1_000)  # at least 10.00

    # Demand (current account) balance: log-normal, loosely tied to wealth.
    log_demand = np.log(3_600.0) + 0.3 * (log_total - np.log(17_000.0)) + 1.0 * rng.standard_normal(n)
    demand_cents = np.round(np.exp(log_demand) * 100).astype(np.int64)
    demand_cents = np.minimum(demand_cents, total_cents)

    # Of the rest, a share is investable; the remainder is pensions, insurance etc.
    investable_share = rng.beta(5.0, 2.0, n)
    investable_cents = np.floor((total_cents - demand_cents) * investable_share).astype(np.int64)
    other_cents = total_cents - demand_cents - investable_cents
    total_cents = demand_cents + investable_cents + other_cents  # exact by construction

    # Mortgages (~30%): mostly working age; ~15% started within the last year.
    p_mortgage = np.where(ages < 20, 0.0, np.where(ages < 23, 0.05, np.where(ages < 65, 0.34, 0.12)))
    has_mortgage = rng.random(n) < p_mortgage
    recent = rng.random(n) < 0.15
    recent_days = rng.integers(0, 365, n)
    years_back_u = rng.random(n)
    extra_days = rng.integers(0, 365, n)

    # Children (~40%): 1-3 children aged 0..25, at least 18 years younger than the parent.
    # The eldest was born when the parent was 20-39 (capped at 25 years old); siblings
    # follow 1-5 years apart.
    p_children = np.where(ages < 24, 0.08, np.where(ages < 62, 0.50, 0.10))
    has_children = rng.random(n) < p_children
    n_children = 1 + rng.binomial(2, 0.35, n)
    first_birth_age = rng.integers(20, 40, n)
    young_parent_u = rng.random(n)
    sibling_gaps = rng.integers(1, 6, (n, 2))

    # Monthly transactions: gamma-Poisson (over-dispersed), younger customers more active.
    rate = np.clip(34.0 - 0.28 * (ages - MIN_AGE), 6.0, None)
    monthly_tx = rng.poisson(rate * rng.gamma(4.0, 0.25, n))

    birth_dates: list[dt.date] = []
    mortgage_starts: list[dt.date | None] = []
    children: list[tuple[int, ...]] = []
    for i in range(n):
        age = int(ages[i])
        birth_dates.append(_birth_date(today, age, float(birthday_u[i])))

        if has_mortgage[i]:
            adult_years = age - MIN_AGE
            if recent[i] or adult_years < 2:
                days_back = int(recent_days[i])
            else:
                years_back = 1 + int(years_back_u[i] * min(30, adult_years - 1))
                days_back = 365 * years_back + int(extra_days[i])
            mortgage_starts.append(today - dt.timedelta(days=days_back))
        else:
            mortgage_starts.append(None)

        if has_children[i]:
            if age >= first_birth_age[i]:
                eldest = min(MAX_CHILD_AGE, age - int(first_birth_age[i]))
            else:  # a young parent: the child is at least 18 years younger
                eldest = int(young_parent_u[i] * (age - MIN_AGE + 1))
            kids = [eldest]
            for k in range(int(n_children[i]) - 1):
                younger = kids[-1] - int(sibling_gaps[i, k])
                if younger < 0:
                    break
                kids.append(younger)
            children.append(tuple(kids))
        else:
            children.append(())

    return pd.DataFrame(
        {
            "customer_id": [f"C{i + 1:06d}" for i in range(n)],
            "display_name": [f"{_FIRST_NAMES[f]} {_LAST_NAMES[s]}" for f, s in zip(first, last, strict=True)],
            "birth_date": birth_dates,
            "age": ages,
            "demand_cents": demand_cents,
            "investable_cents": investable_cents,
            "total_cents": total_cents,
            "mortgage_start": pd.Series(mortgage_starts, dtype="object"),
            "children_ages": pd.Series(children, dtype="object"),
            "monthly_transactions": monthly_tx.astype(np.int64),
        }
    )


def _draw_holdings(rng: np.random.Generator, frame: pd.DataFrame) -> list[tuple[Holding, ...]]:
    """Some customers hold 1-4 catalog products; amounts sum to <= investable assets."""
    n = len(frame)
    investable = frame["investable_cents"].to_numpy()
    ages = frame["age"].to_numpy()
    log_inv = np.log10(investable / 100.0 + 1.0)
    p_holds = np.clip(0.10 + 0.12 * (log_inv - 2.0), 0.05, 0.85)
    holds = (rng.random(n) < p_holds) & (investable >= 10_000)  # at least 100.00
    n_products = 1 + rng.binomial(3, 0.35, n)
    invested_share = rng.beta(3.0, 2.0, n)

    result: list[tuple[Holding, ...]] = []
    for i in range(n):
        if not holds[i]:
            result.append(())
            continue
        weights = _PRODUCT_WEIGHTS.copy()
        kids = frame["children_ages"].iat[i]
        if not any(age < 18 for age in kids):
            weights[_EDUCATION_PRODUCT] = 0.0
        if ages[i] >= 65:
            weights[_THEMATIC_PRODUCT] *= 0.2
        k = min(int(n_products[i]), int(np.count_nonzero(weights)))
        chosen = rng.choice(len(PRODUCT_IDS), size=k, replace=False, p=weights / weights.sum())
        split = rng.dirichlet(np.full(k, 2.0))
        budget = int(np.floor(investable[i] * invested_share[i]))
        amounts = np.floor(budget * split).astype(np.int64)
        held = tuple(
            Holding(product_id=PRODUCT_IDS[int(p)], amount=_money(int(a)))
            for p, a in sorted(zip(chosen, amounts, strict=True), key=lambda pa: int(pa[0]))
            if a > 0
        )
        result.append(held)
    return result


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


def _birth_date(today: dt.date, age: int, u: float) -> dt.date:
    """A birth date uniformly within the dates that make the customer ``age`` on ``today``."""
    latest = _years_before(today, age)            # turns ``age`` today
    earliest_excl = _years_before(today, age + 1)  # would already be ``age + 1``
    span = (latest - earliest_excl).days
    return latest - dt.timedelta(days=int(u * span))


def _money(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)
