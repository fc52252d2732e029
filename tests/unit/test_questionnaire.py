"""The packaged questionnaire v1 is exactly the spec's (kyc-suitability.md section 1)."""

from __future__ import annotations

import pytest

from advisor_core.adapters.datafiles import default_questionnaire, load_questionnaire
from advisor_core.domain.levels import RiskLevel, RiskRating, highest_rating_for
from advisor_core.domain.questionnaire import ItemGroup, NumericUnit, Questionnaire
from tests.factories import (
    GOAL_IDS,
    KNOWLEDGE_CORRECT,
    KNOWLEDGE_OPTIONS,
    KNOWLEDGE_POINTS,
    SLOT,
    SPEC_AGE_BANDS,
    SPEC_BANDS,
    SPEC_OPTION_ITEMS,
    SPEC_SLOT_ORDER,
)


@pytest.fixture(scope="module")
def q() -> Questionnaire:
    return default_questionnaire()


def test_version(q: Questionnaire) -> None:
    assert q.version == "v1"


def test_default_is_cached_and_equals_a_fresh_load(q: Questionnaire) -> None:
    assert default_questionnaire() is q
    assert load_questionnaire() == q


def test_thirteen_scored_items_plus_goals(q: Questionnaire) -> None:
    # 14 entries: items 1-7, 8a, 8b, 9-13; 8a and 8b score together as item 8.
    assert len(q.items) == 14
    numbers = [i.number for i in q.items]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "9", "10", "11", "12", "13"]
    scored = {n.rstrip("ab") for n in numbers}
    assert len(scored) == 13
    assert q.goals.slot == "kyc_goals"


def test_slot_names_and_order(q: Questionnaire) -> None:
    assert q.slots == SPEC_SLOT_ORDER
    assert len(set(q.slots)) == len(q.slots)


def test_item_keys_match_slots(q: Questionnaire) -> None:
    for item in q.items:
        assert SLOT[item.key] == item.slot
        assert q.item(item.key) is item
        assert q.item_for_slot(item.slot) is item


def test_unknown_item_and_slot_raise_key_error(q: Questionnaire) -> None:
    with pytest.raises(KeyError):
        q.item("nope")
    with pytest.raises(KeyError):
        q.item_for_slot("kyc_nope")


def test_groups(q: Questionnaire) -> None:
    groups = {i.key: i.group for i in q.items}
    assert [k for k, g in groups.items() if g is ItemGroup.CAPACITY] == [
        "income_source", "investable_assets", "asset_share", "liquidity_reserve", "age"]
    assert [k for k, g in groups.items() if g is ItemGroup.EXPERIENCE] == ["experience", "trade_frequency"]
    assert [k for k, g in groups.items() if g is ItemGroup.KNOWLEDGE] == [
        "knowledge_bonds", "knowledge_diversification"]
    assert [k for k, g in groups.items() if g is ItemGroup.WILLINGNESS] == [
        "horizon", "objective", "loss_tolerance", "drawdown_reaction", "return_tradeoff"]


@pytest.mark.parametrize(("key", "slot", "options"), SPEC_OPTION_ITEMS, ids=[k for k, _, _ in SPEC_OPTION_ITEMS])
def test_options_and_points_exactly_as_spec(q: Questionnaire, key: str, slot: str,
                                            options: tuple[tuple[str, int], ...]) -> None:
    item = q.item(key)
    assert item.slot == slot
    assert [(o.id, o.points) for o in item.options] == list(options)


@pytest.mark.parametrize("key", [k for k, _, _ in SPEC_OPTION_ITEMS])
def test_options_offered_from_fewest_points_to_most(q: Questionnaire, key: str) -> None:
    points = [o.points for o in q.item(key).options]
    assert points == sorted(points)
    assert len(set(points)) == len(points), "no two options of a scored item share points"


def test_every_option_has_a_label(q: Questionnaire) -> None:
    for item in q.items:
        assert item.question.strip() and item.why.strip()
        for option in item.options:
            assert option.label.strip()
    for option in q.goals.options:
        assert option.label.strip()


def test_age_item_bands(q: Questionnaire) -> None:
    item = q.item("age")
    assert item.is_age
    assert item.options == ()
    assert [(b.min, b.max, b.points) for b in item.age_bands] == list(SPEC_AGE_BANDS)
    assert item.max_points == 6


