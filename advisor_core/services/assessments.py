"""Use cases around the questionnaire: start, score and store, and find the valid level."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from advisor_core.domain.answers import answers_given, answers_that_count
from advisor_core.domain.questionnaire import Questionnaire
from advisor_core.domain.records import AssessmentRecord, CapRecord
from advisor_core.domain.scoring import ScoreResult, cap_explanation, score
from advisor_core.domain.suitability import Validity, assessment_validity, check_retake_allowed
from advisor_core.domain.texts import Texts
from advisor_core.services.unit_of_work import AbstractUnitOfWork


@dataclass(frozen=True)
class CurrentAssessment:
    record: AssessmentRecord
    validity: Validity

    @property
    def valid(self) -> bool:
        return self.validity.valid


def _previous(uow: AbstractUnitOfWork, customer_id: str | None, conversation_id: str) -> list[AssessmentRecord]:
    """The assessments that belong to whoever sends this message.

    A verified customer owns every assessment of theirs. A guest owns only the guest assessments
    of this conversation: identity is decided per message, so a message without a valid token
    never sees what a signed-in customer did earlier in the same conversation.
    """
    if customer_id:
        return uow.assessments.list_for_customer(customer_id)
    return [record for record in uow.assessments.list_for_conversation(conversation_id)
            if record.customer_id is None]


def check_can_start(uow: AbstractUnitOfWork, *, customer_id: str | None, conversation_id: str,
                    now: dt.datetime) -> None:
    """Raise RetakeLimitError before the customer answers anything, not after."""
    with uow:
        previous = _previous(uow, customer_id, conversation_id)
    check_retake_allowed([a.created_at for a in previous], now)


def assess(uow: AbstractUnitOfWork, questionnaire: Questionnaire, *, answers: Mapping[str, object],
           customer_id: str | None, conversation_id: str, channel: str,
           now: dt.datetime, texts: Texts | None = None) -> tuple[ScoreResult, AssessmentRecord]:
    """Score the answers and append the assessment. Either all of it is stored or nothing.

    ``answers`` maps slot -> value and may hold item 11's re-ask beside its first reading
    (``kyc_loss_tolerance_recheck``): the re-ask counts and both are kept. For a signed-in
    customer the date of birth on the bank's record decides the age, not the typed age.
    ``texts``: the conversation's language; the caps are explained and recorded in it.
    """
    with uow:
        customer = uow.customers.get(customer_id) if customer_id else None
    age_on_record = customer.age_on(now.date()) if customer else None
    # invalid answers raise before any write
    result = score(questionnaire, answers_that_count(questionnaire, answers), age_on_record=age_on_record,
                   texts=texts)
    with uow:
        check_retake_allowed([a.created_at for a in _previous(uow, customer_id, conversation_id)], now)
        record = AssessmentRecord(
            assessment_id=uuid.uuid4().hex,
            customer_id=customer_id,
            conversation_id=conversation_id,
            channel=channel,
            questionnaire_version=result.questionnaire_version,
            answers=dict(result.answers),
            item_points=dict(result.item_points),
            total_score=result.total,
            capacity_score=result.capacity,
            willingness_score=result.willingness,
            caps=tuple(CapRecord(c.code, c.level.name, c.explanation, dict(c.values)) for c in result.caps),
            level=result.level.name,
            lowest_category=result.lowest_category,
            age_at_assessment=result.age,
            created_at=now,
            answer_log=tuple((a.slot, a.value) for a in answers_given(questionnaire, answers)),
            answered_points=dict(result.answered_points),
            answered_total=result.answered_total,
            age_source=result.age_source.value,
            language=result.language,
        )
        uow.assessments.add(record)
        uow.commit()
    return result, record


def current_assessment(uow: AbstractUnitOfWork, *, customer_id: str | None, conversation_id: str,
                       now: dt.datetime) -> CurrentAssessment | None:
    """The latest assessment and whether it is still valid (12 months, age thresholds)."""
    with uow:
        if customer_id:
            record = uow.assessments.latest_for_customer(customer_id)
            customer = uow.customers.get(customer_id)
        else:
            owned = _previous(uow, None, conversation_id)
            record = owned[-1] if owned else None
            customer = None
    if record is None:
        return None
    validity = assessment_validity(
        assessed_at=record.created_at, age_at_assessment=record.age_at_assessment, now=now,
        birth_date=customer.birth_date if customer else None)
    return CurrentAssessment(record, validity)


def cap_explanations(questionnaire: Questionnaire, record: AssessmentRecord, texts: Texts) -> list[str]:
    """The caps of a stored assessment in words, in ``texts``' language.

    In the language the assessment was made in, exactly the words that were shown and recorded;
    in another, written again from each cap's code, level and values (a cap stored before the
    values were kept, which needs them, keeps its recorded words).
    """
    if record.language == texts.language:
        return [cap.explanation for cap in record.caps]
    words = []
    for cap in record.caps:
        try:
            words.append(cap_explanation(questionnaire, texts, cap.code, cap.level, cap.values))
        except (KeyError, ValueError):
            words.append(cap.explanation)
    return words
