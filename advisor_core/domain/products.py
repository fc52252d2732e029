"""The product catalog: what the bank offers and how risky each product is."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from decimal import Decimal

from advisor_core.domain.levels import RiskRating
from advisor_core.domain.texts import Localized, Texts, default_texts, in_language
from advisor_core.errors import UnknownProductError


class ProductType(enum.StrEnum):
    DEPOSIT = "deposit"
    STRUCTURED_DEPOSIT = "structured_deposit"
    BANK_WEALTH = "bank_wealth"
    FUND = "fund"
    FUND_PLAN = "fund_plan"
    LOAN = "loan"

    @property
    def never_sold_above_level(self) -> bool:
        """Bank wealth products and structured deposits are never sold above level [BANK]."""
        return self in (ProductType.BANK_WEALTH, ProductType.STRUCTURED_DEPOSIT)


class Audience(enum.StrEnum):
    """Who a product may be shown to: every customer, or only a verified advisor (cross-sells)."""

    CUSTOMER = "customer"
    ADVISOR = "advisor"


class Liquidity(enum.StrEnum):
    DAILY = "daily"          # money back the same or next day
    T_PLUS_3 = "t_plus_3"    # a few working days
    FIXED_TERM = "fixed_term"

    def words(self, texts: Texts) -> str:
        """How the customer gets their money back, in words (texts ``liquidity.<value>``)."""
        return texts.render(f"liquidity.{self.value}")


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    type: ProductType
    risk_rating: RiskRating
    minimum_amount: Decimal
    horizon_months: int            # the shortest holding period the product is designed for
    liquidity: Liquidity
    return_low: Decimal            # illustrative annual return range in percent, never promised
    return_high: Decimal
    goals: tuple[str, ...]
    description: str
    audience: Audience = Audience.CUSTOMER   # ADVISOR: an advisor-facing cross-sell only
    min_total_assets: Decimal = Decimal(0)
    #: name and description as the customer reads them in other languages (catalog_v1.<language>.yaml).
    #: Not compared: the product is the same whatever translations were loaded.
    name_local: Localized = field(default=(), compare=False)
    description_local: Localized = field(default=(), compare=False)

    def name_in(self, language: str) -> str:
        return in_language(self.name, self.name_local, language)

    def description_in(self, language: str) -> str:
        return in_language(self.description, self.description_local, language)

    def return_range(self, texts: Texts) -> str:
        """The illustrative return range, never a promise: "illustrative 1.0% to 2.2% a year, not guaranteed"."""
        return texts.render("product.return_range", low=self.return_low, high=self.return_high)

    @property
    def return_range_words(self) -> str:
        """:meth:`return_range` in English."""
        return self.return_range(default_texts())


@dataclass(frozen=True)
class DepositRates:
    demand_rate: Decimal              # percent a year on a demand (current) account
    deposit_plus_multiple: Decimal    # deposit-plus pays this multiple of the demand rate
    deposit_plus_bonus_rate: Decimal  # extra percent a year once held long enough
    bonus_after_months: int
    deposit_insurance_limit: Decimal
    offer_above_balance: Decimal      # deposit-plus is offered above this demand balance

    def offers_deposit_plus(self, demand_balance: Decimal | None) -> bool:
        """The one deposit-plus eligibility rule: a demand balance strictly above the threshold."""
        return demand_balance is not None and demand_balance > self.offer_above_balance


@dataclass(frozen=True)
class Catalog:
    version: str
    products: tuple[Product, ...]
    rates: DepositRates

    def get(self, product_id: str) -> Product:
        for product in self.products:
            if product.id == product_id:
                return product
        raise UnknownProductError(product_id)

    def __contains__(self, product_id: object) -> bool:
        return any(p.id == product_id for p in self.products)
