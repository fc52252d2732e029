"""The analytics rules file: the playbook's thresholds, and clear errors for a broken file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from advisor_core.analytics.rules import RULES_FILE, STAGES, load_rules
from advisor_core.errors import DataFileError

PACKAGED = Path(__file__).resolve().parents[2] / "advisor_core" / "analytics" / RULES_FILE


def test_the_playbook_thresholds() -> None:
    rules = load_rules()
    c = rules.campaigns
    assert (c.travel_min_flights, c.travel_min_deposits, c.travel_min_credit_score) == (15, Decimal(50000), 750)
    assert (c.active_min_transfers, c.active_min_wealth) == (10, Decimal(50000))
    assert (c.renovation_mortgage_years, c.renovation_max_amount, c.renovation_annual_rate) == (
        1, Decimal(500000), Decimal("4.8"))
    assert set(rules.value.retention) == set(STAGES)


def write(tmp_path: Path, change) -> Path:  # noqa: ANN001
    data = yaml.safe_load(PACKAGED.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("change, field", [
    (lambda d: d["campaigns"]["travel_card"].update(min_flights_a_year="many"),
     "campaigns.travel_card.min_flights_a_year"),
    (lambda d: d["lifetime_value"]["retention"].pop("grow"), "lifetime_value.retention.grow"),
    (lambda d: d["lifetime_value"]["retention"].update(grow=100), "lifetime_value.retention.grow"),
    (lambda d: d["lifecycle"].update(retain_inactive_days=200), "lifecycle.retain_inactive_days"),
    (lambda d: d["campaigns"]["active_wealth"].update(products=[]), "campaigns.active_wealth.products"),
    (lambda d: d["extra_products"]["travel_card"].update(risk_rating="R9"), "extra_products.travel_card.risk_rating"),
    (lambda d: d["label_check"]["personas"]["steady"].update(alternative="bond_fund"), "label_check.personas.steady"),
    (lambda d: d["campaign_names"].pop("travel_card"), "campaign_names.travel_card"),
    (lambda d: d["label_check"]["labelling"].update(cash_keeper_deposit_share=60),
     "label_check.labelling.cash_keeper_deposit_share"),
    (lambda d: d["label_check"]["labelling"].update(growth_min_level=9), "label_check.labelling.growth_min_level"),
    (lambda d: d["label_check"]["labelling"].update(growth_products=[]), "label_check.labelling.growth_products"),
    (lambda d: d["label_check"]["personas"].update(thrifty={"expected": "bond_fund", "alternative": "deposit_plus"}),
     "label_check.personas.thrifty"),
    (lambda d: d["campaign_names"].update(lottery="Lottery"), "campaign_names.lottery"),
])
def test_a_broken_file_names_the_field(tmp_path: Path, change, field: str) -> None:  # noqa: ANN001
    with pytest.raises(DataFileError) as caught:
        load_rules(write(tmp_path, change))
    assert caught.value.field == field and caught.value.path.endswith("rules.yaml")


def test_a_missing_file_is_a_data_file_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        load_rules(tmp_path / "nope.yaml")
