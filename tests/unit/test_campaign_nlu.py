"""Every campaign list an advisor can ask for is reachable from the chat by everyday names.

The NLU data (rasa_bot/data/nlu) annotates the ``campaign`` entity in ``advisor_campaign_list``
examples; the synonyms map everyday names to the campaign ids the action knows
(``advisor_core.analytics.rules.ADVISOR_CAMPAIGNS``). Reads the YAML only: no Rasa, no training.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import yaml

from advisor_core.analytics.campaigns import CAMPAIGNS
from advisor_core.analytics.rules import (
    ADVISOR_CAMPAIGNS,
    CAMPAIGN_RULES,
    default_rules,
)

NLU = Path(__file__).resolve().parents[2] / "rasa_bot" / "data" / "nlu"
# [text](entity) or [text]{"entity": ..., "value": ...}
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\((?P<entity>[a-z_]+)\)|(?P<json>\{[^}]*\}))")
MIN_EXAMPLES = 8
MIN_EVERYDAY_NAMES = 3


def _documents() -> list[dict]:
    return [yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(NLU.glob("*.yml"))]


def synonyms() -> dict[str, str]:
    """surface text (lower case, as EntitySynonymMapper compares) -> value"""
    found = {}
    for doc in _documents():
        for block in doc.get("nlu", []):
            if "synonym" in block:
                for line in block["examples"].splitlines():
                    text = line.strip().removeprefix("- ").strip()
                    if text:
                        found[text.lower()] = block["synonym"]
    return found


def campaign_annotations() -> list[tuple[str, str, str]]:
    """(intent, surface text, campaign value after synonyms) for every campaign entity."""
    mapping = synonyms()
    found = []
    for doc in _documents():
        for block in doc.get("nlu", []):
            if "intent" not in block:
                continue
            for match in ANNOTATION.finditer(block["examples"]):
                text = match["text"]
                if match["json"]:
                    spec = json.loads(match["json"])
                    entity, value = spec["entity"], spec.get("value", text)
                else:
                    entity, value = match["entity"], text
                if entity == "campaign":
                    found.append((block["intent"], text, mapping.get(value.lower(), value)))
    return found


def test_the_chat_campaigns_are_every_campaign_rule() -> None:
    assert set(ADVISOR_CAMPAIGNS) == set(CAMPAIGNS) | set(CAMPAIGN_RULES)
    assert list(default_rules().campaign_names) == list(ADVISOR_CAMPAIGNS)


def test_every_campaign_annotation_names_a_campaign_the_action_knows() -> None:
    annotations = campaign_annotations()
    assert annotations
    unknown = [(intent, text, value) for intent, text, value in annotations if value not in ADVISOR_CAMPAIGNS]
    assert not unknown, f"campaign entities that map to no campaign: {unknown}"
    assert {intent for intent, _, _ in annotations} == {"advisor_campaign_list"}


def test_every_campaign_is_asked_for_by_everyday_names() -> None:
    examples: dict[str, list[str]] = defaultdict(list)
    for _, text, value in campaign_annotations():
        examples[value].append(text)
    for campaign in ADVISOR_CAMPAIGNS:
        assert len(examples[campaign]) >= MIN_EXAMPLES, f"{campaign}: {examples[campaign]}"
        everyday = {t.lower() for t in examples[campaign]} - {campaign}
        assert len(everyday) >= MIN_EVERYDAY_NAMES, f"{campaign}: only {everyday}"


def test_every_everyday_name_in_the_examples_is_a_synonym_of_its_campaign() -> None:
    """Rasa's EntitySynonymMapper maps what DIET extracts; without the synonym a name it extracted
    from a message (not the annotated example) would reach the action as free text."""
    mapping = synonyms()
    for _, text, value in campaign_annotations():
        if text.lower() != value:
            assert mapping.get(text.lower()) == value, f"{text!r} is no synonym of {value}"
