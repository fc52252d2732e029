"""Faults: the action server goes away mid-questionnaire; the customer is told, nothing is lost."""

from __future__ import annotations

import uuid

import pytest

from rasa_bot.channels import UNAVAILABLE
from tests.e2e.answers import button
from tests.e2e.conftest import Stack, start_actions, stop_process

pytestmark = pytest.mark.e2e


def test_action_server_down_mid_questionnaire_then_resume(stack: Stack) -> None:
    sender = f"e2e-{uuid.uuid4().hex}"
    stack.say(sender, "I want to take the risk questionnaire")
    stack.say(sender, button("one_stable_wage"))
    port = int(stack.action_url.rsplit(":", 1)[1])
    stop_process(stack, "actions")
    try:
        reply = stack.texts(sender, "about 300k")
        assert reply == UNAVAILABLE  # a clear message, not silence
    finally:
        start_actions(stack, port)
    # The conversation resumes at the same question: question 2 was never validated.
    slots = stack.tracker(sender)["slots"]
    assert slots["kyc_income_source"] == "one_stable_wage"
    assert slots["requested_slot"] == "kyc_investable_assets"
    reply = stack.texts(sender, "about 300k")
    assert "Question 3 of 15" in reply
    assert stack.tracker(sender)["slots"]["kyc_investable_assets"] == "100k_500k"
