"""A tokenizer for messages in English, Chinese, or both at once ("C3能买什么基金").

Latin-script text is split exactly as Rasa's WhitespaceTokenizer splits it, so English
understanding does not change. A token holding Chinese characters is then cut into words by
jieba (the library Rasa's own JiebaTokenizer uses; its dictionary ships inside the package, so
nothing is downloaded). Rasa's JiebaTokenizer alone would keep every space as a token and leave
punctuation attached, which costs the English side accuracy; one model for both languages needs
both behaviours. Chosen by measurement: see README "NLU quality" and scripts/bench.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import MESSAGE_ATTRIBUTES, TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import ACTION_NAME, ACTION_TEXT, INTENT, INTENT_RESPONSE_KEY, RESPONSE
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from advisor_core.domain.language import CJK_CHARACTER


def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)   # no "Building prefix dict" lines in the server log
    jieba.initialize()
    return jieba


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class MixedScriptTokenizer(WhitespaceTokenizer):
    @staticmethod
    def not_supported_languages() -> list[str] | None:
        return None

    @staticmethod
    def required_packages() -> list[str]:
        return ["jieba"]

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__(config)
        self._segmenter = _jieba()

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> MixedScriptTokenizer:
        return cls(config)

    # Rasa tokenizes, and so featurizes, the classroom answer (RESPONSE) attached to every faq
    # training example, but the ResponseSelector labels by response key (use_text_as_label false)
    # and never reads those features: skipping them saves most of the featurizers' training time.
    # Nothing here trains on the texts of bot actions (ACTION_TEXT: end-to-end stories) either.
    UNUSED_IN_TRAINING = frozenset({RESPONSE, ACTION_TEXT})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            for attribute in MESSAGE_ATTRIBUTES:
                if attribute in self.UNUSED_IN_TRAINING or example.get(attribute) in (None, ""):
                    continue
                if attribute in (INTENT, ACTION_NAME, INTENT_RESPONSE_KEY):
                    tokens = self._split_name(example, attribute)
                else:
                    tokens = self.tokenize(example, attribute)
                example.set(TOKENS_NAMES[attribute], tokens)
        return training_data

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        tokens: list[Token] = []
        for token in super().tokenize(message, attribute):
            if not CJK_CHARACTER.search(token.text):
                tokens.append(token)
                continue
            for word, start, _end in self._segmenter.tokenize(token.text):
                if word.strip():
                    tokens.append(Token(word, token.start + start))
        return tokens
