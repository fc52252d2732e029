"""A small, descriptive customer segmentation for advisors' campaign planning.

KMeans on standardised features: log balances (demand, investable, total), age and
monthly transactions. It groups similar customers; it predicts nothing and says
nothing about suitability - a customer's risk level always comes from their own
assessment, never from a segment.

Segments are renumbered by median total assets (0 = the least wealthy), so a label
keeps its meaning across runs with the same data and seed.
"""

from __future__ import annotations

import numpy as np
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


def _feature_matrix(frame: pd.DataFrame) -> np.ndarray:
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
