"""Use cases over the fake unit of work: assess, validity, recommend-and-record, insist path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from advisor_core.adapters.datafiles import default_catalog, default_questionnaire
from advisor_core.domain.suitability import RequestOutcome
from advisor_core.errors import AssessmentRequiredError, MissingAnswerError, RetakeLimitError
from advisor_core.services.assessments import assess, check_can_start, current_assessment
from advisor_core.services.handoffs import open_ticket, open_tickets
from advisor_core.services.recommendations import confirm_product, recommend_and_record, request_product
from tests.fakes import FakeUnitOfWork, make_customer

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone.utc)
MIDDLE = {
    "kyc_income_source": "one_stable_wage", "kyc_investable_assets": "100k_500k", "kyc_asset_share": "10_30",
    "kyc_liquidity_reserve": "3_6m_mortgage_only", "kyc_age": 40, "kyc_experience": "equities",
    "kyc_trade_frequency": "1_5", "kyc_knowledge_bonds": "falls", "kyc_knowledge_diversification": "one_stock",
    "kyc_horizon": "5_10y", "kyc_objective": "income", "kyc_loss_tolerance": "le_15",
    "kyc_drawdown_reaction": "hold", "kyc_return_tradeoff": "half", "kyc_goals": ["child_education"],
}


def take(uow: FakeUnitOfWork, answers=MIDDLE, *, customer_id="C000001", now=NOW):
    return assess(uow, default_questionnaire(), answers=answers, customer_id=customer_id,
                  conversation_id="conv-1", channel="rest", now=now)


def test_assessment_is_stored_with_every_answer_and_cap() -> None:
    uow = FakeUnitOfWork()
    result, record = take(uow)
    assert uow.committed
    with uow:
        stored = uow.assessments.list_for_customer("C000001")
    assert stored == [record]
    assert record.answers["kyc_goals"] == ["child_education"]
    assert record.item_points == result.item_points
    assert record.level == result.level.name and record.questionnaire_version == "v1"
    assert record.channel == "rest" and record.conversation_id == "conv-1"


def test_invalid_answers_store_nothing() -> None:
    uow = FakeUnitOfWork()
    with pytest.raises(MissingAnswerError):
        take(uow, {k: v for k, v in MIDDLE.items() if k != "kyc_horizon"})
    with uow:
        assert uow.assessments.list_for_customer("C000001") == []


def test_one_retake_a_day_and_every_attempt_kept() -> None:
    uow = FakeUnitOfWork()
    take(uow, now=NOW - dt.timedelta(days=3))
    take(uow, now=NOW)                      # today's retake
    with pytest.raises(RetakeLimitError):
        check_can_start(uow, customer_id="C000001", conversation_id="conv-1", now=NOW + dt.timedelta(hours=1))
    with pytest.raises(RetakeLimitError):
        take(uow, now=NOW + dt.timedelta(hours=2))
    take(uow, now=NOW + dt.timedelta(days=1))
    with uow:
        assert len(uow.assessments.list_for_customer("C000001")) == 3


def test_assessment_expires_after_twelve_months() -> None:
    uow = FakeUnitOfWork()
    take(uow, now=NOW - dt.timedelta(days=400))
    current = current_assessment(uow, customer_id="C000001", conversation_id="x", now=NOW)
    assert current is not None and not current.valid
    assert "12 months" in current.validity.reason


def test_crossing_age_65_expires_the_assessment_for_a_known_birth_date() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.customers.add(make_customer("C000001", birth_date=dt.date(1961, 12, 1)))
        uow.commit()
    take(uow, dict(MIDDLE, kyc_age=64), now=NOW - dt.timedelta(days=30))
    current = current_assessment(uow, customer_id="C000001", conversation_id="x", now=NOW + dt.timedelta(days=10))
    assert current is not None and not current.valid and "65" in current.validity.reason


def test_recommendations_are_recorded_with_reasons_and_never_above_level() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.customers.add(make_customer("C000001", demand_balance=Decimal("12000.00")))
        uow.commit()
    _, record = take(uow)
    outcome = recommend_and_record(uow, default_catalog(), customer_id="C000001", conversation_id="conv-1", now=NOW)
    assert outcome.has_valid_assessment and outcome.record is not None
    assert all(int(i.risk_rating[1]) <= int(record.level[1]) for i in outcome.record.items)
    assert all(i.reasons for i in outcome.record.items)
    assert outcome.record.items[0].product_id == "deposit_plus"  # the playbook's idle-cash rule comes first
    with uow:
        assert uow.recommendations.latest_for_customer("C000001") == outcome.record


def test_without_assessment_only_deposits_are_offered() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.customers.add(make_customer("C000002", demand_balance=Decimal("9000.00")))
        uow.commit()
    outcome = recommend_and_record(uow, default_catalog(), customer_id="C000002", conversation_id="c", now=NOW)
    assert not outcome.has_valid_assessment
    assert [r.product.id for r in outcome.recommendations] == ["deposit_plus"]


def test_insist_path_records_warning_and_confirmation() -> None:
    uow = FakeUnitOfWork()
    take(uow)  # a C3-ish customer
    decision = request_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                               conversation_id="conv-1", now=NOW)
    assert decision.outcome is RequestOutcome.NEEDS_CONFIRMATION
    confirm_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                    conversation_id="conv-1", confirmation_text="customer confirmed: yes", now=NOW)
    with uow:
        kinds = [e.kind for e in uow.suitability_events.list_for_customer("C000001")]
    assert kinds == ["warning", "confirmation"]


def test_lowest_category_request_is_refused_and_recorded() -> None:
    uow = FakeUnitOfWork()
    take(uow, dict(MIDDLE, kyc_loss_tolerance="none"))
    decision = request_product(uow, default_catalog(), product_id="bond_fund", customer_id="C000001",
                               conversation_id="conv-1", now=NOW)
    assert decision.outcome is RequestOutcome.REFUSED
    with uow:
        assert [e.kind for e in uow.suitability_events.list_for_customer("C000001")] == ["refusal"]


def test_product_request_needs_a_valid_assessment() -> None:
    with pytest.raises(AssessmentRequiredError):
        request_product(FakeUnitOfWork(), default_catalog(), product_id="bond_fund", customer_id=None,
                        conversation_id="nobody", now=NOW)


def test_handoff_tickets_are_listed_until_closed() -> None:
    uow = FakeUnitOfWork()
    ticket = open_ticket(uow, customer_id=None, conversation_id="c", summary="asked about: faq", now=NOW)
    assert [t.ticket_id for t in open_tickets(uow)] == [ticket.ticket_id]
    with uow:
        uow.handoffs.close(ticket.ticket_id)
        uow.commit()
    assert open_tickets(uow) == []
