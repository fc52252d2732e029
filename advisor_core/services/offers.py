"""What the assistant showed a customer, what they clicked and what they accepted.

Offer events feed the persona label check and the assistant's funnel
(``advisor_core.analytics``). They are pseudonymous and hold no free text: ids and short codes
only (``[a-z0-9_-]``, at most 64 characters), checked here before anything is stored. A shown
product must be within the customer's level (both arms of a label check are); a click or an
acceptance must follow a "shown" of the same product in the same conversation.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from advisor_core.domain.label_arms import LabelAssignment, arm_for
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.products import Catalog, ProductType
from advisor_core.domain.records import OfferEvent
from advisor_core.domain.suitability import may_recommend
from advisor_core.services.unit_of_work import AbstractUnitOfWork

KINDS: tuple[str, ...] = ("shown", "clicked", "accepted")
ARMS: tuple[str, ...] = ("expected", "alternative", "none")
_CODE = re.compile(r"^[a-z0-9_-]{1,64}$")
_ID = re.compile(r"^[A-Za-z0-9_.:@-]{1,128}$")


@dataclass(frozen=True)
class LabelArm:
    arm: str
    product_id: str


def choose_label_arm(catalog: Catalog, *, customer_id: str, persona: str, expected: str, alternative: str,
                     level: RiskLevel | None, lowest_category: bool = False) -> LabelArm | None:
    """The arm this customer sees in a label check, or None when either arm is above their level.

    The split is a hash of the customer id, so a customer always sees the same arm."""
    for pid in (expected, alternative):
        product = catalog.get(pid)
        if product.type is ProductType.DEPOSIT:
            continue
        if level is None or not may_recommend(level, product.risk_rating):
            return None
        if lowest_category and int(product.risk_rating) > 1:
            return None
    arm = arm_for(customer_id, persona)
    return LabelArm("expected", expected) if arm == "expected" else LabelArm("alternative", alternative)


def label_arm_for(catalog: Catalog, *, customer_id: str, persona: str, level: RiskLevel | None,
                  lowest_category: bool = False) -> LabelArm | None:
    """The label-check arm for a customer with marketing ``persona`` (arms from the analytics
    rules), or None: no check for that persona, or an arm above the customer's level."""
    from advisor_core.analytics.rules import default_rules

    arms = default_rules().label_arms.get(persona)
    if arms is None:
        return None
    return choose_label_arm(catalog, customer_id=customer_id, persona=persona, expected=arms.expected,
                            alternative=arms.alternative, level=level, lowest_category=lowest_category)


def record_offers_shown(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str | None, conversation_id: str,
                        product_ids: list[str] | tuple[str, ...], level: RiskLevel | None, channel: str,
                        now: dt.datetime, label: LabelAssignment | None = None) -> list[OfferEvent]:
    """Record several products shown in one message, in one unit of work (all or nothing).

    With ``label`` (the customer is in a persona label check) the arm's product is recorded with
    the persona and arm; the other products with none, so they stay out of the check."""
    if label is not None and label.product_id not in product_ids:
        raise ValueError(f"the label-check product {label.product_id} is not among those shown")

    def tagged(pid: str) -> tuple[str, str]:
        return (label.persona, label.arm) if label is not None and pid == label.product_id else ("", "none")

    events = [_checked_shown(catalog, "shown", customer_id, conversation_id, pid, level, *tagged(pid), channel, now)
              for pid in product_ids]
    with uow:
        for event in events:
            uow.offer_events.add(event)
        uow.commit()
    return events


def record_offer_response(uow: AbstractUnitOfWork, catalog: Catalog, *, kind: str, customer_id: str | None,
                          conversation_id: str, product_id: str, level: RiskLevel | None, channel: str,
                          now: dt.datetime) -> OfferEvent | None:
    """Record a click or acceptance of a product the assistant showed in this conversation, with the
    persona and arm it was shown under; None (nothing recorded) when it was not shown here - a
    customer asking for a product on their own is not responding to an offer."""
    if kind not in ("clicked", "accepted"):
        raise ValueError(f"kind must be clicked or accepted, got {kind!r}")
    catalog.get(product_id)
    with uow:
        shown = [e for e in uow.offer_events.list_for_conversation(conversation_id)
                 if e.kind == "shown" and e.product_id == product_id]
    if not shown:
        return None
    return _record(uow, kind, customer_id, conversation_id, product_id, level, shown[-1].persona, shown[-1].arm,
                   channel, now)


