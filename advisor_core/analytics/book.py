"""The analytics book: every customer as one row of behaviour, holdings and suitability fields.

Two ways in, one set of columns (:data:`BOOK_COLUMNS`):

* :func:`book_from_customers` - the demo book (or the database's customers) with the behaviour
  fields drawn for them, so the report describes the same customers the assistant sees;
* :func:`synthetic_book` - fully vectorised, for books of millions (the Parquet/Dask batch):
  block ``start`` of a book always draws the same rows, whatever the partitioning.

All synthetic, seeded, and plausible: a customer's fields agree with each other - dormant
customers neither log in nor transfer, transfers never exceed transactions, retirees and students
are of their age, flights and credit scores rise with wealth, nothing is bought before the account
was opened or after the last activity, holdings fit inside investable assets, and the risk level
sits with age, wealth and what is held. No names: ids only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisor_core.analytics.demo_book import DEMO_SEED, DEMO_TODAY, PRODUCT_IDS
from advisor_core.analytics.personas import persona_column
from advisor_core.analytics.rules import PERSONAS, default_rules
from advisor_core.domain.records import Customer

OCCUPATIONS: tuple[str, ...] = (
    "student", "salaried", "civil_servant", "professional", "self_employed", "business_owner",
    "manual_worker", "retired",
)
REGIONS: tuple[str, ...] = ("east", "north", "south", "central", "southwest", "northeast")
HOLDING_COLUMNS: tuple[str, ...] = tuple(f"hold_{p}" for p in PRODUCT_IDS)
# Wealth products: every holding except deposit-plus, which is a deposit.
WEALTH_COLUMNS: tuple[str, ...] = tuple(f"hold_{p}" for p in PRODUCT_IDS if p != "deposit_plus")
_GROWTH_PRODUCTS = ("balanced_fund", "index_fund", "equity_fund", "tech_thematic_fund")
_PRODUCT_WEIGHTS = np.array([1.6, 1.2, 1.5, 1.2, 1.0, 0.8, 0.5, 0.7, 1.4])

BOOK_COLUMNS: tuple[str, ...] = (
    "customer_id", "age", "occupation", "region", "opened_on",
    "demand_balance", "time_deposits", "deposits", "wealth_products", "investable_assets", "total_assets",
    *HOLDING_COLUMNS, "products_held", "products_ever", "first_purchase", "last_purchase",
    "monthly_transactions", "monthly_transfers", "mobile_logins", "flights_a_year", "credit_score",
    "mortgage_start", "last_activity", "risk_level", "assessed_on", "age_at_assessment",
    "lowest_category", "persona",
)
DATE_COLUMNS: tuple[str, ...] = ("opened_on", "first_purchase", "last_purchase", "mortgage_start",
                                 "last_activity", "assessed_on")


def book_from_customers(customers: Sequence[Customer], seed: int = DEMO_SEED,
                        today: dt.date | None = None) -> pd.DataFrame:
    """The analytics book for existing customer records (balances, holdings and mortgages kept)."""
    today = DEMO_TODAY if today is None else today
    n = len(customers)
    holdings = np.zeros((n, len(PRODUCT_IDS)), dtype=np.float64)
    index = {p: i for i, p in enumerate(PRODUCT_IDS)}
    for row, customer in enumerate(customers):
        for holding in customer.holdings:
            if holding.product_id in index:
                holdings[row, index[holding.product_id]] += float(holding.amount)
    base = pd.DataFrame({
        "customer_id": [c.customer_id for c in customers],
        "age": np.array([c.age_on(today) for c in customers], dtype=np.int16),
        "demand_balance": np.array([float(c.demand_balance) for c in customers]),
        "investable_assets": np.array([float(c.investable_assets) for c in customers]),
        "total_assets": np.array([float(c.total_assets) for c in customers]),
        "mortgage_start": pd.to_datetime(pd.Series([c.mortgage_start for c in customers], dtype="object")),
        "monthly_transactions": np.array([c.monthly_transactions for c in customers], dtype=np.int32),
    })
    for column, values in zip(HOLDING_COLUMNS, holdings.T, strict=True):
        base[column] = values
    return _add_behaviour(base, np.random.default_rng([seed, 1]), today)


def synthetic_book(n_customers: int, seed: int = DEMO_SEED, today: dt.date | None = None,
                   start: int = 0) -> pd.DataFrame:
    """``n_customers`` synthetic rows with ids ``C{start + 1:08d}``..; no per-customer Python loop."""
    if n_customers < 0 or start < 0:
        raise ValueError(f"n_customers and start must be >= 0, got {n_customers}, {start}")
    today = DEMO_TODAY if today is None else today
    rng = np.random.default_rng([seed, start])
    n = int(n_customers)
    ages = np.clip(np.round(rng.normal(44, 15, n)), 18, 85).astype(np.int16)

    log_total = np.log(17_000.0) + 1.75 * rng.standard_normal(n) + 0.018 * (ages - 48)
    total = np.maximum(np.round(np.exp(log_total), 2), 10.0)
    log_demand = np.log(3_600.0) + 0.3 * (log_total - np.log(17_000.0)) + rng.standard_normal(n)
    demand = np.minimum(np.round(np.exp(log_demand), 2), total)
    investable = np.floor((total - demand) * rng.beta(5.0, 2.0, n) * 100) / 100

    p_mortgage = np.where(ages < 23, 0.05, np.where(ages < 65, 0.34, 0.12))
    has_mortgage = rng.random(n) < p_mortgage
    max_years = np.clip(ages - 20, 0, 30)
    mortgage_days = np.where(rng.random(n) < 0.15, rng.integers(0, 365, n),
                             (rng.random(n) * max_years * 365).astype(np.int64))
    mortgage = _days_before(today, mortgage_days)
    mortgage[~has_mortgage] = np.datetime64("NaT")

    rate = np.clip(34.0 - 0.28 * (ages - 18), 6.0, None)
    transactions = rng.poisson(rate * rng.gamma(4.0, 0.25, n)).astype(np.int32)

    # Holdings: some customers hold 1-4 products, amounts within investable assets.
    p_holds = np.clip(0.10 + 0.12 * (np.log10(investable + 1.0) - 2.0), 0.05, 0.85)
    holds = (rng.random(n) < p_holds) & (investable >= 100)
    weights = np.tile(_PRODUCT_WEIGHTS, (n, 1))
    weights[ages >= 65, PRODUCT_IDS.index("tech_thematic_fund")] *= 0.2
    chosen = rng.random((n, len(PRODUCT_IDS))) < np.clip(weights / weights.sum(axis=1, keepdims=True) * 2.2, 0, 1)
    none_chosen = holds & ~chosen.any(axis=1)
    chosen[none_chosen, rng.integers(0, len(PRODUCT_IDS), int(none_chosen.sum()))] = True
    chosen &= holds[:, None]
    split = rng.gamma(2.0, 1.0, (n, len(PRODUCT_IDS))) * chosen
    split_sum = split.sum(axis=1, keepdims=True)
    budget = investable * rng.beta(3.0, 2.0, n)
    amounts = np.floor(np.divide(split, split_sum, out=np.zeros_like(split), where=split_sum > 0)
                       * budget[:, None] * 100) / 100

    ids = pd.Series(np.arange(start + 1, start + n + 1)).astype(str).str.zfill(8)
    base = pd.DataFrame({
        "customer_id": ("C" + ids).to_numpy(dtype=object),
        "age": ages,
        "demand_balance": demand,
        "investable_assets": investable,
        "total_assets": np.round(total, 2),
        "mortgage_start": pd.to_datetime(mortgage),
        "monthly_transactions": transactions,
    })
    for column, values in zip(HOLDING_COLUMNS, amounts.T, strict=True):
        base[column] = values
    return _add_behaviour(base, rng, today)


def _days_before(today: dt.date, days: npt.NDArray[Any]) -> npt.NDArray[np.datetime64]:
    return (np.datetime64(today, "D") - days.astype("timedelta64[D]")).astype("datetime64[ns]")


def _add_behaviour(base: pd.DataFrame, rng: np.random.Generator, today: dt.date) -> pd.DataFrame:
    n = len(base)
    age = base["age"].to_numpy().astype(np.int64)
    total = base["total_assets"].to_numpy()
    investable = base["investable_assets"].to_numpy()
    demand = base["demand_balance"].to_numpy()
    transactions = base["monthly_transactions"].to_numpy()
    held = base[list(HOLDING_COLUMNS)].to_numpy()
    wealth_z = (np.log(total + 1.0) - np.log(17_000.0)) / 1.75

    occupation = _occupation(rng, age, wealth_z)
    region = np.array(REGIONS)[rng.choice(len(REGIONS), n, p=[0.3, 0.18, 0.2, 0.14, 0.1, 0.08])]

    # Account opened at 18 at the earliest; about 6% opened within the last 90 days.
    adult_days = (age - 18) * 365
    tenure = np.where(rng.random(n) < 0.06, rng.integers(0, 90, n),
                      (rng.random(n) * np.minimum(adult_days, 25 * 365)).astype(np.int64))
    tenure = np.minimum(tenure, adult_days)

    # Activity: dormancy is likelier for customers who transact little.
    dormant = rng.random(n) < np.where(transactions < 8, 0.25, 0.03)
    cooling = ~dormant & (rng.random(n) < 0.08)
    quiet_days = np.where(dormant, rng.integers(181, 900, n),
                          np.where(cooling, rng.integers(61, 181, n), rng.integers(0, 61, n)))
    quiet_days = np.minimum(quiet_days, tenure)
    active = quiet_days <= 60
    transfers = np.where(active, rng.binomial(transactions, rng.beta(2.0, 4.0, n)), 0).astype(np.int32)
    login_rate = np.clip(25.0 - 0.35 * (age - 18), 0.5, None) * rng.gamma(2.0, 0.5, n)
    logins = np.where(active, rng.poisson(login_rate), 0).astype(np.int32)

    travel = np.select([occupation == "business_owner", occupation == "professional", occupation == "student"],
                       [3.0, 2.0, 0.4], 1.0)
    flights_mean = 0.9 * np.exp(0.7 * wealth_z) * travel * rng.gamma(0.8, 1.25, n)
    flights = np.minimum(rng.poisson(flights_mean), 60).astype(np.int32)
    has_mortgage = base["mortgage_start"].notna().to_numpy()
    credit = (640 + 45 * wealth_z + 25 * has_mortgage + 1.2 * np.minimum(tenure / 365, 20)
              - 60 * dormant + rng.normal(0, 55, n))
    credit = np.clip(np.round(credit), 300, 850).astype(np.int16)

    held_total = held.sum(axis=1)
    time_deposits = np.floor(np.maximum(investable - held_total, 0) * rng.beta(2.0, 3.0, n) * 100) / 100
    deposit_plus = held[:, PRODUCT_IDS.index("deposit_plus")]
    wealth = held_total - deposit_plus

    products_held = (held > 0).sum(axis=1).astype(np.int8)
    products_ever = (products_held + np.where(products_held > 0, rng.binomial(2, 0.3, n), 0)).astype(np.int8)
    has_history = products_ever > 0
    first_ago = quiet_days + (rng.random(n) * (tenure - quiet_days)).astype(np.int64)
    last_ago = quiet_days + (rng.random(n) * (first_ago - quiet_days)).astype(np.int64)
    first_purchase = _days_before(today, first_ago)
    last_purchase = _days_before(today, last_ago)
    first_purchase[~has_history] = np.datetime64("NaT")
    last_purchase[~has_history] = np.datetime64("NaT")

    # Risk level from a questionnaire about half the customers took in the last two years.
    assessed = rng.random(n) < 0.55
    growth_held = np.zeros(n, dtype=bool)
    for product in _GROWTH_PRODUCTS:
        growth_held |= held[:, PRODUCT_IDS.index(product)] > 0
    level_score = (3.0 + 0.6 * np.log10((investable + 1.0) / 100_000.0) - 1.0 * (age >= 60)
                   + 1.0 * growth_held + rng.normal(0, 0.8, n))
    lowest = assessed & (rng.random(n) < 0.04)
    level = np.where(assessed, np.clip(np.round(level_score), 1, 5), 0)
    level = np.where(lowest, 1, level).astype(np.int8)
    assessed_ago = np.minimum(rng.integers(0, 720, n), tenure)
    assessed_on = _days_before(today, assessed_ago)
    assessed_on[~assessed] = np.datetime64("NaT")
    age_at_assessment = np.where(assessed, age - (assessed_ago // 365), 0).astype(np.int16)

    deposits = demand + time_deposits + deposit_plus
    labelling = default_rules().persona_rules
    label_growth = np.zeros(n, dtype=bool)
    for product in labelling.growth_products:
        if product in PRODUCT_IDS:
            label_growth |= held[:, PRODUCT_IDS.index(product)] > 0
    persona = persona_column(label_growth, level, deposits, total, labelling)

    book = base.assign(
        occupation=pd.Categorical(occupation, categories=OCCUPATIONS),
        region=pd.Categorical(region, categories=REGIONS),
        opened_on=pd.to_datetime(_days_before(today, tenure)),
        time_deposits=time_deposits,
        deposits=np.round(deposits, 2),
        wealth_products=np.round(wealth, 2),
        products_held=products_held,
        products_ever=products_ever,
        first_purchase=pd.to_datetime(first_purchase),
        last_purchase=pd.to_datetime(last_purchase),
        monthly_transfers=transfers,
        mobile_logins=logins,
        flights_a_year=flights,
        credit_score=credit,
        last_activity=pd.to_datetime(_days_before(today, quiet_days)),
        risk_level=level,
        assessed_on=pd.to_datetime(assessed_on),
        age_at_assessment=age_at_assessment,
        lowest_category=lowest,
        persona=pd.Categorical(persona, categories=PERSONAS),
    )
    return book[list(BOOK_COLUMNS)]


def _occupation(rng: np.random.Generator, age: npt.NDArray[Any],
                wealth_z: npt.NDArray[np.float64]) -> npt.NDArray[np.str_]:
    n = len(age)
    working = np.array(["salaried", "civil_servant", "professional", "self_employed", "business_owner",
                        "manual_worker"])
    # Wealthier customers are likelier to run a business or work in a profession.
    rich = wealth_z > 1.0
    pick = np.where(rich, rng.choice(len(working), n, p=[0.25, 0.1, 0.25, 0.15, 0.2, 0.05]),
                    rng.choice(len(working), n, p=[0.4, 0.12, 0.12, 0.12, 0.04, 0.2]))
    result = working[pick]
    result = np.where((age <= 24) & (rng.random(n) < np.where(age <= 22, 0.8, 0.3)), "student", result)
    result = np.where((age >= 60) & (rng.random(n) < np.clip((age - 55) / 10, 0, 0.95)), "retired", result)
    return result
