"""The analytics rules (``rules_v1.yaml``), read and validated on first use.

Every threshold the lifecycle, lifetime-value, campaign and label-check code uses is here or in
the product catalog; a broken file raises :class:`~advisor_core.errors.DataFileError` naming the
file and the field. The deposit-plus threshold is the catalog's ``offer_above_balance``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from advisor_core.domain.levels import RiskRating
from advisor_core.errors import DataFileError

RULES_FILE = "rules_v1.yaml"
STAGES: tuple[str, ...] = ("acquire", "activate", "retain", "grow", "win_back")
# The marketing persona labels ``label_check.labelling`` gives customers.
PERSONAS: tuple[str, ...] = ("steady", "growth", "cash_keeper")
CAMPAIGN_RULES: tuple[str, ...] = ("deposit_plus", "renovation_instalment", "travel_card", "active_wealth")
# Every campaign list an advisor can ask for in the chat: the record-at-a-time rules of
# ``campaigns.py`` (deposit_plus, education_plan, renovation_instalment) and the cross-sell rules
# only ``cross_sell.py`` has (travel_card, active_wealth). Each needs a name in ``campaign_names``.
ADVISOR_CAMPAIGNS: tuple[str, ...] = ("deposit_plus", "education_plan", "renovation_instalment", "travel_card",
                                      "active_wealth")


@dataclass(frozen=True)
class LifecycleRules:
    win_back_inactive_days: int
    acquire_tenure_days: int
    activate_max_logins: int
    activate_max_transfers: int
    retain_inactive_days: int


@dataclass(frozen=True)
class ValueRules:
    discount_rate: Decimal            # percent a year
    margin_demand: Decimal            # percent a year on the demand balance
    margin_deposits: Decimal          # percent a year on time deposits and deposit-plus
    margin_wealth: Decimal            # percent a year on wealth products
    margin_mortgage_customer: Decimal  # flat amount a year
    retention: dict[str, Decimal]     # stage -> percent retained a year


@dataclass(frozen=True)
class CampaignRules:
    renovation_mortgage_years: int
    renovation_max_amount: Decimal
    renovation_annual_rate: Decimal
    travel_min_flights: int
    travel_min_deposits: Decimal
    travel_min_credit_score: int
    active_min_transfers: int
    active_min_wealth: Decimal
    products: dict[str, tuple[str, ...]]   # campaign -> offered product ids, preferred first


@dataclass(frozen=True)
class ExtraProduct:
    id: str
    name: str
    risk_rating: RiskRating
    kind: str


@dataclass(frozen=True)
class LabelArms:
    expected: str
    alternative: str


@dataclass(frozen=True)
class PersonaRules:
    """How a customer's marketing persona label is decided (``label_check.labelling``)."""

    growth_products: tuple[str, ...]
    growth_min_level: int
    deposit_products: tuple[str, ...]
    cash_keeper_deposit_share: Decimal   # a fraction of total assets, 0-1


@dataclass(frozen=True)
class AnalyticsRules:
    version: str
    lifecycle: LifecycleRules
    value: ValueRules
    campaigns: CampaignRules
    extra_products: dict[str, ExtraProduct]
    label_confidence: float
    label_arms: dict[str, LabelArms]
    campaign_names: dict[str, str]        # campaign id -> the name the assistant gives an advisor
    persona_rules: PersonaRules


