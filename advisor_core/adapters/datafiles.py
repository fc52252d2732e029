"""Loaders for the versioned data files in ``advisor_core/data``.

Every problem raises :class:`DataFileError` naming the file and the field, for example
``questionnaire_v1.yaml: items[age].age_bands[2].points: must be a whole number``.

Texts per language: ``texts/<language>.yaml`` holds every message an action or advisor_core
composes (the same keys and placeholders in each language, checked by :func:`load_text_book`);
``questionnaire_v1.<language>.yaml`` and ``catalog_v1.<language>.yaml`` are language overlays
(questions, option labels, band meanings, product names...) merged into the questionnaire and the
catalog when they are loaded. Scoring data (points, bands, keywords) is only in the base files.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from advisor_core.domain.answer_parsing import Lexicon
from advisor_core.domain.language import ENGLISH, LANGUAGES, LanguageWords
from advisor_core.domain.levels import RiskLevel, RiskRating
from advisor_core.domain.products import Audience, Catalog, DepositRates, Liquidity, Product, ProductType
from advisor_core.domain.questionnaire import (
    DEFAULT_LANGUAGE,
    AgeBand,
    Combine,
    ConsistencyRule,
    GoalsQuestion,
    Item,
    ItemGroup,
    ItemReading,
    ItemWords,
    NumericBand,
    NumericMapping,
    NumericUnit,
    Option,
    Questionnaire,
    ScoreBand,
    Words,
)
from advisor_core.domain.scoring import ADULT_AGE, MAX_AGE
from advisor_core.domain.texts import Localized, NumberFormats, TextBook, Texts, placeholders
from advisor_core.errors import DataFileError

DATA_PACKAGE = "advisor_core.data"
QUESTIONNAIRE_FILE = "questionnaire_v1.yaml"
CATALOG_FILE = "catalog_v1.yaml"
LEXICON_FILE = "reading_{language}.yaml"
LANGUAGE_FILE = "language_v1.yaml"
OVERLAY_FILE = "{stem}.{language}.yaml"   # questionnaire_v1.zh-CN.yaml beside questionnaire_v1.yaml
TOTAL_POINTS = 100


class _Reader:
    """Reads fields out of parsed YAML, raising DataFileError with the field's path."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> DataFileError:
        return DataFileError(self.path, field, problem)

    def mapping(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "must be a mapping")
        return value

    def seq(self, value: Any, field: str, *, allow_empty: bool = False) -> list[Any]:
        if not isinstance(value, list) or (not value and not allow_empty):
            raise self.fail(field, "must be a non-empty list")
        return value

    def text(self, data: dict[str, Any], key: str, field: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{field}.{key}", "must be non-empty text")
        return value

    def integer(self, data: dict[str, Any], key: str, field: str) -> int:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{field}.{key}", "must be a whole number")
        return value

    def decimal(self, data: dict[str, Any], key: str, field: str) -> Decimal:
        value = data.get(key)
        if isinstance(value, bool) or value is None:
            raise self.fail(f"{field}.{key}", "must be a number")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{field}.{key}", f"{value!r} is not a number") from None

    def choice(self, data: dict[str, Any], key: str, field: str, enum_type: Any) -> Any:
        """One member of an Enum, by value; RiskLevel and RiskRating are read by member name."""
        value = data.get(key)
        by_name = enum_type in (RiskLevel, RiskRating)
        try:
            return enum_type.parse(str(value)) if by_name else enum_type(value)
        except ValueError:
            allowed = ", ".join(m.name if by_name else str(m.value) for m in enum_type)
            raise self.fail(f"{field}.{key}", f"{value!r} is not one of {allowed}") from None

    def keywords(self, data: dict[str, Any], field: str) -> tuple[str, ...]:
        return self.words_by_language(data.get("keywords", []), f"{field}.keywords")[0]

    def words_by_language(self, value: Any, field: str) -> tuple[tuple[str, ...], Words]:
        """A list of words (English), or a mapping of language -> list: (English, others)."""
        if isinstance(value, list):
            value = {DEFAULT_LANGUAGE: value}
        if not isinstance(value, dict):
            raise self.fail(field, "must be a list of non-empty texts, or a mapping of language to such lists")
        english: tuple[str, ...] = ()
        others = []
        for language, words in value.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise self.fail(f"{field}.{language}" if len(value) > 1 or language != DEFAULT_LANGUAGE else field,
                                "must be a list of non-empty texts")
            lowered = tuple(w.lower() for w in words)
            if language == DEFAULT_LANGUAGE:
                english = lowered
            else:
                others.append((str(language), lowered))
        return english, tuple(others)

    def all_words(self, value: Any, field: str) -> Words:
        english, others = self.words_by_language(value, field)
        return ((DEFAULT_LANGUAGE, english), *others) if english else others


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise DataFileError(str(path), "(file)", "not found") from None
    except yaml.YAMLError as exc:
        raise DataFileError(str(path), "(file)", f"not valid YAML: {exc}") from None


def _default_path(name: str) -> Path:
    return Path(str(resources.files(DATA_PACKAGE).joinpath(name)))


# ---------------------------------------------------------------- questionnaire


def load_questionnaire(path: Path | str | None = None) -> Questionnaire:
    file = Path(path) if path is not None else _default_path(QUESTIONNAIRE_FILE)
    r = _Reader(file.name)
    data = r.mapping(_read_yaml(file), "(top)")
    version = r.text(data, "version", "(top)")
    bands = _score_bands(r, data.get("bands"))
    knowledge = r.seq(data.get("knowledge_points"), "knowledge_points")
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in knowledge) or len(knowledge) != 3:
        raise r.fail("knowledge_points", "must be three whole numbers (0, 1, 2 correct)")
    items = tuple(_item(r, raw, i) for i, raw in enumerate(r.seq(data.get("items"), "items")))
    _check_unique(r, [i.key for i in items], "items[].key")
    _check_unique(r, [i.slot for i in items], "items[].slot")
    knowledge_items = [i for i in items if i.group is ItemGroup.KNOWLEDGE]
    for item in knowledge_items:
        if sum(o.correct for o in item.options) != 1:
            raise r.fail(f"items[{item.key}].options", "a knowledge item needs exactly one correct option")
    total = sum(i.max_points for i in items if i.group is not ItemGroup.KNOWLEDGE) + max(knowledge)
    if total != TOTAL_POINTS:
        raise r.fail("items", f"maximum points add up to {total}, not {TOTAL_POINTS}")
    goals = _goals(r, r.mapping(data.get("goals"), "goals"))
    consistency = _consistency(r, r.mapping(data.get("consistency"), "consistency"), items)
    q = Questionnaire(version, items, goals, bands, tuple(knowledge), consistency)
    for language, overlay in _overlays(file, required=path is None):
        q = _questionnaire_in(q, overlay, language)
    return q


