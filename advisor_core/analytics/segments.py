"""A small, descriptive customer segmentation for advisors' campaign planning.

KMeans on standardised features: log balances (demand, investable, total), age and
monthly transactions. It groups similar customers; it predicts nothing and says
nothing about suitability - a customer's risk level always comes from their own
assessment, never from a segment.

Segments are renumbered by median total assets (0 = the least wealthy), so a label
keeps its meaning across runs with the same data and seed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

SEGMENT_FEATURES: tuple[str, ...] = (
    "demand_balance",
    "investable_assets",
    "total_assets",
    "age",
    "monthly_transactions",
)
_LOG_FEATURES = frozenset({"demand_balance", "investable_assets", "total_assets"})


def segment_customers(frame: pd.DataFrame, n_segments: int = 4, seed: int = 0) -> pd.Series:
    """Label every row of ``frame`` (e.g. :func:`demo_book_frame`) with a segment 0..n-1.

    Deterministic for the same ``frame`` and ``seed``. Returns an int64 Series named
    ``segment`` with ``frame``'s index. Raises ``ValueError`` for missing or
    non-finite feature columns, or ``n_segments`` outside 1..len(frame).
    """
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    features = _feature_matrix(frame)
    if isinstance(n_segments, bool) or not isinstance(n_segments, (int, np.integer)):
        raise TypeError(f"n_segments must be an int, not {type(n_segments).__name__}")
    if not 1 <= n_segments <= len(frame):
        raise ValueError(f"n_segments must be between 1 and the number of rows ({len(frame)}), got {n_segments}")

    scaled = StandardScaler().fit_transform(features)
    model = KMeans(n_clusters=int(n_segments), n_init=10, random_state=seed)
    with threadpool_limits(limits=1):  # small data: one thread is faster and reproducible
        raw = model.fit_predict(scaled)

    # Renumber by median total assets (ties broken by the raw label) for stable meaning.
    totals = frame["total_assets"].to_numpy(dtype=float)
    order = sorted(np.unique(raw), key=lambda k: (float(np.median(totals[raw == k])), int(k)))
    mapping = np.empty(int(n_segments), dtype=np.int64)
    for new, old in enumerate(order):
        mapping[old] = new
    return pd.Series(mapping[raw], index=frame.index, name="segment", dtype="int64")


def describe_segments(frame: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """Per segment: size, share of the book, median age, balances and transactions.

    Indexed by segment number. ``labels`` must have the same index as ``frame``.
    """
    if len(labels) != len(frame) or not labels.index.equals(frame.index):
        raise ValueError("labels must have exactly the same index as frame")
    _feature_matrix(frame)  # validates the columns
    grouped = frame.assign(segment=labels.to_numpy()).groupby("segment", sort=True)
    summary = pd.DataFrame(
        {
            "size": grouped.size(),
            "median_age": grouped["age"].median(),
            "median_demand_balance": grouped["demand_balance"].median(),
            "median_investable_assets": grouped["investable_assets"].median(),
            "median_total_assets": grouped["total_assets"].median(),
            "median_monthly_transactions": grouped["monthly_transactions"].median(),
        }
    )
    summary.insert(1, "share", summary["size"] / max(len(frame), 1))
    if "tier" in frame.columns:
        summary["most_common_tier"] = grouped["tier"].agg(lambda s: s.value_counts().sort_index().idxmax())
    summary.index.name = "segment"
    return summary


def _feature_matrix(frame: pd.DataFrame) -> npt.NDArray[np.float64]:
    missing = [name for name in SEGMENT_FEATURES if name not in frame.columns]
    if missing:
        raise ValueError(f"frame is missing segmentation columns: {', '.join(missing)}")
    columns = []
    for name in SEGMENT_FEATURES:
        values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            raise ValueError(f"column {name!r} has missing or non-numeric values")
        if name in _LOG_FEATURES:
            if np.any(values < 0):
                raise ValueError(f"column {name!r} has negative values")
            values = np.log1p(values)
        columns.append(values)
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))


# --------------------------------------------------------------------------- look-alike segments
# Behaviour-based segments of the analytics book (``analytics.book``), each explained by a shallow
# decision tree whose rules are read in the features' own units.

BEHAVIOUR_FEATURES: tuple[str, ...] = (
    "demand_balance", "deposits", "wealth_products", "monthly_transfers", "mobile_logins",
    "flights_a_year", "credit_score", "products_held", "days_inactive",
)
_LOG_BEHAVIOUR = frozenset({"demand_balance", "deposits", "wealth_products"})
_MONEY = frozenset({"demand_balance", "deposits", "wealth_products"})
TREE_DEPTH = 3


def behaviour_features(book: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The segmentation features in their own units (days inactive capped at two years)."""
    quiet = (np.datetime64(today, "D") - book["last_activity"].to_numpy().astype("datetime64[D]")).astype("float64")
    features = book[[f for f in BEHAVIOUR_FEATURES if f != "days_inactive"]].astype("float64")
    return features.assign(days_inactive=np.minimum(quiet, 730.0))[list(BEHAVIOUR_FEATURES)]


