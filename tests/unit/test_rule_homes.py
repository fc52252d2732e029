"""Issue 10, "one home for every rule": the rules the actions used to hold, now in advisor_core.

Answer validity and the under-18 check (``domain/answers.py``), the plan's limits
(``domain/plans.py``), the session carry-over policy (``domain/sessions.py``), the settings
(``settings.py``) and the one deposit-plus threshold (the catalog). See docs/suitability-rules.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from advisor_core.adapters.datafiles import default_catalog, default_questionnaire
from advisor_core.analytics import campaigns
from advisor_core.domain.answers import (
    RECHECK_SLOT,
    ReadingKind,
    answer_slots,
    answers_given,
    answers_that_count,
    is_valid_answer,
    needs_recheck,
    read_answer,
)
from advisor_core.domain.plans import (
    MAX_MONTHLY,
    AmountKind,
    AmountReading,
    read_child_age,
    read_monthly_or_target,
    read_target,
)
from advisor_core.domain.recommendation import CustomerContext, check_product
from advisor_core.domain.sessions import CARRY_OVER_SLOTS, carried_over
from advisor_core.errors import SettingsError
from advisor_core.settings import MIN_JWT_SECRET_BYTES, load_settings
from tests.factories import aggressive_answers
from tests.fakes import make_customer

Q = default_questionnaire()
CATALOG = default_catalog()


# ------------------------------------------------------------------ answers


@pytest.mark.parametrize(("slot", "value", "kind", "clean"), [
    ("kyc_income_source", "pension_only", ReadingKind.ACCEPTED, "pension_only"),
    ("kyc_age", "I'm 42", ReadingKind.ACCEPTED, 42),
    ("kyc_age", 18, ReadingKind.ACCEPTED, 18),
    ("kyc_age", "17", ReadingKind.UNDERAGE, 17),
    ("kyc_age", "I am 9 years old", ReadingKind.UNDERAGE, 9),
    ("kyc_age", "purple", ReadingKind.REJECTED, None),
    ("kyc_age", "130", ReadingKind.REJECTED, None),
    ("kyc_objective", {"$ne": None}, ReadingKind.REJECTED, None),
    ("kyc_objective", "definitely_not_an_option", ReadingKind.REJECTED, None),
    (RECHECK_SLOT, "le_15", ReadingKind.ACCEPTED, "le_15"),
    ("kyc_goals", ["retirement"], ReadingKind.ACCEPTED, ["retirement"]),
])
def test_read_answer(slot: str, value: object, kind: ReadingKind, clean: object) -> None:
    reading = read_answer(Q, slot, value)
    assert reading.kind is kind, reading
    if kind is not ReadingKind.REJECTED:
        assert reading.value == clean
    else:
        assert reading.reason
    assert reading.expects_number == (slot == "kyc_age")


def test_valid_answers_are_options_adult_ages_and_goal_lists() -> None:
    assert is_valid_answer(Q, "kyc_age", 18) and is_valid_answer(Q, "kyc_age", 120.0)
    assert not is_valid_answer(Q, "kyc_age", 17) and not is_valid_answer(Q, "kyc_age", True)
    assert not is_valid_answer(Q, "kyc_age", "42")   # text is read first, then stored as a number
    assert is_valid_answer(Q, RECHECK_SLOT, "le_5")
    assert not is_valid_answer(Q, "kyc_goals", ["yacht"])


def test_the_recheck_is_asked_after_item_13_and_counts_instead_of_the_first_reading() -> None:
    slots = answer_slots(Q)
    assert slots.index(RECHECK_SLOT) == slots.index("kyc_return_tradeoff") + 1
    given = dict(aggressive_answers(), kyc_loss_tolerance="le_5", **{RECHECK_SLOT: "gt_30"})
    assert answers_that_count(Q, given)["kyc_loss_tolerance"] == "gt_30"
    log = answers_given(Q, given)
    assert [(a.slot, a.value) for a in log if "loss" in a.slot] == [
        ("kyc_loss_tolerance", "le_5"), (RECHECK_SLOT, "gt_30")]
    assert needs_recheck(Q, given)
    calm = dict(aggressive_answers(), kyc_loss_tolerance="le_5", kyc_objective="income", kyc_return_tradeoff="half")
    assert not needs_recheck(Q, calm)
    assert not needs_recheck(Q, {**dict(aggressive_answers(), kyc_loss_tolerance="le_5"), "kyc_return_tradeoff": None})


# ------------------------------------------------------------------ the education plan


def test_plan_readers() -> None:
    assert read_child_age("she is 3") == 3 and read_child_age("0") == 0
    assert read_child_age("18") is None and read_child_age("3 or 4") is None
    assert read_child_age("2.5") == 2 and read_child_age("6 months old") == 0   # completed years
    assert read_monthly_or_target("500 a month") == AmountReading(AmountKind.MONTHLY, Decimal(500))
    reading = read_monthly_or_target("target 200,000")
    assert (reading.kind, reading.amount) == (AmountKind.TARGET, Decimal(200000))
    assert read_monthly_or_target(str(MAX_MONTHLY + 1)).kind is AmountKind.REJECTED
    assert read_monthly_or_target("nothing").kind is AmountKind.REJECTED
    assert read_target("200k") == Decimal(200000) and read_target("-5") is None


# ------------------------------------------------------------------ sessions


def test_one_carry_over_policy() -> None:
    assert "kyc_goals" in CARRY_OVER_SLOTS
    for dropped in ("customer_id", "user_role", "risk_level", "pending_product", "kyc_age", "requested_slot"):
        assert dropped not in CARRY_OVER_SLOTS
    kept = carried_over({"kyc_goals": ["retirement"], "customer_id": "C1", "pending_product": "index_fund",
                         "language": None})
    assert kept == {"kyc_goals": ["retirement"]}


# ------------------------------------------------------------------ settings


def test_settings_defaults_share_one_var_dir(tmp_path: Path) -> None:
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path)})
    assert settings.var_dir == tmp_path
    assert settings.database_url == f"sqlite:///{tmp_path / 'advisor.db'}"
    assert settings.export_dir == tmp_path / "exports"
    assert settings.jwt_secret is None


def test_settings_from_the_environment(tmp_path: Path) -> None:
    secret = "s" * MIN_JWT_SECRET_BYTES
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db/advisor",
                              "ADVISOR_EXPORT_DIR": str(tmp_path / "out"), "ADVISOR_JWT_SECRET": secret})
    assert settings.database_url == "postgresql+psycopg2://u@db/advisor"
    assert settings.export_dir == tmp_path / "out"
    assert settings.jwt_secret == secret
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.jwt_secret = "x"  # type: ignore[misc]


@pytest.mark.parametrize(("variable", "value", "problem"), [
    ("ADVISOR_JWT_SECRET", "too-short", "32 bytes"),
    ("DATABASE_URL", "advisor.db", "SQLAlchemy URL"),
])
def test_bad_settings_name_the_variable(variable: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings({variable: value})
    assert info.value.variable == variable and problem in str(info.value)


# ------------------------------------------------------------------ one deposit-plus threshold


def test_deposit_plus_threshold_is_the_catalogs_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """Changing the catalog's threshold moves the recommendation rule and the campaign together."""
    raised = dataclasses.replace(CATALOG, rates=dataclasses.replace(CATALOG.rates, offer_above_balance=Decimal(8000)))
    monkeypatch.setattr("advisor_core.adapters.datafiles.default_catalog", lambda: raised)
    today = dt.date(2026, 1, 1)
    for balance, offered in ((Decimal("7999.99"), False), (Decimal("8000.00"), False), (Decimal("8000.01"), True)):
        customer = make_customer("C1", demand_balance=balance, holdings=())
        ctx = CustomerContext(level=None, demand_balance=balance, today=today)
        assert (check_product(raised.get("deposit_plus"), ctx, raised) is None) is offered
        assert campaigns.is_deposit_plus_eligible(customer) is offered
        assert bool(campaigns.eligibility_frame([customer], today)["deposit_plus"].iloc[0]) is offered
        assert raised.rates.offers_deposit_plus(balance) is offered
