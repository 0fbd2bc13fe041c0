"""The database the leads live in: the knowledge base's (DATABASE_URL, default SQLite file)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from leads.models import Base
from knowledge import db as kdb

_READY: set = set()


def database_url() -> str:
    return kdb.database_url()


def get_engine(url: Optional[str] = None) -> Engine:
    """Engine for ``url`` (default: DATABASE_URL / var/virage.sqlite3), tables created once."""
    engine = kdb.get_engine(url or database_url())
    key = str(engine.url)
    if key not in _READY:
        Base.metadata.create_all(engine)
        _READY.add(key)
    return engine


@contextmanager
def session_scope(engine: Optional[Engine] = None) -> Iterator[Session]:
    """The knowledge base's transaction scope, on the leads engine (tables created)."""
    with kdb.session_scope(engine or get_engine()) as session:
        yield session
