"""Use cases over the fake unit of work: assess, validity, recommend-and-record, insist path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from advisor_core.adapters.datafiles import default_catalog, default_questionnaire
from advisor_core.domain.suitability import RequestOutcome
from advisor_core.errors import (
    AssessmentRequiredError,
    ConfirmationWithoutWarningError,
    MissingAnswerError,
    RetakeLimitError,
)
from advisor_core.services.assessments import assess, check_can_start, current_assessment
from advisor_core.services.handoffs import open_ticket, open_tickets
from advisor_core.services.recommendations import (
    confirm_product,
    deposit_plus_offer,
    recommend_and_record,
    request_product,
)
from tests.factories import middle_answers
from tests.fakes import FakeUnitOfWork, make_customer

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
MIDDLE = middle_answers(goals=["child_education"])


def take(uow: FakeUnitOfWork, answers=MIDDLE, *, customer_id="C000001", now=NOW):
    return assess(uow, default_questionnaire(), answers=answers, customer_id=customer_id,
                  conversation_id="conv-1", channel="rest", now=now)


def test_assessment_is_stored_with_every_answer_and_cap() -> None:
    """Every stored field, hand-computed from the spec for MIDDLE with a contradiction that
    persists after the re-ask (item 11 "<= 5%" twice, item 13 "mostly B")."""
    given = dict(MIDDLE, kyc_loss_tolerance="le_5", kyc_return_tradeoff="mostly_b",
                 kyc_loss_tolerance_recheck="le_5")
    uow = FakeUnitOfWork()
    result, record = take(uow, given)
    assert uow.committed
    with uow:
        assert uow.assessments.list_for_customer("C000001") == [record]
    assert record.customer_id == "C000001" and record.conversation_id == "conv-1"
    assert record.channel == "rest" and record.created_at == NOW
    assert record.questionnaire_version == "v1"
    # every answer given, in the order asked, the first reading of item 11 and its re-ask
    assert record.answer_log == (
        ("kyc_income_source", "one_stable_wage"), ("kyc_investable_assets", "100k_500k"),
        ("kyc_asset_share", "10_30"), ("kyc_liquidity_reserve", "3_6m_mortgage_only"), ("kyc_age", 40),
        ("kyc_experience", "equities"), ("kyc_trade_frequency", "1_5"), ("kyc_knowledge_bonds", "falls"),
        ("kyc_knowledge_diversification", "one_stock"), ("kyc_horizon", "5_10y"), ("kyc_objective", "income"),
        ("kyc_loss_tolerance", "le_5"), ("kyc_drawdown_reaction", "hold"), ("kyc_return_tradeoff", "mostly_b"),
        ("kyc_loss_tolerance_recheck", "le_5"), ("kyc_goals", ["child_education"]))
    assert record.answers == {k: v for k, v in given.items() if k != "kyc_loss_tolerance_recheck"}
    # points: capacity 4+2+5+4+6 = 21; experience 6+2+6 = 14; willingness 8+4+3+7+(8 -> 5)
    assert record.answered_points == {
        "income_source": 4, "investable_assets": 2, "asset_share": 5, "liquidity_reserve": 4, "age": 6,
        "experience": 6, "trade_frequency": 2, "knowledge": 6,
        "horizon": 8, "objective": 4, "loss_tolerance": 3, "drawdown_reaction": 7, "return_tradeoff": 8}
    assert record.item_points == {**record.answered_points, "return_tradeoff": 5}
    assert (record.answered_total, record.total_score) == (65, 62)
    assert (record.capacity_score, record.willingness_score) == (70, 54)   # 21/30, 27/50
    assert [(c.code, c.level) for c in record.caps] == [("inconsistent_answers", "C4")]
    assert "62 out of 100" in record.caps[0].explanation
    assert record.level == "C4" and record.lowest_category is False
    assert (record.age_at_assessment, record.age_source) == (40, "typed")
    assert result.level.name == record.level and result.total == record.total_score


def test_lowest_category_flag_is_stored() -> None:
    _, record = take(FakeUnitOfWork(), dict(MIDDLE, kyc_loss_tolerance="none"))
    assert record.lowest_category is True and record.level == "C1"
    assert ("lowest_category", "C1") in [(c.code, c.level) for c in record.caps]


def test_the_bank_record_decides_the_age_and_the_assessment_stays_valid() -> None:
    """Issue 10 item 5: born in 1960, typed 60; on NOW (2026-11-24) the record says 66."""
    uow = FakeUnitOfWork()
    with uow:
        uow.customers.add(make_customer("C000001", birth_date=dt.date(1960, 5, 1)))
        uow.commit()
    result, record = take(uow, dict(MIDDLE, kyc_age=60))
    assert record.age_at_assessment == 66 and record.age_source == "bank_record"
    assert ("kyc_age", 60) in record.answer_log
    assert record.item_points["age"] == 0   # over 65: 0 points, not the 3 of a typed 60
    assert ("age_65", "C3") in [(c.code, c.level) for c in record.caps]
    assert result.age_disagrees and "60" in result.explanation[0] and "66" in result.explanation[0]
    current = current_assessment(uow, customer_id="C000001", conversation_id="x", now=NOW + dt.timedelta(minutes=1))
    assert current is not None and current.valid, current.validity.reason


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
    take(uow)  # C4
    result = request_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                             conversation_id="conv-1", now=NOW, request_text="give me the tech fund")
    assert result.outcome is RequestOutcome.NEEDS_CONFIRMATION and result.ticket is None
    confirm_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                    conversation_id="conv-1", confirmation_text="yes", now=NOW)
    with uow:
        events = uow.suitability_events.list_for_customer("C000001")
    assert [(e.kind, e.customer_text) for e in events] == [("warning", "give me the tech fund"),
                                                           ("confirmation", "yes")]


def test_a_confirmation_needs_a_warning_in_the_same_conversation() -> None:
    uow = FakeUnitOfWork()
    _, record = take(uow, dict(MIDDLE, kyc_investable_assets="lt_100k", kyc_asset_share="gt_70"))
    assert record.level == "C3"   # R4 and R5 are both above it
    request_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                    conversation_id="conv-1", now=NOW)
    for conversation, product in (("conv-2", "tech_thematic_fund"), ("conv-1", "equity_fund")):
        with pytest.raises(ConfirmationWithoutWarningError):
            confirm_product(uow, default_catalog(), product_id=product, customer_id="C000001",
                            conversation_id=conversation, confirmation_text="yes", now=NOW)
    confirm_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                    conversation_id="conv-1", confirmation_text="yes", now=NOW)
    with pytest.raises(ConfirmationWithoutWarningError):   # the warning is answered already
        confirm_product(uow, default_catalog(), product_id="tech_thematic_fund", customer_id="C000001",
                        conversation_id="conv-1", confirmation_text="yes again", now=NOW)
    with uow:
        assert [e.kind for e in uow.suitability_events.list_for_customer("C000001")] == ["warning", "confirmation"]


def test_at_65_an_r4_request_opens_a_handoff_ticket_with_the_request_and_the_warning() -> None:
    uow = FakeUnitOfWork()
    with uow:
        uow.customers.add(make_customer("C000001", birth_date=dt.date(1959, 1, 1)))   # 67 on NOW
        uow.commit()
    take(uow, dict(MIDDLE, kyc_age=67))   # capped at C3
    result = request_product(uow, default_catalog(), product_id="equity_fund", customer_id="C000001",
                             conversation_id="conv-1", now=NOW, request_text="I want the growth equity fund")
    assert result.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW
    assert result.ticket is not None
    with uow:
        [warning] = uow.suitability_events.list_for_customer("C000001")
        assert uow.handoffs.list_open() == [result.ticket]
    assert (warning.kind, warning.product_id, warning.customer_text) == (
        "warning", "equity_fund", "I want the growth equity fund")
    assert warning.event_id in result.ticket.summary
    assert "I want the growth equity fund" in result.ticket.summary
    assert "equity_fund (R4)" in result.ticket.summary
    # no confirmation may be recorded for it in the chat
    decision = confirm_product(uow, default_catalog(), product_id="equity_fund", customer_id="C000001",
                               conversation_id="conv-1", confirmation_text="yes", now=NOW)
    assert decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW
    with uow:
        assert [e.kind for e in uow.suitability_events.list_for_customer("C000001")] == ["warning"]


def test_deposit_plus_offer_follows_the_catalog_threshold() -> None:
    uow = FakeUnitOfWork()
    catalog = default_catalog()
    threshold = catalog.rates.offer_above_balance
    with uow:
        uow.customers.add(make_customer("AT", demand_balance=threshold))
        uow.customers.add(make_customer("ABOVE", demand_balance=threshold + Decimal("0.01")))
        uow.commit()
    assert deposit_plus_offer(uow, catalog, customer_id="AT") is None
    assert deposit_plus_offer(uow, catalog, customer_id=None) is None
    assert deposit_plus_offer(uow, catalog, customer_id="NOBODY") is None
    offer = deposit_plus_offer(uow, catalog, customer_id="ABOVE")
    assert offer is not None and offer.comparison.balance == threshold + Decimal("0.01")


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
