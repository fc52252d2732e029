"""What the assistant says, per language: named message templates and number formats (all data).

The templates live in ``advisor_core/data/texts/<language>.yaml`` (one file per language, the same
keys and the same placeholders in each: the loader checks it). A template is ``str.format`` text
with named placeholders: ``texts.render("kyc.question_prefix", position=3, count=15)``.

Numbers are formatted as a reader of the language expects, by rules that are data too: English
``50,000`` and ``16 June 2025``; Chinese ``50,000元``, ``5万元`` (a whole number of 万 from 10,000
up), ``2025年6月16日``. Percentages are written the same in both (``3.5%``).

The questionnaire's and the catalog's own texts (questions, option labels, product names) are
kept with those data files, in a language overlay each (``questionnaire_v1.zh-CN.yaml``,
``catalog_v1.zh-CN.yaml``), and read through ``Localized`` values.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from advisor_core.domain.language import ENGLISH, LANGUAGES, normalise_tag

#: A text's translations beside its English original: ((language, text), ...).
Localized = tuple[tuple[str, str], ...]


def in_language(english: str, translations: Localized, language: str) -> str:
    """The text in ``language``; the English original when there is no translation for it."""
    if language == ENGLISH:
        return english
    return next((text for lang, text in translations if lang == language), english)


def language_of(value: object) -> str:
    """The conversation's language from the ``language`` slot: ``en`` or ``zh-CN``; empty or
    unknown is English."""
    tag = normalise_tag(value)
    return tag if tag in LANGUAGES else ENGLISH


def placeholders(template: str) -> frozenset[str]:
    """The named placeholders of a ``str.format`` template ("{amount}", "{day:02d}" -> amount, day).

    Raises ValueError for a malformed template or a positional placeholder ("{}", "{0}").
    """
    names = set()
    for _, name, spec, _ in string.Formatter().parse(template):
        if name is None:
            continue
        root = name.split(".", 1)[0].split("[", 1)[0]
        if not root or root.isdigit():
            raise ValueError(f"positional placeholder {{{name}}}: use a name")
        names.add(root)
        if spec and "{" in spec:
            raise ValueError(f"nested placeholder in {{{name}:{spec}}}")
    return frozenset(names)


@dataclass(frozen=True)
class NumberFormats:
    """How one language writes money and dates (templates with named placeholders)."""

    money: str                          # "{amount}" / "{amount}元"
    money_ten_thousands: str | None     # None, or "{amount}万元": whole multiples of 10,000 from 10,000
    date: str                           # "{day:02d} {month_name} {year}" / "{year}年{month}月{day}日"
    month_names: tuple[str, ...]        # January..December (used by a date template that names months)
    list_separator: str                 # ", " / "、"
    sentence_separator: str             # " " between English sentences, "" between Chinese ones


@dataclass(frozen=True)
class Texts:
    """One language's messages. ``render`` fills a template; the formatters write numbers."""

    language: str
    version: str
    messages: Mapping[str, str] = field(repr=False)
    formats: NumberFormats = field(repr=False)

    def has(self, key: str) -> bool:
        return key in self.messages

    def render(self, key: str, /, **values: object) -> str:
        """The message ``key`` with its placeholders filled. A missing key or value is a bug:
        KeyError naming the key and the language."""
        try:
            template = self.messages[key]
        except KeyError:
            raise KeyError(f"no text {key!r} in language {self.language}") from None
        try:
            return template.format(**values)
        except KeyError as exc:
            raise KeyError(f"text {key!r} ({self.language}) needs a value for {exc.args[0]!r}") from None

    def money(self, value: Decimal) -> str:
        """An amount of money: thousands separators, no cents when whole ("50,000", "1,234.50");
        in Chinese with 元, and 万元 for a whole number of 万 from 10,000 up ("5万元", "50万元")."""
        ten_thousands = self.formats.money_ten_thousands
        if (ten_thousands is not None and value >= 10000 and value == value.to_integral_value()
                and value % 10000 == 0):
            return ten_thousands.format(amount=f"{value / 10000:,.0f}")
        return self.formats.money.format(amount=plain_money(value))

    def date(self, day: dt.date) -> str:
        return self.formats.date.format(day=day.day, month=day.month, year=day.year,
                                        month_name=self.formats.month_names[day.month - 1])

    def join(self, parts: Iterable[str]) -> str:
        """A list in running text: "a, b, c" / "a、b、c"."""
        return self.formats.list_separator.join(parts)

    def sentences(self, *parts: str) -> str:
        """Sentences one after another (empty parts left out): "A. B." / "甲。乙。"."""
        return self.formats.sentence_separator.join(p for p in parts if p)


def plain_money(value: Decimal) -> str:
    """Thousands separators, no cents when whole: the digits every language shares."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


@dataclass(frozen=True)
class TextBook:
    """Every language's texts; an unknown language reads English."""

    by_language: Mapping[str, Texts]

    def __call__(self, language: object = ENGLISH) -> Texts:
        return self.by_language.get(language_of(language)) or self.by_language[ENGLISH]


def default_texts(language: object = ENGLISH) -> Texts:
    """The packaged texts for a language (English when unknown), read once on first use."""
    from advisor_core.adapters.datafiles import default_text_book  # lazy: no file is read at import

    return default_text_book()(language)
