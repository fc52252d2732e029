"""Wealth tiers by total financial assets; they shape how much is shown to a customer."""

from __future__ import annotations

import enum
from decimal import Decimal

AFFLUENT_FROM = Decimal("50000")
HIGH_NET_WORTH_FROM = Decimal("1000000")


class WealthTier(enum.StrEnum):
    MASS = "mass"
    AFFLUENT = "affluent"
    HIGH_NET_WORTH = "high_net_worth"


def wealth_tier(total_assets: Decimal) -> WealthTier:
    if total_assets >= HIGH_NET_WORTH_FROM:
        return WealthTier.HIGH_NET_WORTH
    if total_assets >= AFFLUENT_FROM:
        return WealthTier.AFFLUENT
    return WealthTier.MASS