def _overlays(file: Path, *, required: bool) -> list[tuple[str, Path]]:
    """The language overlays beside a data file (``<stem>.<language>.yaml``), one per language
    other than English. The packaged files must have every one; a copy elsewhere may have none
    (its texts are then English only)."""
    found = []
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        overlay = file.with_name(OVERLAY_FILE.format(stem=file.stem, language=language))
        if overlay.exists():
            found.append((language, overlay))
        elif required:
            raise DataFileError(overlay.name, "(file)", f"not found: the {language} texts of {file.name}")
    return found


class _Overlay:
    """Reads one language overlay: every text of the base file once, nothing else."""

    def __init__(self, path: Path, language: str, version: str) -> None:
        self.r = _Reader(path.name)
        self.data = self.r.mapping(_read_yaml(path), "(top)")
        if self.data.get("language") != language:
            raise self.r.fail("language", f"must be {language!r} (the file's name says so)")
        if self.data.get("version") != version:
            raise self.r.fail("version", f"{self.data.get('version')!r} does not match the base file's {version!r}")

    def table(self, value: Any, field: str, keys: tuple[str, ...]) -> dict[str, Any]:
        """A mapping with exactly these keys."""
        table = self.r.mapping(value, field)
        missing = [k for k in keys if k not in table]
        if missing:
            raise self.r.fail(f"{field}.{missing[0]}", "missing: the base file has it")
        unknown = [str(k) for k in table if k not in keys]
        if unknown:
            raise self.r.fail(f"{field}.{unknown[0]}", "is not in the base file")
        return table

    def text(self, table: dict[str, Any], key: str, field: str) -> str:
        return self.r.text(table, key, field)


def _add(local: Localized, language: str, text: str) -> Localized:
    return (*((lang, t) for lang, t in local if lang != language), (language, text))


def _questionnaire_in(q: Questionnaire, path: Path, language: str) -> Questionnaire:
    """The questionnaire with one language's texts added (questionnaire_v1.<language>.yaml)."""
    o = _Overlay(path, language, q.version)
    top = o.table(o.data, "(top)", ("language", "version", "bands", "consistency", "items", "goals"))
    bands_raw = o.table(top["bands"], "bands", tuple(b.level.name for b in q.bands))
    bands = tuple(replace(b, meaning_local=_add(b.meaning_local, language,
                                                o.text(bands_raw, b.level.name, "bands")))
                  for b in q.bands)
    consistency_raw = o.table(top["consistency"], "consistency", ("recheck_prompt",))
    consistency = replace(q.consistency, recheck_prompt_local=_add(
        q.consistency.recheck_prompt_local, language, o.text(consistency_raw, "recheck_prompt", "consistency")))
    items_raw = o.table(top["items"], "items", tuple(i.key for i in q.items))
    items = []
    for item in q.items:
        field = f"items.{item.key}"
        keys = ("question", "why", "options") if item.options else ("question", "why")
        raw = o.table(items_raw[item.key], field, keys)
        options = _options_in(o, raw.get("options"), f"{field}.options", item.options, language)
        items.append(replace(item, options=options,
                             question_local=_add(item.question_local, language, o.text(raw, "question", field)),
                             why_local=_add(item.why_local, language, o.text(raw, "why", field))))
    goals_raw = o.table(top["goals"], "goals", ("question", "why", "options"))
    goals = replace(q.goals, options=_options_in(o, goals_raw["options"], "goals.options", q.goals.options, language),
                    question_local=_add(q.goals.question_local, language, o.text(goals_raw, "question", "goals")),
                    why_local=_add(q.goals.why_local, language, o.text(goals_raw, "why", "goals")))
    return replace(q, items=tuple(items), goals=goals, bands=bands, consistency=consistency)


