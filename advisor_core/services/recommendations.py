"""Use cases: recommend and record, and the "customer insists" path with its records."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from advisor_core.domain.calculators import DepositPlusComparison, deposit_plus_comparison
from advisor_core.domain.label_arms import LabelAssignment, show_label_arm
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.products import Audience, Catalog, Product
from advisor_core.domain.recommendation import (
    CustomerContext,
    Recommendation,
    recommend,
    recommendation_messages,
)
from advisor_core.domain.records import (
    AssessmentRecord,
    Customer,
    HandoffTicket,
    RecommendationRecord,
    RecommendedItem,
    SuitabilityEvent,
)
from advisor_core.domain.scoring import AGE_REVIEW
from advisor_core.domain.suitability import ProductRequestDecision, RequestOutcome, decide_product_request
from advisor_core.domain.texts import Texts, default_texts, plain_money
from advisor_core.errors import AssessmentRequiredError, ConfirmationWithoutWarningError
from advisor_core.services.assessments import CurrentAssessment, current_assessment
from advisor_core.services.handoffs import open_ticket
from advisor_core.services.unit_of_work import AbstractUnitOfWork


def build_context(assessment: AssessmentRecord | None, customer: Customer | None,
                  today: dt.date) -> CustomerContext:
    """What the recommendation rules know: the level from a valid assessment, money from the book."""
    answers = assessment.answers if assessment else {}
    goals = answers.get("kyc_goals") or ()
    return CustomerContext(
        level=RiskLevel.parse(assessment.level) if assessment else None,
        lowest_category=assessment.lowest_category if assessment else False,
        goals=tuple(goals) if isinstance(goals, (list, tuple)) else (str(goals),),
        horizon=str(answers["kyc_horizon"]) if "kyc_horizon" in answers else None,
        age=customer.age_on(today) if customer else (assessment.age_at_assessment if assessment else None),
        demand_balance=customer.demand_balance if customer else None,
        investable_assets=customer.investable_assets if customer else None,
        total_assets=customer.total_assets if customer else None,
        holdings=tuple(h.product_id for h in customer.holdings) if customer else (),
        mortgage_start=customer.mortgage_start if customer else None,
        today=today,
    )


@dataclass(frozen=True)
class RecommendationOutcome:
    assessment: CurrentAssessment | None
    recommendations: tuple[Recommendation, ...]
    record: RecommendationRecord | None
    label: LabelAssignment | None = None   # the customer's persona label-check arm, when in one
    messages: tuple[str, ...] = ()         # what to show, in the conversation's language (also recorded)

    @property
    def has_valid_assessment(self) -> bool:
        return self.assessment is not None and self.assessment.valid


def recommend_and_record(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str | None,
                         conversation_id: str, now: dt.datetime,
                         audience: Audience = Audience.CUSTOMER, label_check: bool = False,
                         texts: Texts | None = None) -> RecommendationOutcome:
    """Recommend from the valid assessment (if any) and keep what was shown, with reasons.

    ``texts``: the conversation's language (English by default). The reasons and the messages
    (``outcome.messages``) are written in it, and the record keeps the language and the messages
    exactly as the customer is shown them.

    With ``label_check`` a customer in the book with a persona label that has label-check arms
    (``analytics/rules_v1.yaml``) sees their arm's product in place of either arm's
    (``domain.label_arms.show_label_arm``: both arms must be suitable for them, else no
    experiment); the record keeps the list as shown, and ``outcome.label`` says which arm."""
    current = current_assessment(uow, customer_id=customer_id, conversation_id=conversation_id, now=now)
    valid = current.record if current and current.valid else None
    with uow:
        customer = uow.customers.get(customer_id) if customer_id else None
        ctx = build_context(valid, customer, now.date())
        texts = texts or default_texts()
        found = tuple(recommend(catalog, ctx, audience=audience, texts=texts))
        label = None
        if label_check and customer is not None and found:
            found, label = _with_label_arm(catalog, ctx, customer, found, audience, texts)
        messages = recommendation_messages(texts, valid.level if valid else None, found)
        record = None
        if found:
            record = RecommendationRecord(
                recommendation_id=uuid.uuid4().hex, customer_id=customer_id,
                conversation_id=conversation_id,
                assessment_id=valid.assessment_id if valid else None,
                level=valid.level if valid else "none",
                items=tuple(RecommendedItem(r.product.id, r.product.risk_rating.name, r.reasons) for r in found),
                created_at=now, language=texts.language, shown_text="\n\n".join(messages))
            uow.recommendations.add(record)
            uow.commit()
    return RecommendationOutcome(current, found, record, label, messages)


def _with_label_arm(catalog: Catalog, ctx: CustomerContext, customer: Customer, found: tuple[Recommendation, ...],
                    audience: Audience, texts: Texts) -> tuple[tuple[Recommendation, ...], LabelAssignment | None]:
    from advisor_core.analytics.personas import persona_of
    from advisor_core.analytics.rules import default_rules

    rules = default_rules()
    persona = persona_of(customer, ctx.level, rules.persona_rules)
    arms = rules.label_arms.get(persona)
    if arms is None:
        return found, None
    suitable = recommend(catalog, ctx, audience=audience, limit=len(catalog.products), texts=texts)
    return show_label_arm(found, suitable, customer_id=customer.customer_id, persona=persona,
                          expected=arms.expected, alternative=arms.alternative)


@dataclass(frozen=True)
class ProductRequestResult:
    """What came of a request: the decision, and the handoff ticket when a human must review it."""

    decision: ProductRequestDecision
    ticket: HandoffTicket | None = None
    #: what the customer is shown, exactly as recorded: the warning with its question, or the
    #: refusal ("" within the level, where nothing is recorded)
    shown_text: str = ""

    @property
    def outcome(self) -> RequestOutcome:
        return self.decision.outcome

    @property
    def product(self) -> Product:
        return self.decision.product

    @property
    def message(self) -> str:
        return self.decision.message


REQUEST_TEXT_LIMIT = 500   # the customer's words kept with a warning or confirmation
SUMMARY_WORDS = 160        # of them, in a handoff ticket's summary


def request_product(uow: AbstractUnitOfWork, catalog: Catalog, *, product_id: str, customer_id: str | None,
                    conversation_id: str, now: dt.datetime, request_text: str | None = None,
                    texts: Texts | None = None) -> ProductRequestResult:
    """A product asked for on the customer's own initiative [CSRC 19].

    Warnings and refusals are kept with the customer's own words (``request_text``), in the
    conversation's language (``texts``, English by default) and exactly as shown
    (``result.shown_text``). At 65 or over a request for R4 or above goes to a human advisor: the
    warning is kept and a handoff ticket carries the request and the warning.
    """
    texts = texts or default_texts()
    decision = request_product_decision_only(uow, catalog, product_id=product_id, customer_id=customer_id,
                                             conversation_id=conversation_id, now=now, texts=texts)
    words = request_text[:REQUEST_TEXT_LIMIT] if request_text else None
    if decision.outcome is RequestOutcome.WITHIN_LEVEL:
        return ProductRequestResult(decision)
    kind = "refusal" if decision.outcome is RequestOutcome.REFUSED else "warning"
    if decision.outcome is RequestOutcome.REFUSED:
        shown = texts.render("request.refused", message=decision.message)
    elif decision.outcome is RequestOutcome.NEEDS_CONFIRMATION:
        shown = texts.render("request.confirm_question", warning=decision.message)
    else:  # the warning, shown with the ticket's reference once it is open
        shown = decision.message
    event = _record_event(uow, kind, decision, customer_id, conversation_id, now, shown, words, texts.language)
    if decision.outcome is not RequestOutcome.NEEDS_HUMAN_REVIEW:
        return ProductRequestResult(decision, shown_text=shown)
    product = decision.product
    # The ticket summary is short (SUMMARY_LIMIT); the event id leads to the full texts kept with the warning.
    said = (words or "(none)")[:SUMMARY_WORDS]
    summary = (f"Human review (aged {AGE_REVIEW}+, {product.risk_rating.name} asked for on own initiative): "
               f"{product.id} ({product.risk_rating.name}) at level {decision.level.name}; warning "
               f"{event.event_id} shown. Customer's words: {said}. Warning: {decision.message}")
    ticket = open_ticket(uow, customer_id=customer_id, conversation_id=conversation_id, summary=summary, now=now)
    return ProductRequestResult(decision, ticket, shown)


def confirm_product(uow: AbstractUnitOfWork, catalog: Catalog, *, product_id: str, customer_id: str | None,
                    conversation_id: str, confirmation_text: str, now: dt.datetime,
                    texts: Texts | None = None) -> ProductRequestDecision:
    """The customer's explicit confirmation after the special risk warning, recorded.

    Raises ConfirmationWithoutWarningError unless this conversation's latest warning-or-
    confirmation for the product is a warning: every confirmation answers its own warning. The
    confirmation keeps the warning exactly as the customer was shown it and confirmed it, in the
    language it was shown in, beside the customer's own words.
    """
    decision = request_product_decision_only(uow, catalog, product_id=product_id, customer_id=customer_id,
                                             conversation_id=conversation_id, now=now, texts=texts)
    if decision.outcome is RequestOutcome.NEEDS_CONFIRMATION:
        with uow:
            exchange = [e for e in uow.suitability_events.list_for_conversation(conversation_id)
                        if e.product_id == product_id and e.kind in ("warning", "confirmation")]
        if not exchange or exchange[-1].kind != "warning":
            raise ConfirmationWithoutWarningError(product_id)
        warning = exchange[-1]
        _record_event(uow, "confirmation", decision, customer_id, conversation_id, now, warning.text,
                      confirmation_text[:REQUEST_TEXT_LIMIT], warning.language)
    return decision


def request_product_decision_only(uow: AbstractUnitOfWork, catalog: Catalog, *, product_id: str,
                                  customer_id: str | None, conversation_id: str,
                                  now: dt.datetime, texts: Texts | None = None) -> ProductRequestDecision:
    """The decision on a request, recording nothing. Raises AssessmentRequiredError whose
    argument is the reason in ``texts``' language (English by default)."""
    texts = texts or default_texts()
    product = catalog.get(product_id)
    current = current_assessment(uow, customer_id=customer_id, conversation_id=conversation_id, now=now)
    if current is None or not current.valid:
        raise AssessmentRequiredError(current.validity.reason_in(texts) if current else
                                      texts.render("validity.none"))
    with uow:
        customer = uow.customers.get(customer_id) if customer_id else None
    ctx = build_context(current.record, customer, now.date())
    return decide_product_request(RiskLevel.parse(current.record.level), current.record.lowest_category, product,
                                  age=ctx.age, texts=texts)


