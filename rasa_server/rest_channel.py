"""Rasa's REST channel, validated and behind rasa_server.guard, served at /webhooks/rest/.

Routes:
  GET  /webhooks/rest/           health
  POST /webhooks/rest/session    {"session_id": <token>?} -> {"session_id": <token>}: resumes the
                                 conversation a valid token proves, else opens a new one
  POST /webhooks/rest/webhook    {"sender": …, "message": "…", "metadata": {…}?}  [?stream=true]

Who may talk in which conversation (the channel is public, see README « Canaux »):
  * ``sender`` = a session token (from /session, or the widget's socket.io session): anyone
    holding the token; that is how the widget's REST fallback keeps its conversation;
  * ``sender`` = an id of the form the server issues (32 hex digits) without its token: refused
    (403) — nobody enters a visitor's conversation by knowing its id;
  * ``sender`` = any other id chosen by the client (1–64 of ``A-Za-z0-9_-``): an integration.
    With ``VIRAGE_REST_API_KEY`` set, it must send ``Authorization: Bearer <key>``; without a key
    configured, only callers on this machine (loopback: tests, benchmarks, ``curl`` next to the
    server) may. Behind a reverse proxy every caller is loopback: set the key there.

Everything else is refused before Rasa sees it, with a 4xx and ``{"error", "message"}`` in French:
a body that is not JSON (415, so a cross-site ``text/plain`` form post fails), not an object,
over 64 kB (413), a missing or malformed sender, a non-text message, metadata that is not a
small object (400), too many requests from one address (429). Lone surrogates are dropped from
the text; ``input_channel`` from the client is ignored.

credentials.yml::

    rasa_server.rest_channel.VirageRestInput:
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from common import sessions
from rasa_server import inbound, ratelimit
from rasa_server.guard import guarded
from rasa_server.memory import release_after_model_load

logger = logging.getLogger(__name__)

API_KEY_ENV = "VIRAGE_REST_API_KEY"


def client_address(request: Request) -> str:
    # remote_addr honours Sanic's FORWARDED_SECRET / PROXIES_COUNT when a proxy is configured.
    return request.remote_addr or request.ip or "?"


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def refuse(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": code, "message": message}, status=status)


def read_json_object(request: Request) -> Tuple[Optional[Dict[str, Any]], Optional[HTTPResponse]]:
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return None, refuse(415, "not_json", inbound.NOT_JSON)
    body = request.body or b""
    if len(body) > inbound.MAX_BODY_BYTES:
        return None, refuse(413, "too_large", inbound.TOO_LARGE)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, refuse(400, "bad_json", inbound.BAD_JSON)
    if not isinstance(data, dict):
        return None, refuse(400, "bad_json", inbound.BAD_JSON)
    return data, None


class VirageRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def _sender(self, request: Request, value: Any) -> Tuple[Optional[str], Optional[HTTPResponse]]:
        if not isinstance(value, str) or not value:
            return None, refuse(400, "bad_sender", inbound.SENDER_INVALID)
        from_token = sessions.verify(value)
        if from_token is not None:
            return from_token, None
        if not inbound.CLIENT_SENDER.fullmatch(value):
            return None, refuse(400, "bad_sender", inbound.SENDER_INVALID)
        if sessions.looks_issued(value):
            return None, refuse(403, "not_your_conversation", inbound.SENDER_NOT_YOURS)
        key = os.environ.get(API_KEY_ENV, "").strip()
        if key:
            given = (request.headers.get("authorization") or "").encode()
            if not hmac.compare_digest(given, f"Bearer {key}".encode()):
                return None, refuse(403, "api_key_required", inbound.SENDER_NEEDS_KEY)
        elif not _is_loopback(client_address(request)):
            return None, refuse(403, "api_key_required", inbound.SENDER_NEEDS_KEY)
        return value, None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handler = guarded(on_new_message)
        messages = ratelimit.messages_limiter()
        new_sessions = ratelimit.connections_limiter()
        bp = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @bp.listener("before_server_start")
        async def body_ceiling(app, _loop) -> None:
            # Sanic's default is 100 MB; nothing legitimate sent to this server comes near 64 kB.
            app.config.REQUEST_MAX_SIZE = inbound.MAX_BODY_BYTES

            async def too_large(_request: Request, _exc: Exception) -> HTTPResponse:
                return refuse(413, "too_large", inbound.TOO_LARGE)

            app.error_handler.add(PayloadTooLarge, too_large)

        # Once the model is loaded, give back the heap its loading freed (rasa_server/memory.py).
        bp.listener("after_server_start")(release_after_model_load)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/session", methods=["POST"])
        async def session(request: Request) -> HTTPResponse:
            if not new_sessions.allow(client_address(request)):
                return refuse(429, "rate_limited", inbound.TOO_MANY_CONNECTIONS)
            data, error = read_json_object(request) if request.body else ({}, None)
            if error is not None:
                return error
            _, token, _resumed = sessions.resume_or_issue((data or {}).get("session_id"))
            return response.json({"session_id": token})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            if not messages.allow(client_address(request)):
                return refuse(429, "rate_limited", inbound.RATE_LIMITED)
            data, error = read_json_object(request)
            if error is not None:
                return error
            assert data is not None
            sender_id, error = self._sender(request, data.get("sender"))
            if error is not None:
                return error
            text, reason = inbound.check_message(data.get("message"))
            if reason is not None:
                return refuse(400, "bad_message", reason)
            metadata, reason = inbound.check_metadata(data.get("metadata"))
            if reason is not None:
                return refuse(400, "bad_metadata", reason)
            assert sender_id is not None and text is not None
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(handler, text, sender_id, self.name(), metadata),
                    content_type="text/event-stream",
                )
            collector = CollectingOutputChannel()
            await handler(UserMessage(text, collector, sender_id, input_channel=self.name(), metadata=metadata))
            return response.json(collector.messages)

        return bp