def _options_in(o: _Overlay, value: Any, field: str, options: tuple[Option, ...],
                language: str) -> tuple[Option, ...]:
    if not options:
        return options
    labels = o.table(value, field, tuple(opt.id for opt in options))
    return tuple(replace(opt, label_local=_add(opt.label_local, language, o.text(labels, opt.id, field)))
                 for opt in options)


def _consistency(r: _Reader, raw: dict[str, Any], items: tuple[Item, ...]) -> ConsistencyRule:
    by_key = {i.key: i for i in items}
    key = r.text(raw, "item", "consistency")
    if key not in by_key or by_key[key].is_age:
        raise r.fail("consistency.item", f"{key!r} is not an item with options")
    careful = r.seq(raw.get("careful_answers"), "consistency.careful_answers")
    for option in careful:
        if option not in by_key[key].option_ids:
            raise r.fail("consistency.careful_answers", f"{option!r} is not an option of {key}")
    bold = r.mapping(raw.get("bold_from"), "consistency.bold_from")
    if not bold:
        raise r.fail("consistency.bold_from", "must name at least one item")
    for bold_key in bold:
        field = f"consistency.bold_from.{bold_key}"
        if bold_key not in by_key or by_key[bold_key].is_age or bold_key == key:
            raise r.fail(field, f"{bold_key!r} is not another item with options")
        points = r.integer(bold, bold_key, "consistency.bold_from")
        options = by_key[bold_key].options
        if not any(o.points < points for o in options) or not any(o.points >= points for o in options):
            raise r.fail(field, "must leave options on both sides (some bold, some not)")
    return ConsistencyRule(
        item=key, careful_answers=tuple(str(o) for o in careful),
        bold_from=tuple((str(k), int(v)) for k, v in bold.items()),
        recheck_prompt=r.text(raw, "recheck_prompt", "consistency"))


def _score_bands(r: _Reader, raw: Any) -> tuple[ScoreBand, ...]:
    bands = []
    expected_min = 0
    for i, entry in enumerate(r.seq(raw, "bands")):
        field = f"bands[{i}]"
        entry = r.mapping(entry, field)
        level = r.choice(entry, "level", field, RiskLevel)
        low, high = r.integer(entry, "min", field), r.integer(entry, "max", field)
        if low != expected_min or high < low:
            raise r.fail(field, f"bands must run contiguously from 0; expected min {expected_min}")
        bands.append(ScoreBand(level, low, high, r.text(entry, "meaning", field)))
        expected_min = high + 1
    if expected_min != TOTAL_POINTS + 1:
        raise r.fail("bands", f"bands must end at {TOTAL_POINTS}")
    return tuple(bands)


def _item(r: _Reader, raw: Any, index: int) -> Item:
    raw = r.mapping(raw, f"items[{index}]")
    key = raw.get("key") if isinstance(raw.get("key"), str) else str(index)
    field = f"items[{key}]"
    r.text(raw, "key", field)
    group = r.choice(raw, "group", field, ItemGroup)
    common = dict(
        key=key,
        number=str(raw.get("number", "")),
        slot=r.text(raw, "slot", field),
        group=group,
        question=r.text(raw, "question", field),
        why=r.text(raw, "why", field),
    )
    if raw.get("kind") == "age":
        return Item(**common, age_bands=_age_bands(r, raw.get("age_bands"), f"{field}.age_bands"))
    options = _options(r, raw.get("options"), f"{field}.options", scored=True)
    if group is not ItemGroup.KNOWLEDGE:
        points = [o.points for o in options]
        if points != sorted(points):
            raise r.fail(f"{field}.options", "options must be ordered from the fewest points to the most")
    numeric = None
    if "numeric" in raw:
        numeric = _numeric(r, r.mapping(raw["numeric"], f"{field}.numeric"), f"{field}.numeric",
                           {o.id for o in options})
    reading = _item_reading(r, raw.get("reading", {}), f"{field}.reading", options)
    return Item(**common, options=options, numeric=numeric, reading=reading)


