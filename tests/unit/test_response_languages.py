"""Every domain response answers in both languages of the conversation contract.

Each response in rasa_bot/domain/*.yml has exactly one Simplified Chinese variation, chosen by
the slot condition ``language == zh-CN``, and exactly one unconditioned variation, the English
default. The Chinese variation is Chinese (it contains CJK characters) and offers the same
buttons: the same payloads in the same order, only the titles are translated.

Reads the YAML directly (no Rasa import), so it runs with the fast unit tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "rasa_bot" / "domain"
LANGUAGE_SLOT = "language"
ZH = "zh-CN"
ZH_CONDITION = [{"type": "slot", "name": LANGUAGE_SLOT, "value": ZH}]
# CJK Unified Ideographs (and Extension A): a Chinese reply has at least one
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def load_domain() -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[str, Any]]]:
    """All responses and all slots of the domain files, by name."""
    responses: dict[str, list[dict[str, Any]]] = {}
    slots: dict[str, dict[str, Any]] = {}
    for path in sorted(DOMAIN.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            assert name not in responses, f"{name} is defined in two domain files"
            responses[name] = variations
        slots.update(data.get("slots") or {})
    return responses, slots


RESPONSES, SLOTS = load_domain()


def is_zh(variation: dict[str, Any]) -> bool:
    return any(c.get("type") == "slot" and c.get("name") == LANGUAGE_SLOT and c.get("value") == ZH
               for c in variation.get("condition") or [])


def payloads(variation: dict[str, Any]) -> list[str]:
    return [b.get("payload") for b in variation.get("buttons") or []]


def problems(name: str, variations: list[dict[str, Any]]) -> Iterator[str]:
    """What is wrong with one response's variations (nothing when both languages are right)."""
    zh = [v for v in variations if is_zh(v)]
    default = [v for v in variations if not v.get("condition")]
    if len(zh) != 1:
        yield f"{name}: {len(zh)} zh-CN variations (needs exactly one)"
    if len(default) != 1:
        yield f"{name}: {len(default)} unconditioned variations (needs exactly one, the English default)"
    for v in zh:
        if v.get("condition") != ZH_CONDITION:
            yield f"{name}: the zh-CN variation has other conditions too: {v.get('condition')}"
        if not CJK.search(str(v.get("text") or "")):
            yield f"{name}: the zh-CN text has no Chinese characters: {v.get('text')!r}"
        if any(not CJK.search(str(b.get("title") or "")) for b in v.get("buttons") or []):
            yield f"{name}: a zh-CN button title has no Chinese characters"
        for d in default:
            if payloads(v) != payloads(d):
                yield f"{name}: zh-CN button payloads {payloads(v)} differ from the English {payloads(d)}"
    for v in default:
        if CJK.search(str(v.get("text") or "")):
            yield f"{name}: the unconditioned (English) variation contains Chinese"


# ------------------------------------------------------------------ the domain


def test_language_slot_is_the_contracts() -> None:
    slot = SLOTS.get(LANGUAGE_SLOT)
    assert slot is not None, "the domain has no slot `language`"
    assert slot["type"] == "categorical"
    assert slot["values"] == ["en", ZH]
    assert slot.get("initial_value") is None   # empty until set: English is the default variation
    assert slot["influence_conversation"] is False
    assert slot["mappings"] == [{"type": "from_entity", "entity": "language"}]


def test_domain_has_the_responses() -> None:
    assert len(RESPONSES) >= 37
    assert sum(name.startswith("utter_faq/") for name in RESPONSES) == 29


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_response_has_both_languages(name: str) -> None:
    assert list(problems(name, RESPONSES[name])) == []


# ------------------------------------------------------------------ the check itself

EN = {"text": "Stop here?", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                         {"title": "No", "payload": "/deny"}]}
ZH_OK = {"condition": ZH_CONDITION, "text": "确定要停止吗？",
         "buttons": [{"title": "是", "payload": "/affirm"}, {"title": "否", "payload": "/deny"}]}


def test_a_good_pair_passes() -> None:
    assert list(problems("utter_x", [ZH_OK, EN])) == []


@pytest.mark.parametrize(("variations", "expected"), [
    ([EN], "0 zh-CN variations"),
    ([ZH_OK, EN, {"text": "Another English one"}], "2 unconditioned variations"),
    ([ZH_OK], "0 unconditioned variations"),
    ([{**ZH_OK, "buttons": ZH_OK["buttons"][:1]}, EN], "button payloads"),
    ([{**ZH_OK, "buttons": ZH_OK["buttons"][::-1]}, EN], "button payloads"),
    ([{**ZH_OK, "buttons": [{"title": "是", "payload": "/affirm"}, {"title": "否", "payload": "/stop"}]}, EN],
     "button payloads"),
    ([{**ZH_OK, "text": "Stop here?"}, EN], "no Chinese characters"),
    ([{**ZH_OK, "condition": [{"type": "slot", "name": LANGUAGE_SLOT, "value": "en"}]}, EN], "0 zh-CN variations"),
    ([{**ZH_OK, "condition": ZH_CONDITION + [{"type": "slot", "name": "risk_level", "value": "C1"}]}, EN],
     "other conditions"),
])
def test_the_check_catches(variations: list[dict[str, Any]], expected: str) -> None:
    found = list(problems("utter_x", variations))
    assert any(expected in p for p in found), found
