"""rasa_bot/rasa_patches.py: faster, and the same answers as the Rasa 3.6 code it replaces.

That an intent payload parses as the whole NLU pipeline parses it needs a trained model:
tests/e2e/test_payload_parsing.py."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
import rasa
import rasa.shared.utils.common
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, SlotSet

import rasa_bot  # noqa: F401  (importing the package applies the patches)
from rasa_bot import rasa_patches

GOOD_REPLIES: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "kyc_age", "value": "42", "timestamp": None}],
     "responses": [{"text": "Question 6 of 15", "buttons": [{"title": "Never", "payload": "/inform"}]}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "action_listen"},
                {"event": "session_started"}, {"event": "action", "name": "action_listen"}]},
    {"responses": [{"text": "hello"}]},
]
BAD_REPLIES: list[dict[str, Any]] = [
    {"events": {"event": "slot"}},
    {"events": [{"name": "kyc_age", "value": "42"}]},
    {"events": [{"event": "slot", "name": 42}]},
    {"responses": "hello"},
    {"events": [{"event": "no_such_event"}]},
]


def rasa_decision(reply: dict[str, Any]) -> bool:
    try:
        jsonschema.validate(reply, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


def test_both_patches_are_in_effect_on_the_pinned_rasa() -> None:
    assert rasa.__version__ == rasa_patches.PATCHED_RASA_VERSION
    assert rasa_patches.apply() == ["cache_action_response_validator", "cache_event_type_lookup",
                                    "parse_intent_payloads_directly"]


@pytest.mark.parametrize("reply", GOOD_REPLIES)
def test_a_valid_action_server_reply_is_accepted(reply: dict[str, Any]) -> None:
    assert rasa_decision(reply)
    assert RemoteAction("action_x", None)._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", BAD_REPLIES)
def test_an_invalid_reply_is_refused_with_rasas_message(reply: dict[str, Any]) -> None:
    assert not rasa_decision(reply)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        RemoteAction("action_x", None)._validate_action_result(reply)


def original_resolve(type_name: str, default: Any = None) -> Any:
    """Rasa 3.6's Event.resolve_by_type, as written there."""
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        if cls.type_name == type_name:
            return cls
    if type_name == "topic":
        return None
    if default is not None:
        return default
    raise ValueError(f"Unknown event name '{type_name}'.")


def test_every_event_type_resolves_to_the_same_class_twice() -> None:
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "bot", "action", "slot", "session_started", "active_loop"} <= names
    for _ in range(2):  # the second round comes from the cache
        for name in names:
            assert Event.resolve_by_type(name) is original_resolve(name)


def test_unknown_event_types_behave_as_in_rasa() -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError):  # a default once does not stick to the name
        Event.resolve_by_type("no_such_event")


def test_another_rasa_version_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_patches, "_applied", [])
    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    assert rasa_patches.apply() == []
