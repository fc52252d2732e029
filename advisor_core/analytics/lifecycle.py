"""Lifecycle stage, a simple lifetime value and the stage's next best action, for every customer.

Stages, decided in this order (thresholds in ``rules_v1.yaml``, ``lifecycle``):

1. ``win_back`` - no activity for more than 180 days;
2. ``acquire``  - opened fewer than 90 days ago and holds no product;
3. ``activate`` - holds no product and barely uses the account (at most 3 mobile logins and at
   most 1 transfer a month);
4. ``retain``   - quiet for more than 60 days (and not yet win back);
5. ``grow``     - everyone else: active customers whose value can grow.

Lifetime value: annual margin (percent margins on demand, deposits and wealth products, a flat
amount for a mortgage customer) times ``r / (1 + d - r)``, the expected discounted lifetime for a
stage's yearly retention ``r`` and discount rate ``d``. An estimate to rank customers, not a
forecast.

The next best action never offers a product the cross-sell level gate did not allow for the
customer (:mod:`advisor_core.analytics.cross_sell`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisor_core.analytics.cross_sell import _defaults, cross_sell_frame
from advisor_core.analytics.rules import STAGES, AnalyticsRules
from advisor_core.domain.products import Catalog

# Campaigns a "grow" customer is offered, most valuable first.
GROW_PRIORITY: tuple[str, ...] = ("active_wealth", "travel_card", "renovation_instalment", "deposit_plus")
#: Every next best action ``next_best_action`` gives (texts ``next_action.<id>`` say them).
NEXT_BEST_ACTIONS: tuple[str, ...] = (
    "invite_risk_assessment", "welcome_call", "set_up_mobile_banking", "advisor_check_in", "reactivation_call",
    "review_portfolio", *(f"offer_{name}" for name in GROW_PRIORITY))


def days_since(column: pd.Series, today: dt.date) -> npt.NDArray[np.float64]:
    days: npt.NDArray[np.float64] = (
        np.datetime64(today, "D") - column.to_numpy().astype("datetime64[D]")
    ).astype("float64")
    return days


def lifecycle_stage(book: pd.DataFrame, today: dt.date, rules: AnalyticsRules) -> npt.NDArray[np.str_]:
    r = rules.lifecycle
    quiet = days_since(book["last_activity"], today)
    tenure = days_since(book["opened_on"], today)
    no_product = book["products_held"].to_numpy() == 0
    barely_used = ((book["mobile_logins"].to_numpy() <= r.activate_max_logins)
                   & (book["monthly_transfers"].to_numpy() <= r.activate_max_transfers))
    return np.select(
        [quiet > r.win_back_inactive_days,
         (tenure < r.acquire_tenure_days) & no_product,
         no_product & barely_used,
         quiet > r.retain_inactive_days],
        ["win_back", "acquire", "activate", "retain"], "grow")


def annual_margin(book: pd.DataFrame, rules: AnalyticsRules) -> npt.NDArray[np.float64]:
    v = rules.value
    deposits = book["deposits"].to_numpy() - book["demand_balance"].to_numpy()
    margin: npt.NDArray[np.float64] = (book["demand_balance"].to_numpy() * float(v.margin_demand) / 100
            + deposits * float(v.margin_deposits) / 100
            + book["wealth_products"].to_numpy() * float(v.margin_wealth) / 100
            + book["mortgage_start"].notna().to_numpy() * float(v.margin_mortgage_customer))
    return margin


def lifetime_value(margin: npt.NDArray[np.float64], stage: npt.NDArray[np.str_],
                   rules: AnalyticsRules) -> npt.NDArray[np.float64]:
    d = float(rules.value.discount_rate) / 100
    retention = np.zeros(len(stage))
    for name, percent in rules.value.retention.items():
        retention[stage == name] = float(percent) / 100
    value: npt.NDArray[np.float64] = margin * retention / (1 + d - retention)
    return np.round(value, 2)


def next_best_action(stage: npt.NDArray[np.str_],
                     offers: pd.DataFrame) -> tuple[npt.NDArray[np.str_], npt.NDArray[Any]]:
    """(action, product offered or "") per customer; products only where the level gate allowed."""
    level = offers["valid_level"].to_numpy()
    grow_conditions = [offers[name].to_numpy() for name in GROW_PRIORITY]
    grow_action = np.select(grow_conditions, [f"offer_{name}" for name in GROW_PRIORITY],
                            np.where(level == 0, "invite_risk_assessment", "review_portfolio"))
    grow_product = np.select(grow_conditions, [offers[f"{name}_product"].to_numpy() for name in GROW_PRIORITY], "")
    deposit_plus = offers["deposit_plus"].to_numpy()
    action = np.select(
        [stage == "acquire", stage == "activate", stage == "retain", stage == "win_back"],
        [np.where(level == 0, "invite_risk_assessment", "welcome_call"),
         np.where(deposit_plus, "offer_deposit_plus", "set_up_mobile_banking"),
         "advisor_check_in",
         "reactivation_call"],
        grow_action)
    product = np.select([stage == "grow", (stage == "activate") & deposit_plus],
                        [grow_product, offers["deposit_plus_product"].to_numpy()], "")
    return action, product


def lifecycle_frame(book: pd.DataFrame, today: dt.date, catalog: Catalog | None = None,
                    rules: AnalyticsRules | None = None, offers: pd.DataFrame | None = None) -> pd.DataFrame:
    """``customer_id, stage, annual_margin, lifetime_value, next_best_action, offer_product``."""
    catalog, rules = _defaults(catalog, rules)
    offers = cross_sell_frame(book, today, catalog, rules) if offers is None else offers
    stage = lifecycle_stage(book, today, rules)
    margin = annual_margin(book, rules)
    action, product = next_best_action(stage, offers)
    return pd.DataFrame({
        "customer_id": book["customer_id"].to_numpy(),
        "stage": pd.Categorical(stage, categories=STAGES),
        "annual_margin": np.round(margin, 2),
        "lifetime_value": lifetime_value(margin, stage, rules),
        "next_best_action": action,
        "offer_product": product,
    }, index=book.index)


def stage_summary(stages: pd.DataFrame) -> pd.DataFrame:
    """Per stage: customers, share, total and median lifetime value (every stage listed)."""
    grouped = stages.groupby("stage", observed=False)
    summary = pd.DataFrame({"customers": grouped.size(),
                            "lifetime_value_total": grouped["lifetime_value"].sum().round(2),
                            "lifetime_value_median": grouped["lifetime_value"].median().round(2)})
    summary.insert(1, "share", (summary["customers"] / max(len(stages), 1)).round(4))
    return summary.reindex(STAGES).fillna(0)
