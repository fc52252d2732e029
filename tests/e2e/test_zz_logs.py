"""Runs last: the servers' logs of the whole end-to-end run hold no tokens, names or balances."""

from __future__ import annotations

import uuid

import pytest

from advisor_core.analytics.demo_book import generate_demo_book
from advisor_core.services.recommendations import money
from tests.e2e.conftest import Stack, advisor_token, customer_token

pytestmark = pytest.mark.e2e


def test_logs_hold_no_tokens_names_or_balances(stack: Stack) -> None:
    book = generate_demo_book(500)
    rich = next(c for c in book if c.demand_balance > 50_000)
    token = customer_token(rich.customer_id)
    sender = f"e2e-{uuid.uuid4().hex}"
    reply = stack.texts(sender, "tell me about deposit plus", {"auth_token": token})
    assert money(rich.demand_balance) in reply  # the customer does see their own balance
    advisor = advisor_token()
    summary = stack.texts(f"e2e-{uuid.uuid4().hex}", f"show me the profile of customer {rich.customer_id}",
                          {"auth_token": advisor})
    assert rich.customer_id in summary

    logs = stack.log_text()
    assert logs, "the servers wrote no logs at all"
    assert token not in logs and advisor not in logs
    for customer in book:
        assert customer.display_name not in logs
    assert money(rich.demand_balance) not in logs
    assert str(rich.demand_balance) not in logs
