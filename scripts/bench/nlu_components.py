#!/usr/bin/env python
"""Where the time of parsing one typed message goes, per node of the trained model's NLU graph.

A benchmark: it measures and prints. Run from the repository root after a training:

    .venv/bin/python scripts/bench/nlu_components.py [--model var/test-model/advisor.tar.gz] [--rounds 30]

Loads the model in-process with Rasa's `Agent` (no servers), with TensorFlow's threads as the
assistant's server has them (one, unless TF_INTRA_OP_/TF_INTER_OP_PARALLELISM_THREADS say
otherwise) and Rasa's default log level, parses typed messages like those of bench.py's
conversations `--rounds` times each and prints the median wall time of each graph node per message
and of the whole parse. `--gap-ms` puts busy work between parses, as a server has other work
between two messages (TensorFlow's threads and the CPU caches go cold).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TYPED = [
    "hello", "I want to take the risk questionnaire", "42", "what is a money market fund?",
    "how do index funds work", "thanks a lot", "bye", "what does volatility mean",
    "show me the Steady Bond Fund", "I'd like to plan for my child's education",
    "tell me about Deposit Plus", "can I talk to a person", "my reference is C123456",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=str(ROOT / "var" / "test-model" / "advisor.tar.gz"))
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--gap-ms", type=float, default=0.0,
                        help="busy Python work between parses, as a server does between messages (default 0)")
    args = parser.parse_args()

    import logging

    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog
    from rasa.utils.tensorflow.environment import setup_tf_environment

    from tests.e2e.conftest import RASA_SERVER_ENV

    for name, value in RASA_SERVER_ENV.items():  # TensorFlow's threads as the assistant's server has them
        os.environ.setdefault(name, value)
    setup_tf_environment()  # as `rasa run` does
    configure_logging_and_warnings(logging.INFO)
    configure_structlog(logging.INFO)
    from rasa.engine.graph import GraphNode

    timings: dict[str, list[float]] = defaultdict(list)
    original_call = GraphNode.__call__

    def timed_call(self: Any, *inputs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original_call(self, *inputs)
        finally:
            timings[self._node_name].append((time.perf_counter() - start) * 1000)

    agent = Agent.load(args.model)
    processor = agent.processor
    assert processor is not None

    async def parse_all(rounds: int) -> list[float]:
        totals = []
        for _ in range(rounds):
            for text in TYPED:
                start = time.perf_counter()
                await agent.parse_message(text)
                totals.append((time.perf_counter() - start) * 1000)
                busy_until = time.perf_counter() + args.gap_ms / 1000
                while time.perf_counter() < busy_until:
                    pass
        return totals

    asyncio.run(parse_all(2))  # warm-up: TensorFlow builds its graphs on the first calls
    GraphNode.__call__ = timed_call
    totals = asyncio.run(parse_all(args.rounds))
    GraphNode.__call__ = original_call

    print(f"{len(totals)} parses of {len(TYPED)} typed messages; median ms per parse")
    print(f"{'whole parse':60s} {statistics.median(totals):7.2f}")
    for name, values in sorted(timings.items(), key=lambda item: -statistics.median(item[1])):
        print(f"{name:60s} {statistics.median(values):7.2f}")
    example = asyncio.run(agent.parse_message("tell me about the Steady Bond Fund, my ref is C123456"))
    print("example:", example["intent"], example.get("entities"))


if __name__ == "__main__":
    main()