def lookalike_segments(features: pd.DataFrame, n_segments: int = 5, seed: int = 0) -> npt.NDArray[np.int64]:
    """KMeans on standardised behaviour (money on a log scale); segments renumbered by median
    wealth products then deposits, so a number keeps its meaning across seeds."""
    from sklearn.cluster import KMeans
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    values = features.to_numpy(dtype=float).copy()
    for j, name in enumerate(features.columns):
        if name in _LOG_BEHAVIOUR:
            values[:, j] = np.log1p(np.maximum(values[:, j], 0))
    scaled = StandardScaler().fit_transform(values)
    with threadpool_limits(limits=1):
        raw = KMeans(n_clusters=n_segments, n_init=4, random_state=seed).fit_predict(scaled)
    wealth = features["wealth_products"].to_numpy()
    deposits = features["deposits"].to_numpy()
    order = sorted(range(n_segments), key=lambda k: (float(np.median(wealth[raw == k])),
                                                     float(np.median(deposits[raw == k])), k))
    mapping = np.empty(n_segments, dtype=np.int64)
    mapping[order] = np.arange(n_segments)
    segments: npt.NDArray[np.int64] = mapping[raw]
    return segments


def segment_stability(features: pd.DataFrame, n_segments: int = 5, seeds: tuple[int, ...] = (0, 1, 2, 3)) -> float:
    """Mean adjusted Rand index between the segmentation of the first seed and each other seed."""
    from sklearn.metrics import adjusted_rand_score

    first = lookalike_segments(features, n_segments, seeds[0])
    scores = [adjusted_rand_score(first, lookalike_segments(features, n_segments, s)) for s in seeds[1:]]
    return float(np.mean(scores)) if scores else 1.0


@dataclass(frozen=True)
class Bound:
    """One condition of a segment rule: ``low < feature <= high`` (either side may be open)."""

    feature: str
    low: float | None
    high: float | None


#: A segment rule: its conditions, all of which hold (empty: everyone).
SegmentRule = tuple[Bound, ...]


def explain_segments(
    features: pd.DataFrame, labels: npt.NDArray[np.int64], depth: int = TREE_DEPTH
) -> tuple[dict[int, list[str]], float]:
    """Readable rules per segment from a decision tree of ``depth`` fitted to the labels, and the
    share of customers whose segment the rules reproduce (the tree's agreement)."""
    rules, agreement = segment_rules(features, labels, depth)
    return {segment: [rule_text(r) for r in found] for segment, found in rules.items()}, agreement


