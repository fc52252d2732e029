"""Cross-sell campaign lists over the whole book, column-wise, never above a customer's level.

The rules (the bank's playbook; thresholds in ``rules_v1.yaml`` and, for deposit-plus, the catalog):

* ``deposit_plus`` - demand balance above the catalog's ``offer_above_balance`` (5,000.00 exactly
  is not above), not already held;
* ``renovation_instalment`` - a mortgage started at least a year ago; up to 500,000 at 4.8% a year;
* ``travel_card`` - at least 15 flights a year, deposits of at least 50,000 and a credit score of
  at least 750;
* ``active_wealth`` - at least 10 transfers a month and at least 50,000 in wealth products: offered
  the first premium wealth product the customer's level and assets allow.

Every rule is a vectorised expression over :mod:`advisor_core.analytics.book` columns; the level
gate (:func:`may_offer`) mirrors ``domain.recommendation.check_product`` for an advisor: a
risk-bearing product needs a *valid* assessment at or above its rating (12 months, no age
threshold crossed since), the lowest category only R1, no R4+ from 65, the product's minimum
assets; deposits and credit products are not risk-bearing. Exports hold pseudonymous ids only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisor_core.analytics.rules import CAMPAIGN_RULES, AnalyticsRules, default_rules
from advisor_core.domain.levels import RiskRating
from advisor_core.domain.products import Catalog, ProductType
from advisor_core.domain.scoring import AGE_REVIEW, AGE_SENIOR
from advisor_core.domain.suitability import VALID_FOR_DAYS

# The fields that made a customer eligible, exported next to the id and the product offered.
EXPORT_FIELDS: dict[str, tuple[str, ...]] = {
    "deposit_plus": ("demand_balance",),
    "renovation_instalment": ("mortgage_start",),
    "travel_card": ("flights_a_year", "deposits", "credit_score"),
    "active_wealth": ("monthly_transfers", "wealth_products"),
}

#: The offer's terms the renovation list carries beside each customer.
RENOVATION_TERMS: tuple[str, str] = ("max_amount", "annual_rate_percent")


@dataclass(frozen=True)
class OfferedProduct:
    id: str
    rating: RiskRating
    risk_bearing: bool
    min_total_assets: float
    minimum_amount: float


def offered_products(catalog: Catalog, rules: AnalyticsRules) -> dict[str, OfferedProduct]:
    """Every product a campaign may offer, from the catalog or the rules' extra (credit) products."""
    found: dict[str, OfferedProduct] = {}
    for name in CAMPAIGN_RULES:
        for pid in rules.campaigns.products[name]:
            if pid in catalog:
                p = catalog.get(pid)
                found[pid] = OfferedProduct(pid, p.risk_rating, p.type not in (ProductType.DEPOSIT, ProductType.LOAN),
                                            float(p.min_total_assets), float(p.minimum_amount))
            elif pid in rules.extra_products:
                extra = rules.extra_products[pid]
                found[pid] = OfferedProduct(pid, extra.risk_rating, False, 0.0, 0.0)
            else:
                raise ValueError(f"campaign {name}: product {pid!r} is neither in catalog {catalog.version} "
                                 "nor an extra product of the analytics rules")
    return found


def valid_level(book: pd.DataFrame, today: dt.date) -> npt.NDArray[np.int8]:
    """The level of a valid assessment (1-5), or 0: none, older than 12 months, or an age
    threshold (65, 70) crossed since it was taken."""
    level = book["risk_level"].to_numpy().astype(np.int8)
    age_then = book["age_at_assessment"].to_numpy()
    age_now = book["age"].to_numpy()
    days = (np.datetime64(today, "D") - book["assessed_on"].to_numpy().astype("datetime64[D]")).astype("float64")
    fresh = np.nan_to_num(days, nan=np.inf) <= VALID_FOR_DAYS
    crossed = np.zeros(len(book), dtype=bool)
    for threshold in (AGE_REVIEW, AGE_SENIOR):
        crossed |= (age_then < threshold) & (age_now >= threshold)
    return np.where((level > 0) & fresh & ~crossed, level, 0).astype(np.int8)


