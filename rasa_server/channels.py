"""Socket.IO channel that only accepts the partner websites it is configured for.

Rasa 3.6's stock ``socketio`` channel builds its ``AsyncServer`` with
``cors_allowed_origins=[]``, which in python-engineio means "do not check the
Origin header at all": any website could then open a WebSocket to the bot and talk
to it with its visitors' browsers.  (``rasa run --cors`` only covers the REST
routes handled by Sanic-CORS, not the Socket.IO endpoint.)

It also fixes session persistence with python-socketio 5.x (see
``_register_session_request``) and puts the channel behind ``rasa_server.guard`` like the
REST channel, so a widget visitor always gets a French answer.  This subclass keeps everything else identical (events, ``session_request`` /
``session_confirm`` handshake, session persistence, output channel name
``socketio``) and gives Engine.IO the explicit list of allowed origins, so a
browser connection from any other origin is refused with HTTP 400 before the
Socket.IO handshake (both the WebSocket and the long-polling transports).
Requests without an ``Origin`` header (server-to-server
tools) are not browsers and are left to the other protections.

Configuration, in order of precedence:
  * ``VIRAGE_ALLOWED_ORIGINS`` environment variable, comma-separated;
  * ``allowed_origins`` key under this channel in credentials.yml (list or string);
  * default ``http://localhost:8080,http://127.0.0.1:8080`` (the demo partner page).

credentials.yml::

    rasa_server.channels.VirageSocketIO:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint
from socketio import AsyncServer

logger = logging.getLogger(__name__)

ENV_VAR = "VIRAGE_ALLOWED_ORIGINS"
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")
# Session ids become Socket.IO room names and Rasa sender ids: keep them boring.
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{8,128}")


def parse_origins(value: Union[None, Text, Iterable[Text]]) -> List[Text]:
    """Normalises a comma-separated string or a list into a list of origins.

    An origin is ``scheme://host[:port]`` with no path and no trailing slash,
    exactly as browsers send it in the ``Origin`` header; ``*`` is refused on
    purpose (it would disable the check this channel exists for).
    """
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    origins: List[Text] = []
    for item in items:
        origin = str(item).strip().rstrip("/")
        if not origin:
            continue
        if origin == "*":
            raise ValueError(f"{ENV_VAR}: '*' is not accepted; list the partner origins explicitly.")
        if not origin.startswith(("http://", "https://")):
            raise ValueError(f"{ENV_VAR}: '{origin}' is not an origin (expected http(s)://host[:port]).")
        if origin not in origins:
            origins.append(origin)
    return origins


def allowed_origins(configured: Union[None, Text, Iterable[Text]] = None) -> List[Text]:
    """The origins the Socket.IO endpoint accepts (env var > credentials > default)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env is not None and from_env.strip():
        return parse_origins(from_env)
    if configured:
        return parse_origins(configured)
    return list(DEFAULT_ALLOWED_ORIGINS)


# Commands that legitimately produce no bot message (Rasa's /restart is silent
# unless the domain has utter_restart): not answered with rasa_server.guard's apology.
SILENT_COMMANDS = frozenset({"/restart"})


def with_guard(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    """Same protection as the REST channel: every turn gets a French answer
    (empty/oversized message, failing or silent processing) -- see rasa_server.guard."""
    try:
        from rasa_server.guard import guarded
    except ImportError:  # pragma: no cover - guard not deployed
        return on_new_message
    wrapped = guarded(on_new_message)

    async def handle(message: UserMessage) -> Any:
        if (message.text or "").strip() in SILENT_COMMANDS:
            return await on_new_message(message)
        return await wrapped(message)

    return handle


class VirageSocketIO(SocketIOInput):
    """Rasa's Socket.IO channel with an Origin allow-list."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        configured = credentials.pop("allowed_origins", None)
        channel = super().from_credentials(credentials)
        channel.allowed_origins = allowed_origins(configured)  # type: ignore[attr-defined]
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(with_guard(on_new_message))
        origins = getattr(self, "allowed_origins", None) or allowed_origins()
        # The Engine.IO server reads this on every request: a non-empty list turns
        # on the Origin check (400 "Not an accepted origin") and makes it answer
        # long-polling CORS requests for those origins only.
        assert self.sio is not None
        eio = self.sio.eio
        eio.cors_allowed_origins = list(origins)
        # CORS *headers* for the long-polling transport are already added to every
        # route by Sanic-CORS (`rasa run --cors ...`); Engine.IO adding its own
        # copy would send Access-Control-Allow-Origin twice, which browsers
        # reject. Engine.IO keeps the origin *check* above; Sanic-CORS the headers.
        eio._cors_headers = lambda environ: []
        self._register_session_request(self.sio)
        logger.info("Socket.IO: allowed origins %s", ", ".join(origins))
        return socketio_webhook

    def _register_session_request(self, sio: AsyncServer) -> None:
        """Replaces Rasa's ``session_request`` handler (same protocol).

        Rasa 3.6 calls ``sio.enter_room(...)`` without ``await``; with the
        python-socketio 5.x pinned here ``AsyncServer.enter_room`` is a coroutine,
        so the socket never joins the conversation's room and, with
        ``session_persistence: true``, every bot message (emitted to that room) is
        lost ("coroutine 'AsyncServer.enter_room' was never awaited").  This
        handler awaits it, and only accepts a sane client-chosen session id.
        """

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            if isinstance(requested, str) and SESSION_ID.fullmatch(requested):
                session_id = requested
            else:
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug(f"User {sid} joined session {session_id}.")
