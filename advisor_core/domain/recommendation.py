"""Ranked, suitable product recommendations with the reasons in words.

Hard rules (a product failing one is never shown) come first; the ranking only orders what is
left. Whatever the inputs, nothing rated above the customer's level is returned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from advisor_core.domain.levels import RiskLevel, RiskRating
from advisor_core.domain.products import Audience, Catalog, Product, ProductType
from advisor_core.domain.scoring import AGE_REVIEW
from advisor_core.domain.suitability import may_recommend, needs_human_review
from advisor_core.domain.tiers import WealthTier, wealth_tier

DEPOSIT_PLUS = "deposit_plus"
# The shortest number of months each horizon answer (item 9) guarantees.
HORIZON_MONTHS = {"lt_1y": 0, "1_3y": 12, "3_5y": 36, "5_10y": 60, "gt_10y": 120}
MORTGAGE_SEASONING_DAYS = 365
SHOWN_PER_TIER = {WealthTier.MASS: 3, WealthTier.AFFLUENT: 5, WealthTier.HIGH_NET_WORTH: 8}
SHOWN_UNKNOWN_TIER = 4
GOAL_WORDS = {
    "child_education": "your child's education", "retirement": "retirement",
    "home_purchase": "buying a home", "business_liquidity": "business cash needs",
    "wealth_growth": "growing your wealth", "none": "general saving",
}


@dataclass(frozen=True)
class CustomerContext:
    """What is known about the customer; anything unknown is None or empty."""

    level: RiskLevel | None               # None: no valid assessment
    lowest_category: bool = False
    goals: tuple[str, ...] = ()
    horizon: str | None = None            # the item-9 option id
    age: int | None = None
    demand_balance: Decimal | None = None
    investable_assets: Decimal | None = None
    total_assets: Decimal | None = None
    holdings: tuple[str, ...] = ()        # product ids held
    mortgage_start: dt.date | None = None
    today: dt.date = field(default_factory=lambda: dt.date(1970, 1, 1))

    @property
    def tier(self) -> WealthTier | None:
        return wealth_tier(self.total_assets) if self.total_assets is not None else None


@dataclass(frozen=True)
class Recommendation:
    product: Product
    reasons: tuple[str, ...]
    rank_score: int


@dataclass(frozen=True)
class Exclusion:
    product: Product
    rule: str   # a short code, e.g. "above_level"
    reason: str


def holding_period(months: int) -> str:
    """ "6 months", "1 year", "5 years" """
    if months % 12:
        return f"{months} months"
    years = months // 12
    return f"{years} year" if years == 1 else f"{years} years"


def _mortgage_seasoned(ctx: CustomerContext) -> bool:
    return (ctx.mortgage_start is not None
            and (ctx.today - ctx.mortgage_start).days >= MORTGAGE_SEASONING_DAYS)


def check_product(product: Product, ctx: CustomerContext, catalog: Catalog,
                  audience: Audience = Audience.CUSTOMER) -> Exclusion | None:
    """The first hard rule the product fails for this customer, or None if it may be shown."""
    if product.id in ctx.holdings:
        return Exclusion(product, "already_held", "already held")
    if product.audience is Audience.ADVISOR and audience is not Audience.ADVISOR:
        return Exclusion(product, "advisor_only", "an advisor-facing offer, not shown to customers")
    if product.type is ProductType.LOAN:
        if audience is Audience.CUSTOMER and ctx.level is None:
            return Exclusion(product, "no_assessment", "cross-sell offers are not shown before an assessment")
        if not _mortgage_seasoned(ctx):
            return Exclusion(product, "mortgage_under_a_year",
                             "offered only when a mortgage has run for at least a year")
        return None
    if product.id == DEPOSIT_PLUS and not catalog.rates.offers_deposit_plus(ctx.demand_balance):
        return Exclusion(product, "demand_balance_too_low",
                         f"offered when the demand balance is above {catalog.rates.offer_above_balance:,}")
    if ctx.level is None:
        if product.type is ProductType.DEPOSIT:
            return None
        return Exclusion(product, "no_assessment",
                         "no valid risk assessment, so no risk-bearing product may be recommended")
    if ctx.lowest_category and product.risk_rating > RiskRating.R1:
        return Exclusion(product, "lowest_category", "the lowest risk category may only be offered R1")
    if not may_recommend(ctx.level, product.risk_rating):
        return Exclusion(product, "above_level",
                         f"rated {product.risk_rating.name}, above level {ctx.level.name} (AMAC matching table)")
    if needs_human_review(ctx.age, product.risk_rating):
        return Exclusion(product, "age_review",
                         f"rated {product.risk_rating.name}: at {AGE_REVIEW} or over it needs a human advisor's review")
    if product.min_total_assets and (ctx.total_assets is None or ctx.total_assets < product.min_total_assets):
        return Exclusion(product, "below_tier", f"for clients with at least {product.min_total_assets:,} in assets")
    if ctx.investable_assets is not None and product.minimum_amount > ctx.investable_assets:
        return Exclusion(product, "below_minimum", f"minimum amount {product.minimum_amount:,}")
    if ctx.horizon is not None and product.horizon_months > HORIZON_MONTHS.get(ctx.horizon, 0) \
            and product.risk_rating >= RiskRating.R2:
        period = holding_period(product.horizon_months)
        return Exclusion(product, "horizon_too_short",
                         f"designed to be held at least {period}, longer than your horizon")
    return None


def _reasons_and_score(product: Product, ctx: CustomerContext, catalog: Catalog) -> tuple[list[str], int]:
    reasons: list[str] = []
    score = 0
    if product.type is ProductType.LOAN:
        reasons.append("Your mortgage has run for over a year, so you qualify for the renovation "
                       "instalment offer; it is credit, not an investment.")
        return reasons, 1
    if ctx.level is not None:
        reasons.append(f"Rated {product.risk_rating.name}, within your risk level {ctx.level.name}.")
        below = int(ctx.level) - int(product.risk_rating)  # 0: at the level, 1: one below
        score += 2 if below == 0 else (1 if below == 1 else 0)
    matched = [g for g in ctx.goals if g in product.goals]
    for goal in matched:
        reasons.append(f"It serves your goal: {GOAL_WORDS.get(goal, goal)}.")
    score += 3 * len(matched)
    if "child_education" in matched and product.type is ProductType.FUND_PLAN:
        score += 4
    if product.id == DEPOSIT_PLUS:
        reasons.append(f"Your current account holds more than {catalog.rates.offer_above_balance:,}: "
                       f"deposit-plus pays {catalog.rates.deposit_plus_multiple} times the demand rate, "
                       "and it is a deposit covered by deposit insurance, not an investment.")
        score += 10  # the bank's playbook: idle demand balances above the threshold come first
    if ctx.horizon is not None and product.horizon_months <= HORIZON_MONTHS.get(ctx.horizon, 0):
        if product.horizon_months:
            period = holding_period(product.horizon_months)
            reasons.append(f"It is meant to be held at least {period}, which fits your horizon.")
            score += 1
    reasons.append(f"Liquidity: {product.liquidity.words}.")
    if product.type is not ProductType.DEPOSIT:
        reasons.append(f"Return: {product.return_range_words}.")
    return reasons, score


def recommend(catalog: Catalog, ctx: CustomerContext, *, audience: Audience = Audience.CUSTOMER,
              limit: int | None = None) -> list[Recommendation]:
    """Suitable products, best first, each with its reasons. Never above the customer's level."""
    found: list[Recommendation] = []
    for product in catalog.products:
        if check_product(product, ctx, catalog, audience) is not None:
            continue
        reasons, score = _reasons_and_score(product, ctx, catalog)
        found.append(Recommendation(product, tuple(reasons), score))
    found.sort(key=lambda r: (-r.rank_score, int(r.product.risk_rating), r.product.id))
    if limit is None:
        limit = SHOWN_PER_TIER[ctx.tier] if ctx.tier is not None else SHOWN_UNKNOWN_TIER
        if audience is Audience.ADVISOR:
            limit = len(found)
    return found[:limit]


def explain_product(catalog: Catalog, product_id: str, ctx: CustomerContext,
                    audience: Audience = Audience.ADVISOR) -> tuple[bool, list[str]]:
    """Whether the product may be recommended to this customer, with the rule cited."""
    product = catalog.get(product_id)
    excluded = check_product(product, ctx, catalog, audience)
    if excluded is not None:
        return False, [f"Not suitable ({excluded.rule}): {excluded.reason}."]
    reasons, _ = _reasons_and_score(product, ctx, catalog)
    return True, reasons
