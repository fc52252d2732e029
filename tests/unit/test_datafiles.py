"""The data-file loaders: good files load; every broken copy raises DataFileError naming the
file and the field path."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor_core.adapters import datafiles
from advisor_core.adapters.datafiles import (
    default_catalog,
    default_questionnaire,
    load_catalog,
    load_questionnaire,
)
from advisor_core.domain.levels import RiskRating
from advisor_core.domain.products import Catalog, Liquidity, ProductType
from advisor_core.errors import DataFileError

DATA = Path(datafiles.__file__).resolve().parent.parent / "data"
Q_SOURCE = yaml.safe_load((DATA / "questionnaire_v1.yaml").read_text(encoding="utf-8"))
C_SOURCE = yaml.safe_load((DATA / "catalog_v1.yaml").read_text(encoding="utf-8"))


def item(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["key"] == key)


def option(data: dict[str, Any], key: str, option_id: str) -> dict[str, Any]:
    return next(o for o in item(data, key)["options"] if o["id"] == option_id)


def product(data: dict[str, Any], product_id: str) -> dict[str, Any]:
    return next(p for p in data["products"] if p["id"] == product_id)


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def broken_error(tmp_path: Path, loader: Callable[[Path], Any], source: dict[str, Any],
                 name: str, breaker: Callable[[dict[str, Any]], None]) -> DataFileError:
    data = copy.deepcopy(source)
    breaker(data)
    path = write(tmp_path, name, data)
    with pytest.raises(DataFileError) as info:
        loader(path)
    return info.value


# ------------------------------------------------------------------ good files


def test_packaged_files_load() -> None:
    q = load_questionnaire()
    c = load_catalog()
    assert q.version == "v1" and c.version == "v1"
    assert default_questionnaire() == q and default_catalog() == c


def test_unchanged_copies_load(tmp_path: Path) -> None:
    assert load_questionnaire(write(tmp_path, "q.yaml", Q_SOURCE)) == default_questionnaire()
    assert load_catalog(str(write(tmp_path, "c.yaml", C_SOURCE))) == default_catalog()


def test_keywords_are_lower_cased(tmp_path: Path) -> None:
    data = copy.deepcopy(Q_SOURCE)
    option(data, "objective", "growth")["keywords"] = ["Beat INFLATION"]
    q = load_questionnaire(write(tmp_path, "q.yaml", data))
    assert q.item("objective").option("growth").keywords == ("beat inflation",)


# ------------------------------------------------------------------ broken questionnaires


def _del(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def breaker(data: dict[str, Any]) -> None:
        target: Any = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return breaker


def _swap_options(data: dict[str, Any]) -> None:
    opts = item(data, "income_source")["options"]
    opts[0], opts[1] = opts[1], opts[0]


def _duplicate_option(data: dict[str, Any]) -> None:
    option(data, "income_source", "pension_only")["id"] = "none"


def _points_not_100(data: dict[str, Any]) -> None:
    option(data, "return_tradeoff", "all_b")["points"] = 9


def _non_contiguous(data: dict[str, Any]) -> None:
    data["bands"][1]["min"] = 21


def _unknown_band_option(data: dict[str, Any]) -> None:
    item(data, "investable_assets")["numeric"]["bands"][0]["option"] = "lt_50k"


QUESTIONNAIRE_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("missing question", lambda d: item(d, "age").pop("question"), "items[age].question", "non-empty text"),
    ("missing slot", lambda d: item(d, "horizon").pop("slot"), "items[horizon].slot", "non-empty text"),
    ("missing points", lambda d: option(d, "income_source", "none").pop("points"),
     "items[income_source].options[none].points", "whole number"),
    ("non-integer points", lambda d: option(d, "income_source", "pension_only").update(points=2.5),
     "items[income_source].options[pension_only].points", "whole number"),
    ("text points", lambda d: option(d, "objective", "growth").update(points="seven"),
     "items[objective].options[growth].points", "whole number"),
    ("options out of order", _swap_options, "items[income_source].options", "fewest points"),
    ("unknown numeric band option", _unknown_band_option,
     "items[investable_assets].numeric.bands[0].option", "lt_50k"),
    ("numeric band without catch-all", lambda d: item(d, "horizon")["numeric"]["bands"].pop(),
     "items[horizon].numeric.bands", "last band"),
    ("bands not contiguous", _non_contiguous, "bands[1]", "contiguous"),
    ("bands not ending at 100", lambda d: d["bands"][-1].update(max=99), "bands", "end at 100"),
    ("band without meaning", lambda d: d["bands"][2].pop("meaning"), "bands[2].meaning", "non-empty text"),
    ("duplicate option id", _duplicate_option, "items[income_source].options[].id", "twice"),
    ("points not summing to 100", _points_not_100, "items", "not 100"),
    ("knowledge with two correct answers",
     lambda d: option(d, "knowledge_bonds", "rises").update(correct=True),
     "items[knowledge_bonds].options", "exactly one correct"),
    ("knowledge points not three", lambda d: d.update(knowledge_points=[0, 6]), "knowledge_points", "three"),
    ("bad group", lambda d: item(d, "experience").update(group="skills"), "items[experience].group", "skills"),
    ("age band gap", lambda d: item(d, "age")["age_bands"][1].update(min=32),
     "items[age].age_bands", "contiguous"),
    ("age band points not whole", lambda d: item(d, "age")["age_bands"][2].update(points="x"),
     "items[age].age_bands[2].points", "whole number"),
    ("duplicate slot", lambda d: item(d, "objective").update(slot="kyc_horizon"), "items[].slot", "twice"),
    ("missing items", _del(["items"]), "items", "non-empty list"),
    ("missing goals", _del(["goals"]), "goals", "mapping"),
    ("missing version", _del(["version"]), "(top).version", "non-empty text"),
    ("keywords not a list", lambda d: option(d, "objective", "growth").update(keywords="grow"),
     "items[objective].options[growth].keywords", "list"),
    ("missing consistency rule", _del(["consistency"]), "consistency", "mapping"),
    ("consistency on an unknown item", lambda d: d["consistency"].update(item="loss"),
     "consistency.item", "not an item"),
    ("consistency careful answer unknown", lambda d: d["consistency"].update(careful_answers=["le_50"]),
     "consistency.careful_answers", "le_50"),
    ("consistency bold threshold above every option",
     lambda d: d["consistency"]["bold_from"].update(objective=11),
     "consistency.bold_from.objective", "both sides"),
    ("consistency without a recheck prompt", lambda d: d["consistency"].pop("recheck_prompt"),
     "consistency.recheck_prompt", "non-empty text"),
]


@pytest.mark.parametrize(("case", "breaker", "field", "problem"), QUESTIONNAIRE_CASES,
                         ids=[c[0] for c in QUESTIONNAIRE_CASES])
def test_broken_questionnaire(tmp_path: Path, case: str, breaker: Callable[[dict[str, Any]], None],
                              field: str, problem: str) -> None:
    error = broken_error(tmp_path, load_questionnaire, Q_SOURCE, "broken_questionnaire.yaml", breaker)
    assert error.field == field
    assert problem in error.problem
    message = str(error)
    assert "broken_questionnaire.yaml" in message
    assert field in message


def test_broken_questionnaire_bad_band_level(tmp_path: Path) -> None:
    error = broken_error(tmp_path, load_questionnaire, Q_SOURCE, "broken_questionnaire.yaml",
                         lambda d: d["bands"][1].update(level="C9"))
    assert error.field == "bands[1].level"
    assert "broken_questionnaire.yaml" in str(error)


def test_malformed_yaml(tmp_path: Path) -> None:
    path = tmp_path / "malformed.yaml"
    path.write_text("version: 'v1\nitems: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_questionnaire(path)
    assert "malformed.yaml" in str(info.value)
    assert info.value.field == "(file)"
    assert "not valid YAML" in info.value.problem
    with pytest.raises(DataFileError, match="malformed.yaml"):
        load_catalog(path)


@pytest.mark.parametrize("loader", [load_questionnaire, load_catalog])
def test_missing_file(tmp_path: Path, loader: Callable[[Path], Any]) -> None:
    path = tmp_path / "nowhere" / "missing_v9.yaml"
    with pytest.raises(DataFileError) as info:
        loader(path)
    assert "missing_v9.yaml" in str(info.value)
    assert info.value.field == "(file)"
    assert "not found" in info.value.problem


@pytest.mark.parametrize("content", ["", "- just\n- a list\n", "42\n"])
@pytest.mark.parametrize("loader", [load_questionnaire, load_catalog])
def test_top_level_not_a_mapping(tmp_path: Path, loader: Callable[[Path], Any], content: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        loader(path)
    assert info.value.field == "(top)"
    assert "odd.yaml" in str(info.value)


# ------------------------------------------------------------------ broken catalogs


def _duplicate_product(data: dict[str, Any]) -> None:
    data["products"].append(copy.deepcopy(product(data, "bond_fund")))


CATALOG_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("return_low above return_high", lambda d: product(d, "bond_fund").update(return_low=9, return_high=4),
     "products[bond_fund].return_low", "return_high"),
    ("duplicate id", _duplicate_product, "products[].id", "twice"),
    ("negative minimum", lambda d: product(d, "index_fund").update(minimum_amount=-1),
     "products[index_fund].minimum_amount", "negative"),
    ("minimum not a number", lambda d: product(d, "index_fund").update(minimum_amount="lots"),
     "products[index_fund].minimum_amount", "not a number"),
    ("missing return_high", lambda d: product(d, "bond_fund").pop("return_high"),
     "products[bond_fund].return_high", "number"),
    ("bad type", lambda d: product(d, "bond_fund").update(type="crypto"), "products[bond_fund].type", "crypto"),
    ("bad liquidity", lambda d: product(d, "bond_fund").update(liquidity="weekly"),
     "products[bond_fund].liquidity", "weekly"),
    ("bad audience", lambda d: product(d, "renovation_instalment").update(audience="partners"),
     "products[renovation_instalment].audience", "partners"),
    ("horizon not whole", lambda d: product(d, "bond_fund").update(horizon_months=1.5),
     "products[bond_fund].horizon_months", "whole number"),
    ("missing name", lambda d: product(d, "equity_fund").pop("name"), "products[equity_fund].name", "text"),
    ("missing description", lambda d: product(d, "equity_fund").pop("description"),
     "products[equity_fund].description", "text"),
    ("missing demand rate", lambda d: d["deposit_rates"].pop("demand_rate"),
     "deposit_rates.demand_rate", "number"),
    ("bonus months not whole", lambda d: d["deposit_rates"].update(bonus_after_months="three"),
     "deposit_rates.bonus_after_months", "whole number"),
    ("no products", lambda d: d.update(products=[]), "products", "non-empty list"),
    ("no deposit rates", _del(["deposit_rates"]), "deposit_rates", "mapping"),
]


@pytest.mark.parametrize(("case", "breaker", "field", "problem"), CATALOG_CASES, ids=[c[0] for c in CATALOG_CASES])
def test_broken_catalog(tmp_path: Path, case: str, breaker: Callable[[dict[str, Any]], None],
                        field: str, problem: str) -> None:
    error = broken_error(tmp_path, load_catalog, C_SOURCE, "broken_catalog.yaml", breaker)
    assert error.field == field
    assert problem in error.problem
    assert "broken_catalog.yaml" in str(error)
    assert field in str(error)


@pytest.mark.parametrize("rating", ["R6", "high", None])
def test_broken_catalog_bad_risk_rating(tmp_path: Path, rating: object) -> None:
    error = broken_error(tmp_path, load_catalog, C_SOURCE, "broken_catalog.yaml",
                         lambda d: product(d, "bond_fund").update(risk_rating=rating))
    assert error.field == "products[bond_fund].risk_rating"
    assert "broken_catalog.yaml" in str(error)


# ------------------------------------------------------------------ the packaged catalog (spec 5)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return default_catalog()


def test_catalog_ids_unique(catalog: Catalog) -> None:
    ids = [p.id for p in catalog.products]
    assert len(ids) == len(set(ids))


def test_deposit_plus(catalog: Catalog) -> None:
    deposit_plus = catalog.get("deposit_plus")
    assert deposit_plus.type is ProductType.DEPOSIT
    assert deposit_plus.risk_rating is RiskRating.R1
    assert deposit_plus.liquidity is Liquidity.DAILY
    text = deposit_plus.description
    assert "not an investment" in text and "deposit insurance" in text and "500,000" in text
    assert catalog.rates.offer_above_balance == 5000
    assert catalog.rates.deposit_plus_multiple == 2
    assert catalog.rates.deposit_plus_bonus_rate == 0.5 and catalog.rates.bonus_after_months == 3
    assert catalog.rates.deposit_insurance_limit == 500000


def test_education_plans(catalog: Catalog) -> None:
    plans = [p for p in catalog.products if p.type is ProductType.FUND_PLAN and "child_education" in p.goals]
    assert {p.risk_rating for p in plans} >= {RiskRating.R2, RiskRating.R3}
    assert catalog.get("education_plan_bond").risk_rating is RiskRating.R2
    assert catalog.get("education_plan_balanced").risk_rating is RiskRating.R3


@pytest.mark.parametrize(("product_id", "rating"), [
    ("money_market_fund", RiskRating.R1), ("bond_fund", RiskRating.R2), ("balanced_fund", RiskRating.R3),
    ("index_fund", RiskRating.R4), ("equity_fund", RiskRating.R4), ("tech_thematic_fund", RiskRating.R5),
])
def test_fund_range(catalog: Catalog, product_id: str, rating: RiskRating) -> None:
    assert catalog.get(product_id).type is ProductType.FUND
    assert catalog.get(product_id).risk_rating is rating


def test_every_level_has_a_fund(catalog: Catalog) -> None:
    for rating in RiskRating:
        assert any(p.risk_rating is rating and p.type is ProductType.FUND for p in catalog.products), rating


def test_product_data_sane(catalog: Catalog) -> None:
    for p in catalog.products:
        assert p.return_low <= p.return_high
        assert p.minimum_amount >= 0 and p.horizon_months >= 0
        assert p.audience in ("customer", "advisor")
        assert "guarantee" not in p.description.lower().replace("not guaranteed", ""), p.id
        assert "not guaranteed" in p.return_range_words


def test_the_consistency_rule_is_read_from_the_data_file() -> None:
    rule = load_questionnaire().consistency
    assert rule.item == "loss_tolerance"
    assert rule.careful_answers == ("none", "le_5")
    assert dict(rule.bold_from) == {"objective": 7, "return_tradeoff": 8}
    assert "5%" in rule.recheck_prompt


def test_renovation_loan_is_advisor_facing(catalog: Catalog) -> None:
    loan = catalog.get("renovation_instalment")
    assert loan.type is ProductType.LOAN and loan.audience == "advisor"


def test_catalog_lookup(catalog: Catalog) -> None:
    assert "bond_fund" in catalog and "nope" not in catalog