def segment_rules(
    features: pd.DataFrame, labels: npt.NDArray[np.int64], depth: int = TREE_DEPTH
) -> tuple[dict[int, list[SegmentRule]], float]:
    """The rules of ``explain_segments`` as conditions, for a caller that words them itself."""
    from sklearn.tree import DecisionTreeClassifier

    tree = DecisionTreeClassifier(max_depth=depth, random_state=0, min_samples_leaf=max(5, len(labels) // 200))
    tree.fit(features.to_numpy(dtype=float), labels)
    agreement = float((tree.predict(features.to_numpy(dtype=float)) == labels).mean())
    t = tree.tree_
    rules: dict[int, list[SegmentRule]] = {int(k): [] for k in np.unique(labels)}

    def walk(node: int, bounds: dict[str, list[float | None]]) -> None:
        if t.children_left[node] == -1:
            segment = int(tree.classes_[int(np.argmax(t.value[node][0]))])
            rules[segment].append(tuple(Bound(name, low, high) for name, (low, high) in bounds.items()))
            return
        name = features.columns[t.feature[node]]
        threshold = float(t.threshold[node])
        low, high = bounds.get(name, [None, None])
        walk(t.children_left[node], {**bounds, name: [low, threshold if high is None else min(high, threshold)]})
        walk(t.children_right[node], {**bounds, name: [threshold if low is None else max(low, threshold), high]})

    walk(0, {})
    return rules, agreement


@dataclass(frozen=True)
class RuleWords:
    """How one reader words a segment rule: feature names, the two conditions, money amounts."""

    feature: Callable[[str], str]           # feature id -> its name
    above: Callable[[str, str], str]        # (name, value) -> "name > value"
    at_most: Callable[[str, str], str]      # (name, value) -> "name <= value"
    joiner: str
    everyone: str                           # a rule without conditions
    money: Callable[[float], str]


#: The analysis report's words: "monthly transfers > 3.5 and deposits <= 50,000".
REPORT_RULE_WORDS = RuleWords(feature=lambda f: f.replace("_", " "), above=lambda f, v: f"{f} > {v}",
                              at_most=lambda f, v: f"{f} <= {v}", joiner=" and ", everyone="everyone",
                              money=lambda v: f"{v:,.0f}")


def rule_text(rule: SegmentRule, words: RuleWords = REPORT_RULE_WORDS) -> str:
    """A rule in ``words`` (the report's English unless given)."""
    def value(feature: str, number: float) -> str:
        return words.money(number) if feature in _MONEY else f"{number:.1f}".rstrip("0").rstrip(".")

    parts = []
    for bound in rule:
        name = words.feature(bound.feature)
        if bound.low is not None:
            parts.append(words.above(name, value(bound.feature, bound.low)))
        if bound.high is not None:
            parts.append(words.at_most(name, value(bound.feature, bound.high)))
    return words.joiner.join(parts) if parts else words.everyone


def segment_profiles(book: pd.DataFrame, labels: npt.NDArray[np.int64], lifetime_value: npt.NDArray[np.float64],
                     rules: dict[int, list[str]]) -> pd.DataFrame:
    """Per segment: size, share, total and median lifetime value, typical products, medians of
    the behaviour that sets it apart, and its rules."""
    from advisor_core.analytics.book import HOLDING_COLUMNS

    frame = book.assign(segment=labels, lifetime_value=lifetime_value)
    grouped = frame.groupby("segment", sort=True)
    held_share = grouped[list(HOLDING_COLUMNS)].agg(lambda s: float((s > 0).mean()))
    def most_held(row: pd.Series) -> str:
        top = row.sort_values(ascending=False)[:3].items()
        return ", ".join(f"{c.removeprefix('hold_')} {v:.0%}" for c, v in top if v >= 0.05) or "none"

    typical = held_share.apply(most_held, axis=1)
    profiles = pd.DataFrame({
        "customers": grouped.size(),
        "lifetime_value_total": grouped["lifetime_value"].sum().round(2),
        "lifetime_value_median": grouped["lifetime_value"].median().round(2),
        "median_deposits": grouped["deposits"].median().round(2),
        "median_wealth_products": grouped["wealth_products"].median().round(2),
        "median_transfers": grouped["monthly_transfers"].median(),
        "median_logins": grouped["mobile_logins"].median(),
        "median_flights": grouped["flights_a_year"].median(),
        "typical_products": typical,
        "rules": pd.Series({k: " OR ".join(f"({r})" for r in v) if v else "(no leaf: mixed with others)"
                            for k, v in rules.items()}),
    })
    profiles.insert(1, "share", (profiles["customers"] / max(len(book), 1)).round(4))
    profiles.index.name = "segment"
    return profiles
