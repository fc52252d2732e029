"""The in-memory FakeUnitOfWork honours the unit-of-work contract.

(The same contract runs against SQLite and PostgreSQL in
``tests/integration/test_persistence.py::test_contract_*``.)
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from advisor_core.errors import PersistenceError
from advisor_core.services.unit_of_work import AbstractUnitOfWork
from tests.fakes import (
    T0,
    FakeUnitOfWork,
    make_assessment,
    make_customer,
    make_event,
    make_recommendation,
    make_ticket,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def test_is_a_unit_of_work(uow):
    assert isinstance(uow, AbstractUnitOfWork)
    assert uow.committed is False


def test_commit_keeps_the_writes(uow):
    with uow:
        uow.customers.add(make_customer())
        uow.assessments.add(make_assessment())
        uow.recommendations.add(make_recommendation())
        uow.suitability_events.add(make_event())
        uow.handoffs.add(make_ticket())
        uow.commit()
    assert uow.committed and uow.commits == 1
    with uow:
        assert uow.customers.get("CUST-0001") == make_customer()
        assert uow.assessments.latest_for_customer("CUST-0001") == make_assessment()
        assert uow.recommendations.list_for_conversation("conv-1") == [make_recommendation()]
        assert uow.suitability_events.list_for_customer("CUST-0001") == [make_event()]
        assert uow.handoffs.list_open() == [make_ticket()]


def test_leaving_without_commit_rolls_back(uow):
    with uow:
        uow.assessments.add(make_assessment())
        assert uow.assessments.latest_for_conversation("conv-1") == make_assessment()  # visible inside
    assert uow.committed is False
    with uow:
        assert uow.assessments.list_for_customer("CUST-0001") == []


def test_an_exception_rolls_back(uow):
    with pytest.raises(RuntimeError):
        with uow:
            uow.customers.add(make_customer())
            raise RuntimeError("boom")
    with uow:
        assert uow.customers.count() == 0


def test_rollback_keeps_what_was_committed_before(uow):
    with uow:
        uow.customers.add(make_customer("C1"))
        uow.commit()
    with uow:
        uow.customers.add(make_customer("C2"))
        uow.rollback()
        assert [c.customer_id for c in uow.customers.list_all()] == ["C1"]


def test_failed_write_makes_commit_refuse(uow):
    with uow:
        uow.assessments.add(make_assessment("A-1"))
        with pytest.raises(PersistenceError):
            uow.assessments.add(make_assessment("A-1"))
        with pytest.raises(PersistenceError, match="failed write"):
            uow.commit()
    with uow:
        assert uow.assessments.list_for_customer("CUST-0001") == []


@pytest.mark.parametrize(
    "bad",
    [
        lambda u: u.assessments.add(make_assessment(created_at=dt.datetime(2024, 1, 1))),
        lambda u: u.customers.add(make_customer(total_assets=1.5)),
        lambda u: u.customers.add(make_customer(total_assets=Decimal("1.001"))),
        lambda u: u.recommendations.add(make_recommendation(assessment_id="nope")),
        lambda u: u.handoffs.close("nope"),
    ],
    ids=["naive-time", "float-money", "three-places", "unknown-assessment", "unknown-ticket"],
)
def test_writes_the_database_would_refuse_are_refused(uow, bad):
    with uow:
        with pytest.raises(PersistenceError):
            bad(uow)


def test_no_update_or_delete_on_append_only_repositories(uow):
    for repo in (uow.assessments, uow.recommendations, uow.suitability_events):
        assert not [name for name in dir(repo) if name.startswith(("update", "delete", "remove", "set"))]


def test_handoff_close_is_staged_like_any_write(uow):
    with uow:
        uow.handoffs.add(make_ticket())
        uow.handoffs.add(make_ticket("H-0", created_at=T0 - dt.timedelta(hours=1)))
        uow.commit()
    with uow:
        assert [t.ticket_id for t in uow.handoffs.list_open()] == ["H-0", "H-1"]
        assert uow.handoffs.close("H-1").status == "closed"
    with uow:
        assert uow.handoffs.get("H-1").status == "open"  # not committed
        uow.handoffs.close("H-1")
        uow.commit()
    with uow:
        assert uow.handoffs.get("H-1").status == "closed"
        assert [t.ticket_id for t in uow.handoffs.list_open()] == ["H-0"]


def test_add_many_and_ordering(uow):
    with uow:
        assert uow.customers.add_many(make_customer(f"C{i}") for i in (3, 1, 2)) == 3
        uow.assessments.add(make_assessment("late", created_at=T0 + dt.timedelta(days=1)))
        uow.assessments.add(make_assessment("early"))
        uow.commit()
    with uow:
        assert [c.customer_id for c in uow.customers.list_all()] == ["C1", "C2", "C3"]
        assert [a.assessment_id for a in uow.assessments.list_for_customer("CUST-0001")] == ["early", "late"]
        assert uow.assessments.latest_for_customer("CUST-0001").assessment_id == "late"


def test_services_layer_does_not_import_sqlalchemy():
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys, advisor_core.services.unit_of_work, tests.fakes\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
