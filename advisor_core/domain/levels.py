"""Customer risk levels (C1-C5) and product risk ratings (R1-R5)."""

from __future__ import annotations

import enum


class RiskLevel(enum.IntEnum):
    """A customer's assessed risk level; higher bears more risk."""

    C1 = 1
    C2 = 2
    C3 = 3
    C4 = 4
    C5 = 5

    @classmethod
    def parse(cls, value: str) -> RiskLevel:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"not a risk level: {value!r} (expected C1..C5)") from None


class RiskRating(enum.IntEnum):
    """A product's risk rating; higher is riskier."""

    R1 = 1
    R2 = 2
    R3 = 3
    R4 = 4
    R5 = 5

    @classmethod
    def parse(cls, value: str) -> RiskRating:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(f"not a risk rating: {value!r} (expected R1..R5)") from None


def highest_rating_for(level: RiskLevel) -> RiskRating:
    """The AMAC matching table: Cn may be recommended R1..Rn."""
    return RiskRating(int(level))