class _Fields:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> DataFileError:
        return DataFileError(self.path, field, problem)

    def mapping(self, data: Any, field: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(field, "must be a mapping")
        return data

    def whole(self, data: dict[str, Any], key: str, field: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(f"{field}.{key}", "must be a whole number >= 0")
        return value

    def number(self, data: dict[str, Any], key: str, field: str) -> Decimal:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{field}.{key}", "must be a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:  # pragma: no cover - yaml numbers always convert
            raise self.fail(f"{field}.{key}", f"{value!r} is not a number") from None
        if number < 0:
            raise self.fail(f"{field}.{key}", "must not be negative")
        return number

    def text(self, data: dict[str, Any], key: str, field: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{field}.{key}", "must be non-empty text")
        return value

    def ids(self, data: dict[str, Any], key: str, field: str) -> tuple[str, ...]:
        value = data.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{field}.{key}", "must be a non-empty list of product ids")
        return tuple(value)


def load_rules(path: Path | str | None = None) -> AnalyticsRules:
    """Read and validate an analytics rules file (default: the packaged ``rules_v1.yaml``)."""
    file = Path(path) if path is not None else Path(str(resources.files(__package__).joinpath(RULES_FILE)))
    f = _Fields(str(file))
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise f.fail("(file)", "not found") from None
    except yaml.YAMLError as exc:
        raise f.fail("(file)", f"not valid YAML: {exc}") from None
    top = f.mapping(raw, "(top level)")
    version = f.text(top, "version", "(top level)")

    lc = f.mapping(top.get("lifecycle"), "lifecycle")
    lifecycle = LifecycleRules(**{k: f.whole(lc, k, "lifecycle") for k in LifecycleRules.__dataclass_fields__})
    if lifecycle.retain_inactive_days >= lifecycle.win_back_inactive_days:
        raise f.fail("lifecycle.retain_inactive_days", "must be below win_back_inactive_days")

    lv = f.mapping(top.get("lifetime_value"), "lifetime_value")
    retention_raw = f.mapping(lv.get("retention"), "lifetime_value.retention")
    retention = {stage: f.number(retention_raw, stage, "lifetime_value.retention") for stage in STAGES}
    for stage, percent in retention.items():
        if percent >= 100:
            raise f.fail(f"lifetime_value.retention.{stage}", "must be below 100 (percent a year)")
    value = ValueRules(
        discount_rate=f.number(lv, "discount_rate", "lifetime_value"),
        margin_demand=f.number(lv, "margin_demand", "lifetime_value"),
        margin_deposits=f.number(lv, "margin_deposits", "lifetime_value"),
        margin_wealth=f.number(lv, "margin_wealth", "lifetime_value"),
        margin_mortgage_customer=f.number(lv, "margin_mortgage_customer", "lifetime_value"),
        retention=retention,
    )

    cp = f.mapping(top.get("campaigns"), "campaigns")
    sections = {name: f.mapping(cp.get(name), f"campaigns.{name}") for name in CAMPAIGN_RULES}
    reno, travel, active = sections["renovation_instalment"], sections["travel_card"], sections["active_wealth"]
    campaigns = CampaignRules(
        renovation_mortgage_years=f.whole(reno, "mortgage_years", "campaigns.renovation_instalment"),
        renovation_max_amount=f.number(reno, "max_amount", "campaigns.renovation_instalment"),
        renovation_annual_rate=f.number(reno, "annual_rate", "campaigns.renovation_instalment"),
        travel_min_flights=f.whole(travel, "min_flights_a_year", "campaigns.travel_card"),
        travel_min_deposits=f.number(travel, "min_deposits", "campaigns.travel_card"),
        travel_min_credit_score=f.whole(travel, "min_credit_score", "campaigns.travel_card"),
        active_min_transfers=f.whole(active, "min_transfers_a_month", "campaigns.active_wealth"),
        active_min_wealth=f.number(active, "min_wealth_products", "campaigns.active_wealth"),
        products={name: f.ids(sections[name], "products", f"campaigns.{name}") for name in CAMPAIGN_RULES},
    )

    extra_raw = f.mapping(top.get("extra_products", {}), "extra_products")
    extra: dict[str, ExtraProduct] = {}
    for pid, spec in extra_raw.items():
        spec = f.mapping(spec, f"extra_products.{pid}")
        rating_text = f.text(spec, "risk_rating", f"extra_products.{pid}")
        try:
            rating = RiskRating.parse(rating_text)
        except ValueError:
            raise f.fail(f"extra_products.{pid}.risk_rating", f"{rating_text!r} is not one of R1..R5") from None
        extra[pid] = ExtraProduct(pid, f.text(spec, "name", f"extra_products.{pid}"), rating,
                                  f.text(spec, "kind", f"extra_products.{pid}"))

    names_raw = f.mapping(top.get("campaign_names"), "campaign_names")
    campaign_names = {name: f.text(names_raw, name, "campaign_names") for name in ADVISOR_CAMPAIGNS}
    unknown = sorted(set(names_raw) - set(ADVISOR_CAMPAIGNS))
    if unknown:
        raise f.fail(f"campaign_names.{unknown[0]}", f"not a campaign; campaigns: {', '.join(ADVISOR_CAMPAIGNS)}")

    lb = f.mapping(top.get("label_check"), "label_check")
    confidence = float(f.number(lb, "confidence", "label_check"))
    if not 0.5 <= confidence < 1:
        raise f.fail("label_check.confidence", "must be at least 0.5 and below 1")
    personas = f.mapping(lb.get("personas"), "label_check.personas")
    arms = {}
    for label, spec in personas.items():
        spec = f.mapping(spec, f"label_check.personas.{label}")
        arms[label] = LabelArms(f.text(spec, "expected", f"label_check.personas.{label}"),
                                f.text(spec, "alternative", f"label_check.personas.{label}"))
        if arms[label].expected == arms[label].alternative:
            raise f.fail(f"label_check.personas.{label}", "expected and alternative must differ")
    lab = f.mapping(lb.get("labelling"), "label_check.labelling")
    share = f.number(lab, "cash_keeper_deposit_share", "label_check.labelling")
    if share > 1:
        raise f.fail("label_check.labelling.cash_keeper_deposit_share", "must be a fraction of total assets (0-1)")
    growth_min_level = f.whole(lab, "growth_min_level", "label_check.labelling")
    if not 1 <= growth_min_level <= 5:
        raise f.fail("label_check.labelling.growth_min_level", "must be a risk level number, 1-5")
    persona_rules = PersonaRules(f.ids(lab, "growth_products", "label_check.labelling"), growth_min_level,
                                 f.ids(lab, "deposit_products", "label_check.labelling"), share)
    for label in arms:
        if label not in PERSONAS:
            raise f.fail(f"label_check.personas.{label}", f"not a persona label; labels: {', '.join(PERSONAS)}")
    return AnalyticsRules(version, lifecycle, value, campaigns, extra, confidence, arms, campaign_names,
                          persona_rules)


@functools.lru_cache(maxsize=1)
def default_rules() -> AnalyticsRules:
    """The packaged rules, read once on first use (never at import)."""
    return load_rules()
