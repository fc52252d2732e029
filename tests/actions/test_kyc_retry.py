"""A refused write during an assessment: the customer is told, nothing is stored, a retry saves."""

from __future__ import annotations

from actions import kyc
from advisor_core.errors import PersistenceError
from tests.actions.conftest import customer_token, make_tracker, run_action, stored
from tests.factories import middle_answers

ANSWERS = middle_answers()


def test_refused_write_then_retry(fake_uow, monkeypatch) -> None:
    real_add = type(fake_uow.assessments).add

    def refuse(self, record):
        raise PersistenceError("database refused the write")

    monkeypatch.setattr(type(fake_uow.assessments), "add", refuse)
    tracker = make_tracker(slots=dict(ANSWERS), text="/inform", intent="inform", token=customer_token())
    events, dispatcher = run_action(kyc.ScoreAssessment(), tracker)
    text = " ".join(m.get("text") or "" for m in dispatcher.messages)
    assert "couldn't save" in text and "nothing was stored" in text
    assert [b["payload"] for m in dispatcher.messages for b in m.get("buttons", [])] == ["/start_risk_assessment"]
    assert {"event": "slot", "timestamp": None, "name": "kyc_unsaved", "value": True} in events
    assert stored(fake_uow)["assessments"] == []

    # The retry: answers are kept, nothing is asked again, and this time the write succeeds.
    monkeypatch.setattr(type(fake_uow.assessments), "add", real_add)
    retry = make_tracker(slots=dict(ANSWERS, kyc_unsaved=True), text="/start_risk_assessment",
                         intent="start_risk_assessment", token=customer_token())
    events, dispatcher = run_action(kyc.PrepareAssessment(), retry)
    names = {e["name"] for e in events if e.get("event") == "slot"}
    assert names == {"kyc_unsaved", "kyc_blocked"}  # no answer is reset
    events, dispatcher = run_action(kyc.ScoreAssessment(), make_tracker(slots=dict(ANSWERS), token=customer_token()))
    assert len(stored(fake_uow)["assessments"]) == 1
    assert "Your risk level is" in dispatcher.messages[0]["text"]
