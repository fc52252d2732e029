"""An NLU component that falls back when the financial-classroom answer itself is uncertain.

The `faq` intent can score 0.99 while the ResponseSelector's pick inside it scores 0.2
(rasa#9723, rasa#9751). The FallbackClassifier only looks at the intent, so this component,
placed after the ResponseSelector, turns such a message into `nlu_fallback`: the customer is
asked to rephrase instead of getting a confident answer to another question.

`threshold` applies to messages in Latin script, `threshold_chinese` (default: the same) to
messages mostly in Chinese characters: the selector's confidence is not calibrated alike in the
two, so each is chosen on its language's DEV set (scripts/nlu_eval.py tune).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from advisor_core.domain.language import mostly_chinese

RESPONSE_SELECTOR_KEY = "response_selector"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class FaqConfidenceGate(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [ResponseSelector]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"retrieval_intent": "faq", "threshold": 0.5, "threshold_chinese": None}

    def __init__(self, config: dict[str, Any]) -> None:
        self.retrieval_intent = config["retrieval_intent"]
        self.threshold = float(config["threshold"])
        chinese = config.get("threshold_chinese")
        self.threshold_chinese = self.threshold if chinese is None else float(chinese)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> FaqConfidenceGate:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self.answer_is_uncertain(message.data):
                fallback = {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                            PREDICTED_CONFIDENCE_KEY: self.threshold_for(message.data)}
                message.data[INTENT] = fallback
                message.data.setdefault(INTENT_RANKING_KEY, []).insert(0, dict(fallback))
        return messages

    def answer_is_uncertain(self, data: dict[str, Any]) -> bool:
        if (data.get(INTENT) or {}).get(INTENT_NAME_KEY) != self.retrieval_intent:
            return False
        selected = (data.get(RESPONSE_SELECTOR_KEY) or {}).get(self.retrieval_intent) or {}
        confidence = (selected.get("response") or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0
        return float(confidence) < self.threshold_for(data)

    def threshold_for(self, data: dict[str, Any]) -> float:
        return self.threshold_chinese if mostly_chinese(str(data.get("text") or "")) else self.threshold
