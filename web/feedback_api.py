"""POST /api/avis — the widget's 👍/👎 on an answer (issue 21), stored by leads.feedback.

Body (JSON, at most 8 KB, sent as text/plain so that a partner page needs no CORS
preflight): {"sender": <the visitor's session token, common/sessions.py>, "answer": <the bot's text>, "rating": "up"|"down",
"reason": "wrong"|"incomplete"|"not_understood"|"other"|null, "comment": <optional>}.
Accepted only from this server's own pages or an origin in VIRAGE_ALLOWED_ORIGINS (the
partners allowed to open the widget), only for the conversation the signed token proves (a
conversation id alone, read in a log or an export, is refused), and only for an answer the bot
really gave in it. Answers: 201 {"ok": true}; 400/403/404/413 with a French message.
"""

from __future__ import annotations

import json
import logging
import os
from http import HTTPStatus
from typing import Optional, Set

from common import sessions
from leads import feedback

PATH = "/api/avis"
MAX_BODY = 8 * 1024
DEFAULT_ORIGINS = ("http://localhost:8080", "http://127.0.0.1:8080")
logger = logging.getLogger(__name__)


def allowed_origins(own_host: Optional[str]) -> Set[str]:
    raw = os.environ.get("VIRAGE_ALLOWED_ORIGINS", "")
    origins = {o.strip().rstrip("/") for o in raw.split(",") if o.strip()} or set(DEFAULT_ORIGINS)
    if own_host:
        origins |= {f"http://{own_host}", f"https://{own_host}"}
    return origins


def _reply(handler, status: HTTPStatus, payload: dict, origin: Optional[str]) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.send_header("X-Content-Type-Options", "nosniff")
    handler.send_header("Cache-Control", "no-store")
    if origin:
        handler.send_header("Access-Control-Allow-Origin", origin)
        handler.send_header("Vary", "Origin")
    handler.end_headers()
    handler.wfile.write(body)


def handle(handler) -> None:
    origin = handler.headers.get("Origin")
    if not origin or origin.rstrip("/") not in allowed_origins(handler.headers.get("Host")):
        _reply(handler, HTTPStatus.FORBIDDEN, {"ok": False, "message": "Origine non autorisée."}, None)
        return
    try:
        length = int(handler.headers.get("Content-Length") or 0)
    except ValueError:
        length = -1
    if length < 0 or length > MAX_BODY:
        _reply(handler, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"ok": False, "message": "Avis trop long."}, origin)
        return
    try:
        data = json.loads(handler.rfile.read(length).decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError
    except (ValueError, UnicodeDecodeError):
        _reply(handler, HTTPStatus.BAD_REQUEST, {"ok": False, "message": "Avis illisible."}, origin)
        return
    conversation = sessions.verify(data.get("sender"))
    if conversation is None:
        # only the visitor's own conversation, proved by the token the Rasa server signed for them
        _reply(handler, HTTPStatus.FORBIDDEN, {"ok": False, "message": "Conversation inconnue."}, origin)
        return
    try:
        stored = feedback.record(
            conversation, data.get("answer"), data.get("rating"), data.get("reason") or None, data.get("comment")
        )
    except feedback.FeedbackRefused as exc:
        status = HTTPStatus.NOT_FOUND if "introuvable" in str(exc) else HTTPStatus.BAD_REQUEST
        _reply(handler, status, {"ok": False, "message": str(exc)}, origin)
        return
    except Exception as exc:  # database down: say so, the server stays up
        logger.warning("avis non enregistré (%s)", exc.__class__.__name__)
        _reply(
            handler, HTTPStatus.SERVICE_UNAVAILABLE, {"ok": False, "message": "Avis non enregistré, réessayez."}, origin
        )
        return
    _reply(handler, HTTPStatus.CREATED, {"ok": True, "replaced": stored.replaced}, origin)
