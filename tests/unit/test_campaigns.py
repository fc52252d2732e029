"""Campaign eligibility rules at their boundaries, the DataFrame version and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import pathlib
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor_core.analytics import (
    CAMPAIGNS,
    campaign_summary,
    eligibility_frame,
    eligible_customers,
    export_campaign_csv,
    generate_demo_book,
    is_deposit_plus_eligible,
    is_education_plan_eligible,
    is_eligible,
    is_renovation_instalment_eligible,
)
from advisor_core.domain.records import Customer, Holding
from advisor_core.domain.tiers import wealth_tier

TODAY = dt.date(2026, 1, 1)


def customer(**fields: object) -> Customer:
    base = dict(
        customer_id="C999999",
        display_name="Test Sampleton",
        birth_date=dt.date(1980, 6, 15),
        demand_balance=Decimal("100.00"),
        investable_assets=Decimal("20000.00"),
        total_assets=Decimal("30000.00"),
    )
    base.update(fields)
    return Customer(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def book() -> list[Customer]:
    return generate_demo_book()


# --------------------------------------------------------------------------- deposit_plus


def test_deposit_plus_threshold_is_strictly_above_5000() -> None:
    assert not is_deposit_plus_eligible(customer(demand_balance=Decimal("5000.00")))
    assert not is_deposit_plus_eligible(customer(demand_balance=Decimal("4999.99")))
    assert is_deposit_plus_eligible(customer(demand_balance=Decimal("5000.01")))


def test_deposit_plus_excludes_existing_holders() -> None:
    holder = customer(
        demand_balance=Decimal("12000.00"),
        holdings=(Holding("deposit_plus", Decimal("1000.00")),),
    )
    assert not is_deposit_plus_eligible(holder)
    other = replace(holder, holdings=(Holding("bond_fund", Decimal("1000.00")),))
    assert is_deposit_plus_eligible(other)


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=0, max_value=2_000_000),
    holds=st.booleans(),
)
def test_deposit_plus_rule_property(cents: int, holds: bool) -> None:
    balance = Decimal(cents).scaleb(-2)
    holdings = (Holding("deposit_plus", Decimal("1.00")),) if holds else ()
    c = customer(demand_balance=balance, holdings=holdings)
    assert is_deposit_plus_eligible(c) == (cents > 500_000 and not holds)


# --------------------------------------------------------------------------- education_plan


def test_education_plan_child_under_16_only() -> None:
    assert is_education_plan_eligible(customer(children_ages=(15,)))
    assert not is_education_plan_eligible(customer(children_ages=(16,)))
    assert not is_education_plan_eligible(customer(children_ages=(16, 22)))
    assert is_education_plan_eligible(customer(children_ages=(22, 16, 0)))
    assert not is_education_plan_eligible(customer(children_ages=()))


def test_education_plan_excludes_any_education_plan_product() -> None:
    parent = customer(children_ages=(4,))
    assert not is_education_plan_eligible(
        replace(parent, holdings=(Holding("education_plan_bond", Decimal("500.00")),))
    )
    assert not is_education_plan_eligible(
        replace(parent, holdings=(Holding("education_plan_savings", Decimal("500.00")),))
    )
    assert is_education_plan_eligible(replace(parent, holdings=(Holding("index_fund", Decimal("500.00")),)))


# --------------------------------------------------------------------------- renovation


def test_renovation_mortgage_exactly_one_year_is_eligible() -> None:
    assert is_renovation_instalment_eligible(customer(mortgage_start=dt.date(2025, 1, 1)), TODAY)
    assert not is_renovation_instalment_eligible(customer(mortgage_start=dt.date(2025, 1, 2)), TODAY)
    assert is_renovation_instalment_eligible(customer(mortgage_start=dt.date(2010, 5, 5)), TODAY)
    assert not is_renovation_instalment_eligible(customer(mortgage_start=None), TODAY)
    assert not is_renovation_instalment_eligible(customer(mortgage_start=dt.date(2026, 3, 1)), TODAY)


def test_renovation_on_a_leap_day() -> None:
    leap = dt.date(2024, 2, 29)
    assert is_renovation_instalment_eligible(customer(mortgage_start=dt.date(2023, 2, 28)), leap)
    assert not is_renovation_instalment_eligible(customer(mortgage_start=dt.date(2023, 3, 1)), leap)


# --------------------------------------------------------------------------- dispatch and summary


def test_unknown_campaign_names_the_allowed_ones(book: list[Customer]) -> None:
    for call in (
        lambda: eligible_customers(book, "holiday_loan", TODAY),
        lambda: is_eligible(book[0], "holiday_loan", TODAY),
        lambda: export_campaign_csv(book, "holiday_loan", TODAY, pathlib.Path("/nonexistent")),
    ):
        with pytest.raises(ValueError) as info:
            call()
        for name in CAMPAIGNS:
            assert name in str(info.value)


def test_campaigns_tuple() -> None:
    assert CAMPAIGNS == ("deposit_plus", "education_plan", "renovation_instalment")


def test_eligible_customers_keeps_book_order(book: list[Customer]) -> None:
    for name in CAMPAIGNS:
        chosen = eligible_customers(book, name, TODAY)
        positions = [book.index(c) for c in chosen[:50]]
        assert positions == sorted(positions)
        assert all(is_eligible(c, name, TODAY) for c in chosen)


def test_summary_counts_match_the_lists(book: list[Customer]) -> None:
    summary = campaign_summary(book, TODAY)
    assert tuple(summary) == CAMPAIGNS
    for name in CAMPAIGNS:
        assert summary[name] == len(eligible_customers(book, name, TODAY))
        assert 0 < summary[name] < len(book)


def test_summary_accepts_a_generator(book: list[Customer]) -> None:
    assert campaign_summary((c for c in book), TODAY) == campaign_summary(book, TODAY)


# --------------------------------------------------------------------------- DataFrame version


def test_frame_agrees_with_record_rules_on_the_demo_book(book: list[Customer]) -> None:
    frame = eligibility_frame(book, TODAY)
    assert len(frame) == len(book)
    assert "display_name" not in frame.columns
    for name in CAMPAIGNS:
        expected = [c.customer_id for c in eligible_customers(book, name, TODAY)]
        assert list(frame.loc[frame[name], "customer_id"]) == expected


_money = st.integers(min_value=0, max_value=1_000_000).map(lambda c: Decimal(c).scaleb(-2))
_near_threshold = st.integers(min_value=499_990, max_value=500_010).map(lambda c: Decimal(c).scaleb(-2))
_customers = st.builds(
    customer,
    demand_balance=st.one_of(_money, _near_threshold),
    children_ages=st.lists(st.integers(min_value=0, max_value=25), max_size=3).map(tuple),
    mortgage_start=st.one_of(
        st.none(),
        st.dates(min_value=dt.date(2024, 12, 25), max_value=dt.date(2025, 1, 8)),
        st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2026, 1, 1)),
    ),
    holdings=st.lists(
        st.sampled_from(["deposit_plus", "education_plan_bond", "bond_fund"]), unique=True, max_size=3
    ).map(lambda ids: tuple(Holding(p, Decimal("10.00")) for p in ids)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_customers, max_size=20))
def test_frame_agrees_with_record_rules_property(customers: list[Customer]) -> None:
    frame = eligibility_frame(customers, TODAY)
    assert len(frame) == len(customers)
    for name in CAMPAIGNS:
        assert list(frame[name]) == [is_eligible(c, name, TODAY) for c in customers]


# --------------------------------------------------------------------------- CSV export


@pytest.mark.parametrize("campaign", CAMPAIGNS)
def test_export_has_no_names_and_one_row_per_eligible_customer(
    book: list[Customer], campaign: str, tmp_path: pathlib.Path
) -> None:
    path = export_campaign_csv(book, campaign, TODAY, tmp_path)
    assert path == tmp_path / f"{campaign}-2026-01-01.csv"
    text = path.read_text(encoding="utf-8")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    header = text.splitlines()[0].split(",")
    assert header[:2] == ["customer_id", "tier"] and len(header) == 3
    assert "display_name" not in header and "name" not in header
    eligible = eligible_customers(book, campaign, TODAY)
    assert len(rows) == len(eligible)
    assert [r["customer_id"] for r in rows] == [c.customer_id for c in eligible]
    assert [r["tier"] for r in rows] == [wealth_tier(c.total_assets).value for c in eligible]
    for c in eligible[:200]:
        assert c.display_name not in text


def test_export_eligibility_field_values(book: list[Customer], tmp_path: pathlib.Path) -> None:
    path = export_campaign_csv(book, "deposit_plus", TODAY, tmp_path / "exports" / "new")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(Decimal(r["demand_balance"]) > Decimal("5000") for r in rows)

    path = export_campaign_csv(book, "renovation_instalment", TODAY, tmp_path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(dt.date.fromisoformat(r["mortgage_start"]) <= dt.date(2025, 1, 1) for r in rows)

    path = export_campaign_csv(book, "education_plan", TODAY, tmp_path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(0 <= int(r["youngest_child_age"]) < 16 for r in rows)


def test_export_of_nobody_writes_just_the_header(tmp_path: pathlib.Path) -> None:
    path = export_campaign_csv([customer()], "deposit_plus", TODAY, tmp_path)
    assert path.read_text(encoding="utf-8").splitlines() == ["customer_id,tier,demand_balance"]


def test_a_csv_style_heads_the_columns_it_knows_and_keeps_the_others(tmp_path):
    from advisor_core.analytics.csv_style import CsvStyle

    style = CsvStyle({"customer_id": "客户编号", "tier": "财富等级"}, byte_order_mark=True)
    path = export_campaign_csv([customer()], "deposit_plus", TODAY, tmp_path, style)

    raw = path.read_bytes()
    assert raw.startswith("\ufeff客户编号,财富等级,demand_balance".encode())
    assert raw.count(b"\xef\xbb\xbf") == 1
