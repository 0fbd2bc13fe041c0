"""Visitors' ratings of the bot's answers (leads.feedback), per likely topic: the share of
👍, and the 👎 with their reason, comment, the answer and its sources."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List

import sqlalchemy as sa

from leads.feedback import REASONS, Feedback
from workspace.unanswered import TOPIC_LABEL, UNKNOWN_TOPIC


@dataclass
class TopicRatings:
    topic: str
    up: int = 0
    down: int = 0
    comments: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> int:
        total = self.up + self.down
        return round(100 * self.up / total) if total else 0


def report(session, comments_per_topic: int = 10) -> Dict[str, Any]:
    if not sa.inspect(session.connection()).has_table(Feedback.__tablename__):
        return {"total": 0, "topics": []}
    topics: Dict[str, TopicRatings] = {}
    rows = session.execute(sa.select(Feedback).order_by(Feedback.created_at.desc())).scalars()
    total = 0
    for f in rows:
        total += 1
        topic = TOPIC_LABEL.get(f.intent or "", UNKNOWN_TOPIC if not f.intent else f.intent)
        t = topics.setdefault(topic, TopicRatings(topic))
        if f.rating == "up":
            t.up += 1
            continue
        t.down += 1
        if len(t.comments) < comments_per_topic:
            t.comments.append(
                {
                    "at": f.created_at,
                    "reason": REASONS.get(f.reason or "", "non précisée"),
                    "comment": f.comment,
                    "question": f.question,
                    "answer": f.answer,
                    "sources": json.loads(f.sources or "[]"),
                }
            )
    ordered = sorted(topics.values(), key=lambda t: (-(t.up + t.down), t.topic))
    return {"total": total, "topics": ordered}
