"""The bank's campaign eligibility rules, as pure functions over Customer records.

* ``deposit_plus`` - demand balance strictly above the catalog's threshold (5,000.00) and not already holding
  ``deposit_plus``;
* ``education_plan`` - at least one child aged under 16 (there is still time to save)
  and not already holding an ``education_plan_*`` product;
* ``renovation_instalment`` - a mortgage that started at least one year before
  ``today`` (an advisor-facing cross-sell).

:func:`eligibility_frame` evaluates the same rules vectorised with pandas; a test
checks it agrees with the record functions. Exports never carry personal names.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import pathlib
from collections.abc import Iterable
from decimal import Decimal

import pandas as pd

from advisor_core.analytics.csv_style import MACHINE_CSV, CsvStyle
from advisor_core.domain.records import Customer
from advisor_core.domain.tiers import wealth_tier

CAMPAIGNS: tuple[str, ...] = ("deposit_plus", "education_plan", "renovation_instalment")

DEPOSIT_PLUS_PRODUCT = "deposit_plus"
EDUCATION_CHILD_UNDER = 16
EDUCATION_PRODUCT_PREFIX = "education_plan_"
RENOVATION_MORTGAGE_YEARS = 1

# The field that made a customer eligible, exported next to customer_id and tier.
EXPORT_FIELD: dict[str, str] = {
    "deposit_plus": "demand_balance",
    "education_plan": "youngest_child_age",
    "renovation_instalment": "mortgage_start",
}


# --------------------------------------------------------------------------- rules


def deposit_plus_above() -> Decimal:
    """The catalog's deposit-plus threshold (``deposit_rates.offer_above_balance``), read on first use."""
    from advisor_core.adapters.datafiles import default_catalog

    return default_catalog().rates.offer_above_balance


def is_deposit_plus_eligible(customer: Customer) -> bool:
    """Demand balance above the catalog's threshold (5,000.00 exactly is not) and no deposit_plus held."""
    if customer.demand_balance <= deposit_plus_above():
        return False
    return not any(h.product_id == DEPOSIT_PLUS_PRODUCT for h in customer.holdings)


def is_education_plan_eligible(customer: Customer) -> bool:
    """A child aged under 16 and no ``education_plan_*`` product held."""
    if not any(0 <= age < EDUCATION_CHILD_UNDER for age in customer.children_ages):
        return False
    return not any(h.product_id.startswith(EDUCATION_PRODUCT_PREFIX) for h in customer.holdings)


def is_renovation_instalment_eligible(customer: Customer, today: dt.date) -> bool:
    """A mortgage started on or before the same date one year before ``today``."""
    if customer.mortgage_start is None:
        return False
    return customer.mortgage_start <= mortgage_cutoff(today)


def mortgage_cutoff(today: dt.date) -> dt.date:
    """The latest mortgage start that counts as "at least one year before ``today``".

    On 29 February the cutoff is 28 February of the previous year.
    """
    try:
        return today.replace(year=today.year - RENOVATION_MORTGAGE_YEARS)
    except ValueError:
        return today.replace(year=today.year - RENOVATION_MORTGAGE_YEARS, day=28)


def is_eligible(customer: Customer, campaign: str, today: dt.date) -> bool:
    """Whether ``customer`` is eligible for ``campaign`` on ``today``."""
    _check_campaign(campaign)
    if campaign == "deposit_plus":
        return is_deposit_plus_eligible(customer)
    if campaign == "education_plan":
        return is_education_plan_eligible(customer)
    return is_renovation_instalment_eligible(customer, today)


def eligible_customers(customers: Iterable[Customer], campaign: str, today: dt.date) -> list[Customer]:
    """The customers eligible for ``campaign`` on ``today``, in their original order.

    Raises ``ValueError`` naming the allowed campaigns for an unknown ``campaign``.
    """
    _check_campaign(campaign)
    return [c for c in customers if is_eligible(c, campaign, today)]


def campaign_summary(customers: Iterable[Customer], today: dt.date) -> dict[str, int]:
    """Eligible counts for every campaign, keyed in :data:`CAMPAIGNS` order."""
    book = list(customers)
    return {name: len(eligible_customers(book, name, today)) for name in CAMPAIGNS}


