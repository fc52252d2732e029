"""Look-alike segments: explained by readable tree rules that reproduce them, stable across seeds."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from advisor_core.analytics import generate_demo_book
from advisor_core.analytics.book import book_from_customers
from advisor_core.analytics.segments import (
    BEHAVIOUR_FEATURES,
    behaviour_features,
    explain_segments,
    lookalike_segments,
    segment_profiles,
    segment_stability,
)
from tests.analytics_rows import TODAY

# The stated agreement: a depth-3 tree's rules reproduce at least this share of segment labels.
MIN_RULE_AGREEMENT = 0.80
MIN_SEED_AGREEMENT = 0.60   # mean adjusted Rand index across seeds


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    book = book_from_customers(generate_demo_book(1200))
    features = behaviour_features(book, TODAY)
    return book, features, lookalike_segments(features, 5, seed=0)


def test_every_customer_gets_one_of_the_segments(data) -> None:
    _, features, labels = data
    assert list(features.columns) == list(BEHAVIOUR_FEATURES)
    assert len(labels) == len(features) and set(labels) == set(range(5))


def test_segments_are_numbered_by_wealth(data) -> None:
    _, features, labels = data
    medians = [features.loc[labels == k, "wealth_products"].median() for k in range(5)]
    assert medians == sorted(medians)


def test_tree_rules_reproduce_the_segments_above_the_stated_agreement(data) -> None:
    _, features, labels = data
    rules, agreement = explain_segments(features, labels)
    assert agreement >= MIN_RULE_AGREEMENT
    # Applying the rule texts themselves gives the same agreement: they are the explanation.
    predicted = np.full(len(features), -1)
    for segment, texts in rules.items():
        for text in texts:
            predicted[_apply(text, features)] = segment
    assert (predicted == labels).mean() == pytest.approx(agreement)


def _apply(text: str, features: pd.DataFrame) -> np.ndarray:
    mask = np.ones(len(features), dtype=bool)
    if text == "everyone":
        return mask
    for clause in text.split(" and "):
        match = re.fullmatch(r"([a-z ]+) (<=|>) ([\d,.]+)", clause)
        assert match, clause
        column = features[match.group(1).replace(" ", "_")].to_numpy()
        value = float(match.group(3).replace(",", ""))
        mask &= column <= value if match.group(2) == "<=" else column > value
    return mask


def test_rule_texts_are_in_the_features_units(data) -> None:
    _, features, labels = data
    rules, _ = explain_segments(features, labels)
    texts = [t for group in rules.values() for t in group]
    assert texts and all(re.search(r"(<=|>) [\d,.]+", t) for t in texts)


def test_segments_are_stable_across_seeds(data) -> None:
    _, features, _ = data
    assert segment_stability(features, 5, seeds=(0, 1, 2)) >= MIN_SEED_AGREEMENT


def test_profiles_give_size_value_and_typical_products(data) -> None:
    book, features, labels = data
    rules, _ = explain_segments(features, labels)
    value = np.linspace(0, 1, len(book))
    profiles = segment_profiles(book, labels, value, rules)
    assert profiles["customers"].sum() == len(book)
    assert profiles["lifetime_value_total"].sum() == pytest.approx(value.sum(), abs=0.05)  # rounded to cents
    assert profiles["typical_products"].map(type).eq(str).all()
    assert profiles["rules"].str.len().gt(0).all()
