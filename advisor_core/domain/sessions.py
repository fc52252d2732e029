"""What a new conversation session keeps of the one before: the one carry-over policy.

A new session (after the session expiry, or when the tracker store continues a long session at
rest) keeps only what the customer told the assistant that still holds and cannot be read
again from the bank's records. It drops everything else:

* answers in progress, pending product requests and confirmations - a confirmation needs its
  warning in the same exchange, and half a questionnaire must not be completed days later;
* identity (``customer_id``, ``user_role``) - identity is decided per message from the token;
* the risk level - it is read again from the stored assessment, whose validity may have ended.

See docs/conversation-contract.md ("Sessions").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Slots a new session keeps, when they have a value.
CARRY_OVER_SLOTS: tuple[str, ...] = (
    "kyc_goals",   # the customer's wealth goals, which shape recommendations
    "language",    # the conversation's language (conversation contract, "Language")
)


def carried_over(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The slot values a new session starts with: the policy's slots that have a value."""
    return {name: slots[name] for name in CARRY_OVER_SLOTS if slots.get(name) is not None}
