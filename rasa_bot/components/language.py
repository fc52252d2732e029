"""Adds a `language` entity to a message that sets the conversation's language.

The slot `language` is filled from this entity (a from_entity mapping), inside Rasa: no call to
the action server on any message. What sets a language - the client's metadata, a request such
as "说中文", a message mostly in Chinese - is advisor_core.domain.language's rule.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from advisor_core.adapters.datafiles import default_language_words
from advisor_core.domain.language import language_signal

ENTITY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class LanguageSignal(GraphComponent, EntityExtractorMixin):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self) -> None:
        self._words = default_language_words()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LanguageSignal:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            metadata = message.get("metadata") or {}
            told = metadata.get("language") if isinstance(metadata, dict) else None
            if text.startswith("/") and told is None:
                continue   # a button's payload: its own entities say what it sets
            language = language_signal(self._words, text, told)
            if language is None:
                continue
            entity = {"entity": ENTITY, "value": language, "start": 0, "end": len(text),
                      "confidence": 1.0, "extractor": self.__class__.__name__}
            message.set(ENTITIES, [e for e in message.get(ENTITIES, []) if e.get("entity") != ENTITY] + [entity],
                        add_to_output=True)
        return messages
