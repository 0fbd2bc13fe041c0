"""The one database: SQLite file under var/ by default, DATABASE_URL for anything else (PostgreSQL).

Everything stored lives in it: the knowledge base (``kb_*`` tables, knowledge.models), the
leads (``leads_*``, leads.models) and Rasa's tracker store (``events``, rasa_server.tracker_store).
This module is the only place that turns a setting into a URL (``database_url``) and makes
engines; ``Base`` is the declarative base of every model, so code that creates or drops tables
names the tables it owns (``Base.metadata.create_all(engine, tables=...)``): rebuilding the
knowledge base must never touch the leads.

The same code runs on SQLite and PostgreSQL: the column types ``CleanString``, ``CleanText`` and
``UtcDateTime`` store the same thing on both (no NUL character, times in naive UTC), and
``create_tables`` creates a layer's tables safely when several processes start together.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator, Optional

from sqlalchemy import DateTime, String, Text, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.types import TypeDecorator

from knowledge import paths

Base = declarative_base()


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class CleanString(TypeDecorator):
    """``String`` that stores the same thing on SQLite and PostgreSQL: NUL characters (U+0000)
    are dropped. SQLite keeps them; PostgreSQL refuses any text holding one ("A string literal
    cannot contain NUL (0x00) characters"), so a visitor's name or comment typed with one was
    stored on SQLite and lost, with an error, on PostgreSQL. Same column type in the schema."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _without_nul(value)


class CleanText(TypeDecorator):
    """``Text`` without NUL characters (see CleanString)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return _without_nul(value)


class UtcDateTime(TypeDecorator):
    """``DateTime`` kept as naive UTC on both databases. A time with a zone is converted to UTC
    first: SQLite's driver wrote its wall-clock time and dropped the zone, PostgreSQL converted it
    through the session's time zone (``timestamp`` compared with ``timestamptz``), so the same
    "now" purged a lead on one and not on the other. Naive times are taken as UTC, as before."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value


def database_url(explicit: Optional[str] = None) -> str:
    """explicit URL > DATABASE_URL > the default SQLite file (var/virage.sqlite3).

    `explicit` counts only if it is a URL (has "://"): the tracker store passes endpoints.yml's
    ``url`` or ``host``, which may be a bare host name. Heroku-style ``postgres://`` becomes
    ``postgresql://`` (what SQLAlchemy 1.4 wants); a SQLite file's folder is created.
    """
    if explicit and "://" in explicit:
        url = explicit
    else:
        url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{paths.DEFAULT_SQLITE_PATH}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    return url


def make_engine(url: str | None = None) -> Engine:
    url = database_url(url)
    kwargs = {"future": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL (DATABASE_URL is read at each call, so tests can switch it)."""
    return _engine_for(database_url(url))


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


_CREATED: set = set()


def with_tables(engine: Engine, tables) -> Engine:
    """`engine`, with `tables` (a layer's own, e.g. leads.models.LEAD_TABLES) created once per
    database. Each layer names its tables, so this module knows nothing of them, and the knowledge
    base's tables are never created (nor dropped) by another layer."""
    key = (str(engine.url), tuple(t.name for t in tables))
    if key not in _CREATED:
        create_tables(engine, list(tables))
        _CREATED.add(key)
    return engine


# Any constant: the PostgreSQL advisory lock that serialises table creation ("VIRA").
_CREATE_LOCK = 0x56495241


def create_tables(engine: Engine, tables, metadata=None) -> None:
    """Create those of `tables` that are missing, safely when several processes start at once on
    a new database (`make run` starts four, a cluster more). SQLAlchemy checks, then creates: two
    processes both see the table missing and the second CREATE fails ("relation already exists",
    or a duplicate key in pg_type on PostgreSQL, where it happened to 21 processes out of 30 started
    in groups of six; 4 out of 30 on SQLite). PostgreSQL: the check and the creation run in one
    transaction holding an advisory lock, so the others wait, then find the tables. SQLite: the
    loser retries, and its check then finds them."""
    metadata = metadata if metadata is not None else Base.metadata
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_LOCK})
            metadata.create_all(conn, tables=tables)
        return
    for attempt in range(6):
        try:
            metadata.create_all(engine, tables=tables)
            return
        except OperationalError as exc:
            if "already exists" not in str(exc) or attempt == 5:
                raise
            time.sleep(0.05 * (attempt + 1))


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    factory = sessionmaker(bind=engine or get_engine(), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except Exception:
        session.rollback()
        raise
    finally:
        session.close()
