"""The KMeans segmentation: deterministic, labels every row, honest summaries."""

from __future__ import annotations

import pandas as pd
import pytest

from advisor_core.analytics import demo_book_frame, describe_segments, generate_demo_book, segment_customers


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return demo_book_frame(generate_demo_book())


@pytest.fixture(scope="module")
def labels(frame: pd.DataFrame) -> pd.Series:
    return segment_customers(frame)


def test_labels_every_row(frame: pd.DataFrame, labels: pd.Series) -> None:
    assert len(labels) == len(frame)
    assert labels.index.equals(frame.index)
    assert labels.notna().all()
    assert labels.dtype == "int64"
    assert set(labels) == {0, 1, 2, 3}


def test_deterministic(frame: pd.DataFrame, labels: pd.Series) -> None:
    pd.testing.assert_series_equal(segment_customers(frame), labels)
    pd.testing.assert_series_equal(segment_customers(frame.copy(), n_segments=4, seed=0), labels)


def test_labels_ordered_by_median_total_assets(frame: pd.DataFrame, labels: pd.Series) -> None:
    summary = describe_segments(frame, labels)
    assert summary["median_total_assets"].is_monotonic_increasing


def test_describe_segments(frame: pd.DataFrame, labels: pd.Series) -> None:
    summary = describe_segments(frame, labels)
    assert list(summary.index) == [0, 1, 2, 3]
    assert summary["size"].sum() == len(frame)
    assert summary["share"].sum() == pytest.approx(1.0)
    for column in ("median_age", "median_demand_balance", "median_investable_assets", "median_total_assets"):
        assert column in summary.columns
    assert summary["median_age"].between(18, 85).all()
    first = frame[labels == 0]
    assert summary.loc[0, "median_age"] == first["age"].median()


def test_other_segment_counts_and_custom_index(frame: pd.DataFrame) -> None:
    small = frame.iloc[:300].set_index("customer_id", drop=False)
    two = segment_customers(small, n_segments=2, seed=5)
    assert two.index.equals(small.index)
    assert set(two) == {0, 1}
    one = segment_customers(small, n_segments=1)
    assert set(one) == {0}


def test_invalid_inputs(frame: pd.DataFrame, labels: pd.Series) -> None:
    with pytest.raises(ValueError, match="missing"):
        segment_customers(frame.drop(columns="age"))
    with pytest.raises(ValueError):
        segment_customers(frame.iloc[:3], n_segments=4)
    with pytest.raises(ValueError):
        segment_customers(frame, n_segments=0)
    with pytest.raises(ValueError):
        describe_segments(frame, labels.iloc[:-1])
    broken = frame.copy()
    broken.loc[broken.index[0], "total_assets"] = float("nan")
    with pytest.raises(ValueError):
        segment_customers(broken)