def record_offer_shown(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str | None, conversation_id: str,
                       product_id: str, level: RiskLevel | None, channel: str, now: dt.datetime,
                       persona: str = "", arm: str = "none") -> OfferEvent:
    """Record that ``product_id`` was shown. Refuses (``ValueError``) a risk-bearing product above
    ``level`` or without one: the assistant must never show it, so nothing is recorded."""
    event = _checked_shown(catalog, "shown", customer_id, conversation_id, product_id, level, persona, arm,
                           channel, now)
    with uow:
        uow.offer_events.add(event)
        uow.commit()
    return event


def record_offer_clicked(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str | None, conversation_id: str,
                         product_id: str, level: RiskLevel | None, channel: str, now: dt.datetime,
                         persona: str = "", arm: str = "none") -> OfferEvent:
    """Record a click on a product shown earlier in the same conversation."""
    catalog.get(product_id)
    _require_shown(uow, conversation_id, product_id)
    return _record(uow, "clicked", customer_id, conversation_id, product_id, level, persona, arm, channel, now)


def record_offer_accepted(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str | None, conversation_id: str,
                          product_id: str, level: RiskLevel | None, channel: str, now: dt.datetime,
                          persona: str = "", arm: str = "none") -> OfferEvent:
    """Record that the customer accepted a product shown earlier in the same conversation."""
    catalog.get(product_id)
    _require_shown(uow, conversation_id, product_id)
    return _record(uow, "accepted", customer_id, conversation_id, product_id, level, persona, arm, channel, now)


def _require_shown(uow: AbstractUnitOfWork, conversation_id: str, product_id: str) -> None:
    with uow:
        shown = any(e.kind == "shown" and e.product_id == product_id
                    for e in uow.offer_events.list_for_conversation(conversation_id))
    if not shown:
        raise ValueError(f"{product_id} was not shown in this conversation: a click or acceptance needs a shown offer")


def _checked_shown(catalog: Catalog, kind: str, customer_id: str | None, conversation_id: str, product_id: str,
                   level: RiskLevel | None, persona: str, arm: str, channel: str, now: dt.datetime) -> OfferEvent:
    product = catalog.get(product_id)
    if product.type not in (ProductType.DEPOSIT, ProductType.LOAN):
        if level is None or not may_recommend(level, product.risk_rating):
            raise ValueError(f"{product_id} ({product.risk_rating.name}) is above level "
                             f"{level.name if level else 'none'}: not recorded as shown")
    return _event(kind, customer_id, conversation_id, product_id, level, persona, arm, channel, now)


def _record(uow: AbstractUnitOfWork, kind: str, customer_id: str | None, conversation_id: str, product_id: str,
            level: RiskLevel | None, persona: str, arm: str, channel: str, now: dt.datetime) -> OfferEvent:
    event = _event(kind, customer_id, conversation_id, product_id, level, persona, arm, channel, now)
    with uow:
        uow.offer_events.add(event)
        uow.commit()
    return event


def _event(kind: str, customer_id: str | None, conversation_id: str, product_id: str,
           level: RiskLevel | None, persona: str, arm: str, channel: str, now: dt.datetime) -> OfferEvent:
    for name, value in (("product_id", product_id), ("channel", channel)):
        if not _CODE.match(value):
            raise ValueError(f"{name} must be a short code ([a-z0-9_-], 1-64), got {value!r}")
    if persona and not _CODE.match(persona):
        raise ValueError(f"persona must be a short code ([a-z0-9_-], 1-64), got {persona!r}")
    if arm not in ARMS:
        raise ValueError(f"arm must be one of {', '.join(ARMS)}, got {arm!r}")
    for name, ident in (("customer_id", customer_id), ("conversation_id", conversation_id)):
        if ident is not None and not _ID.match(ident):
            raise ValueError(f"{name} must be an id (letters, digits, _.:@-, 1-128), got {ident!r}")
    return OfferEvent(event_id=uuid.uuid4().hex, customer_id=customer_id, conversation_id=conversation_id,
                      kind=kind, product_id=product_id, customer_level=level.name if level else "",
                      persona=persona, arm=arm, channel=channel, created_at=now)
