"""The servers' logs hold no tokens, names or balances.

Independent of the other end-to-end tests and of their order: the test holds its own
conversations on the shared servers (a signed-in customer who sees their own balance, an advisor
who asks for that customer's summary, a message with a forged token), then reads everything the
servers have logged so far - its own conversations, and those of any test that ran before it.
"""

from __future__ import annotations

import uuid

import pytest

from advisor_core.analytics.demo_book import generate_demo_book
from advisor_core.identity import issue_token
from advisor_core.services.recommendations import money
from tests.e2e.conftest import Stack, advisor_token, customer_token

pytestmark = pytest.mark.e2e

FORGING_SECRET = "not-the-servers-secret-but-long-enough-for-hs256"


def test_logs_hold_no_tokens_names_or_balances(stack: Stack) -> None:
    book = generate_demo_book(500)  # the book the stack loaded (load-demo --customers 500)
    rich = next(c for c in book if c.demand_balance > 50_000)
    token = customer_token(rich.customer_id)
    reply = stack.texts(f"e2e-{uuid.uuid4().hex}", "tell me about deposit plus", {"auth_token": token})
    assert money(rich.demand_balance) in reply  # the customer does see their own balance

    advisor = advisor_token()
    summary = stack.texts(f"e2e-{uuid.uuid4().hex}", f"show me the profile of customer {rich.customer_id}",
                          {"auth_token": advisor})
    assert rich.customer_id in summary

    forged = issue_token(rich.customer_id, "customer", FORGING_SECRET)
    as_guest = stack.texts(f"e2e-{uuid.uuid4().hex}", "tell me about deposit plus", {"auth_token": forged})
    assert money(rich.demand_balance) not in as_guest  # a forged token signs no one in

    logs = stack.log_text()
    assert logs, "the servers wrote no logs at all"
    for secret in (token, advisor, forged):
        assert secret not in logs
    for customer in book:
        assert customer.display_name not in logs
    assert money(rich.demand_balance) not in logs
    assert str(rich.demand_balance) not in logs
