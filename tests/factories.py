"""Answer-set builders shared by the tests (unit, integration, action and end-to-end tests).

The questionnaire's points are written out here *from the spec* (KYC and suitability spec v1.1,
section 1; every rule with its source is in ``docs/suitability-rules.md``), independently of the YAML data file,
so that tests can compare the data file and the scorer against the spec rather than against
themselves. Option ids are the v1 data file's stable ids; the spec gives only labels.

Builders
--------
``conservative_answers()``
    The fewest points on every item: no income, under 100k, more than 70% invested, no reserve,
    age 67 (over 65 -> 0 points), deposits only, no trades, both knowledge answers "don't
    know", horizon under a year, keep principal safe, cannot bear any loss, sell everything,
    all in A; goals "none". Total 0 -> C1 (and lowest category).

``aggressive_answers()``
    The most points on every item: two incomes, over 3m, under 10% of assets, more than 6
    months reserve and no debt, age 40 (31-50 -> 6 points), derivatives, more than 15 trades,
    both knowledge answers correct, horizon over 10 years, strong growth, can bear more than 30%,
    buy more, all in B; goals "wealth_growth". Total 100 -> C5, and no cap fires.

``middle_answers(**overrides)``
    A middle-of-the-road customer: one stable wage, 100k-500k, 10-30% invested, 3-6 months reserve
    and a mortgage, age 40, equities, 1-5 trades, both knowledge answers correct, 5-10 years, income,
    up to 15% loss, hold, half and half; goals "retirement". Capacity 21, experience 14, willingness
    30: total 65 -> C4, no cap, no contradiction. With overrides (same keys as ``answers``), the
    one place the tests' everyday answer sets come from: each test names only what it changes.

``answers(**overrides)``
    ``aggressive_answers()`` with some answers replaced. Keys may be item keys
    (``loss_tolerance="none"``), slot names (``kyc_loss_tolerance="none"``) or ``goals``.
    Because the base fires no cap, a single override shows one rule at work.

``answers_with_total(total)``
    A valid answer set whose spec total is exactly ``total`` (12-100) and which fires no cap,
    with capacity and willingness balanced so that the capacity/willingness gap rule does not
    bind either: its final level is the band level of ``total``.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import strategies as st

# ------------------------------------------------------------------ the spec, written out

#: (item key, slot, ((option id, points), ...) in the order the spec lists them)
SPEC_OPTION_ITEMS: tuple[tuple[str, str, tuple[tuple[str, int], ...]], ...] = (
    ("income_source", "kyc_income_source",
     (("none", 0), ("pension_only", 2), ("one_stable_wage", 4), ("two_incomes_or_business", 6))),
    ("investable_assets", "kyc_investable_assets",
     (("lt_100k", 0), ("100k_500k", 2), ("500k_3m", 4), ("gt_3m", 6))),
    ("asset_share", "kyc_asset_share",
     (("gt_70", 0), ("50_70", 2), ("30_50", 3), ("10_30", 5), ("lt_10", 6))),
    ("liquidity_reserve", "kyc_liquidity_reserve",
     (("none_or_informal_debt", 0), ("lt_3m_or_consumer_debt", 2), ("3_6m_mortgage_only", 4),
      ("gt_6m_no_debt", 6))),
    ("experience", "kyc_experience",
     (("deposits_only", 0), ("fixed_income", 3), ("equities", 6), ("derivatives", 8))),
    ("trade_frequency", "kyc_trade_frequency",
     (("none", 0), ("1_5", 2), ("6_15", 4), ("gt_15", 6))),
    ("horizon", "kyc_horizon",
     (("lt_1y", 0), ("1_3y", 3), ("3_5y", 6), ("5_10y", 8), ("gt_10y", 10))),
    ("objective", "kyc_objective",
     (("preserve", 0), ("income", 4), ("growth", 7), ("aggressive_growth", 10))),
    # "none" carries no points of its own in the spec; it triggers cap 1 (lowest category).
    ("loss_tolerance", "kyc_loss_tolerance",
     (("none", 0), ("le_5", 3), ("le_15", 6), ("le_30", 8), ("gt_30", 10))),
    ("drawdown_reaction", "kyc_drawdown_reaction",
     (("sell_all", 0), ("sell_some", 3), ("hold", 7), ("buy_more", 10))),
    ("return_tradeoff", "kyc_return_tradeoff",
     (("all_a", 0), ("mostly_a", 3), ("half", 5), ("mostly_b", 8), ("all_b", 10))),
)
SPEC_POINTS: dict[str, dict[str, int]] = {key: dict(opts) for key, _, opts in SPEC_OPTION_ITEMS}
SPEC_OPTIONS: dict[str, tuple[str, ...]] = {key: tuple(o for o, _ in opts) for key, _, opts in SPEC_OPTION_ITEMS}
SLOT: dict[str, str] = {key: slot for key, slot, _ in SPEC_OPTION_ITEMS}
SLOT.update({
    "age": "kyc_age",
    "knowledge_bonds": "kyc_knowledge_bonds",
    "knowledge_diversification": "kyc_knowledge_diversification",
    "goals": "kyc_goals",
})

#: The consistency rule as the spec v1.1 words it (section 2.6): item 11 at most 5% contradicts
#: item 10 at 7+ points or item 13 at 8+ points; a contradiction that persists counts each
#: contradicting answer as "item 10: 4 points, item 13: 5 points". Written out, not derived.
SPEC_CAREFUL_LOSS = ("none", "le_5")
SPEC_BOLD_FROM = {"objective": 7, "return_tradeoff": 8}
SPEC_CAREFUL_POINTS = {"objective": 4, "return_tradeoff": 5}

#: (min age, max age, points)
SPEC_AGE_BANDS = ((18, 30, 5), (31, 50, 6), (51, 60, 3), (61, 65, 1), (66, 120, 0))

KNOWLEDGE_OPTIONS = {
    "knowledge_bonds": ("rises", "falls", "same", "dont_know"),
    "knowledge_diversification": ("one_stock", "the_fund", "same", "dont_know"),
}
KNOWLEDGE_CORRECT = {"knowledge_bonds": "falls", "knowledge_diversification": "one_stock"}
KNOWLEDGE_POINTS = (0, 3, 6)   # 0 / 1 / 2 correct

GOAL_IDS = ("child_education", "retirement", "home_purchase", "business_liquidity",
            "wealth_growth", "none")

#: The slots in the order the spec asks them, goals last.
SPEC_SLOT_ORDER = (
    "kyc_income_source", "kyc_investable_assets", "kyc_asset_share", "kyc_liquidity_reserve",
    "kyc_age", "kyc_experience", "kyc_trade_frequency", "kyc_knowledge_bonds",
    "kyc_knowledge_diversification", "kyc_horizon", "kyc_objective", "kyc_loss_tolerance",
    "kyc_drawdown_reaction", "kyc_return_tradeoff", "kyc_goals",
)

CAPACITY_KEYS = ("income_source", "investable_assets", "asset_share", "liquidity_reserve", "age")
WILLINGNESS_KEYS = ("horizon", "objective", "loss_tolerance", "drawdown_reaction", "return_tradeoff")
CAPACITY_MAX = 30
WILLINGNESS_MAX = 50

#: Score bands (level number, min, max).
SPEC_BANDS = ((1, 0, 19), (2, 20, 39), (3, 40, 59), (4, 60, 79), (5, 80, 100))


def age_points(age: int) -> int:
    return next(p for lo, hi, p in SPEC_AGE_BANDS if lo <= age <= hi)


def band_number(score: int) -> int:
    return next(n for n, lo, hi in SPEC_BANDS if lo <= score <= hi)


def scaled(points: int, maximum: int) -> int:
    return int((Decimal(points) * 100 / Decimal(maximum)).quantize(Decimal(1), ROUND_HALF_UP))


# ------------------------------------------------------------------ builders


def _slot_for(name: str) -> str:
    if name in SLOT:
        return SLOT[name]
    if name in SLOT.values():
        return name
    raise KeyError(f"no questionnaire item or slot called {name!r}")


def _in_order(answer_set: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The answer set with ``overrides`` applied, slots in the order the questionnaire asks them
    (end-to-end tests send the answers in this order)."""
    changed = dict(answer_set)
    for name, value in overrides.items():
        changed[_slot_for(name)] = value
    return {slot: changed[slot] for slot in SPEC_SLOT_ORDER}