@pytest.mark.parametrize("key", sorted(KNOWLEDGE_OPTIONS))
def test_knowledge_items(q: Questionnaire, key: str) -> None:
    item = q.item(key)
    assert item.group is ItemGroup.KNOWLEDGE
    assert item.option_ids == KNOWLEDGE_OPTIONS[key]
    assert [o.id for o in item.options if o.correct] == [KNOWLEDGE_CORRECT[key]]
    assert all(o.points == 0 for o in item.options), "knowledge is scored through knowledge_points"


def test_knowledge_points(q: Questionnaire) -> None:
    assert q.knowledge_points == KNOWLEDGE_POINTS


def test_only_knowledge_items_have_correct_answers(q: Questionnaire) -> None:
    for item in q.items:
        if item.group is not ItemGroup.KNOWLEDGE:
            assert not any(o.correct for o in item.options), item.key


def test_maximum_total_is_100(q: Questionnaire) -> None:
    total = sum(i.max_points for i in q.items if i.group is not ItemGroup.KNOWLEDGE) + max(q.knowledge_points)
    assert total == 100


def test_capacity_and_willingness_maxima(q: Questionnaire) -> None:
    assert sum(i.max_points for i in q.items if i.group is ItemGroup.CAPACITY) == 30
    assert sum(i.max_points for i in q.items if i.group is ItemGroup.WILLINGNESS) == 50


def test_score_bands(q: Questionnaire) -> None:
    assert [(int(b.level), b.min, b.max) for b in q.bands] == list(SPEC_BANDS)
    for band in q.bands:
        assert band.meaning.strip()
        assert q.meaning_of(band.level) == band.meaning


@pytest.mark.parametrize(("score", "level"), [
    (0, RiskLevel.C1), (19, RiskLevel.C1), (20, RiskLevel.C2), (39, RiskLevel.C2),
    (40, RiskLevel.C3), (59, RiskLevel.C3), (60, RiskLevel.C4), (79, RiskLevel.C4),
    (80, RiskLevel.C5), (100, RiskLevel.C5),
])
def test_level_for_band_edges(q: Questionnaire, score: int, level: RiskLevel) -> None:
    assert q.level_for(score) is level


@pytest.mark.parametrize("score", [-1, 101])
def test_level_for_outside_0_100(q: Questionnaire, score: int) -> None:
    with pytest.raises(ValueError):
        q.level_for(score)


def test_goals_question(q: Questionnaire) -> None:
    assert q.goals.option_ids == GOAL_IDS
    assert all(o.points == 0 for o in q.goals.options), "goals are not scored"


@pytest.mark.parametrize(("key", "unit"), [
    ("investable_assets", NumericUnit.AMOUNT), ("asset_share", NumericUnit.PERCENT),
    ("liquidity_reserve", NumericUnit.MONTHS), ("trade_frequency", NumericUnit.COUNT),
    ("horizon", NumericUnit.YEARS), ("loss_tolerance", NumericUnit.PERCENT),
])
def test_numeric_mappings_end_with_a_catch_all(q: Questionnaire, key: str, unit: NumericUnit) -> None:
    numeric = q.item(key).numeric
    assert numeric is not None and numeric.unit is unit
    last = numeric.bands[-1]
    assert last.below is None and last.up_to is None
    assert {b.option for b in numeric.bands} <= set(q.item(key).option_ids)


def test_option_lookup(q: Questionnaire) -> None:
    item = q.item("objective")
    assert item.option("growth").points == 7
    with pytest.raises(KeyError):
        item.option("nope")


# ------------------------------------------------------------------ levels


def test_risk_level_and_rating_parse() -> None:
    assert RiskLevel.parse(" c3 ") is RiskLevel.C3
    assert RiskRating.parse("r5") is RiskRating.R5
    with pytest.raises(ValueError, match="C1..C5"):
        RiskLevel.parse("C6")
    with pytest.raises(ValueError, match="R1..R5"):
        RiskRating.parse("X")


@pytest.mark.parametrize("level", list(RiskLevel))
def test_highest_rating_for(level: RiskLevel) -> None:
    assert int(highest_rating_for(level)) == int(level)
