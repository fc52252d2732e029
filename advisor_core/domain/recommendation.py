"""Ranked, suitable product recommendations with the reasons in words.

Hard rules (a product failing one is never shown) come first; the ranking only orders what is
left. Whatever the inputs, nothing rated above the customer's level is returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from advisor_core.domain.levels import RiskLevel, RiskRating
from advisor_core.domain.products import Audience, Catalog, Product, ProductType
from advisor_core.domain.scoring import AGE_REVIEW
from advisor_core.domain.suitability import may_recommend, needs_human_review
from advisor_core.domain.texts import Texts, default_texts
from advisor_core.domain.tiers import WealthTier, wealth_tier

DEPOSIT_PLUS = "deposit_plus"
# The shortest number of months each horizon answer (item 9) guarantees.
HORIZON_MONTHS = {"lt_1y": 0, "1_3y": 12, "3_5y": 36, "5_10y": 60, "gt_10y": 120}
MORTGAGE_SEASONING_DAYS = 365
SHOWN_PER_TIER = {WealthTier.MASS: 3, WealthTier.AFFLUENT: 5, WealthTier.HIGH_NET_WORTH: 8}
SHOWN_UNKNOWN_TIER = 4


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
    reasons: tuple[str, ...]   # in the language of the texts it was made with
    rank_score: int


@dataclass(frozen=True)
class Exclusion:
    product: Product
    rule: str   # a short code, e.g. "above_level"
    reason: str


def holding_period(months: int, texts: Texts | None = None) -> str:
    """ "6 months", "1 year", "5 years" ("6个月", "1年", "5年") """
    texts = texts or default_texts()
    if months % 12:
        return texts.render("period.months", n=months)
    years = months // 12
    return texts.render("period.one_year") if years == 1 else texts.render("period.years", n=years)


def _mortgage_seasoned(ctx: CustomerContext) -> bool:
    return (ctx.mortgage_start is not None
            and (ctx.today - ctx.mortgage_start).days >= MORTGAGE_SEASONING_DAYS)


def check_product(product: Product, ctx: CustomerContext, catalog: Catalog,
                  audience: Audience = Audience.CUSTOMER, texts: Texts | None = None) -> Exclusion | None:
    """The first hard rule the product fails for this customer, or None if it may be shown.
    The reason is in ``texts``' language (English by default)."""
    t = texts or default_texts()

    def excluded(rule: str, key: str | None = None, **values: object) -> Exclusion:
        return Exclusion(product, rule, t.render(f"exclusion.{key or rule}", **values))

    if product.id in ctx.holdings:
        return excluded("already_held")
    if product.audience is Audience.ADVISOR and audience is not Audience.ADVISOR:
        return excluded("advisor_only")
    if product.type is ProductType.LOAN:
        if audience is Audience.CUSTOMER and ctx.level is None:
            return excluded("no_assessment", "cross_sell_no_assessment")
        if not _mortgage_seasoned(ctx):
            return excluded("mortgage_under_a_year")
        return None
    if product.id == DEPOSIT_PLUS and not catalog.rates.offers_deposit_plus(ctx.demand_balance):
        return excluded("demand_balance_too_low", threshold=t.money(catalog.rates.offer_above_balance))
    if ctx.level is None:
        if product.type is ProductType.DEPOSIT:
            return None
        return excluded("no_assessment")
    if ctx.lowest_category and product.risk_rating > RiskRating.R1:
        return excluded("lowest_category")
    if not may_recommend(ctx.level, product.risk_rating):
        return excluded("above_level", rating=product.risk_rating.name, level=ctx.level.name)
    if needs_human_review(ctx.age, product.risk_rating):
        return excluded("age_review", rating=product.risk_rating.name, age=AGE_REVIEW)
    if product.min_total_assets and (ctx.total_assets is None or ctx.total_assets < product.min_total_assets):
        return excluded("below_tier", amount=t.money(product.min_total_assets))
    if ctx.investable_assets is not None and product.minimum_amount > ctx.investable_assets:
        return excluded("below_minimum", amount=t.money(product.minimum_amount))
    if ctx.horizon is not None and product.horizon_months > HORIZON_MONTHS.get(ctx.horizon, 0) \
            and product.risk_rating >= RiskRating.R2:
        return excluded("horizon_too_short", period=holding_period(product.horizon_months, t))
    return None


