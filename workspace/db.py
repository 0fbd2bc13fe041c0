"""The workspace's tables in the one database (knowledge.db), created once per database, as
leads.db does for the leads' tables; the leads' own tables come with leads.db.get_engine."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge import db as kdb
from leads import db as leads_db
from workspace.models import WS_TABLES


def get_engine(url: Optional[str] = None) -> Engine:
    return kdb.with_tables(leads_db.get_engine(url), WS_TABLES)


@contextmanager
def session_scope(engine: Optional[Engine] = None) -> Iterator[Session]:
    with kdb.session_scope(engine or get_engine()) as session:
        yield session
