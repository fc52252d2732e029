"""The same batch on pandas (one machine) and on Dask (a cluster), over a partitioned Parquet book.

The book is written as ``part-NNNNN.parquet`` files (:func:`write_book_parquet`), each drawn by
``synthetic_book(start=...)`` so the files do not depend on how many workers wrote them. The batch
computes, per partition, the cross-sell campaign counts and lists, the lifecycle stages with their
lifetime value and next best actions, and - over conversation events partitioned by conversation -
the assistant's funnel; partial results are sums, so they add up to the whole:

* :func:`run_pandas` reads the whole book into one DataFrame and runs the batch once;
* :func:`run_dask` runs it per partition on a ``dask.distributed`` cluster and adds the parts up.

Both give the same :class:`BatchResult` for the same book (a test checks it on a small book).

``dask.dataframe`` 2022.10.2 (pinned by Rasa 3.6) cannot import with pandas 2.0, so the Dask path
schedules pandas functions per Parquet file with ``Client.map``; the cluster does the
distribution, pandas the per-partition work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from advisor_core.analytics.book import synthetic_book
from advisor_core.analytics.cross_sell import campaign_lists, cross_sell_frame
from advisor_core.analytics.funnel import combine_counts, funnel_counts
from advisor_core.analytics.lifecycle import lifecycle_frame
from advisor_core.analytics.rules import CAMPAIGN_RULES, STAGES, AnalyticsRules
from advisor_core.domain.products import Catalog


@dataclass(frozen=True)
class BatchResult:
    customers: int
    campaigns: pd.DataFrame     # index campaign: rule (meets the rule), listed (and within level)
    stages: pd.DataFrame        # index stage: customers, lifetime_value_total
    actions: pd.Series          # next best action -> customers
    funnel: pd.DataFrame        # day, channel and the funnel counts


def book_parts(directory: Path) -> list[Path]:
    parts = sorted(Path(directory).glob("part-*.parquet"))
    if not parts:
        raise FileNotFoundError(f"no part-*.parquet files in {directory}")
    return parts


def write_book_part(directory: Path, index: int, size: int, start: int, seed: int, today: dt.date) -> Path:
    path = Path(directory) / f"part-{index:05d}.parquet"
    synthetic_book(size, seed=seed, today=today, start=start).to_parquet(path, index=False)
    return path


def write_book_parquet(directory: Path, n_customers: int, *, partition_size: int = 250_000, seed: int = 1,
                       today: dt.date, client: Any = None,
                       progress: Callable[[int], None] | None = None) -> list[Path]:
    """Write a synthetic book of ``n_customers`` as Parquet parts (on ``client``'s workers if given)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("part-*.parquet"):
        old.unlink()
    specs = [(i, min(partition_size, n_customers - start), start)
             for i, start in enumerate(range(0, n_customers, partition_size))]
    if client is None:
        paths = []
        for i, size, start in specs:
            paths.append(write_book_part(directory, i, size, start, seed, today))
            if progress:
                progress(1)
        return paths
    futures = [client.submit(write_book_part, directory, i, size, start, seed, today, pure=False)
               for i, size, start in specs]
    return _gather(client, futures, progress)


def batch_on_book(book: pd.DataFrame, today: dt.date, catalog: Catalog, rules: AnalyticsRules,
                  lists_dir: Path | None = None, part: int = 0) -> dict[str, Any]:
    """One partition's (or the whole book's) partial results; lists written to ``lists_dir``."""
    offers = cross_sell_frame(book, today, catalog, rules)
    stages = lifecycle_frame(book, today, catalog, rules, offers=offers)
    campaigns = pd.DataFrame({"rule": [int(offers[f"{c}_rule"].sum()) for c in CAMPAIGN_RULES],
                              "listed": [int(offers[c].sum()) for c in CAMPAIGN_RULES]}, index=list(CAMPAIGN_RULES))
    grouped = stages.groupby("stage", observed=False)
    stage_sums = pd.DataFrame({"customers": grouped.size(), "lifetime_value_total": grouped["lifetime_value"].sum()})
    if lists_dir is not None:
        for name, frame in campaign_lists(book, today, catalog, rules, offers=offers).items():
            folder = Path(lists_dir) / name
            folder.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(folder / f"part-{part:05d}.parquet", index=False)
    return {"customers": len(book), "campaigns": campaigns, "stages": stage_sums,
            "actions": stages["next_best_action"].value_counts()}


def _batch_on_file(path: Path, today: dt.date, catalog: Catalog, rules: AnalyticsRules,
                   lists_dir: Path | None) -> dict[str, Any]:
    part = int(Path(path).stem.split("-")[1])
    return batch_on_book(pd.read_parquet(path), today, catalog, rules, lists_dir, part)


def _funnel_on_file(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return funnel_counts(pd.read_parquet(path))


def _combine(parts: list[dict[str, Any]], funnel: pd.DataFrame) -> BatchResult:
    campaigns = sum((p["campaigns"] for p in parts[1:]), parts[0]["campaigns"].copy())
    stages = sum((p["stages"] for p in parts[1:]), parts[0]["stages"].copy())
    actions = pd.concat([p["actions"] for p in parts]).groupby(level=0).sum().sort_index()
    stages = stages.reindex(list(STAGES)).fillna(0)
    stages["customers"] = stages["customers"].astype("int64")
    stages["lifetime_value_total"] = stages["lifetime_value_total"].round(2)
    return BatchResult(sum(p["customers"] for p in parts), campaigns.astype("int64"), stages,
                       actions.astype("int64"), funnel.reset_index(drop=True))


def run_pandas(book_dir: Path, today: dt.date, catalog: Catalog, rules: AnalyticsRules, *,
               events_dir: Path | None = None, lists_dir: Path | None = None) -> BatchResult:
    """The whole book in one DataFrame: the embedded default, bounded by one machine's memory."""
    book = pd.read_parquet(Path(book_dir))
    part = batch_on_book(book, today, catalog, rules, lists_dir, 0)
    funnel = pd.DataFrame()
    if events_dir is not None:
        funnel = funnel_counts(pd.read_parquet(Path(events_dir)))[0]
    return _combine([part], funnel)


def run_dask(book_dir: Path, today: dt.date, catalog: Catalog, rules: AnalyticsRules, client: Any, *,
             events_dir: Path | None = None, lists_dir: Path | None = None,
             progress: Callable[[int], None] | None = None) -> BatchResult:
    """Per Parquet part on the cluster behind ``client``; the parts' sums are added up here."""
    futures = [client.submit(_batch_on_file, path, today, catalog, rules, lists_dir, pure=False)
               for path in book_parts(book_dir)]
    funnel = pd.DataFrame()
    if events_dir is not None:
        event_futures = [client.submit(_funnel_on_file, path, pure=False)
                         for path in sorted(Path(events_dir).glob("part-*.parquet"))]
        funnel = combine_counts(client.gather(event_futures))[0]
    return _combine(_gather(client, futures, progress), funnel)


def _gather(client: Any, futures: list[Any], progress: Callable[[int], None] | None) -> list[Any]:
    if progress is not None:
        from distributed import as_completed

        for _ in as_completed(futures):
            progress(1)
    results: list[Any] = client.gather(futures)
    return results


def write_events_parquet(events: pd.DataFrame, directory: Path, partitions: int) -> list[Path]:
    """Conversation events split by conversation (a hash), so each partition's funnel adds up."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("part-*.parquet"):
        old.unlink()
    bucket = pd.util.hash_pandas_object(events["conversation"], index=False).to_numpy() % partitions
    paths = []
    for i in range(partitions):
        path = directory / f"part-{i:05d}.parquet"
        events[bucket == i].to_parquet(path, index=False)
        paths.append(path)
    return paths


def replicate_events(events: pd.DataFrame, copies: int, seed: int = 0) -> pd.DataFrame:
    """A larger synthetic event set: ``copies`` of recorded conversations under new pseudonyms,
    each shifted by a whole number of days (0-29) so the funnel spans a month."""
    rng = np.random.default_rng(seed)
    shifts = rng.integers(0, 30, copies) * 86_400.0
    n = len(events)
    big = pd.concat([events] * copies, ignore_index=True)
    copy = np.repeat(np.arange(copies), n)
    big["conversation"] = big["conversation"] + "-" + pd.Series(copy).astype(str)
    big["timestamp"] = big["timestamp"].to_numpy() + shifts[copy]
    return big


# --------------------------------------------------------------------------- clusters


def _patch_distributed_for_python_311() -> None:
    """distributed 2022.10.2 (the one matching Rasa's dask pin) hands bare awaitables to
    ``asyncio.wait`` when it starts a local cluster, which Python 3.11 refuses; wrap them in
    tasks. Only that call of that module is changed, and only on Python 3.11+."""
    import asyncio
    import types

    import distributed
    import distributed.deploy.spec as spec

    if sys.version_info < (3, 11) or not distributed.__version__.startswith("2022.") or \
            getattr(spec, "_advisor_wait_patched", False):
        return
    original = asyncio.wait

    async def wait(fs: Any, *args: Any, **kwargs: Any) -> Any:
        return await original([asyncio.ensure_future(f) for f in fs], *args, **kwargs)

    proxy = types.SimpleNamespace(
        **{name: getattr(asyncio, name) for name in dir(asyncio) if not name.startswith("__")}
    )
    proxy.wait = wait
    patched: Any = spec  # the module's global `asyncio` is replaced at run time
    patched.asyncio = proxy
    patched._advisor_wait_patched = True


@contextlib.contextmanager
def dask_client(address: str | None = None, *, workers: int = 2, processes: bool = True,
                memory_limit: str = "auto") -> Iterator[Any]:
    """A client of the cluster at ``address`` (``tcp://host:8786``), or of a local cluster on this
    machine standing in for one."""
    from distributed import Client, LocalCluster

    if address:
        with Client(address) as client:
            yield client
        return
    _patch_distributed_for_python_311()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, memory_limit=memory_limit,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client
