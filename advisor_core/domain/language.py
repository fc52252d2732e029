"""Which language a conversation is in: English (``en``) or Simplified Chinese (``zh-CN``).

A customer may ask for one ("说中文", "English please", a menu button); the client may say it
(metadata ``language``, e.g. the web page's language switch); otherwise a message written
mostly in Chinese characters makes the conversation Chinese. Detection never switches a Chinese
conversation to English: Chinese customers often type "ok" or "C3" in Latin letters, so
English needs an explicit request.
English is the default when nothing was said. The words are data (language_v1.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ENGLISH = "en"
CHINESE = "zh-CN"
LANGUAGES: tuple[str, ...] = (ENGLISH, CHINESE)

#: One Chinese (CJK) character: the answer reader, the NLU tokenizer and detection all use this.
CJK_CHARACTER = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_TAG = re.compile(r"[-_]")


@dataclass(frozen=True)
class LanguageWords:
    """The phrases that ask for a language, per language they ask for (lower case)."""
    version: str
    requests: tuple[tuple[str, tuple[str, ...]], ...]   # language -> phrases
    max_request_chars: int   # a longer message mentions a language, it does not ask to switch

    def phrases(self, language: str) -> tuple[str, ...]:
        return dict(self.requests).get(language, ())


def normalise_tag(tag: object) -> str | None:
    """"zh", "zh-CN", "zh_cn", "zh-Hans" -> "zh-CN"; "en", "en-GB" -> "en"; anything else None."""
    if not isinstance(tag, str) or not tag.strip() or len(tag) > 20:
        return None
    primary = _TAG.split(tag.strip().lower(), maxsplit=1)[0]
    return {"zh": CHINESE, "en": ENGLISH}.get(primary)


def mostly_chinese(text: str) -> bool:
    """More Chinese characters than Latin words: "C3能买什么基金" yes, "ok" or "what is 基金" no."""
    chinese = len(CJK_CHARACTER.findall(text))
    return chinese >= 1 and chinese >= len(_LATIN_WORD.findall(text))


def requested_language(words: LanguageWords, text: str) -> str | None:
    """The language a short message asks for ("说中文", "English please"), else None."""
    cleaned = " ".join(text.lower().split())
    if not cleaned or len(cleaned) > words.max_request_chars:
        return None
    found = [(len(phrase), language) for language, phrases in words.requests for phrase in phrases
             if phrase in cleaned]
    return max(found)[1] if found else None   # the longest phrase: "说英文" over "英文"


def language_signal(words: LanguageWords, text: str, metadata_language: object = None) -> str | None:
    """The language this message sets for the conversation, or None to keep the current one.

    The customer's own request wins ("说中文" on an English page), then the client's metadata,
    then a message mostly in Chinese.
    """
    asked = requested_language(words, text)
    if asked is not None:
        return asked
    told = normalise_tag(metadata_language)
    if told is not None:
        return told
    return CHINESE if mostly_chinese(text) else None
