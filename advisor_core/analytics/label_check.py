"""Persona label check: do customers behave as their marketing label says?

For each persona label the rules name the product the label says these customers prefer
(``expected``) and an alternative (``rules_v1.yaml``, ``label_check``); e.g. customers labelled
"steady" are shown a bond fund in one arm and a money market fund in the other. Customers are
split between the arms at random, and only customers whose valid level allows *both* products
take part, so neither arm is ever above a customer's level.

For each label the check compares the acceptance rates of the two arms: the difference
``expected - alternative`` with a Wald confidence interval (default 95%). A label is flagged
``contradicted`` when the whole interval lies below zero (its customers take the alternative more
often), ``supported`` when it lies above zero, ``inconclusive`` otherwise. Flagged labels are the
ones to correct from what customers actually choose.

Input is one row per customer in the experiment (``customer_id, persona, arm, product_id,
clicked, accepted``): from the assistant's recorded offer events - the advisor database's
``offer_events`` table, read by :func:`offer_events_frame` and turned into rows by
:func:`experiment_from_events` - or, for a demo, :func:`simulate_experiment`. In the chat a
customer's arm is chosen by ``domain.label_arms`` and recorded on the "shown" event of the arm's
product; a click or acceptance of it carries the same persona and arm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict
from statistics import NormalDist

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisor_core.analytics.cross_sell import OfferedProduct, valid_level
from advisor_core.analytics.rules import AnalyticsRules
from advisor_core.domain.products import Catalog, ProductType
from advisor_core.domain.records import OfferEvent

ARMS: tuple[str, ...] = ("expected", "alternative")
OFFER_EVENT_COLUMNS: tuple[str, ...] = ("event_id", "customer_id", "conversation_id", "kind", "product_id",
                                        "customer_level", "persona", "arm", "channel", "created_at")
EXPERIMENT_COLUMNS: tuple[str, ...] = ("customer_id", "persona", "arm", "product_id", "clicked", "accepted")


def offer_events_frame(events: Iterable[OfferEvent]) -> pd.DataFrame:
    """Offer events (as the advisor database's ``offer_events`` repository returns them) as a frame
    with :data:`OFFER_EVENT_COLUMNS`, also when there are none; ``created_at`` in UTC."""
    frame = pd.DataFrame([asdict(e) for e in events], columns=list(OFFER_EVENT_COLUMNS))
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame


def arm_products(catalog: Catalog, rules: AnalyticsRules) -> dict[str, dict[str, OfferedProduct]]:
    """persona -> arm -> product (rating and minimums from the catalog)."""
    result: dict[str, dict[str, OfferedProduct]] = {}
    for persona, arms in rules.label_arms.items():
        result[persona] = {}
        for arm, pid in (("expected", arms.expected), ("alternative", arms.alternative)):
            p = catalog.get(pid)
            result[persona][arm] = OfferedProduct(pid, p.risk_rating, p.type is not ProductType.DEPOSIT,
                                                  float(p.min_total_assets), float(p.minimum_amount))
    return result


def eligible_for_both_arms(book: pd.DataFrame, today: dt.date, catalog: Catalog,
                           rules: AnalyticsRules) -> npt.NDArray[np.bool_]:
    """Customers whose persona has arms and whose valid level allows both arms' products."""
    level = valid_level(book, today)
    persona = book["persona"].astype(str).to_numpy()
    lowest = book["lowest_category"].to_numpy(dtype=bool)
    ok = np.zeros(len(book), dtype=bool)
    for label, arms in arm_products(catalog, rules).items():
        top = max(int(p.rating) for p in arms.values() if p.risk_bearing) if any(
            p.risk_bearing for p in arms.values()) else 0
        fits = (level >= top) & (~lowest | (top <= 1))
        ok |= (persona == label) & fits
    return ok


def simulate_experiment(book: pd.DataFrame, today: dt.date, catalog: Catalog, rules: AnalyticsRules,
                        true_preference: dict[str, str], seed: int = 0,
                        accept_preferred: float = 0.14, accept_other: float = 0.06,
                        extra_click: float = 0.15) -> pd.DataFrame:
    """A synthetic experiment: each eligible customer is shown one arm at random and accepts with
    ``accept_preferred`` when the arm is the one they truly prefer (``true_preference[persona]``,
    ``"expected"`` or ``"alternative"``), else ``accept_other``. Every accept is a click."""
    rng = np.random.default_rng(seed)
    chosen = book.loc[eligible_for_both_arms(book, today, catalog, rules)]
    persona = chosen["persona"].astype(str).to_numpy()
    arm = np.where(rng.random(len(chosen)) < 0.5, "expected", "alternative")
    products = arm_products(catalog, rules)
    product = np.array([products[p][a].id for p, a in zip(persona, arm, strict=True)], dtype=object)
    preferred = np.array([true_preference.get(p, "expected") for p in persona]) == arm
    accepted = rng.random(len(chosen)) < np.where(preferred, accept_preferred, accept_other)
    clicked = accepted | (rng.random(len(chosen)) < extra_click)
    return pd.DataFrame({"customer_id": chosen["customer_id"].to_numpy(), "persona": persona, "arm": arm,
                         "product_id": product, "clicked": clicked, "accepted": accepted})


def experiment_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (customer, experiment arm) from offer events with ``kind`` shown/clicked/accepted.

    Rows without a customer id, persona or arm are not part of the experiment and are dropped.
    """
    columns = list(EXPERIMENT_COLUMNS)
    if events.empty:
        return pd.DataFrame(columns=columns)
    part = events[events["customer_id"].notna() & events["arm"].isin(ARMS) & (events["persona"] != "")]
    if part.empty:
        return pd.DataFrame(columns=columns)
    keys = ["customer_id", "persona", "arm", "product_id"]
    kinds = part.assign(one=1).pivot_table(index=keys, columns="kind", values="one", aggfunc="max", fill_value=0)
    kinds = kinds.reindex(columns=["shown", "clicked", "accepted"], fill_value=0)
    shown = kinds[kinds["shown"] > 0]
    out = shown.reset_index()
    out["clicked"] = (out["clicked"] > 0) | (out["accepted"] > 0)
    out["accepted"] = out["accepted"] > 0
    return out[columns]


def label_check(experiment: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Per persona: customers and acceptance in each arm, the difference with its interval, and
    the verdict (``contradicted`` is the flag)."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    rows = []
    for persona, group in experiment.groupby("persona", sort=True):
        a = group[group["arm"] == "expected"]["accepted"].astype(bool)
        b = group[group["arm"] == "alternative"]["accepted"].astype(bool)
        n_a, n_b = len(a), len(b)
        p_a = a.mean() if n_a else np.nan
        p_b = b.mean() if n_b else np.nan
        if n_a and n_b:
            diff = p_a - p_b
            se = np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
            low, high = diff - z * se, diff + z * se
            verdict = "contradicted" if high < 0 else ("supported" if low > 0 else "inconclusive")
        else:
            diff = low = high = np.nan
            verdict = "inconclusive"
        rows.append({"persona": persona, "customers_expected_arm": n_a, "accept_rate_expected": p_a,
                     "customers_alternative_arm": n_b, "accept_rate_alternative": p_b,
                     "difference": diff, "ci_low": low, "ci_high": high, "verdict": verdict,
                     "flagged": verdict == "contradicted"})
    return pd.DataFrame(rows).set_index("persona") if rows else pd.DataFrame(
        columns=["customers_expected_arm", "accept_rate_expected", "customers_alternative_arm",
                 "accept_rate_alternative", "difference", "ci_low", "ci_high", "verdict", "flagged"])
