"""An advisor's chat questions: a customer's stage and segment, a cross-sell list."""

from __future__ import annotations

import pytest

from advisor_core.analytics import generate_demo_book
from advisor_core.analytics.book import book_from_customers
from advisor_core.analytics.insight import cross_sell_list, customer_insight
from advisor_core.analytics.lifecycle import lifecycle_frame
from advisor_core.analytics.rules import STAGES
from tests.analytics_rows import TODAY


@pytest.fixture(scope="module")
def customers():
    return generate_demo_book(400)


def test_insight_matches_the_book_wide_lifecycle(customers) -> None:
    stages = lifecycle_frame(book_from_customers(customers, today=TODAY), TODAY)
    insight = customer_insight(customers, "C000007", TODAY)
    assert insight is not None and insight.stage in STAGES
    row = stages.iloc[6]
    assert (insight.stage, insight.next_best_action, insight.offer_product) == (
        str(row["stage"]), row["next_best_action"], row["offer_product"])
    assert 0 <= insight.segment < 5
    assert customer_insight(customers, "C999999", TODAY) is None


def test_cross_sell_list_exports_one_campaign(customers, tmp_path) -> None:
    result = cross_sell_list(customers, "renovation_instalment", TODAY, tmp_path)
    lines = result.export_path.read_text(encoding="utf-8").splitlines()
    assert result.export_path.name == "cross_sell_renovation_instalment-2026-01-01.csv"
    assert len(lines) == result.listed + 1 == result.counts["renovation_instalment"] + 1
    with pytest.raises(ValueError, match="allowed: deposit_plus"):
        cross_sell_list(customers, "lottery", TODAY, tmp_path)