def may_offer(book: pd.DataFrame, product: OfferedProduct, level: npt.NDArray[np.int8]) -> npt.NDArray[np.bool_]:
    """Whether ``product`` may be listed for each customer, given their valid ``level`` (0 = none)."""
    n = len(book)
    if not product.risk_bearing:
        allowed = np.ones(n, dtype=bool)
    else:
        rating = int(product.rating)
        allowed = (level >= rating)
        allowed &= ~book["lowest_category"].to_numpy(dtype=bool) | (rating == 1)
        if rating >= int(RiskRating.R4):
            allowed &= book["age"].to_numpy() < AGE_REVIEW
        allowed &= book["investable_assets"].to_numpy() >= product.minimum_amount
    if product.min_total_assets:
        allowed &= book["total_assets"].to_numpy() >= product.min_total_assets
    column = f"hold_{product.id}"
    if column in book.columns:
        allowed &= book[column].to_numpy() <= 0
    return allowed


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def rule_masks(book: pd.DataFrame, today: dt.date, catalog: Catalog,
               rules: AnalyticsRules) -> dict[str, npt.NDArray[np.bool_]]:
    """Each campaign's rule alone (before the level gate and what is held), one bool per customer."""
    c = rules.campaigns
    demand_cents = np.round(book["demand_balance"].to_numpy() * 100)
    cutoff = np.datetime64(_years_before(today, c.renovation_mortgage_years), "D")
    mortgage = book["mortgage_start"].to_numpy().astype("datetime64[D]")
    return {
        "deposit_plus": demand_cents > float(catalog.rates.offer_above_balance * 100),
        "renovation_instalment": ~np.isnat(mortgage) & (mortgage <= cutoff),
        "travel_card": ((book["flights_a_year"].to_numpy() >= c.travel_min_flights)
                        & (book["deposits"].to_numpy() >= float(c.travel_min_deposits))
                        & (book["credit_score"].to_numpy() >= c.travel_min_credit_score)),
        "active_wealth": ((book["monthly_transfers"].to_numpy() >= c.active_min_transfers)
                          & (book["wealth_products"].to_numpy() >= float(c.active_min_wealth))),
    }


def cross_sell_frame(book: pd.DataFrame, today: dt.date, catalog: Catalog | None = None,
                     rules: AnalyticsRules | None = None) -> pd.DataFrame:
    """Per customer: ``valid_level``, and for each campaign ``<name>_rule`` (the rule holds),
    ``<name>_product`` (the product offered, "" when none may be) and ``<name>`` (listed)."""
    catalog, rules = _defaults(catalog, rules)
    products = offered_products(catalog, rules)
    level = valid_level(book, today)
    out = {"customer_id": book["customer_id"].to_numpy(), "valid_level": level}
    for name, rule in rule_masks(book, today, catalog, rules).items():
        candidates = [products[pid] for pid in rules.campaigns.products[name]]
        allowed = [may_offer(book, p, level) for p in candidates]
        product = np.select(allowed, [p.id for p in candidates], "")
        out[f"{name}_rule"] = rule
        out[f"{name}_product"] = np.where(rule, product, "")
        out[name] = rule & (product != "")
    return pd.DataFrame(out, index=book.index)


def campaign_lists(book: pd.DataFrame, today: dt.date, catalog: Catalog | None = None,
                   rules: AnalyticsRules | None = None,
                   offers: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """For each campaign, its customers: ``customer_id, product_id`` and the fields that made them
    eligible (:data:`EXPORT_FIELDS`), in book order."""
    catalog, rules = _defaults(catalog, rules)
    offers = cross_sell_frame(book, today, catalog, rules) if offers is None else offers
    lists = {}
    for name in CAMPAIGN_RULES:
        listed = offers[name].to_numpy()
        frame = pd.DataFrame({"customer_id": book["customer_id"].to_numpy()[listed],
                              "product_id": offers[f"{name}_product"].to_numpy()[listed]})
        for field in EXPORT_FIELDS[name]:
            frame[field] = book[field].to_numpy()[listed]
        if name == "renovation_instalment":
            max_amount, annual_rate = RENOVATION_TERMS
            frame[max_amount] = float(rules.campaigns.renovation_max_amount)
            frame[annual_rate] = float(rules.campaigns.renovation_annual_rate)
        lists[name] = frame
    return lists


def export_campaign_lists(lists: dict[str, pd.DataFrame], directory: Path, today: dt.date) -> list[Path]:
    """Write ``<directory>/cross_sell_<campaign>-<today>.csv`` for each list; returns the paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in lists.items():
        path = directory / f"cross_sell_{name}-{today.isoformat()}.csv"
        frame.to_csv(path, index=False, date_format="%Y-%m-%d")
        paths.append(path)
    return paths


def _defaults(catalog: Catalog | None, rules: AnalyticsRules | None) -> tuple[Catalog, AnalyticsRules]:
    if catalog is None:
        from advisor_core.adapters.datafiles import default_catalog

        catalog = default_catalog()
    return catalog, rules if rules is not None else default_rules()
