"""When the database fails: an apology instead of silence, nothing half-saved, nothing personal logged."""

from __future__ import annotations

import logging

import pytest

from actions import advisor, products, support
from actions.base import APOLOGY
from actions.kyc import ScoreAssessment
from actions.wiring import Services, use_services
from advisor_core.errors import PersistenceError
from tests.actions.conftest import (
    CUSTOMER_ID,
    FULL_ANSWERS,
    SENDER,
    advisor_token,
    assessment_for,
    customer_token,
    make_tracker,
    run_action,
    seed,
    stored,
)
from tests.fakes import FakeUnitOfWork, make_customer, make_event

SECRET_WORDS = "my private note: xyzzy plugh"


class BrokenUnitOfWork(FakeUnitOfWork):
    """Reads work; once ``broken``, every add (or every commit) raises PersistenceError.

    The error messages deliberately carry the record (customer id, texts), so a log that printed
    the exception's message would leak them.
    """

    def __init__(self, fail_on: str) -> None:
        super().__init__()
        self.fail_on = fail_on
        self.broken = False
        for repo in (self.customers, self.assessments, self.recommendations, self.suitability_events,
                     self.handoffs):
            repo.add = self._failing(repo.add)

    def _failing(self, add):
        def wrapper(record):
            if self.broken and self.fail_on == "add":
                raise PersistenceError(f"could not store {record!r}")
            return add(record)
        return wrapper

    def commit(self) -> None:
        if self.broken and self.fail_on == "commit":
            working = self._working
            self.rollback()
            raise PersistenceError(f"commit failed, lost {working!r}")
        super().commit()


@pytest.fixture(params=["add", "commit"])
def broken_uow(request, svc):
    uow = BrokenUnitOfWork(request.param)
    # The warning a confirmation answers (a confirmation without one is refused before any write).
    warning = make_event("E-warning", customer_id=CUSTOMER_ID, conversation_id=SENDER, kind="warning",
                         product_id="tech_thematic_fund", product_rating="R5", customer_level="C3")
    seed(uow, make_customer(CUSTOMER_ID), assessment_for("C3", assessment_id="A-C3"), warning)
    uow.broken = True
    use_services(Services(questionnaire=svc.questionnaire, catalog=svc.catalog, uow_factory=lambda: uow,
                          jwt_secret=svc.jwt_secret, clock=svc.clock))
    return uow


def _counts(uow):
    return {kind: len(records) for kind, records in stored(uow).items()}


WRITING_ACTIONS = {
    "score_assessment": (ScoreAssessment, dict(FULL_ANSWERS)),
    "request_human": (support.RequestHuman, {"risk_level": "C3"}),
    "recommend_products": (products.RecommendProducts, {}),
    "request_product": (products.RequestProduct, {"product": "tech_thematic_fund"}),
    "confirm_product": (products.ConfirmProductRequest, {"pending_product": "tech_thematic_fund"}),
}


@pytest.mark.parametrize("name", list(WRITING_ACTIONS))
def test_a_failed_write_ends_in_an_apology_and_stores_nothing(name, broken_uow, caplog):
    action_cls, slots = WRITING_ACTIONS[name]
    token = customer_token()
    before = _counts(broken_uow)
    caplog.set_level(logging.DEBUG)

    events, dispatcher = run_action(action_cls(), make_tracker(text=SECRET_WORDS, token=token, slots=slots))

    if name == "score_assessment":
        # The answers are kept and the customer is offered a retry that does not ask them again.
        assert events == [{"event": "slot", "timestamp": None, "name": "kyc_unsaved", "value": True}]
        [message] = dispatcher.messages
        assert "couldn't save" in message["text"] and "nothing was stored" in message["text"]
        assert [b["payload"] for b in message["buttons"]] == ["/start_risk_assessment"]
    else:
        assert events == []
        assert [m.get("text") for m in dispatcher.messages] == [APOLOGY]
    assert _counts(broken_uow) == before
    assert broken_uow._failed_write is None  # rolled back, nothing pending either

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "PersistenceError" in logged
    assert action_cls().name() in logged
    assert CUSTOMER_ID not in logged
    assert token not in logged
    assert SECRET_WORDS not in logged and "xyzzy" not in logged


@pytest.mark.parametrize("action_cls, token, slots", [
    (products.TellRiskLevel, "customer", {}),
    (support.Greet, "customer", {}),
    (products.ExplainDepositPlus, "customer", {}),
    (advisor.AdvisorHandoffList, "advisor", {}),
    (advisor.AdvisorCustomerSummary, "advisor", {"customer_ref": CUSTOMER_ID}),
], ids=lambda v: v().name() if isinstance(v, type) else None)
def test_an_unreachable_database_ends_in_an_apology(action_cls, token, slots, svc, caplog):
    def no_database():
        raise PersistenceError(f"cannot connect for customer {CUSTOMER_ID}")

    use_services(Services(questionnaire=svc.questionnaire, catalog=svc.catalog, uow_factory=no_database,
                          jwt_secret=svc.jwt_secret, clock=svc.clock))
    real = customer_token() if token == "customer" else advisor_token()
    caplog.set_level(logging.DEBUG)

    events, dispatcher = run_action(action_cls(), make_tracker(text=SECRET_WORDS, token=real, slots=slots))

    assert events == []
    assert dispatcher.messages[-1]["text"] == APOLOGY
    logged = "\n".join(logging.Formatter("%(message)s").format(r) for r in caplog.records)
    assert "PersistenceError" in logged
    assert CUSTOMER_ID not in logged and real not in logged and "xyzzy" not in logged


def test_the_apology_offers_a_person():
    assert "talk to a person" in APOLOGY
    assert "nothing was half-saved" in APOLOGY
