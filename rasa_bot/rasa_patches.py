"""Two hot spots of Rasa Open Source 3.6 that cost this assistant most of its CPU, fixed in place.

Profiled with scripts/bench/profile_session.py (the questionnaire conversations of bench.py):

- After every custom action Rasa validates the action server's reply with `jsonschema.validate`,
  which first re-checks Rasa's own response schema against the JSON Schema meta-schema (draft
  2020-12, `$dynamicRef`s): about 12 ms per call and 40% of the whole message time, for a check of
  a constant. `cache_action_response_validator` checks the schema once and keeps the validator;
  every reply is still validated against the same schema, with the same error.
- Every event read from the tracker store or an action server is resolved to its class by walking
  all subclasses of `Event` (with `inspect.isabstract` on each), about 80 us per event and
  hundreds of events per message. `cache_event_type_lookup` remembers the answer per type name.

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


PATCHES = (cache_action_response_validator, cache_event_type_lookup)


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
