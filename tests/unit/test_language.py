"""Which language a message sets for the conversation (advisor_core/domain/language.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor_core.adapters.datafiles import default_language_words, load_language_words
from advisor_core.domain.language import (
    CHINESE,
    ENGLISH,
    language_signal,
    mostly_chinese,
    normalise_tag,
    requested_language,
)
from advisor_core.errors import DataFileError

WORDS = default_language_words()


@pytest.mark.parametrize(("tag", "language"), [
    ("zh-CN", CHINESE), ("zh", CHINESE), ("zh_cn", CHINESE), ("zh-Hans", CHINESE), ("en", ENGLISH),
    ("en-GB", ENGLISH), ("fr", None), ("", None), (None, None), (42, None), ("zh" * 20, None),
])
def test_client_tags(tag: object, language: str | None) -> None:
    assert normalise_tag(tag) == language


@pytest.mark.parametrize(("text", "chinese"), [
    ("C3能买什么基金", True), ("我想买基金", True), ("ok的", True), ("ok", False), ("hello there", False),
    ("what does 基金 mean in english", False), ("12345", False),
])
def test_mostly_chinese(text: str, chinese: bool) -> None:
    assert mostly_chinese(text) is chinese


@pytest.mark.parametrize(("text", "language"), [
    ("说中文", CHINESE), ("请用中文", CHINESE), ("Chinese please", CHINESE), ("English please", ENGLISH),
    ("说英文吧", ENGLISH), ("能讲英语吗", ENGLISH), ("what is a bond fund", None),
    ("I would like to know whether the bond fund documents are also available in English", None),
])
def test_requests(text: str, language: str | None) -> None:
    assert requested_language(WORDS, text) == language


def test_a_request_wins_then_metadata_then_chinese_text() -> None:
    assert language_signal(WORDS, "说中文", "en") == CHINESE
    assert language_signal(WORDS, "我的风险等级", "en") == ENGLISH
    assert language_signal(WORDS, "English please") == ENGLISH
    assert language_signal(WORDS, "我的风险等级是多少") == CHINESE
    assert language_signal(WORDS, "ok") is None      # a Chinese conversation stays Chinese
    assert language_signal(WORDS, "/affirm") is None


def test_a_broken_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "language_v1.yaml"
    path.write_text("version: v1\nmax_request_chars: 30\nrequests:\n  zh-CN: []\n  en: [english]\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"requests\.zh-CN"):
        load_language_words(path)
