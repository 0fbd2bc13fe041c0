"""Conversation ids the Rasa server issues, and the signed tokens that let a visitor resume one.

Rasa-free (itsdangerous only), in `common/` because two processes check the same tokens: the Rasa
server's channels (rasa_server/channels.py, rest_channel.py) and the widget's server, which takes a
visitor's 👍/👎 only for the conversation their token proves (web/feedback_api.py).

A conversation id (Rasa's ``sender_id``, the tracker's key) is 32 random hex digits chosen here,
never by the client. The client receives a *token*, ``<id>.<signature>`` (itsdangerous ``Signer``,
HMAC-SHA1 keyed on ``VIRAGE_SESSION_SECRET``): it keeps it across page reloads and presents it to
resume (socket.io ``session_request``, or as the REST ``sender``). Knowing an id — from a log, an
advisor's export, the database — is not enough to enter its conversation; the token is.

``VIRAGE_SESSION_SECRET`` is set by ``make run`` (scripts/secrets.sh). Without it the server signs
with a random key of its own: every token dies with the process, so visitors start a new
conversation after a restart (said once in the log).

Why itsdangerous: a maintained library made for exactly this (sign a value, check it in constant
time, with key derivation and a salt), rather than hand-rolled ``hmac`` code.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import uuid
from typing import Optional, Tuple

from itsdangerous import BadSignature, Signer

logger = logging.getLogger(__name__)

SECRET_ENV = "VIRAGE_SESSION_SECRET"
SALT = "virage.conversation"
ISSUED_ID = re.compile(r"[0-9a-f]{32}")
TOKEN = re.compile(r"[0-9a-f]{32}\.[A-Za-z0-9_-]{10,100}")

_signer: Optional[Signer] = None


def _get_signer() -> Signer:
    global _signer
    if _signer is None:
        secret = os.environ.get(SECRET_ENV, "").strip()
        if not secret:
            logger.warning("%s is not set: conversation tokens will not survive a restart", SECRET_ENV)
            secret = secrets.token_hex(32)
        _signer = Signer(secret, salt=SALT)
    return _signer


def reset() -> None:
    """Forget the key (tests change VIRAGE_SESSION_SECRET)."""
    global _signer
    _signer = None


def issue() -> Tuple[str, str]:
    """A new conversation: (id, token for the client)."""
    session_id = uuid.uuid4().hex
    return session_id, token_for(session_id)


def token_for(session_id: str) -> str:
    return _get_signer().sign(session_id).decode("ascii")


def verify(token: object) -> Optional[str]:
    """The conversation id a token stands for, or None if it is not one this server signed."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        return None
    try:
        return _get_signer().unsign(token).decode("ascii")
    except BadSignature:
        return None


def resume_or_issue(token: object) -> Tuple[str, str, bool]:
    """(id, token, resumed): the conversation the token proves, else a new one."""
    session_id = verify(token)
    if session_id is not None:
        return session_id, str(token), True
    session_id, fresh = issue()
    return session_id, fresh, False


def looks_issued(value: str) -> bool:
    """An id of the form this server issues (so only its token may reach it)."""
    return bool(ISSUED_ID.fullmatch(value))
