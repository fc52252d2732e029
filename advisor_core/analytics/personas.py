"""A customer's marketing persona label, one rule for the analytics book and the chat.

The rule (``rules_v1.yaml``, ``label_check.labelling``): ``growth`` when the customer holds a
growth product or their risk level is at least ``growth_min_level``; else ``cash_keeper`` when
deposits (the demand balance and the deposit products; in the book also time deposits) are more
than ``cash_keeper_deposit_share`` of total assets; else ``steady``.

:func:`persona_of` labels one customer record in the chat (its level from a valid assessment);
:func:`persona_column` labels a whole book at once (numpy); a test checks they agree.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from advisor_core.analytics.rules import PersonaRules
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.records import Customer

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import numpy.typing as npt


def persona_of(customer: Customer, level: RiskLevel | None, rules: PersonaRules) -> str:
    """The persona label of one customer; ``level`` is their valid risk level (None: none)."""
    held = {h.product_id for h in customer.holdings if h.amount > 0}
    if held & set(rules.growth_products) or (level is not None and int(level) >= rules.growth_min_level):
        return "growth"
    deposits = customer.demand_balance + sum(
        (h.amount for h in customer.holdings if h.product_id in rules.deposit_products), Decimal(0))
    if deposits > rules.cash_keeper_deposit_share * max(customer.total_assets, Decimal(1)):
        return "cash_keeper"
    return "steady"


def persona_column(growth_held: npt.NDArray[np.bool_], level: npt.NDArray[np.integer[Any]],
                   deposits: npt.NDArray[np.floating[Any]], total: npt.NDArray[np.floating[Any]],
                   rules: PersonaRules) -> npt.NDArray[np.str_]:
    """The persona label of every customer of a book: ``growth_held`` (holds a growth product),
    ``level`` (0 = none), ``deposits`` and ``total`` (assets), one entry per customer."""
    import numpy as np

    share = float(rules.cash_keeper_deposit_share)
    return np.select([growth_held | (level >= rules.growth_min_level), deposits > share * np.maximum(total, 1.0)],
                     ["growth", "cash_keeper"], "steady")
