"""The batch on pandas and on Dask (a local cluster) agrees on the same partitioned Parquet book."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from advisor_core.adapters.datafiles import default_catalog
from advisor_core.analytics.batch import (
    dask_client,
    replicate_events,
    run_dask,
    run_pandas,
    write_book_parquet,
    write_events_parquet,
)
from advisor_core.analytics.funnel import read_events_jsonl
from advisor_core.analytics.rules import default_rules
from tests.analytics_rows import TODAY

RECORDED = Path(__file__).resolve().parents[1] / "data" / "conversations.jsonl"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    catalog, rules = default_catalog(), default_rules()
    with dask_client(processes=False, workers=2) as client:
        paths = write_book_parquet(root / "book", 9_000, partition_size=2_500, today=TODAY, client=client)
        events = replicate_events(read_events_jsonl(RECORDED), 20, seed=2)
        write_events_parquet(events, root / "events", 3)
        on_dask = run_dask(root / "book", TODAY, catalog, rules, client, events_dir=root / "events",
                           lists_dir=root / "lists_dask")
    on_pandas = run_pandas(root / "book", TODAY, catalog, rules, events_dir=root / "events",
                           lists_dir=root / "lists_pandas")
    return root, paths, on_pandas, on_dask


def test_the_book_is_written_in_partitions(results) -> None:
    _, paths, on_pandas, _ = results
    assert [p.name for p in paths] == [f"part-{i:05d}.parquet" for i in range(4)]
    assert on_pandas.customers == 9_000


def test_pandas_and_dask_agree(results) -> None:
    _, _, a, b = results
    assert a.customers == b.customers
    pd.testing.assert_frame_equal(a.campaigns, b.campaigns)
    pd.testing.assert_series_equal(a.stages["customers"], b.stages["customers"])
    pd.testing.assert_series_equal(a.stages["lifetime_value_total"], b.stages["lifetime_value_total"], rtol=1e-9)
    pd.testing.assert_series_equal(a.actions, b.actions)
    pd.testing.assert_frame_equal(a.funnel, b.funnel)
    assert a.campaigns["listed"].sum() > 0 and a.funnel["conversations"].sum() == 20 * 7


def test_the_lists_agree(results) -> None:
    root, _, a, _ = results
    for campaign in a.campaigns.index:
        mine = pd.read_parquet(root / "lists_pandas" / campaign)
        theirs = pd.read_parquet(root / "lists_dask" / campaign)
        assert sorted(mine["customer_id"]) == sorted(theirs["customer_id"])
        assert len(mine) == a.campaigns.loc[campaign, "listed"]
