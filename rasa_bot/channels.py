"""REST and Socket.IO channels that never leave the customer in silence.

When the action server is down or an action fails inside Rasa, Rasa logs the error and carries
on without a reply (rasa#3902, rasa#7630). These channels count what the bot sent for each user
message and, if it was nothing, send a short "temporarily unavailable" message instead. The
tracker keeps the conversation, so the customer can simply try again. A hung action server takes
the same path once `ACTION_TIMEOUT_SECONDS` has passed (rasa_patches.bound_action_calls; checked
end to end by tests/e2e/test_hung_action_server.py). The URLs stay the contract's:
/webhooks/rest/webhook and /socket.io.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import response

logger = logging.getLogger(__name__)

# Said when even the texts cannot be read; otherwise the notice is texts "channel.unavailable".
UNAVAILABLE = ("Sorry, part of our service is temporarily unavailable, so I can't answer that right now. "
               "Nothing you told me is lost: please try again in a minute, or call the bank if it is urgent.")


def unavailable_notice(message: UserMessage) -> str:
    """The notice in the message's language: the client's ``metadata.language`` or a message
    mostly in Chinese (the channel cannot read the conversation's slot, which needs the tracker
    store that may be what failed); otherwise English."""
    try:
        from advisor_core.adapters.datafiles import default_language_words, default_text_book
        from advisor_core.domain.language import language_signal

        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        language = language_signal(default_language_words(), message.text or "", metadata.get("language"))
        return default_text_book()(language).render("channel.unavailable")
    except Exception:  # noqa: BLE001 - never silent, whatever failed
        return UNAVAILABLE


class CountingOutputChannel(OutputChannel):
    """Passes every bot message to the real channel and counts them."""

    def __init__(self, inner: OutputChannel) -> None:
        self.inner = inner
        self.sent = 0

    def name(self) -> str:
        return self.inner.name()

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self.inner, attribute)  # e.g. CollectingOutputChannel.messages


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> None:
        counter = CountingOutputChannel(message.output_channel)
        message.output_channel = counter
        try:
            await on_new_message(message)
        finally:
            if counter.sent == 0:
                logger.warning("no reply was produced for a user message; sent the unavailable notice")
                await counter.inner.send_response(message.sender_id, {"text": unavailable_notice(message)})
    return handle


MAX_SENDER_LENGTH = 256


def rest_body_problem(body: Any) -> str | None:
    """Why a REST webhook body cannot be accepted, or None when it is well formed."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender.strip():
        return "'sender' must be a non-empty string"  # else Rasa files it under the shared id 'default'
    if len(sender) > MAX_SENDER_LENGTH:
        return f"'sender' must be at most {MAX_SENDER_LENGTH} characters"
    if not isinstance(message, str):
        return "'message' must be a string"
    if metadata is not None and not isinstance(metadata, dict):
        return "'metadata' must be a JSON object"
    return None


class GuardedRestInput(RestInput):
    """The REST channel (`rest`) for the mobile app: malformed bodies get a 400 with the reason."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        webhook = super().blueprint(never_silent(on_new_message))

        @webhook.middleware("request")
        async def refuse_malformed(request: Any) -> Any:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return response.json({"error": "the body is not valid JSON"}, status=400)
            problem = rest_body_problem(body)
            return response.json({"error": problem}, status=400) if problem else None

        return webhook


class GuardedSocketIOInput(SocketIOInput):
    """The Socket.IO channel (`socketio`) for the web widget, over long-polling only.

    Under Python 3.11, Rasa 3.6's Sanic 21.12 WebSocket upgrade fails ("Passing coroutines is
    forbidden") and the session then hangs with empty polls, so upgrades are not offered.
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Any:
        webhook = super().blueprint(never_silent(on_new_message))
        self.sio.eio.allow_upgrades = False
        self.sio.eio.transports = ["polling"]
        return webhook
