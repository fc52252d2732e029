"""Use cases for a verified advisor: customer summaries, explanations, campaign lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from advisor_core.analytics.campaigns import (
    CAMPAIGNS,
    EXPORT_FIELD,
    campaign_summary,
    eligible_customers,
    export_campaign_csv,
)
from advisor_core.analytics.cross_sell import EXPORT_FIELDS, RENOVATION_TERMS
from advisor_core.analytics.csv_style import MACHINE_CSV, CsvStyle
from advisor_core.analytics.insight import CustomerInsight, cross_sell_counts, cross_sell_list, customer_insight
from advisor_core.analytics.rules import ADVISOR_CAMPAIGNS, default_rules
from advisor_core.domain.language import ENGLISH
from advisor_core.domain.products import Audience, Catalog
from advisor_core.domain.recommendation import explain_product
from advisor_core.domain.records import Customer, RecommendationRecord
from advisor_core.domain.texts import Texts
from advisor_core.errors import CustomerNotFound
from advisor_core.services.assessments import CurrentAssessment, current_assessment
from advisor_core.services.recommendations import build_context
from advisor_core.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class CustomerSummary:
    customer: Customer
    assessment: CurrentAssessment | None
    last_recommendation: RecommendationRecord | None


def customer_summary(uow: AbstractUnitOfWork, *, customer_id: str, now: dt.datetime) -> CustomerSummary:
    with uow:
        customer = uow.customers.get(customer_id)
        last = uow.recommendations.latest_for_customer(customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    current = current_assessment(uow, customer_id=customer_id, conversation_id="", now=now)
    return CustomerSummary(customer, current, last)


def explain_for_customer(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str, product_id: str,
                         now: dt.datetime, texts: Texts | None = None) -> tuple[bool, list[str]]:
    """Whether the product suits the customer, with the rule or reasons in ``texts``' language."""
    summary = customer_summary(uow, customer_id=customer_id, now=now)
    valid = summary.assessment.record if summary.assessment and summary.assessment.valid else None
    ctx = build_context(valid, summary.customer, now.date())
    return explain_product(catalog, product_id, ctx, Audience.ADVISOR, texts)


def advisor_campaigns() -> dict[str, str]:
    """Every campaign list an advisor can ask for: id -> readable name (``rules_v1.yaml``
    ``campaign_names``), in :data:`~advisor_core.analytics.rules.ADVISOR_CAMPAIGNS` order."""
    names = default_rules().campaign_names
    return {campaign: names[campaign] for campaign in ADVISOR_CAMPAIGNS}


@dataclass(frozen=True)
class CampaignList:
    campaign: str
    counts: dict[str, int]      # every advisor campaign -> customers listed
    eligible: int
    export_path: Path
    name: str = ""              # the campaign's readable name


#: Every column an advisor's campaign export can hold (texts ``csv.<column>`` head them).
EXPORT_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys([
    "customer_id", "tier", "product_id", *EXPORT_FIELD.values(),
    *(column for columns in EXPORT_FIELDS.values() for column in columns), *RENOVATION_TERMS]))


def export_style(texts: Texts) -> CsvStyle:
    """How an advisor's export is headed in ``texts``' language: English keeps the column ids
    (what downstream tools read); other languages get labels and a byte-order mark."""
    if texts.language == ENGLISH:
        return MACHINE_CSV
    return CsvStyle({column: texts.render(f"csv.{column}") for column in EXPORT_COLUMNS}, byte_order_mark=True)


def campaign_list(uow: AbstractUnitOfWork, *, campaign: str, today: dt.date, export_dir: Path,
                  catalog: Catalog | None = None, style: CsvStyle = MACHINE_CSV) -> CampaignList:
    """One campaign's customers exported as CSV (pseudonymous ids and the qualifying fields), with
    the counts of every campaign. ``style`` heads the file (the advisor's language).

    deposit_plus, education_plan and renovation_instalment use the record-at-a-time rules
    (``analytics.campaigns``); travel_card and active_wealth the column-wise cross-sell rules on the
    analytics book (``analytics.cross_sell``), which list a product only within a customer's valid
    level. Raises ``ValueError`` naming the campaigns for an unknown one."""
    names = advisor_campaigns()
    if campaign not in names:
        raise ValueError(f"unknown campaign {campaign!r}; allowed: {', '.join(names)}")
    with uow:
        customers = uow.customers.list_all()
    counts: dict[str, int] = dict(campaign_summary(customers, today))
    if campaign in CAMPAIGNS:
        path = export_campaign_csv(customers, campaign, today, export_dir, style)
        eligible = len(eligible_customers(customers, campaign, today))
        cross_sell = cross_sell_counts(customers, today, catalog=catalog)
    else:
        listed = cross_sell_list(customers, campaign, today, export_dir, catalog=catalog, style=style)
        path, eligible, cross_sell = listed.export_path, listed.listed, listed.counts
    counts.update({name: n for name, n in cross_sell.items() if name not in CAMPAIGNS})
    return CampaignList(campaign, {name: counts[name] for name in names}, eligible, path, names[campaign])


def customer_insight_for(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str,
                         today: dt.date) -> CustomerInsight | None:
    """The customer's lifecycle stage, value, next best action and look-alike segment, computed on
    the whole book (segments only mean something against the others); None when the book is too
    small to form segments."""
    with uow:
        customers = uow.customers.list_all()
    try:
        return customer_insight(customers, customer_id, today, catalog=catalog)
    except ValueError:  # fewer customers than segments: there is nothing to compare with
        return None
