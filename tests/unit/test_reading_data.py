"""The data that free-text reading uses: the questionnaire's `reading`, `needs` and `shared`
fields and the language files (reading_<language>.yaml). Every broken copy raises
DataFileError naming the file and the field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor_core.adapters import datafiles
from advisor_core.adapters.datafiles import default_lexicon, load_lexicon, load_questionnaire
from advisor_core.domain.questionnaire import Combine
from advisor_core.errors import DataFileError

DATA = Path(datafiles.__file__).resolve().parent.parent / "data"
Q_SOURCE = yaml.safe_load((DATA / "questionnaire_v1.yaml").read_text(encoding="utf-8"))
L_SOURCE = yaml.safe_load((DATA / "reading_en.yaml").read_text(encoding="utf-8"))


def item(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["key"] == key)


def option(data: dict[str, Any], key: str, option_id: str) -> dict[str, Any]:
    return next(o for o in item(data, key)["options"] if o["id"] == option_id)


def broken(tmp_path: Path, loader: Callable[[Path], Any], source: dict[str, Any], name: str,
           breaker: Callable[[dict[str, Any]], None]) -> DataFileError:
    data = copy.deepcopy(source)
    breaker(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        loader(path)
    return info.value


def test_packaged_reading_data() -> None:
    q = load_questionnaire()
    assert q.item("experience").reading.combine is Combine.HIGHEST
    assert q.item("liquidity_reserve").reading.combine is Combine.LOWEST
    assert q.item("loss_tolerance").reading.value_is_limit
    assert q.item("liquidity_reserve").option("gt_6m_no_debt").needs == ("debts", "reserve")
    assert [b.shared for b in q.item("horizon").numeric.bands] == [True, True, True, False, False]
    assert default_lexicon().language == "en"


QUESTIONNAIRE_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("shared on an open edge", lambda d: item(d, "investable_assets")["numeric"]["bands"][0].update(shared=True),
     "items[investable_assets].numeric.bands[0].shared", "up_to"),
    ("shared not a flag", lambda d: item(d, "horizon")["numeric"]["bands"][0].update(shared="yes"),
     "items[horizon].numeric.bands[0].shared", "true or false"),
    ("bands going down", lambda d: item(d, "horizon")["numeric"]["bands"][1].update(up_to=0.5),
     "items[horizon].numeric.bands[1]", "go up"),
    ("unknown facet", lambda d: option(d, "liquidity_reserve", "gt_6m_no_debt").update(needs=["pets"]),
     "items[liquidity_reserve].options[gt_6m_no_debt].needs", "pets"),
    ("needs not a list", lambda d: option(d, "liquidity_reserve", "gt_6m_no_debt").update(needs="debts"),
     "items[liquidity_reserve].options[gt_6m_no_debt].needs", "list"),
    ("unknown reading field", lambda d: item(d, "horizon").update(reading={"guess": True}),
     "items[horizon].reading", "guess"),
    ("bad combine", lambda d: item(d, "experience")["reading"].update(combine="average"),
     "items[experience].reading.combine", "average"),
    ("negated option unknown", lambda d: item(d, "trade_frequency")["reading"]["negated"].update(option="zero"),
     "items[trade_frequency].reading.negated.option", "zero"),
    ("negated words missing", lambda d: item(d, "trade_frequency")["reading"]["negated"].pop("words"),
     "items[trade_frequency].reading.negated.words", "list"),
    ("comparison of one option",
     lambda d: item(d, "knowledge_diversification")["reading"]["comparison"].update(between=["one_stock"]),
     "items[knowledge_diversification].reading.comparison.between", "two options"),
    ("or_else unknown", lambda d: option(d, "income_source", "two_incomes_or_business").update(or_else=["lots"]),
     "items[income_source].options[two_incomes_or_business].or_else", "lots"),
    ("split bands without catch-all", lambda d: item(d, "return_tradeoff")["reading"]["split"]["bands"].pop(),
     "items[return_tradeoff].reading.split.bands", "last band"),
    ("split words missing", lambda d: item(d, "return_tradeoff")["reading"]["split"].pop("first"),
     "items[return_tradeoff].reading.split.first", "list"),
    ("limit not a flag", lambda d: item(d, "loss_tolerance")["reading"].update(value_is_limit="yes"),
     "items[loss_tolerance].reading.value_is_limit", "true or false"),
    ("keywords of a language not a list",
     lambda d: option(d, "objective", "growth").update(keywords={"en": ["grow"], "zh-CN": "增长"}),
     "items[objective].options[growth].keywords.zh-CN", "list"),
]


@pytest.mark.parametrize(("case", "breaker", "field", "problem"), QUESTIONNAIRE_CASES,
                         ids=[c[0] for c in QUESTIONNAIRE_CASES])
def test_broken_reading_fields(tmp_path: Path, case: str, breaker: Callable[[dict[str, Any]], None],
                               field: str, problem: str) -> None:
    error = broken(tmp_path, load_questionnaire, Q_SOURCE, "broken_questionnaire.yaml", breaker)
    assert error.field == field
    assert problem in error.problem
    assert "broken_questionnaire.yaml" in str(error)


LEXICON_CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("missing negations", lambda d: d.pop("negations"), "negations", "non-empty list"),
    ("scale not a number", lambda d: d["scales"].update(k="thousand"), "scales.k", "not a number"),
    ("unknown unit kind", lambda d: d["units"].update(furlongs=["furlong"]), "units.furlongs", "not one of"),
    ("unknown comparator kind", lambda d: d["comparators"].update(nearly=["nearly"]),
     "comparators.nearly", "not one of"),
    ("window below one", lambda d: d.update(negation_window=0), "negation_window", "at least 1"),
    ("unknown number library", lambda d: d.update(number_words="guesswork"), "number_words", "guesswork"),
    ("missing language", lambda d: d.pop("language"), "(top).language", "non-empty text"),
    ("vague range upside down", lambda d: d["vague"].update({"a few": [4, 2]}), "vague.a few", "low below high"),
]


@pytest.mark.parametrize(("case", "breaker", "field", "problem"), LEXICON_CASES, ids=[c[0] for c in LEXICON_CASES])
def test_broken_lexicon(tmp_path: Path, case: str, breaker: Callable[[dict[str, Any]], None],
                        field: str, problem: str) -> None:
    error = broken(tmp_path, load_lexicon, L_SOURCE, "reading_xx.yaml", breaker)
    assert error.field == field
    assert problem in error.problem
    assert "reading_xx.yaml" in str(error)