# --------------------------------------------------------------------------- pandas


def eligibility_frame(customers: Iterable[Customer], today: dt.date) -> pd.DataFrame:
    """One row per customer with the rule inputs and a boolean column per campaign.

    Columns: ``customer_id, tier, demand_balance (float), youngest_child_age (Int64),
    mortgage_start (datetime64), holds_deposit_plus, holds_education_plan`` and then
    one bool column for each name in :data:`CAMPAIGNS`. No names are included.
    """
    book = list(customers)
    frame = pd.DataFrame(
        {
            "customer_id": pd.Series([c.customer_id for c in book], dtype="object"),
            "tier": pd.Series([wealth_tier(c.total_assets).value for c in book], dtype="object"),
            # Compared in whole cents (rounded up) so the threshold test is exact.
            "_demand_cents": pd.Series([math.ceil(c.demand_balance * 100) for c in book], dtype="int64"),
            "demand_balance": pd.Series([float(c.demand_balance) for c in book], dtype="float64"),
            "youngest_child_age": pd.Series(
                [min((a for a in c.children_ages if a >= 0), default=None) for c in book],
                dtype="Int64",
            ),
            "mortgage_start": pd.to_datetime(pd.Series([c.mortgage_start for c in book], dtype="object")),
            "holds_deposit_plus": pd.Series(
                [any(h.product_id == DEPOSIT_PLUS_PRODUCT for h in c.holdings) for c in book], dtype="bool"
            ),
            "holds_education_plan": pd.Series(
                [any(h.product_id.startswith(EDUCATION_PRODUCT_PREFIX) for h in c.holdings) for c in book],
                dtype="bool",
            ),
        }
    )
    threshold_cents = int(deposit_plus_above() * 100)
    frame["deposit_plus"] = (frame["_demand_cents"] > threshold_cents) & ~frame["holds_deposit_plus"]
    frame["education_plan"] = (
        (frame["youngest_child_age"] < EDUCATION_CHILD_UNDER).fillna(False).astype(bool)
        & ~frame["holds_education_plan"]
    )
    cutoff = pd.Timestamp(mortgage_cutoff(today))
    frame["renovation_instalment"] = (frame["mortgage_start"] <= cutoff).fillna(False).astype(bool)
    return frame.drop(columns="_demand_cents")


# --------------------------------------------------------------------------- export


def export_campaign_csv(
    customers: Iterable[Customer],
    campaign: str,
    today: dt.date,
    directory: pathlib.Path,
    style: CsvStyle = MACHINE_CSV,
) -> pathlib.Path:
    """Write the eligible customers to ``<directory>/<campaign>-<today>.csv``.

    Columns: ``customer_id, tier`` and the field that made them eligible
    (:data:`EXPORT_FIELD`), headed as ``style`` says. Personal names are never exported. The
    directory is created if missing; an existing file for the same campaign and day is replaced.
    Returns the path written.
    """
    chosen = eligible_customers(customers, campaign, today)
    field = EXPORT_FIELD[campaign]
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{campaign}-{today.isoformat()}.csv"
    with path.open("w", newline="", encoding=style.encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(style.headers(["customer_id", "tier", field]))
        for c in chosen:
            writer.writerow([c.customer_id, wealth_tier(c.total_assets).value, _export_value(c, field)])
    return path


def _export_value(customer: Customer, field: str) -> str:
    if field == "demand_balance":
        return str(customer.demand_balance)
    if field == "youngest_child_age":
        return str(min(a for a in customer.children_ages if 0 <= a < EDUCATION_CHILD_UNDER))
    if field == "mortgage_start":
        assert customer.mortgage_start is not None
        return customer.mortgage_start.isoformat()
    raise AssertionError(f"no export for field {field!r}")  # pragma: no cover


def _check_campaign(campaign: str) -> None:
    if campaign not in CAMPAIGNS:
        raise ValueError(f"unknown campaign {campaign!r}; allowed: {', '.join(CAMPAIGNS)}")
