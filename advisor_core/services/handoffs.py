"""Handing a conversation over to a human advisor."""

from __future__ import annotations

import datetime as dt
import uuid

from advisor_core.domain.records import HandoffTicket
from advisor_core.services.unit_of_work import AbstractUnitOfWork

SUMMARY_LIMIT = 600


def open_ticket(uow: AbstractUnitOfWork, *, customer_id: str | None, conversation_id: str, summary: str,
                now: dt.datetime) -> HandoffTicket:
    ticket = HandoffTicket(ticket_id=uuid.uuid4().hex[:12], customer_id=customer_id,
                           conversation_id=conversation_id, summary=summary[:SUMMARY_LIMIT],
                           status="open", created_at=now)
    with uow:
        uow.handoffs.add(ticket)
        uow.commit()
    return ticket


def open_tickets(uow: AbstractUnitOfWork) -> list[HandoffTicket]:
    with uow:
        return uow.handoffs.list_open()
