"""Socket.IO channel that only accepts the partner websites it is configured for.

Rasa 3.6's stock ``socketio`` channel builds its ``AsyncServer`` with
``cors_allowed_origins=[]``, which in python-engineio means "do not check the
Origin header at all": any website could then open a WebSocket to the bot and talk
to it with its visitors' browsers.  (``rasa run --cors`` only covers the REST
routes handled by Sanic-CORS, not the Socket.IO endpoint.)

It also fixes session persistence with python-socketio 5.x (see ``_bind``), issues the
conversation ids itself (rasa_server.sessions: a client resumes with a signed token, never by
naming an id), and puts the channel behind ``rasa_server.guard`` like the
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
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Union

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint
from socketio import AsyncServer
from socketio.exceptions import ConnectionRefusedError

from common import sessions
from rasa_server import inbound, ratelimit

logger = logging.getLogger(__name__)

ENV_VAR = "VIRAGE_ALLOWED_ORIGINS"
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")


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
    """Rasa's Socket.IO channel with an Origin allow-list, server-issued sessions, validation
    and per-client rate limits.

    A conversation belongs to the socket the server gave it to (rasa_server.sessions): the
    server picks the id, hands the client a signed token for it (``session_confirm``), and every
    ``user_uttered`` of that socket goes to that conversation whatever ``session_id`` the event
    carries. A ``session_request`` with a token this server did not sign gets a new conversation,
    never the requested one. Malformed events, non-text messages, oversized metadata and floods
    are answered in French in the conversation (rasa_server.inbound, rasa_server.ratelimit).
    """

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = dict(credentials or {})
        configured = credentials.pop("allowed_origins", None)
        channel = super().from_credentials(credentials)
        channel.allowed_origins = allowed_origins(configured)  # type: ignore[attr-defined]
        return channel

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        handler = with_guard(on_new_message)
        socketio_webhook = super().blueprint(handler)
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
        # Engine.IO's default accepts 1 MB packets; a chat message is a few hundred bytes.
        eio.max_http_buffer_size = inbound.MAX_BODY_BYTES
        self._sessions: Dict[Text, Text] = {}  # socket id -> conversation id
        self._clients: Dict[Text, Text] = {}  # socket id -> client address
        self._messages = ratelimit.messages_limiter()
        self._connections = ratelimit.connections_limiter()
        self._register_connect(self.sio)
        self._register_session_request(self.sio)
        self._register_user_message(self.sio, handler)
        logger.info("Socket.IO: allowed origins %s", ", ".join(origins))
        return socketio_webhook

    async def _say(self, sio: AsyncServer, sid: Text, text: Text) -> None:
        await sio.emit(self.bot_message_evt, {"text": text}, room=sid, namespace=self.namespace)

    async def _bind(self, sio: AsyncServer, sid: Text, token: object) -> Text:
        """Puts the socket in the conversation its token proves, or in a new one; confirms it."""
        session_id, confirmed, resumed = sessions.resume_or_issue(token)
        previous = self._sessions.get(sid)
        if previous and previous != session_id:
            left = sio.leave_room(sid, previous, namespace=self.namespace)
            if inspect.isawaitable(left):
                await left
        self._sessions[sid] = session_id
        # Rasa 3.6 calls ``sio.enter_room(...)`` without ``await``; with the python-socketio
        # 5.x pinned here it is a coroutine, so the socket never joined the conversation's
        # room and every bot message (emitted to that room) was lost.
        joined = sio.enter_room(sid, session_id, namespace=self.namespace)
        if inspect.isawaitable(joined):
            await joined
        if token and not resumed:
            logger.info("Socket.IO: a session_request for a conversation this client was not given: new session")
        await sio.emit("session_confirm", confirmed, room=sid, namespace=self.namespace)
        return session_id

    def _register_connect(self, sio: AsyncServer) -> None:
        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> None:
            request = environ.get("sanic.request")
            address = (getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "?") if request else "?"
            if not self._connections.allow(address):
                logger.warning("Socket.IO: too many connections from one client, refused")
                raise ConnectionRefusedError(inbound.TOO_MANY_CONNECTIONS)
            self._clients[sid] = address

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: Text) -> None:
            self._sessions.pop(sid, None)
            self._clients.pop(sid, None)

    def _register_session_request(self, sio: AsyncServer) -> None:
        """Replaces Rasa's ``session_request`` handler (same protocol, server-issued ids)."""

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Any = None, *_: Any) -> None:
            if not self._messages.allow(self._clients.get(sid, sid)):
                await self._say(sio, sid, inbound.RATE_LIMITED)
                return
            token = data.get("session_id") if isinstance(data, dict) else None
            await self._bind(sio, sid, token)

    def _register_user_message(self, sio: AsyncServer, handler: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Replaces Rasa's ``user_uttered`` handler: the socket's own conversation, validated input."""

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any = None, *_: Any) -> None:
            if not self._messages.allow(self._clients.get(sid, sid)):
                await self._say(sio, sid, inbound.RATE_LIMITED)
                return
            if not isinstance(data, dict):
                await self._say(sio, sid, inbound.UNREADABLE_EVENT)
                return
            session_id = self._sessions.get(sid)
            if session_id is None:  # never asked for a session: give it one, as session_request would
                session_id = await self._bind(sio, sid, None)
            claimed = data.get("session_id")
            if claimed is not None and claimed != session_id and sessions.verify(claimed) != session_id:
                logger.warning("Socket.IO: a message named another conversation; kept in the socket's own")
            text, reason = inbound.check_message(data.get("message"))
            if reason is not None:
                await self._say(sio, sid, inbound.UNREADABLE_EVENT)
                return
            metadata_raw = data.get(self.metadata_key)
            if isinstance(metadata_raw, str) and len(metadata_raw) <= inbound.MAX_METADATA_BYTES:
                try:
                    metadata_raw = json.loads(metadata_raw)
                except ValueError:
                    metadata_raw = []  # refused just below
            metadata, reason = inbound.check_metadata(metadata_raw)
            if reason is not None:
                await self._say(sio, sid, inbound.UNREADABLE_EVENT)
                return
            output = SocketIOOutput(sio, self.bot_message_evt)
            await handler(UserMessage(text, output, session_id, input_channel=self.name(), metadata=metadata))