def _reasons_and_score(product: Product, ctx: CustomerContext, catalog: Catalog,
                       texts: Texts) -> tuple[list[str], int]:
    reasons: list[str] = []
    score = 0
    if product.type is ProductType.LOAN:
        reasons.append(texts.render("reason.loan"))
        return reasons, 1
    if ctx.level is not None:
        reasons.append(texts.render("reason.within_level", rating=product.risk_rating.name, level=ctx.level.name))
        below = int(ctx.level) - int(product.risk_rating)  # 0: at the level, 1: one below
        score += 2 if below == 0 else (1 if below == 1 else 0)
    matched = [g for g in ctx.goals if g in product.goals]
    for goal in matched:
        words = texts.render(f"goal.{goal}") if texts.has(f"goal.{goal}") else goal
        reasons.append(texts.render("reason.goal", goal=words))
    score += 3 * len(matched)
    if "child_education" in matched and product.type is ProductType.FUND_PLAN:
        score += 4
    if product.id == DEPOSIT_PLUS:
        reasons.append(texts.render("reason.deposit_plus", threshold=texts.money(catalog.rates.offer_above_balance),
                                    multiple=catalog.rates.deposit_plus_multiple))
        score += 10  # the bank's playbook: idle demand balances above the threshold come first
    if ctx.horizon is not None and product.horizon_months <= HORIZON_MONTHS.get(ctx.horizon, 0):
        if product.horizon_months:
            reasons.append(texts.render("reason.held_at_least", period=holding_period(product.horizon_months, texts)))
            score += 1
    reasons.append(texts.render("reason.liquidity", words=product.liquidity.words(texts)))
    if product.type is not ProductType.DEPOSIT:
        reasons.append(texts.render("reason.return", return_range=product.return_range(texts)))
    return reasons, score


def recommend(catalog: Catalog, ctx: CustomerContext, *, audience: Audience = Audience.CUSTOMER,
              limit: int | None = None, texts: Texts | None = None) -> list[Recommendation]:
    """Suitable products, best first, each with its reasons (in ``texts``' language, English by
    default). Never above the customer's level."""
    texts = texts or default_texts()
    found: list[Recommendation] = []
    for product in catalog.products:
        if check_product(product, ctx, catalog, audience, texts) is not None:
            continue
        reasons, score = _reasons_and_score(product, ctx, catalog, texts)
        found.append(Recommendation(product, tuple(reasons), score))
    found.sort(key=lambda r: (-r.rank_score, int(r.product.risk_rating), r.product.id))
    if limit is None:
        limit = SHOWN_PER_TIER[ctx.tier] if ctx.tier is not None else SHOWN_UNKNOWN_TIER
        if audience is Audience.ADVISOR:
            limit = len(found)
    return found[:limit]


def explain_product(catalog: Catalog, product_id: str, ctx: CustomerContext,
                    audience: Audience = Audience.ADVISOR, texts: Texts | None = None) -> tuple[bool, list[str]]:
    """Whether the product may be recommended to this customer, with the rule cited."""
    texts = texts or default_texts()
    product = catalog.get(product_id)
    excluded = check_product(product, ctx, catalog, audience, texts)
    if excluded is not None:
        return False, [texts.render("explain.not_suitable", rule=excluded.rule, reason=excluded.reason)]
    reasons, _ = _reasons_and_score(product, ctx, catalog, texts)
    return True, reasons


def recommendation_messages(texts: Texts, level: str | None,
                            found: Sequence[Recommendation]) -> tuple[str, ...]:
    """The messages that show recommendations to the customer, in ``texts``' language.

    Without a valid level (``level`` None) only deposits can be on the list: one line naming them.
    Otherwise the investments best first with their reasons and the reminder that ranges are not
    promises, then one message per credit offer. Nothing to show: no message.
    """
    if not found:
        return ()
    language = texts.language
    if level is None:
        return (texts.render("reco.meanwhile", names=texts.join(r.product.name_in(language) for r in found)),)
    investments = [r for r in found if r.product.type is not ProductType.LOAN]
    offers = [r for r in found if r.product.type is ProductType.LOAN]
    lines = [texts.render("reco.heading", level=level)]
    lines += [texts.render("reco.line", n=n, name=rec.product.name_in(language), rating=rec.product.risk_rating.name,
                           reasons=texts.sentences(*rec.reasons))
              for n, rec in enumerate(investments, start=1)]
    lines.append(texts.render("reco.footer"))
    return ("\n".join(lines), *(texts.render("reco.also_qualify", name=offer.product.name_in(language),
                                             reasons=texts.sentences(*offer.reasons)) for offer in offers))
