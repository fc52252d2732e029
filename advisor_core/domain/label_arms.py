"""The persona label check in the live chat: which arm a customer sees, and the list that shows it.

The label check (``analytics.label_check``) compares, per persona label, how often customers
accept the product their label says they prefer (the ``expected`` arm) against an alternative
(e.g. customers labelled "steady": a bond fund or a money market fund). In the chat:

* a customer's arm is a hash of their persona label and pseudonymous id (:func:`arm_for`), so the
  same customer always sees the same arm, and about half see each;
* a customer takes part only when *both* arms' products may be recommended to them (within their
  level and every other suitability rule) and their recommendations list one of the two: that
  slot then shows the arm's product, and the other arm's product is not shown
  (:func:`show_label_arm`). Otherwise the list is unchanged and there is no experiment.

Nothing is ever shown that the recommendation rules would not show this customer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from advisor_core.domain.recommendation import Recommendation

ARMS: tuple[str, ...] = ("expected", "alternative")


@dataclass(frozen=True)
class LabelAssignment:
    """A customer in a label check: their persona label, their arm and the product it shows."""

    persona: str
    arm: str          # "expected" | "alternative"
    product_id: str


def arm_for(customer_id: str, persona: str) -> str:
    """The arm of ``customer_id`` in the check of ``persona``: the same on every call."""
    digest = hashlib.sha256(f"{persona}:{customer_id}".encode()).digest()
    return "expected" if digest[0] % 2 == 0 else "alternative"


def show_label_arm(shown: Sequence[Recommendation], suitable: Sequence[Recommendation], *,
                   customer_id: str | None, persona: str | None, expected: str | None,
                   alternative: str | None) -> tuple[tuple[Recommendation, ...], LabelAssignment | None]:
    """The recommendations to show and the customer's label-check arm (None: no experiment).

    ``shown`` is the list the recommendation rules chose; ``suitable`` every product they would
    allow this customer (the same rules, no length limit). A guest (no id), a customer without a
    persona label or arms, one for whom either arm is not suitable, or a list with neither arm's
    product is not in the experiment and gets ``shown`` unchanged.
    """
    unchanged = tuple(shown), None
    if not customer_id or not persona or not expected or not alternative:
        return unchanged
    allowed = {r.product.id: r for r in suitable}
    if expected not in allowed or alternative not in allowed:
        return unchanged
    arms = {expected, alternative}
    slots = [i for i, r in enumerate(shown) if r.product.id in arms]
    if not slots:
        return unchanged
    arm = arm_for(customer_id, persona)
    product_id = expected if arm == "expected" else alternative
    rest = [r for r in shown if r.product.id not in arms]
    rest.insert(slots[0], allowed[product_id])
    return tuple(rest), LabelAssignment(persona, arm, product_id)
