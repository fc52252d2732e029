"""Use cases for a verified advisor: customer summaries, explanations, campaign lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from advisor_core.analytics.campaigns import campaign_summary, eligible_customers, export_campaign_csv
from advisor_core.analytics.insight import CustomerInsight, customer_insight
from advisor_core.domain.products import Audience, Catalog
from advisor_core.domain.recommendation import explain_product
from advisor_core.domain.records import Customer, RecommendationRecord
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
                         now: dt.datetime) -> tuple[bool, list[str]]:
    summary = customer_summary(uow, customer_id=customer_id, now=now)
    valid = summary.assessment.record if summary.assessment and summary.assessment.valid else None
    ctx = build_context(valid, summary.customer, now.date())
    return explain_product(catalog, product_id, ctx, Audience.ADVISOR)


@dataclass(frozen=True)
class CampaignList:
    campaign: str
    counts: dict[str, int]
    eligible: int
    export_path: Path


def campaign_list(uow: AbstractUnitOfWork, *, campaign: str, today: dt.date, export_dir: Path) -> CampaignList:
    with uow:
        customers = uow.customers.list_all()
    path = export_campaign_csv(customers, campaign, today, export_dir)
    return CampaignList(campaign, campaign_summary(customers, today),
                        len(eligible_customers(customers, campaign, today)), path)


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
