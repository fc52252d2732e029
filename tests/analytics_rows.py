"""Hand-made analytics book rows for rule tests: every column of ``analytics.book`` with a
neutral default (an active, assessed customer who fits no campaign), overridable by keyword."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from advisor_core.analytics.book import BOOK_COLUMNS, DATE_COLUMNS, HOLDING_COLUMNS, OCCUPATIONS, PERSONAS, REGIONS

TODAY = dt.date(2026, 1, 1)


def row(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "customer_id": "C00000001", "age": 45, "occupation": "salaried", "region": "east",
        "opened_on": dt.date(2015, 1, 1), "demand_balance": 1000.0, "time_deposits": 0.0, "deposits": 1000.0,
        "wealth_products": 0.0, "investable_assets": 20_000.0, "total_assets": 30_000.0,
        **{column: 0.0 for column in HOLDING_COLUMNS},
        "products_held": 0, "products_ever": 0, "first_purchase": None, "last_purchase": None,
        "monthly_transactions": 20, "monthly_transfers": 5, "mobile_logins": 10, "flights_a_year": 0,
        "credit_score": 650, "mortgage_start": None, "last_activity": TODAY - dt.timedelta(days=3),
        "risk_level": 3, "assessed_on": TODAY - dt.timedelta(days=30), "age_at_assessment": 45,
        "lowest_category": False, "persona": "steady",
    }
    unknown = set(overrides) - set(values)
    if unknown:
        raise KeyError(f"not book columns: {sorted(unknown)}")
    values.update(overrides)
    if "deposits" not in overrides:
        values["deposits"] = values["demand_balance"] + values["time_deposits"] + values["hold_deposit_plus"]
    return values


def book(*rows: dict[str, Any]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(BOOK_COLUMNS))
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    frame["occupation"] = pd.Categorical(frame["occupation"], categories=OCCUPATIONS)
    frame["region"] = pd.Categorical(frame["region"], categories=REGIONS)
    frame["persona"] = pd.Categorical(frame["persona"], categories=PERSONAS)
    frame["lowest_category"] = frame["lowest_category"].astype(bool)
    return frame


def one(**overrides: Any) -> pd.DataFrame:
    return book(row(**overrides))
