"""Visitors' 👍/👎 on the bot's answers (table ``leads_feedback``, shared database).

Written by the widget's server (web/server.py, POST /api/avis), read by the advisors'
workspace. A rating is accepted only for an answer the bot really gave in that conversation
(looked up in the tracker store's events), so nobody can store arbitrary text; what is stored
is the answer as the bot said it, its sources (its « Source : » lines), the visitor's
question before it and that question's intent (the workspace turns it into a topic), all
redacted as the logs are. One rating per answer and conversation: a later click replaces it.
Forgetting a conversation (leads.store.forget, the workspace) deletes its ratings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Iterable, List, Optional

import sqlalchemy as sa
from sqlalchemy import Column, Integer
from sqlalchemy.engine import Engine

from common.logging_privacy import redact
from knowledge import clock
from knowledge import db as kdb
from knowledge.db import Base, CleanString, CleanText, UtcDateTime
from leads.db import get_engine as leads_engine

RATINGS = ("up", "down")
REASONS = {
    "wrong": "réponse erronée",
    "incomplete": "réponse incomplète",
    "not_understood": "question mal comprise",
    "other": "autre",
}
MAX_COMMENT = 500
MAX_ANSWER = 4000
_SOURCE_LINE = re.compile(r"^\s*(?:📄\s*)?sources?\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("data"))


class Feedback(Base):
    __tablename__ = "leads_feedback"

    id = Column(Integer, primary_key=True, autoincrement=True)
    created_at = Column(UtcDateTime, nullable=False, index=True)
    sender_id = Column(CleanString(255), nullable=False, index=True)
    answer_event_id = Column(Integer, nullable=False)  # the bot event rated (events.id)
    rating = Column(CleanString(8), nullable=False)
    reason = Column(CleanString(20))
    comment = Column(CleanText)
    answer = Column(CleanText, nullable=False)
    sources = Column(CleanText)  # JSON list of the answer's « Source : » lines
    question = Column(CleanText)
    intent = Column(CleanString(80))


def ensure_table(engine: Engine) -> Engine:
    return kdb.with_tables(engine, [Feedback.__table__])


def get_engine(url: Optional[str] = None) -> Engine:
    return ensure_table(leads_engine(url))


class FeedbackRefused(ValueError):
    """A rating that cannot be stored; the message is French, for the visitor."""


@dataclass(frozen=True)
class Stored:
    id: int
    replaced: bool


def sources_of(answer: str) -> List[str]:
    return [m.group(1).strip() for m in _SOURCE_LINE.finditer(answer or "")]


def record(
    sender_id: str,
    answer: str,
    rating: str,
    reason: Optional[str] = None,
    comment: Optional[str] = None,
    engine: Optional[Engine] = None,
) -> Stored:
    if not isinstance(sender_id, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,255}", sender_id):
        raise FeedbackRefused("Conversation inconnue.")
    if rating not in RATINGS:
        raise FeedbackRefused("Avis invalide : 👍 ou 👎.")
    if reason is not None and reason not in REASONS:
        raise FeedbackRefused("Raison inconnue.")
    if not isinstance(answer, str) or not answer.strip() or len(answer) > MAX_ANSWER:
        raise FeedbackRefused("Réponse introuvable.")
    comment = " ".join(str(comment or "").split())[:MAX_COMMENT] or None
    engine = ensure_table(engine) if engine is not None else get_engine()
    with kdb.session_scope(engine) as s:
        if not sa.inspect(s.connection()).has_table("events"):
            raise FeedbackRefused("Réponse introuvable dans cette conversation.")
        rows = s.execute(
            sa.select(EVENTS.c.id, EVENTS.c.data).where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id)
        ).all()
        target, question = None, None
        wanted = answer.strip()
        for event_id, data in rows:
            try:
                ev = json.loads(data)
            except ValueError:
                continue
            if ev.get("event") == "user":
                question = ev
            elif ev.get("event") == "bot" and (ev.get("text") or "").strip() == wanted:
                target = (event_id, question)  # the latest such answer wins
        if target is None:
            raise FeedbackRefused("Réponse introuvable dans cette conversation.")
        event_id, question = target
        existing = s.execute(
            sa.select(Feedback).where(Feedback.sender_id == sender_id, Feedback.answer_event_id == event_id)
        ).scalar_one_or_none()
        row = existing or Feedback(sender_id=sender_id, answer_event_id=event_id)
        row.created_at = clock.utcnow()
        row.rating = rating
        row.reason = reason if rating == "down" else None
        row.comment = redact(comment, mask_user_text=False) if comment else None
        row.answer = redact(wanted, mask_user_text=False)
        row.sources = json.dumps(sources_of(wanted), ensure_ascii=False)
        q = question or {}
        row.question = redact((q.get("text") or "").strip(), mask_user_text=False)[:1000] or None
        row.intent = ((q.get("parse_data") or {}).get("intent") or {}).get("name")
        if existing is None:
            s.add(row)
        s.flush()
        return Stored(row.id, existing is not None)


def forget_conversations(session, sender_ids: Iterable[str]) -> int:
    """Delete the ratings of these conversations (called where conversations are forgotten)."""
    ids = [s for s in sender_ids if s]
    if not ids or not sa.inspect(session.connection()).has_table(Feedback.__tablename__):
        return 0
    return session.execute(sa.delete(Feedback).where(Feedback.sender_id.in_(ids))).rowcount or 0