def conservative_answers(**overrides: Any) -> dict[str, Any]:
    """The fewest points everywhere (see the module docstring): total 0, level C1."""
    result: dict[str, Any] = {SLOT[key]: opts[0][0] for key, _, opts in SPEC_OPTION_ITEMS}
    result["kyc_age"] = 67
    result["kyc_knowledge_bonds"] = "dont_know"
    result["kyc_knowledge_diversification"] = "dont_know"
    result["kyc_goals"] = ["none"]
    return _in_order(result, overrides)


def aggressive_answers() -> dict[str, Any]:
    """The most points everywhere (see the module docstring): total 100, level C5, no cap."""
    result: dict[str, Any] = {SLOT[key]: opts[-1][0] for key, _, opts in SPEC_OPTION_ITEMS}
    result["kyc_age"] = 40
    result["kyc_knowledge_bonds"] = "falls"
    result["kyc_knowledge_diversification"] = "one_stock"
    result["kyc_goals"] = ["wealth_growth"]
    return _in_order(result, {})


def answers(**overrides: Any) -> dict[str, Any]:
    """``aggressive_answers()`` with overrides by item key, slot name or ``goals``."""
    return _in_order(aggressive_answers(), overrides)


def middle_answers(**overrides: Any) -> dict[str, Any]:
    """A middle-of-the-road customer (see the module docstring): total 65, level C4, no cap,
    with overrides by item key, slot name or ``goals``."""
    middle: dict[str, Any] = {
        "kyc_income_source": "one_stable_wage", "kyc_investable_assets": "100k_500k", "kyc_asset_share": "10_30",
        "kyc_liquidity_reserve": "3_6m_mortgage_only", "kyc_age": 40, "kyc_experience": "equities",
        "kyc_trade_frequency": "1_5", "kyc_knowledge_bonds": "falls", "kyc_knowledge_diversification": "one_stock",
        "kyc_horizon": "5_10y", "kyc_objective": "income", "kyc_loss_tolerance": "le_15",
        "kyc_drawdown_reaction": "hold", "kyc_return_tradeoff": "half", "kyc_goals": ["retirement"],
    }
    return _in_order(middle, overrides)


