"""A button payload parses to exactly what the whole NLU pipeline makes of it (rasa_patches).

Loads the shared test model in this process with Rasa's Agent and compares, message by message,
the patched `_parse_message_with_graph` with the pipeline it skips.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa.core.agent import Agent, load_agent
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_bot  # noqa: F401  (applies the patches)
from tests.e2e.conftest import model_path

PAYLOADS = [
    "/start_risk_assessment",
    "/ask_recommendation",
    '/inform{"option": "le_5"}',
    '/inform{"option": "100k_500k"}',
    '  /affirm  ',
    "/request_product" + json.dumps({"product": "tech_thematic_fund"}),
    "/inform@0.4",
    "/faq",
]
NOT_REPLACED = [
    "/no_such_intent",               # unknown to the domain: the pipeline classifies the text
    '/inform{"option": "le_5"',      # malformed entities
    "/",
    "what is a bond fund",
    "I'd lose /at most/ 5%",
]


@pytest.fixture(scope="module")
def agent() -> Agent:
    return asyncio.run(load_agent(model_path=str(model_path())))


def both_ways(processor: MessageProcessor, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    message = UserMessage(text, sender_id="payload-test")
    tracker = DialogueStateTracker("payload-test", processor.domain.slots)
    patched = processor._parse_message_with_graph(message, tracker)
    pipeline = MessageProcessor._parse_message_with_graph.through_pipeline(processor, message, tracker)
    return patched, pipeline


@pytest.mark.parametrize("text", PAYLOADS + NOT_REPLACED)
def test_same_parse_as_the_pipeline(agent: Agent, text: str) -> None:
    patched, pipeline = both_ways(agent.processor, text)
    assert patched == pipeline


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_payload_skips_the_pipeline(agent: Agent, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pipeline(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the NLU pipeline ran")

    monkeypatch.setattr(agent.processor.graph_runner, "run", no_pipeline)
    parse = agent.processor._parse_message_with_graph(UserMessage(text, sender_id="p"),
                                                      DialogueStateTracker("p", agent.processor.domain.slots))
    assert parse["intent"]["name"] == text.strip()[1:].split("{")[0].split("@")[0]
