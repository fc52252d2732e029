"""Three hot spots of Rasa Open Source 3.6 that cost this assistant most of its CPU, fixed in place.

Profiled with scripts/bench/profile_session.py (the questionnaire conversations of bench.py):

- After every custom action Rasa validates the action server's reply with `jsonschema.validate`,
  which first re-checks Rasa's own response schema against the JSON Schema meta-schema (draft
  2020-12, `$dynamicRef`s): about 12 ms per call and 40% of the whole message time, for a check of
  a constant. `cache_action_response_validator` checks the schema once and keeps the validator;
  every reply is still validated against the same schema, with the same error.
- Every event read from the tracker store or an action server is resolved to its class by walking
  all subclasses of `Event` (with `inspect.isabstract` on each), about 80 us per event and
  hundreds of events per message. `cache_event_type_lookup` remembers the answer per type name.
- A button press arrives as an intent payload (`/inform{"option": "le_5"}`). Rasa runs the whole
  NLU pipeline on it (featurizers, DIET, the ResponseSelector: ~18 ms) and then its last node,
  `RegexMessageHandler`, replaces the message with one built from the payload alone, dropping
  everything the pipeline computed. `parse_intent_payloads_directly` builds that same message
  first and skips the pipeline; anything the handler would not replace (free text, a malformed
  payload, an intent the domain lacks) still goes through the pipeline.

OSS 3.6 receives no more fixes, so they live here. `apply()` runs when Rasa imports anything of
`rasa_bot` (channels, tracker store, NLU component: see `rasa_bot/__init__.py`), only on the Rasa
version they were written against; on any other it logs a warning and changes nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"
_applied: list[str] = []


def cache_action_response_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as e:  # the message Rasa's own method gives
            e.message += (f". Failed to validate Action server response from API, make sure your response "
                          f"from the Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
            raise e

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def cache_event_type_lookup() -> None:
    from rasa.shared.core.events import Event

    resolve: Callable[..., Any] = Event.resolve_by_type
    known: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = known.get(type_name)
        if cls is None:
            cls = resolve(type_name, default)
            if cls is not None and cls is not default:
                known[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


def parse_intent_payloads_directly() -> None:
    from rasa.core.processor import MessageProcessor
    from rasa.nlu.classifiers.regex_message_handler import RegexMessageHandler
    from rasa.shared.constants import INTENT_MESSAGE_PREFIX
    from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
    from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
    from rasa.shared.nlu.training_data.message import Message

    through_pipeline = MessageProcessor._parse_message_with_graph

    def _parse_message_with_graph(self: MessageProcessor, message: Any, tracker: Any,
                                  only_output_properties: bool = True) -> dict[str, Any]:
        text = message.text
        if isinstance(text, str) and text.lstrip().startswith(INTENT_MESSAGE_PREFIX) and self.domain:
            probe = Message(data={TEXT: text})
            # what the pipeline's last node does with the message, with the same domain
            unpacked = YAMLStoryReader.unpack_regex_message(probe, self.domain,
                                                            entity_extractor_name=RegexMessageHandler.__name__)
            if unpacked is not probe:
                parse_data = {TEXT: "", INTENT: {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, ENTITIES: []}
                parse_data.update(unpacked.as_dict(only_output_properties=only_output_properties))
                return parse_data
        return through_pipeline(self, message, tracker, only_output_properties)

    _parse_message_with_graph.through_pipeline = through_pipeline  # type: ignore[attr-defined]
    MessageProcessor._parse_message_with_graph = _parse_message_with_graph  # type: ignore[method-assign]


PATCHES = (cache_action_response_validator, cache_event_type_lookup, parse_intent_payloads_directly)


def apply() -> list[str]:
    """Apply every patch once; returns the names of those in effect."""
    import rasa

    if _applied:
        return list(_applied)
    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa_bot.rasa_patches: written for Rasa %s, running %s: not applied",
                       PATCHED_RASA_VERSION, rasa.__version__)
        return []
    for patch in PATCHES:
        patch()
        _applied.append(patch.__name__)
    return list(_applied)