def spec_points(answer_set: dict[str, Any]) -> dict[str, int]:
    """Raw points per item key by the spec table (before any contradiction handling)."""
    points = {key: SPEC_POINTS[key][answer_set[SLOT[key]]] for key in SPEC_POINTS}
    points["age"] = age_points(int(answer_set["kyc_age"]))
    correct = sum(answer_set[SLOT[k]] == v for k, v in KNOWLEDGE_CORRECT.items())
    points["knowledge"] = KNOWLEDGE_POINTS[correct]
    return points


def knowledge_correct(answer_set: dict[str, Any]) -> int:
    return sum(answer_set[SLOT[k]] == v for k, v in KNOWLEDGE_CORRECT.items())


# --- answers_with_total: enumerate each group's cap-free combinations once.

_CAP_AGES = {5: 25, 6: 40, 3: 55, 1: 62}   # an age under 65 for each age-points value


def _capacity_combos() -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    keys = ("income_source", "investable_assets", "asset_share", "liquidity_reserve")
    for choice in itertools.product(*(SPEC_OPTION_ITEMS_BY_KEY[k] for k in keys)):
        if choice[0][0] == "none":          # no income -> cap C1
            continue
        for age_pts, age in _CAP_AGES.items():
            total = sum(p for _, p in choice) + age_pts
            found.setdefault(total, {**{SLOT[k]: o for k, (o, _) in zip(keys, choice, strict=True)}, "kyc_age": age})
    return found


