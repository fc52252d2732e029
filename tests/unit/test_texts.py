"""Texts per language (issue 11): the packaged files are complete in both languages, the loaders
refuse a file that differs (naming the file and the key), and numbers read as each language
writes them."""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from advisor_core.adapters import datafiles
from advisor_core.adapters.datafiles import (
    default_catalog,
    default_questionnaire,
    default_text_book,
    load_catalog,
    load_questionnaire,
    load_text_book,
    load_texts,
)
from advisor_core.analytics.rules import ADVISOR_CAMPAIGNS, default_rules
from advisor_core.domain.language import CHINESE, ENGLISH, LANGUAGES
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.texts import in_language, language_of, placeholders
from advisor_core.errors import DataFileError
from advisor_core.services.recommendations import money

DATA = Path(datafiles.__file__).resolve().parent.parent / "data"
ROOT = DATA.parent.parent
TEXTS = DATA / "texts"


def raw(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# ------------------------------------------------------------------ parity of the real files


def test_both_languages_have_the_same_keys_and_placeholders() -> None:
    """The parity check itself, on the packaged files, independent of the loader."""
    messages = {language: raw(TEXTS / f"{language}.yaml")["messages"] for language in LANGUAGES}
    english, chinese = messages[ENGLISH], messages[CHINESE]
    assert sorted(english) == sorted(chinese), set(english) ^ set(chinese)
    differing = {key: (placeholders(english[key]), placeholders(chinese[key]))
                 for key in english if placeholders(english[key]) != placeholders(chinese[key])}
    assert differing == {}


def test_the_packaged_texts_load_and_every_language_is_there() -> None:
    book = default_text_book()
    assert set(book.by_language) == set(LANGUAGES)
    assert book(None).language == ENGLISH and book("zh-CN").language == CHINESE
    assert book("fr").language == ENGLISH and book("zh").language == CHINESE


def test_chinese_texts_are_chinese() -> None:
    """Every Chinese message has Chinese characters, except those that are only layout."""
    chinese = default_text_book()(CHINESE).messages
    layout = {key for key, text in chinese.items() if not re.sub(r"\{[^}]*\}|[-:>()（）%\s.,;\"'“”：；]", "", text)}
    assert layout <= {"kyc.recheck", "kyc.result_cap", "kyc.quoted_option", "cap.counted_option", "reco.line",
                      "level.no_assessment_reason", "advisor.cap", "advisor.holding", "advisor.separator",
                      "advisor.lifecycle_offer", "advisor.recommended_item", "advisor.campaign_count"}
    untranslated = [key for key, text in chinese.items()
                    if key not in layout and not re.search(r"[\u4e00-\u9fff]", text)]
    assert untranslated == []


def test_the_regulatory_terms_are_used() -> None:
    text = " ".join(default_text_book()(CHINESE).messages.values())
    for term in ("风险承受能力等级", "产品风险等级", "适当性", "风险提示", "定投", "存款保险"):
        assert term in text, term
    overlay = raw(DATA / "questionnaire_v1.zh-CN.yaml")
    for level, name in zip(("C1", "C2", "C3", "C4", "C5"), ("保守型", "谨慎型", "稳健型", "积极型", "激进型"),
                           strict=True):
        assert overlay["bands"][level].startswith(name)


KEY_IN_CODE = re.compile(r"""render\(\s*f?["']([a-z_]+\.[a-z_{}.]+)["']""")


def test_every_key_the_code_renders_exists() -> None:
    """Each literal key passed to render() in actions/ and advisor_core/ is in the texts (an
    f-string key such as "cap.{code}" must match at least one)."""
    english = default_text_book()(ENGLISH).messages
    used = set()
    for folder in ("actions", "advisor_core"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(KEY_IN_CODE.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 100
    missing = []
    for key in used:
        pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(key)) + "$")
        if not any(pattern.match(k) for k in english):
            missing.append(key)
    assert missing == []


def test_campaign_names_match_the_rules_file() -> None:
    """The English campaign names are the analytics rules' names (two files, one meaning)."""
    english = default_text_book()(ENGLISH)
    names = default_rules().campaign_names
    assert {c: english.render(f"campaign.{c}") for c in ADVISOR_CAMPAIGNS} == {c: names[c] for c in ADVISOR_CAMPAIGNS}


# ------------------------------------------------------------------ the loaders refuse what differs


@pytest.fixture
def texts_copy(tmp_path: Path) -> Path:
    shutil.copytree(TEXTS, tmp_path / "texts")
    return tmp_path / "texts"


def _edit(folder: Path, language: str, edit: Any) -> None:
    data = raw(folder / f"{language}.yaml")
    edit(data)
    write(folder / f"{language}.yaml", data)


@pytest.mark.parametrize(("language", "edit", "field", "problem"), [
    ("zh-CN", lambda d: d["messages"].pop("kyc.intro"), "messages.kyc.intro", "missing"),
    ("en", lambda d: d["messages"].pop("kyc.intro"), "messages.kyc.intro", "not in en"),
    ("zh-CN", lambda d: d["messages"].update({"kyc.intro": "共道题"}), "messages.kyc.intro", "placeholders"),
    ("zh-CN", lambda d: d["messages"].update({"kyc.new": "新"}), "messages.kyc.new", "not in en"),
    ("zh-CN", lambda d: d.update(version="v2"), "version", "differs"),
])
def test_parity_failures_name_the_file_and_the_key(texts_copy: Path, language: str, edit: Any, field: str,
                                                   problem: str) -> None:
    _edit(texts_copy, language, edit)
    with pytest.raises(DataFileError) as info:
        load_text_book(texts_copy)
    assert info.value.path == "zh-CN.yaml"
    assert info.value.field == field and problem in info.value.problem


@pytest.mark.parametrize(("edit", "field", "problem"), [
    (lambda d: d["messages"].update({"kyc.intro": "{}"}), "messages.kyc.intro", "not a valid template"),
    (lambda d: d["messages"].update({"kyc.intro": "{count"}), "messages.kyc.intro", "not a valid template"),
    (lambda d: d["messages"].update({"kyc.intro": ""}), "messages.kyc.intro", "non-empty"),
    (lambda d: d.update(language="fr"), "language", "not one of"),
    (lambda d: d["formats"].update(month_names=["Jan"]), "formats.month_names", "twelve"),
    (lambda d: d["formats"].update(money="{sum}"), "formats.money", "unknown placeholder"),
    (lambda d: d["formats"].pop("sentence_separator"), "formats.sentence_separator", "must be text"),
    (lambda d: d.update(extra=1), "(top)", "unknown field"),
])
def test_a_broken_texts_file_names_the_file_and_the_field(texts_copy: Path, edit: Any, field: str,
                                                          problem: str) -> None:
    _edit(texts_copy, "en", edit)
    with pytest.raises(DataFileError) as info:
        load_texts(texts_copy / "en.yaml")
    assert info.value.path == "en.yaml"
    assert info.value.field == field and problem in info.value.problem


def test_a_missing_language_file_is_named(texts_copy: Path) -> None:
    (texts_copy / "zh-CN.yaml").unlink()
    with pytest.raises(DataFileError, match="zh-CN.yaml.*not found"):
        load_text_book(texts_copy)


Q_OVERLAY = "questionnaire_v1.zh-CN.yaml"
C_OVERLAY = "catalog_v1.zh-CN.yaml"


def _with_overlay(tmp_path: Path, base: str, overlay: str, edit: Any) -> Path:
    shutil.copy(DATA / base, tmp_path / base)
    data = raw(DATA / overlay)
    edit(data)
    write(tmp_path / overlay, data)
    return tmp_path / base


@pytest.mark.parametrize(("edit", "field", "problem"), [
    (lambda d: d["items"]["horizon"]["options"].pop("gt_10y"), "items.horizon.options.gt_10y", "missing"),
    (lambda d: d["items"]["horizon"]["options"].update(gt_50y="50年以上"), "items.horizon.options.gt_50y",
     "not in the base file"),
    (lambda d: d["items"].pop("age"), "items.age", "missing"),
    (lambda d: d["items"]["age"].pop("why"), "items.age.why", "missing"),
    (lambda d: d["items"]["age"].update(options={"x": "y"}), "items.age.options", "not in the base file"),
    (lambda d: d["bands"].pop("C5"), "bands.C5", "missing"),
    (lambda d: d["goals"]["options"].update(none=""), "goals.options.none", "non-empty text"),
    (lambda d: d["consistency"].pop("recheck_prompt"), "consistency.recheck_prompt", "missing"),
    (lambda d: d.update(version="v2"), "version", "does not match"),
    (lambda d: d.update(language="en"), "language", "must be 'zh-CN'"),
])
def test_a_broken_questionnaire_overlay_names_the_file_and_the_field(tmp_path: Path, edit: Any, field: str,
                                                                     problem: str) -> None:
    path = _with_overlay(tmp_path, "questionnaire_v1.yaml", Q_OVERLAY, edit)
    with pytest.raises(DataFileError) as info:
        load_questionnaire(path)
    assert info.value.path == Q_OVERLAY
    assert info.value.field == field and problem in info.value.problem


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["products"].pop("bond_fund"), "products.bond_fund"),
    (lambda d: d["products"]["bond_fund"].pop("description"), "products.bond_fund.description"),
    (lambda d: d["products"].update(gold_bar={"name": "金条", "description": "金条"}), "products.gold_bar"),
])
def test_a_broken_catalog_overlay_names_the_file_and_the_field(tmp_path: Path, edit: Any, field: str) -> None:
    path = _with_overlay(tmp_path, "catalog_v1.yaml", C_OVERLAY, edit)
    with pytest.raises(DataFileError) as info:
        load_catalog(path)
    assert (info.value.path, info.value.field) == (C_OVERLAY, field)


