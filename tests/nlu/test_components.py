"""The project's own NLU components, run without training a model."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import INTENT_RESPONSE_KEY, RESPONSE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa_bot.components.mixed_tokenizer import MixedScriptTokenizer

CONFIG = Path(__file__).resolve().parents[2] / "rasa_bot" / "config.yml"


def tokenizer() -> MixedScriptTokenizer:
    return MixedScriptTokenizer({**MixedScriptTokenizer.get_default_config()})


def words(text: str) -> list[str]:
    return [t.text for t in tokenizer().tokenize(Message(data={TEXT: text}), TEXT)]


def test_latin_script_is_split_on_whitespace_and_chinese_into_words():
    assert words("what is a bond fund?") == ["what", "is", "a", "bond", "fund"]
    assert words("C3能买什么基金") == ["C3", "能", "买", "什么", "基金"]


def test_training_tokenizes_the_question_and_the_response_key_but_not_the_answer_text():
    example = Message(data={TEXT: "what is DCA", "intent": "faq", INTENT_RESPONSE_KEY: "faq/what_is_dca",
                            RESPONSE: "Dollar-cost averaging means investing a fixed amount regularly."})
    tokenizer().process_training_data(TrainingData([example]))
    assert [t.text for t in example.get(TOKENS_NAMES[TEXT])] == ["what", "is", "DCA"]
    assert example.get(TOKENS_NAMES[INTENT_RESPONSE_KEY])
    assert example.get(TOKENS_NAMES[RESPONSE]) is None


def test_the_response_selector_labels_by_response_key_so_the_answer_text_is_not_needed():
    """Skipping RESPONSE in training is only right while the selector does not learn from answer texts."""
    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    selectors = [c for c in pipeline if c["name"] == "ResponseSelector"]
    assert selectors and all(not c.get("use_text_as_label", False) for c in selectors)