def _experience_combos() -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    knowledge = (("dont_know", "dont_know"), ("falls", "dont_know"), ("falls", "one_stock"))
    for (exp, exp_pts), (trade, trade_pts) in itertools.product(
            SPEC_OPTION_ITEMS_BY_KEY["experience"], SPEC_OPTION_ITEMS_BY_KEY["trade_frequency"]):
        for correct, (bonds, div) in enumerate(knowledge):
            if exp == "deposits_only" and correct == 0:   # no experience -> cap C2
                continue
            total = exp_pts + trade_pts + KNOWLEDGE_POINTS[correct]
            found.setdefault(total, {"kyc_experience": exp, "kyc_trade_frequency": trade,
                                     "kyc_knowledge_bonds": bonds,
                                     "kyc_knowledge_diversification": div})
    return found


def _willingness_combos() -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for choice in itertools.product(*(SPEC_OPTION_ITEMS_BY_KEY[k] for k in WILLINGNESS_KEYS)):
        picked = dict(zip(WILLINGNESS_KEYS, choice, strict=True))
        if picked["horizon"][0] == "lt_1y" or picked["loss_tolerance"][0] == "none":
            continue                           # short horizon / lowest category
        if picked["loss_tolerance"][0] == "le_5" and (
                picked["objective"][1] >= 7 or picked["return_tradeoff"][1] >= 8):
            continue                           # the contradiction rule
        total = sum(p for _, p in choice)
        found.setdefault(total, {SLOT[k]: o for k, (o, _) in picked.items()})
    return found


SPEC_OPTION_ITEMS_BY_KEY = {key: opts for key, _, opts in SPEC_OPTION_ITEMS}
_CAPACITY = _capacity_combos()
_EXPERIENCE = _experience_combos()
_WILLINGNESS = _willingness_combos()


def answers_with_total(total: int) -> dict[str, Any]:
    """A cap-free answer set with the given spec total; capacity and willingness are chosen as
    close to the total (on the 0-100 scale) as possible, so the gap rule does not bind."""
    best: tuple[int, dict[str, Any]] | None = None
    for c, cap in _CAPACITY.items():
        for e, exp in _EXPERIENCE.items():
            w = total - c - e
            if w not in _WILLINGNESS:
                continue
            cap_band, will_band = band_number(scaled(c, CAPACITY_MAX)), band_number(scaled(w, WILLINGNESS_MAX))
            if min(cap_band, will_band) + 1 < band_number(total):
                continue
            distance = abs(scaled(c, CAPACITY_MAX) - total) + abs(scaled(w, WILLINGNESS_MAX) - total)
            if best is None or distance < best[0]:
                best = (distance, {**cap, **exp, **_WILLINGNESS[w], "kyc_goals": ["wealth_growth"]})
    if best is None:
        raise ValueError(f"no cap-free answer set totals {total}")
    return best[1]


# ------------------------------------------------------------------ hypothesis strategies


def answer_sets(*, min_age: int = 18, max_age: int = 120) -> st.SearchStrategy[dict[str, Any]]:
    """Any valid, complete answer set (every option of every item, any adult age, any goals)."""
    fields: dict[str, st.SearchStrategy[Any]] = {
        SLOT[key]: st.sampled_from(SPEC_OPTIONS[key]) for key in SPEC_OPTIONS
    }
    fields["kyc_age"] = st.integers(min_age, max_age)
    for key, options in KNOWLEDGE_OPTIONS.items():
        fields[SLOT[key]] = st.sampled_from(options)
    fields["kyc_goals"] = st.lists(st.sampled_from(GOAL_IDS), min_size=1, max_size=4, unique=True)
    return st.fixed_dictionaries(fields)