def test_the_packaged_questionnaire_needs_its_overlay(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shutil.copy(DATA / "questionnaire_v1.yaml", tmp_path / "questionnaire_v1.yaml")
    monkeypatch.setattr(datafiles, "_default_path", lambda name: tmp_path / name)
    with pytest.raises(DataFileError) as info:
        load_questionnaire()
    assert (info.value.path, info.value.field) == (Q_OVERLAY, "(file)")


def test_a_copy_without_overlays_is_english_only(tmp_path: Path) -> None:
    shutil.copy(DATA / "questionnaire_v1.yaml", tmp_path / "q.yaml")
    q = load_questionnaire(tmp_path / "q.yaml")
    assert q == default_questionnaire()   # translations are not part of what a questionnaire is
    assert q.item("horizon").question_in(CHINESE) == q.item("horizon").question


# ------------------------------------------------------------------ overlays merged, scoring untouched


def test_every_questionnaire_text_has_its_chinese() -> None:
    q = default_questionnaire()
    for item in q.items:
        assert item.question_in(CHINESE) != item.question and item.why_in(CHINESE) != item.why
        for option in item.options:
            assert re.search(r"[\u4e00-\u9fff]", option.label_in(CHINESE)), (item.key, option.id)
            assert option.label_in(ENGLISH) == option.label
    assert all(o.label_in(CHINESE) != o.label for o in q.goals.options)
    assert q.goals.question_in(CHINESE).startswith("最后一题")
    assert q.meaning_of(RiskLevel.C3, CHINESE).startswith("稳健型")
    assert q.meaning_of(RiskLevel.C3) == q.bands[2].meaning
    assert "5%" in q.consistency.recheck_prompt_in(CHINESE)


def test_the_overlay_changes_no_scoring_data() -> None:
    """Points, bands and keywords come from the base file only: dropping the translations gives
    the very same questionnaire field by field."""
    q = default_questionnaire()
    english_only = load_questionnaire(DATA / "questionnaire_v1.yaml")
    for ours, theirs in zip(q.items, english_only.items, strict=True):
        assert [(o.id, o.points, o.keywords, o.other_keywords) for o in ours.options] == \
               [(o.id, o.points, o.keywords, o.other_keywords) for o in theirs.options]
    overlay = raw(DATA / Q_OVERLAY)
    assert "points" not in str(overlay) and "keywords" not in str(overlay)


def test_every_product_has_its_chinese_name_and_description() -> None:
    for product in default_catalog().products:
        assert re.search(r"[\u4e00-\u9fff]", product.name_in(CHINESE)), product.id
        assert re.search(r"[\u4e00-\u9fff]", product.description_in(CHINESE)), product.id
        assert product.name_in(ENGLISH) == product.name
    assert default_catalog().get("index_fund").name_in(CHINESE) == "沪深300指数基金"


# ------------------------------------------------------------------ numbers as each language writes them


ZH = default_text_book()(CHINESE)
EN = default_text_book()(ENGLISH)


@pytest.mark.parametrize(("amount", "english", "chinese"), [
    ("50000", "50,000", "5万元"),
    ("10000", "10,000", "1万元"),
    ("500000", "500,000", "50万元"),
    ("3000000", "3,000,000", "300万元"),
    ("104857", "104,857", "104,857元"),
    ("15000", "15,000", "15,000元"),
    ("9999", "9,999", "9,999元"),
    ("5000", "5,000", "5,000元"),
    ("1234.50", "1,234.50", "1,234.50元"),
    ("20000.00", "20,000", "2万元"),
    ("20000.01", "20,000.01", "20,000.01元"),
    ("0", "0", "0元"),
])
def test_money(amount: str, english: str, chinese: str) -> None:
    value = Decimal(amount)
    assert EN.money(value) == english == money(value)   # English keeps the formatter it had
    assert ZH.money(value) == chinese


def test_dates_and_lists() -> None:
    assert ZH.date(dt.date(2026, 12, 1)) == "2026年12月1日"
    assert EN.date(dt.date(2026, 12, 1)) == "01 December 2026" == f"{dt.date(2026, 12, 1):%d %B %Y}"
    assert ZH.join(["养老", "购房"]) == "养老、购房" and EN.join(["a", "b"]) == "a, b"
    assert ZH.sentences("甲。", "", "乙。") == "甲。乙。" and EN.sentences("A.", "", "B.") == "A. B."


def test_percentages_read_the_same() -> None:
    assert "3.5%" in ZH.render("follow.at_rate", rate="3.5", monthly="500元", target_age=18, months=180,
                               value="12万元", disclaimer="")


@pytest.mark.parametrize(("slot", "language"), [
    (None, "en"), ("", "en"), ("en", "en"), ("en-GB", "en"), ("zh-CN", "zh-CN"), ("zh", "zh-CN"),
    ("zh_Hans", "zh-CN"), ("fr", "en"), (42, "en"),
])
def test_the_language_slot(slot: object, language: str) -> None:
    assert language_of(slot) == language


def test_in_language_falls_back_to_english() -> None:
    assert in_language("Hold", (("zh-CN", "继续持有"),), "zh-CN") == "继续持有"
    assert in_language("Hold", (), "zh-CN") == "Hold"
    assert in_language("Hold", (("zh-CN", "继续持有"),), "en") == "Hold"


def test_render_names_a_missing_key_or_value() -> None:
    with pytest.raises(KeyError, match="no text 'kyc.nothing'"):
        EN.render("kyc.nothing")
    with pytest.raises(KeyError, match="needs a value for 'count'"):
        EN.render("kyc.intro")


def test_placeholders() -> None:
    assert placeholders("{day:02d} {month_name} {year}") == {"day", "month_name", "year"}
    for bad in ("{}", "{0}", "{a"):
        with pytest.raises(ValueError):
            placeholders(bad)


def test_texts_are_not_read_at_import() -> None:
    import subprocess
    import sys

    code = ("import advisor_core.domain.texts, advisor_core.adapters.datafiles as d, actions.kyc;"
            "print(d.default_text_book.cache_info().currsize)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false",
                               "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip().splitlines()[-1] == "0"


def test_a_copy_keeps_equal_when_its_text_changes(tmp_path: Path) -> None:
    data = copy.deepcopy(raw(DATA / "catalog_v1.yaml"))
    path = write(tmp_path / "c.yaml", data)
    assert load_catalog(path) == default_catalog()