def _record_event(uow: AbstractUnitOfWork, kind: str, decision: ProductRequestDecision, customer_id: str | None,
                  conversation_id: str, now: dt.datetime, text: str,
                  customer_text: str | None = None, language: str = "en") -> SuitabilityEvent:
    event = SuitabilityEvent(
        event_id=uuid.uuid4().hex, customer_id=customer_id, conversation_id=conversation_id,
        kind=kind, product_id=decision.product.id, product_rating=decision.product.risk_rating.name,
        customer_level=decision.level.name, text=text, created_at=now, customer_text=customer_text,
        language=language)
    with uow:
        uow.suitability_events.add(event)
        uow.commit()
    return event


@dataclass(frozen=True)
class DepositPlusOffer:
    """What a verified customer's demand balance would earn in deposit-plus, when it is offered."""

    comparison: DepositPlusComparison


DEPOSIT_PLUS_MONTHS = 12


def deposit_plus_offer(uow: AbstractUnitOfWork, catalog: Catalog, *, customer_id: str | None,
                       months: int = DEPOSIT_PLUS_MONTHS) -> DepositPlusOffer | None:
    """The comparison for a known customer whose demand balance deposit-plus is offered on."""
    if customer_id is None:
        return None
    with uow:
        customer = uow.customers.get(customer_id)
    if customer is None or not catalog.rates.offers_deposit_plus(customer.demand_balance):
        return None
    return DepositPlusOffer(deposit_plus_comparison(customer.demand_balance, months, catalog.rates))


def money(value: Decimal) -> str:
    """Money for people: thousands separators, no cents when whole (as English writes it; a
    language's own form: ``Texts.money``)."""
    return plain_money(value)
