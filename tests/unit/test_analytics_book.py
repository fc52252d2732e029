"""The analytics book: seeded, plausible (fields agree with each other), no names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from advisor_core.analytics import generate_demo_book
from advisor_core.analytics.book import (
    BOOK_COLUMNS,
    HOLDING_COLUMNS,
    WEALTH_COLUMNS,
    book_from_customers,
    synthetic_book,
)
from tests.analytics_rows import TODAY


@pytest.fixture(scope="module", params=["synthetic", "demo"])
def frame(request) -> pd.DataFrame:
    if request.param == "synthetic":
        return synthetic_book(5000, seed=7)
    return book_from_customers(generate_demo_book(1500))


def test_columns_and_no_names(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == list(BOOK_COLUMNS)
    assert not {"display_name", "name", "birth_date"} & set(frame.columns)
    assert frame["customer_id"].is_unique


def test_money_adds_up(frame: pd.DataFrame) -> None:
    held = frame[list(HOLDING_COLUMNS)].sum(axis=1)
    assert (held <= frame["investable_assets"] + 0.01).all()
    assert (held + frame["time_deposits"] <= frame["investable_assets"] + 0.01).all()
    assert np.allclose(frame["wealth_products"], frame[list(WEALTH_COLUMNS)].sum(axis=1), atol=0.02)
    assert np.allclose(frame["deposits"], frame["demand_balance"] + frame["time_deposits"] + frame["hold_deposit_plus"],
                       atol=0.02)
    assert (frame["investable_assets"] <= frame["total_assets"] + 0.01).all()
    assert (frame[list(HOLDING_COLUMNS)].gt(0).sum(axis=1) == frame["products_held"]).all()


def test_behaviour_agrees_with_activity(frame: pd.DataFrame) -> None:
    quiet = (pd.Timestamp(TODAY) - frame["last_activity"]).dt.days
    dormant = quiet > 60
    assert (frame.loc[dormant, ["mobile_logins", "monthly_transfers"]] == 0).all().all()
    assert (frame["monthly_transfers"] <= frame["monthly_transactions"]).all()
    assert frame["credit_score"].between(300, 850).all()
    assert (frame["flights_a_year"] >= 0).all()
    assert (quiet >= 0).all() and dormant.any() and (~dormant).any()


def test_dates_are_in_order(frame: pd.DataFrame) -> None:
    today = pd.Timestamp(TODAY)
    assert (frame["opened_on"] <= frame["last_activity"]).all()
    assert (frame["last_activity"] <= today).all()
    bought = frame["first_purchase"].notna()
    assert (frame.loc[bought, "first_purchase"] >= frame.loc[bought, "opened_on"]).all()
    assert (frame.loc[bought, "first_purchase"] <= frame.loc[bought, "last_purchase"]).all()
    assert (frame.loc[bought, "last_purchase"] <= frame.loc[bought, "last_activity"]).all()
    assert (frame["products_ever"] >= frame["products_held"]).all()
    assert (bought == (frame["products_ever"] > 0)).all()
    adult = frame["opened_on"] >= today - pd.to_timedelta((frame["age"] - 18) * 365, unit="D")
    assert adult.all()


def test_occupation_fits_age_and_levels_are_known(frame: pd.DataFrame) -> None:
    assert (frame.loc[frame["occupation"] == "student", "age"] <= 24).all()
    assert (frame.loc[frame["occupation"] == "retired", "age"] >= 60).all()
    assert frame["risk_level"].between(0, 5).all()
    assert (frame["assessed_on"].isna() == (frame["risk_level"] == 0)).all()
    assert (frame.loc[frame["lowest_category"], "risk_level"] == 1).all()


def test_same_seed_same_book_and_blocks_are_reproducible() -> None:
    pd.testing.assert_frame_equal(synthetic_book(300, seed=5, start=900), synthetic_book(300, seed=5, start=900))
    other = synthetic_book(300, seed=6, start=900)
    assert not other["demand_balance"].equals(synthetic_book(300, seed=5, start=900)["demand_balance"])
    assert synthetic_book(3, seed=5, start=900)["customer_id"].tolist() == ["C00000901", "C00000902", "C00000903"]


def test_demo_book_keeps_the_records_money() -> None:
    customers = generate_demo_book(200)
    frame = book_from_customers(customers)
    assert frame["customer_id"].tolist() == [c.customer_id for c in customers]
    assert frame["demand_balance"].tolist() == [float(c.demand_balance) for c in customers]
    assert frame["products_held"].tolist() == [len({h.product_id for h in c.holdings}) for c in customers]