def _item_reading(r: _Reader, raw: Any, field: str, options: tuple[Option, ...]) -> ItemReading:
    raw = r.mapping(raw, field)
    unknown = set(raw) - {"combine", "negated", "premise", "facets", "value_is_limit", "comparison", "split",
                          "recent"}
    if unknown:
        raise r.fail(field, f"unknown field(s) {', '.join(sorted(unknown))}")
    combine = r.choice(raw, "combine", field, Combine) if "combine" in raw else Combine.ASK
    negated_option: str | None = None
    negated_words: Words = ()
    if "negated" in raw:
        negated = r.mapping(raw["negated"], f"{field}.negated")
        negated_option = r.text(negated, "option", f"{field}.negated")
        if negated_option not in {o.id for o in options}:
            raise r.fail(f"{field}.negated.option", f"{negated_option!r} is not an option of this item")
        negated_words = r.all_words(negated.get("words"), f"{field}.negated.words")
    premise = r.all_words(raw.get("premise", []), f"{field}.premise")
    facets_raw = r.mapping(raw.get("facets", {}), f"{field}.facets")
    facets = tuple((str(name), r.all_words(words, f"{field}.facets.{name}")) for name, words in facets_raw.items())
    ids = {o.id for o in options}
    for option in options:
        for other in option.or_else:
            if other not in ids:
                raise r.fail(f"{field[:-len('.reading')]}.options[{option.id}].or_else",
                             f"{other!r} is not an option of this item")
        for need in option.needs:
            if need not in facets_raw:
                raise r.fail(f"{field[:-len('.reading')]}.options[{option.id}].needs",
                             f"{need!r} is not a facet in reading.facets")
    limit = raw.get("value_is_limit", False)
    if not isinstance(limit, bool):
        raise r.fail(f"{field}.value_is_limit", "must be true or false")
    comparison = None
    if "comparison" in raw:
        sub = f"{field}.comparison"
        table = r.mapping(raw["comparison"], sub)
        pair = r.seq(table.get("between"), f"{sub}.between")
        if len(pair) != 2 or not all(p in {o.id for o in options} for p in pair):
            raise r.fail(f"{sub}.between", "must name two options of this item")
        comparison = ((str(pair[0]), str(pair[1])), r.all_words(table.get("more"), f"{sub}.more"),
                      r.all_words(table.get("less"), f"{sub}.less"))
    split = None
    if "split" in raw:
        sub = f"{field}.split"
        table = r.mapping(raw["split"], sub)
        mapping = _numeric(r, {"unit": "percent", "bands": table.get("bands")}, sub, ids)
        split = (r.all_words(table.get("first"), f"{sub}.first"), r.all_words(table.get("second"), f"{sub}.second"),
                 mapping)
    recent = r.all_words(raw.get("recent", []), f"{field}.recent")
    return ItemReading(combine, negated_option, negated_words, premise, facets, limit, comparison, split, recent)


def _options(r: _Reader, raw: Any, field: str, *, scored: bool) -> tuple[Option, ...]:
    options = []
    for i, entry in enumerate(r.seq(raw, field)):
        entry = r.mapping(entry, f"{field}[{i}]")
        option_id = r.text(entry, "id", f"{field}[{i}]")
        sub = f"{field}[{option_id}]"
        english, others = r.words_by_language(entry.get("keywords", []), f"{sub}.keywords")
        needs = entry.get("needs", [])
        if not isinstance(needs, list) or not all(isinstance(n, str) and n for n in needs):
            raise r.fail(f"{sub}.needs", "must be a list of facet names")
        or_else = entry.get("or_else", [])
        if not isinstance(or_else, list) or not all(isinstance(n, str) and n for n in or_else):
            raise r.fail(f"{sub}.or_else", "must be a list of option ids")
        options.append(Option(
            id=option_id,
            label=r.text(entry, "label", sub),
            points=r.integer(entry, "points", sub) if scored else 0,
            keywords=english,
            correct=bool(entry.get("correct", False)),
            other_keywords=others,
            needs=tuple(needs),
            or_else=tuple(or_else),
        ))
    _check_unique(r, [o.id for o in options], f"{field}[].id")
    return tuple(options)


def _numeric(r: _Reader, raw: dict[str, Any], field: str, option_ids: set[str]) -> NumericMapping:
    unit = r.choice(raw, "unit", field, NumericUnit)
    bands: list[NumericBand] = []
    entries = r.seq(raw.get("bands"), f"{field}.bands")
    for i, entry in enumerate(entries):
        sub = f"{field}.bands[{i}]"
        entry = r.mapping(entry, sub)
        option = r.text(entry, "option", sub)
        if option not in option_ids:
            raise r.fail(f"{sub}.option", f"{option!r} is not an option of this item")
        below = r.decimal(entry, "below", sub) if "below" in entry else None
        up_to = r.decimal(entry, "up_to", sub) if "up_to" in entry else None
        if below is not None and up_to is not None:
            raise r.fail(sub, "give either 'below' or 'up_to', not both")
        shared = entry.get("shared", False)
        if not isinstance(shared, bool):
            raise r.fail(f"{sub}.shared", "must be true or false")
        if shared and up_to is None:
            raise r.fail(f"{sub}.shared", "only an 'up_to' edge can be named by two labels")
        edge = below if below is not None else up_to
        if bands and edge is not None:
            previous = bands[-1].below if bands[-1].below is not None else bands[-1].up_to
            if previous is not None and edge < previous:
                raise r.fail(sub, "bands must go up")
        bands.append(NumericBand(option, below, up_to, shared))
    if bands[-1].below is not None or bands[-1].up_to is not None:
        raise r.fail(f"{field}.bands", "the last band must have no bound (it takes the rest)")
    return NumericMapping(unit, tuple(bands))


def _age_bands(r: _Reader, raw: Any, field: str) -> tuple[AgeBand, ...]:
    bands = []
    for i, entry in enumerate(r.seq(raw, field)):
        sub = f"{field}[{i}]"
        entry = r.mapping(entry, sub)
        bands.append(AgeBand(r.integer(entry, "min", sub), r.integer(entry, "max", sub),
                             r.integer(entry, "points", sub)))
    for before, after in itertools.pairwise(bands):
        if after.min != before.max + 1:
            raise r.fail(field, "age bands must be contiguous")
    if bands[0].min != ADULT_AGE or bands[-1].max != MAX_AGE:
        raise r.fail(field, f"age bands must cover {ADULT_AGE} to {MAX_AGE}")
    return tuple(bands)


def _goals(r: _Reader, raw: dict[str, Any]) -> GoalsQuestion:
    return GoalsQuestion(
        slot=r.text(raw, "slot", "goals"),
        question=r.text(raw, "question", "goals"),
        why=r.text(raw, "why", "goals"),
        options=_options(r, raw.get("options"), "goals.options", scored=False),
    )


