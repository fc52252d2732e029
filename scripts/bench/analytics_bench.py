"""Analytics batch: pandas on one machine vs Dask on a (local) cluster, time and peak memory.

    uv run --frozen --no-sync python scripts/bench/analytics_bench.py                 # 1M and 10M
    uv run --frozen --no-sync python scripts/bench/analytics_bench.py --sizes 200000  # a quick look
    ... --scheduler tcp://host:8786   # a real Dask cluster (every worker must see --workdir)

For each size it writes a synthetic book as partitioned Parquet (on the Dask workers), then runs
the batch - cross-sell campaign counts and lists, lifecycle with lifetime value and next best
action, and the assistant's funnel over replicated recorded conversations - twice:

* pandas: in a child process that reads the whole book into one DataFrame; its memory (the
  process's resident set, sampled) is capped at --memory-budget: above it the child is stopped and
  the run reported as out of memory, which is where one machine's pandas runs out;
* Dask: on a dask.distributed cluster (a LocalCluster of --workers processes, each limited to
  budget / workers, unless --scheduler names a real one), one task per Parquet part.

Printed per size and engine: wall time of the batch (reading included) and peak resident memory
(pandas: the child; Dask: the sum of the local workers, sampled). Not a test: run it by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

TODAY = dt.date(2026, 1, 1)
RECORDED = ROOT / "tests" / "data" / "conversations.jsonl"


class PeakSampler:
    """Samples the resident memory of a process tree (or of this process's children) until stopped."""

    def __init__(self, pid: int | None = None, children_only: bool = False, interval: float = 0.1) -> None:
        import psutil

        self.process = psutil.Process(pid or os.getpid())
        self.children_only = children_only
        self.interval = interval
        self.peak = 0
        self.current = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        import psutil

        try:
            procs = self.process.children(recursive=True)
        except psutil.Error:  # the process has just ended
            return 0
        if not self.children_only:
            procs.append(self.process)
        total = 0
        for proc in procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.current = self._rss()
            self.peak = max(self.peak, self.current)
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def pandas_child(book_dir: str, events_dir: str, lists_dir: str) -> None:
    from advisor_core.adapters.datafiles import default_catalog
    from advisor_core.analytics.batch import run_pandas
    from advisor_core.analytics.rules import default_rules

    catalog, rules = default_catalog(), default_rules()
    started = time.perf_counter()
    result = run_pandas(Path(book_dir), TODAY, catalog, rules, events_dir=Path(events_dir), lists_dir=Path(lists_dir))
    print(json.dumps({"seconds": time.perf_counter() - started, "customers": result.customers,
                      "listed": result.campaigns["listed"].to_dict()}))


def run_pandas_limited(book_dir: Path, events_dir: Path, lists_dir: Path, budget: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--pandas-child", str(book_dir), str(events_dir), str(lists_dir)]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakSampler(proc.pid) as sampler:
        while proc.poll() is None:
            if sampler.current > budget:
                proc.kill()
                proc.wait()
                return {"status": f"OUT OF MEMORY (over the {gib(budget)} budget)", "peak": sampler.peak,
                        "seconds": time.perf_counter() - started}
            time.sleep(0.1)
    out, err = proc.communicate()
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["?"])[-1]
        return {"status": f"FAILED ({last})", "peak": sampler.peak, "seconds": time.perf_counter() - started}
    result = json.loads(out.strip().splitlines()[-1])
    return {"status": "ok", "peak": sampler.peak, "seconds": result["seconds"], "listed": result["listed"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--partition-size", type=int, default=500_000)
    parser.add_argument("--conversations", type=int, default=70_000, help="replicated recorded conversations")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-budget", type=float, default=8.0, help="GiB for pandas, and shared by the workers")
    parser.add_argument("--scheduler", help="address of a real Dask scheduler (default: a LocalCluster here)")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "analytics_bench"))
    parser.add_argument("--keep", action="store_true", help="keep the Parquet files")
    parser.add_argument("--reuse", action="store_true", help="use Parquet files kept by an earlier --keep run")
    parser.add_argument("--engines", choices=["both", "pandas", "dask"], default="both")
    parser.add_argument("--pandas-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pandas_child:
        pandas_child(*args.pandas_child)
        return 0

    from tqdm import tqdm

    from advisor_core.adapters.datafiles import default_catalog
    from advisor_core.analytics.batch import (
        dask_client,
        replicate_events,
        run_dask,
        write_book_parquet,
        write_events_parquet,
    )
    from advisor_core.analytics.funnel import read_events_jsonl
    from advisor_core.analytics.rules import default_rules

    catalog, rules = default_catalog(), default_rules()
    budget = int(args.memory_budget * 2**30)
    workdir = Path(args.workdir)
    recorded = read_events_jsonl(RECORDED)
    copies = max(1, args.conversations // recorded["conversation"].nunique())
    rows = []
    print(f"machine: {os.cpu_count()} cores; memory budget {gib(budget)}; workers {args.workers}; "
          f"partitions of {args.partition_size:,}")
    for size in args.sizes:
        book_dir, events_dir = workdir / f"book_{size}", workdir / f"events_{size}"
        parts = -(-size // args.partition_size)
        reuse = args.reuse and len(list(book_dir.glob("part-*.parquet"))) == parts and events_dir.exists()
        on_dask, dask_seconds, dask_peak = None, float("nan"), float("nan")
        if not reuse or args.engines != "pandas":
            started = time.perf_counter()
            with dask_client(args.scheduler, workers=args.workers, memory_limit=budget // args.workers) as client:
                ready = time.perf_counter() - started
                if not reuse:
                    with tqdm(total=parts, desc=f"write {size:,} customers", unit="part") as bar:
                        t = time.perf_counter()
                        write_book_parquet(book_dir, size, partition_size=args.partition_size, today=TODAY,
                                           client=client, progress=bar.update)
                        print(f"  {size:,}: cluster ready in {ready:.1f}s, Parquet written in "
                              f"{time.perf_counter() - t:.1f}s")
                    write_events_parquet(replicate_events(recorded, copies, seed=1), events_dir, max(2, args.workers))
                if args.engines != "pandas":
                    with PeakSampler(children_only=True) as sampler, \
                            tqdm(total=parts, desc=f"dask batch {size:,}", unit="part") as bar:
                        t = time.perf_counter()
                        on_dask = run_dask(book_dir, TODAY, catalog, rules, client, events_dir=events_dir,
                                           lists_dir=workdir / f"lists_dask_{size}", progress=bar.update)
                        dask_seconds = time.perf_counter() - t
                    dask_peak = sampler.peak if not args.scheduler else float("nan")
        size_on_disk = sum(p.stat().st_size for p in book_dir.glob("*.parquet"))
        print(f"  {size:,} customers, {gib(size_on_disk)} of Parquet")
        if on_dask is not None:
            print(f"  dask:   {dask_seconds:7.1f}s  peak {gib(dask_peak)} (workers)  "
                  f"listed {on_dask.campaigns['listed'].to_dict()}")
        pandas: dict[str, Any] = {"status": "not run", "peak": float("nan"), "seconds": float("nan")}
        if args.engines != "dask":
            pandas = run_pandas_limited(book_dir, events_dir, workdir / f"lists_pandas_{size}", budget)
            print(f"  pandas: {pandas['seconds']:7.1f}s  peak {gib(pandas['peak'])}  {pandas['status']}")
        if pandas["status"] == "ok" and on_dask is not None:
            agree = pandas["listed"] == {k: int(v) for k, v in on_dask.campaigns["listed"].items()}
            print(f"  pandas and dask lists agree: {agree}")
        rows.append((size, pandas, dask_seconds, dask_peak))
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print("\ncustomers    pandas time  pandas peak   dask time  dask peak   pandas status")
    for size, pandas, dask_seconds, dask_peak in rows:
        print(f"{size:>10,}  {pandas['seconds']:>10.1f}s  {gib(pandas['peak']):>11}  {dask_seconds:>9.1f}s  "
              f"{gib(dask_peak):>10}   {pandas['status']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
