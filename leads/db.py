"""The leads' tables in the one database (knowledge.db: DATABASE_URL, default SQLite file).

knowledge.db gives the URL, the engines, the transaction scope and the declarative base; this
module adds only what the leads need on top: their tables (``leads_*``, leads.models) created
once per database before first use. They are created here rather than by a registry in
knowledge.db so that the knowledge layer keeps knowing nothing of the leads; ``tables=`` names
them, so the knowledge base's tables are never created (nor dropped) from here.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge import db as kdb
from leads.models import LEAD_TABLES


def get_engine(url: Optional[str] = None) -> Engine:
    """Engine for ``url`` (default: DATABASE_URL / var/virage.sqlite3), lead tables created once."""
    return kdb.with_tables(kdb.get_engine(url), LEAD_TABLES)


@contextmanager
def session_scope(engine: Optional[Engine] = None) -> Iterator[Session]:
    """knowledge.db's transaction scope, on the leads engine (tables created)."""
    with kdb.session_scope(engine or get_engine()) as session:
        yield session