def _check_unique(r: _Reader, values: list[str], field: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise r.fail(field, f"{value!r} appears twice")
        seen.add(value)


# ---------------------------------------------------------------- catalog


def load_catalog(path: Path | str | None = None) -> Catalog:
    file = Path(path) if path is not None else _default_path(CATALOG_FILE)
    r = _Reader(file.name)
    data = r.mapping(_read_yaml(file), "(top)")
    version = r.text(data, "version", "(top)")
    rates_raw = r.mapping(data.get("deposit_rates"), "deposit_rates")
    rates = DepositRates(
        demand_rate=r.decimal(rates_raw, "demand_rate", "deposit_rates"),
        deposit_plus_multiple=r.decimal(rates_raw, "deposit_plus_multiple", "deposit_rates"),
        deposit_plus_bonus_rate=r.decimal(rates_raw, "deposit_plus_bonus_rate", "deposit_rates"),
        bonus_after_months=r.integer(rates_raw, "bonus_after_months", "deposit_rates"),
        deposit_insurance_limit=r.decimal(rates_raw, "deposit_insurance_limit", "deposit_rates"),
        offer_above_balance=r.decimal(rates_raw, "offer_above_balance", "deposit_rates"),
    )
    products = []
    for i, raw in enumerate(r.seq(data.get("products"), "products")):
        raw = r.mapping(raw, f"products[{i}]")
        pid = raw.get("id") if isinstance(raw.get("id"), str) else str(i)
        field = f"products[{pid}]"
        low = r.decimal(raw, "return_low", field)
        high = r.decimal(raw, "return_high", field)
        if low > high:
            raise r.fail(f"{field}.return_low", "must not exceed return_high")
        minimum = r.decimal(raw, "minimum_amount", field)
        if minimum < 0:
            raise r.fail(f"{field}.minimum_amount", "must not be negative")
        goals = r.seq(raw.get("goals", []), f"{field}.goals", allow_empty=True)
        products.append(Product(
            id=r.text(raw, "id", field),
            name=r.text(raw, "name", field),
            type=r.choice(raw, "type", field, ProductType),
            risk_rating=r.choice(raw, "risk_rating", field, RiskRating),
            minimum_amount=minimum,
            horizon_months=r.integer(raw, "horizon_months", field),
            liquidity=r.choice(raw, "liquidity", field, Liquidity),
            return_low=low,
            return_high=high,
            goals=tuple(str(g) for g in goals),
            description=r.text(raw, "description", field),
            audience=r.choice(raw, "audience", field, Audience) if "audience" in raw else Audience.CUSTOMER,
            min_total_assets=r.decimal(raw, "min_total_assets", field) if "min_total_assets" in raw else Decimal(0),
        ))
    _check_unique(r, [p.id for p in products], "products[].id")
    catalog = Catalog(version, tuple(products), rates)
    for language, overlay in _overlays(file, required=path is None):
        catalog = _catalog_in(catalog, overlay, language)
    return catalog


def _catalog_in(catalog: Catalog, path: Path, language: str) -> Catalog:
    """The catalog with one language's product names and descriptions (catalog_v1.<language>.yaml)."""
    o = _Overlay(path, language, catalog.version)
    top = o.table(o.data, "(top)", ("language", "version", "products"))
    table = o.table(top["products"], "products", tuple(p.id for p in catalog.products))
    products = []
    for product in catalog.products:
        field = f"products.{product.id}"
        raw = o.table(table[product.id], field, ("name", "description"))
        products.append(replace(
            product,
            name_local=_add(product.name_local, language, o.text(raw, "name", field)),
            description_local=_add(product.description_local, language, o.text(raw, "description", field))))
    return replace(catalog, products=tuple(products))


# ---------------------------------------------------------------- reading words


_LEXICON_LISTS = ("negations", "not_negations", "clause_breaks", "range_joiners", "range_openers", "single",
                  "every", "question_starts", "digressions", "short_digressions", "age_words",
                  "asking_words")
_LEXICON_NUMBERS = ("scales", "fractions", "counts", "periods", "per_year")
_LEXICON_MAY_BE_EMPTY = ("counts",)   # Chinese counts are numerals ("两三次"), read as numbers
_COMPARATOR_KINDS = ("more", "at_least", "less", "at_most", "about", "just_under", "just_over")
_UNIT_KINDS = ("percent", "months", "years", "weeks", "days", "decades", "times", "currency", "age")
_NUMBER_LIBRARIES = ("text2num", "cn2an", "none")
_UNICODE_FORMS = ("NFC", "NFKC")
_SPLIT_LABELS = ("after", "before")


def load_lexicon(path: Path | str, questionnaire: Questionnaire | None = None) -> Lexicon:
    """The words one language reads answers with (advisor_core/data/reading_<language>.yaml).

    With the questionnaire, the file's words for items and goals (`items`, `goals`) are checked
    against it: every item with options and every option has words, and each reading field the
    item uses (negated, facets, comparison, split) has this language's words too.
    """
    file = Path(path)
    r = _Reader(file.name)
    data = r.mapping(_read_yaml(file), "(top)")

    def texts(key: str) -> tuple[str, ...]:
        values = r.seq(data.get(key), key)
        if not all(isinstance(v, str) and v for v in values):
            raise r.fail(key, "must be a list of non-empty texts")
        return tuple(v.lower() for v in values)

    def numbers(key: str) -> tuple[tuple[str, Decimal], ...]:
        table = r.mapping(data.get(key), key)
        if not table and key not in _LEXICON_MAY_BE_EMPTY:
            raise r.fail(key, "must not be empty")
        return tuple((str(k).lower(), r.decimal(table, k, key)) for k in table)

    def kinds(key: str, allowed: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        table = r.mapping(data.get(key), key)
        for kind, words in table.items():
            if kind not in allowed:
                raise r.fail(f"{key}.{kind}", f"not one of {', '.join(allowed)}")
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise r.fail(f"{key}.{kind}", "must be a list of non-empty texts")
        return tuple((kind, tuple(w.lower() for w in words)) for kind, words in table.items())

    contractions = r.mapping(data.get("contractions", {}), "contractions")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in contractions.items()):
        raise r.fail("contractions", "must map texts to texts")
    window = r.integer(data, "negation_window", "(top)")
    if window < 1:
        raise r.fail("negation_window", "must be at least 1")
    short_message = r.integer(data, "short_message", "(top)")
    number_words = _one_of(r, r.text(data, "number_words", "(top)"), "number_words", _NUMBER_LIBRARIES)
    vague = []
    for phrase, bounds in r.mapping(data.get("vague"), "vague").items():
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
                or bounds[0] >= bounds[1]):
            raise r.fail(f"vague.{phrase}", "must be [low, high] with low below high")
        vague.append((str(phrase).lower(), (Decimal(str(bounds[0])), Decimal(str(bounds[1])))))
    lists = {key: texts(key) for key in _LEXICON_LISTS}
    tables = {key: numbers(key) for key in _LEXICON_NUMBERS}
    return Lexicon(
        language=r.text(data, "language", "(top)"),
        number_words=number_words,
        contractions=tuple((k.lower(), v.lower()) for k, v in contractions.items()),
        negation_window=window,
        comparators=kinds("comparators", _COMPARATOR_KINDS),
        after=kinds("after", _COMPARATOR_KINDS),
        units=kinds("units", _UNIT_KINDS),
        short_message=short_message,
        vague=tuple(vague),
        negations=lists["negations"],
        not_negations=lists["not_negations"],
        clause_breaks=lists["clause_breaks"],
        range_joiners=lists["range_joiners"],
        range_openers=lists["range_openers"],
        single=lists["single"],
        every=lists["every"],
        question_starts=lists["question_starts"],
        digressions=lists["digressions"],
        short_digressions=lists["short_digressions"],
        age_words=lists["age_words"],
        asking_words=lists["asking_words"],
        scales=tables["scales"],
        fractions=tables["fractions"],
        counts=tables["counts"],
        periods=tables["periods"],
        per_year=tables["per_year"],
        unicode_form=_one_of(r, data["unicode_form"], "unicode_form", _UNICODE_FORMS) if "unicode_form" in data else "",
        rewrites=_rewrites(r, data.get("rewrites", {})),
        than=_word_list(r, data["than"], "than") if "than" in data else (),
        refusals=_word_list(r, data["refusals"], "refusals") if "refusals" in data else (),
        after_negations=(_word_list(r, data["after_negations"], "after_negations")
                         if "after_negations" in data else ()),
        after_negation_window=_after_negation_window(r, data),
        question_ends=_word_list(r, data["question_ends"], "question_ends") if "question_ends" in data else (),
        question_phrases=(_word_list(r, data["question_phrases"], "question_phrases")
                          if "question_phrases" in data else ()),
        split_label=_one_of(r, data.get("split_label", "after"), "split_label", _SPLIT_LABELS),
        items=_lexicon_items(r, data["items"], questionnaire) if "items" in data else (),
        goals=_lexicon_goals(r, data["goals"], questionnaire) if "goals" in data else None,
    )


def _after_negation_window(r: _Reader, data: dict[str, Any]) -> int:
    if "after_negation_window" not in data:
        return 3
    window = r.integer(data, "after_negation_window", "(top)")
    if window < 0:
        raise r.fail("after_negation_window", "must be 0 or more")
    return window


def _one_of(r: _Reader, value: Any, field: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise r.fail(field, f"{value!r} is not one of {', '.join(allowed)}")
    return str(value)


def _word_list(r: _Reader, value: Any, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
        raise r.fail(field, "must be a non-empty list of non-empty texts")
    return tuple(w.lower() for w in value)


def _rewrites(r: _Reader, value: Any) -> tuple[tuple[str, str], ...]:
    table = r.mapping(value, "rewrites")
    if not all(isinstance(k, str) and k and isinstance(v, str) for k, v in table.items()):
        raise r.fail("rewrites", "must map non-empty texts to texts")
    return tuple((k.lower(), v.lower()) for k, v in table.items())


_ITEM_WORD_FIELDS = ("options", "reading")
_READING_WORD_FIELDS = ("negated", "premise", "facets", "comparison", "split", "recent")


def _lexicon_items(r: _Reader, value: Any, questionnaire: Questionnaire | None) -> tuple[tuple[str, ItemWords], ...]:
    table = r.mapping(value, "items")
    known = {i.key: i for i in questionnaire.items if not i.is_age} if questionnaire is not None else None
    if known is not None:
        unknown = [k for k in table if k not in known]
        if unknown:
            raise r.fail(f"items[{unknown[0]}]", "is not an item with options in the questionnaire")
        missing = [k for k in known if k not in table]
        if missing:
            raise r.fail("items", f"no words for {', '.join(missing)}")
    return tuple((str(key), _item_words(r, raw, f"items[{key}]", known[key] if known else None))
                 for key, raw in table.items())


def _lexicon_goals(r: _Reader, value: Any, questionnaire: Questionnaire | None) -> ItemWords:
    raw = r.mapping(value, "goals")
    if set(raw) - {"options"}:
        raise r.fail("goals", f"unknown field(s) {', '.join(sorted(set(raw) - {'options'}))}")
    ids = questionnaire.goals.option_ids if questionnaire is not None else None
    return ItemWords(options=_option_words(r, raw.get("options"), "goals.options", ids))


def _item_words(r: _Reader, value: Any, field: str, item: Item | None) -> ItemWords:
    raw = r.mapping(value, field)
    unknown = set(raw) - set(_ITEM_WORD_FIELDS)
    if unknown:
        raise r.fail(field, f"unknown field(s) {', '.join(sorted(unknown))}")
    options = _option_words(r, raw.get("options"), f"{field}.options", item.option_ids if item else None)
    reading = r.mapping(raw.get("reading", {}), f"{field}.reading")
    unknown = set(reading) - set(_READING_WORD_FIELDS)
    if unknown:
        raise r.fail(f"{field}.reading", f"unknown field(s) {', '.join(sorted(unknown))}")
    if item is not None:
        _check_reading_words(r, reading, f"{field}.reading", item.reading)
    sub = f"{field}.reading"
    facets = r.mapping(reading.get("facets", {}), f"{sub}.facets")
    comparison = r.mapping(reading.get("comparison", {}), f"{sub}.comparison")
    split = r.mapping(reading.get("split", {}), f"{sub}.split")

    def words(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
        return _word_list(r, table[key], f"{where}.{key}") if key in table else ()

    return ItemWords(
        options=options,
        negated=words(reading, "negated", sub),
        premise=words(reading, "premise", sub),
        facets=tuple((str(name), _word_list(r, w, f"{sub}.facets.{name}")) for name, w in facets.items()),
        more=words(comparison, "more", f"{sub}.comparison"),
        less=words(comparison, "less", f"{sub}.comparison"),
        first=words(split, "first", f"{sub}.split"),
        second=words(split, "second", f"{sub}.split"),
        recent=words(reading, "recent", sub),
    )


def _option_words(r: _Reader, value: Any, field: str,
                  option_ids: tuple[str, ...] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = r.mapping(value, field)
    if option_ids is not None:
        for option_id in table:
            if option_id not in option_ids:
                raise r.fail(f"{field}[{option_id}]", "is not an option of this item")
        missing = [o for o in option_ids if o not in table]
        if missing:
            raise r.fail(field, f"no words for {', '.join(missing)}")
    return tuple((str(o), _word_list(r, w, f"{field}[{o}]")) for o, w in table.items())


def _check_reading_words(r: _Reader, raw: dict[str, Any], field: str, reading: ItemReading) -> None:
    """Words for every reading field the item uses, and none for a field it does not use."""
    uses = {"negated": reading.negated_option is not None, "premise": bool(reading.premise),
            "facets": bool(reading.facets), "comparison": reading.comparison is not None,
            "split": reading.split is not None, "recent": bool(reading.recent)}
    for name, used in uses.items():
        if used and name not in raw:
            raise r.fail(f"{field}.{name}", "missing: the item reads it")
        if not used and name in raw:
            raise r.fail(f"{field}.{name}", "the item does not read it")
    facets = r.mapping(raw.get("facets", {}), f"{field}.facets")
    for name, _ in reading.facets:
        if name not in facets:
            raise r.fail(f"{field}.facets.{name}", "missing: an option needs it")
    for name in facets:
        if name not in dict(reading.facets):
            raise r.fail(f"{field}.facets.{name}", "is not a facet of this item")
    for name, keys in (("comparison", ("more", "less")), ("split", ("first", "second"))):
        table = r.mapping(raw.get(name, {}), f"{field}.{name}")
        for key in keys:
            if name in raw and key not in table:
                raise r.fail(f"{field}.{name}.{key}", "missing")


@functools.lru_cache(maxsize=4)
def default_lexicon(language: str = DEFAULT_LANGUAGE) -> Lexicon:
    """The packaged reading words for a language, read once on first use (never at import)."""
    path = _default_path(LEXICON_FILE.format(language=language))
    if not path.exists():
        raise DataFileError(path.name, "(file)", f"no reading words for language {language!r}")
    return load_lexicon(path, default_questionnaire())


def load_language_words(path: Path | str | None = None) -> LanguageWords:
    """The phrases that ask for a language (advisor_core/data/language_v1.yaml)."""
    file = Path(path) if path is not None else _default_path(LANGUAGE_FILE)
    r = _Reader(file.name)
    data = r.mapping(_read_yaml(file), "(top)")
    limit = r.integer(data, "max_request_chars", "(top)")
    if limit < 1:
        raise r.fail("max_request_chars", "must be at least 1")
    table = r.mapping(data.get("requests"), "requests")
    requests = []
    for language in LANGUAGES:
        phrases = table.get(language)
        if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise r.fail(f"requests.{language}", "must be a non-empty list of phrases")
        requests.append((language, tuple(" ".join(p.lower().split()) for p in phrases)))
    unknown = set(table) - set(LANGUAGES)
    if unknown:
        raise r.fail("requests", f"unknown language(s) {', '.join(sorted(map(str, unknown)))}")
    return LanguageWords(r.text(data, "version", "(top)"), tuple(requests), limit)


@functools.lru_cache(maxsize=1)
def default_language_words() -> LanguageWords:
    """The packaged language-request phrases, read once on first use (never at import)."""
    return load_language_words()


# ---------------------------------------------------------------- texts


_FORMAT_TEXTS = ("money", "date", "list_separator", "sentence_separator")


def load_texts(path: Path | str) -> Texts:
    """One language's messages (advisor_core/data/texts/<language>.yaml), each template checked."""
    file = Path(path)
    r = _Reader(file.name)
    data = r.mapping(_read_yaml(file), "(top)")
    unknown = set(data) - {"language", "version", "formats", "messages"}
    if unknown:
        raise r.fail("(top)", f"unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    language = r.text(data, "language", "(top)")
    if language not in LANGUAGES:
        raise r.fail("language", f"{language!r} is not one of {', '.join(LANGUAGES)}")
    formats = r.mapping(data.get("formats"), "formats")
    for key in _FORMAT_TEXTS:
        if not isinstance(formats.get(key), str) or (key in ("money", "date") and not formats[key].strip()):
            raise r.fail(f"formats.{key}", "must be text")
    ten_thousands = formats.get("money_ten_thousands")
    if ten_thousands is not None and not isinstance(ten_thousands, str):
        raise r.fail("formats.money_ten_thousands", "must be text or null")
    months = formats.get("month_names")
    if not isinstance(months, list) or len(months) != 12 or not all(isinstance(m, str) and m for m in months):
        raise r.fail("formats.month_names", "must list the twelve months")
    for key, allowed in (("money", {"amount"}), ("money_ten_thousands", {"amount"}),
                         ("date", {"day", "month", "year", "month_name"})):
        if isinstance(formats.get(key), str):
            _check_template(r, formats[key], f"formats.{key}", allowed)
    messages = r.mapping(data.get("messages"), "messages")
    if not messages:
        raise r.fail("messages", "must not be empty")
    for key, template in messages.items():
        if not isinstance(template, str) or not template.strip():
            raise r.fail(f"messages.{key}", "must be non-empty text")
        _check_template(r, template, f"messages.{key}", None)
    return Texts(language, r.text(data, "version", "(top)"), {str(k): v for k, v in messages.items()},
                 NumberFormats(formats["money"], ten_thousands, formats["date"], tuple(months),
                               formats["list_separator"], formats["sentence_separator"]))


def _check_template(r: _Reader, template: str, field: str, allowed: set[str] | None) -> None:
    try:
        names = placeholders(template)
    except ValueError as exc:
        raise r.fail(field, f"not a valid template: {exc}") from None
    if allowed is not None and not names <= allowed:
        raise r.fail(field, f"unknown placeholder(s) {', '.join(sorted(names - allowed))}")


def check_parity(reference: Texts, other: Texts, other_file: str) -> None:
    """``other`` has exactly ``reference``'s keys, each with the same placeholders; else
    DataFileError naming ``other_file`` and the key."""
    r = _Reader(other_file)
    if other.version != reference.version:
        raise r.fail("version", f"{other.version!r} differs from {reference.language}'s {reference.version!r}")
    for key, template in reference.messages.items():
        if key not in other.messages:
            raise r.fail(f"messages.{key}", f"missing: {reference.language} has it")
        ours, theirs = placeholders(template), placeholders(other.messages[key])
        if ours != theirs:
            raise r.fail(f"messages.{key}", f"placeholders {{{', '.join(sorted(theirs))}}} differ from "
                                            f"{reference.language}'s {{{', '.join(sorted(ours))}}}")
    for key in other.messages:
        if key not in reference.messages:
            raise r.fail(f"messages.{key}", f"not in {reference.language}: add it there too")


def load_text_book(directory: Path | str | None = None) -> TextBook:
    """Every language's texts from ``texts/<language>.yaml``, checked against English (keys and
    placeholders the same in every language)."""
    base = Path(directory) if directory is not None else _default_path("texts")
    by_language: dict[str, Texts] = {}
    for language in LANGUAGES:
        file = base / f"{language}.yaml"
        texts = load_texts(file)
        if texts.language != language:
            raise DataFileError(file.name, "language", f"{texts.language!r} in the file named for {language!r}")
        by_language[language] = texts
    english = by_language[ENGLISH]
    for language, texts in by_language.items():
        if language != ENGLISH:
            check_parity(english, texts, f"{language}.yaml")
    return TextBook(by_language)


@functools.lru_cache(maxsize=1)
def default_text_book() -> TextBook:
    """The packaged texts of every language, read once on first use (never at import)."""
    return load_text_book()


@functools.lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    """The packaged questionnaire, read once on first use (never at import)."""
    return load_questionnaire()


@functools.lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The packaged product catalog, read once on first use (never at import)."""
    return load_catalog()


