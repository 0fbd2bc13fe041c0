"""Test databases: one helper gives every test a fresh, isolated database URL.

    VIRAGE_TEST_DB=sqlite (default)   a SQLite file in the test's temporary folder, as before
    VIRAGE_TEST_DB=postgresql         a fresh PostgreSQL database per test (or per module),
                                      created and dropped; VIRAGE_TEST_PG_URL names a database of
                                      the server with a role that may CREATE DATABASE
                                      (`make test-postgres` starts its own server and sets both)

A copy of the knowledge base is a file copy on SQLite and a ``CREATE DATABASE … TEMPLATE`` of a
database where the base was built once per run on PostgreSQL (0.06 to 0.08 s measured). The template itself is
never opened by a test: PostgreSQL copies a template only while nobody is connected to it.

Tests read what is stored through ``rows`` (SQL on either database) and ``stored_text`` (all that
the database keeps, to prove that a secret is nowhere: the file's bytes on SQLite, every row of
every table on PostgreSQL).
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

BACKEND = (os.environ.get("VIRAGE_TEST_DB") or "sqlite").strip().lower()
POSTGRES = BACKEND in ("postgresql", "postgres", "pg")
if BACKEND not in ("sqlite", "postgresql", "postgres", "pg"):
    raise RuntimeError(f"VIRAGE_TEST_DB={BACKEND!r} : valeurs possibles « sqlite » ou « postgresql ».")


def _server_url() -> str:
    url = (os.environ.get("VIRAGE_TEST_PG_URL") or "").strip()
    if not url:
        raise RuntimeError(
            "VIRAGE_TEST_DB=postgresql demande VIRAGE_TEST_PG_URL (postgresql://rôle:mot@hôte:port/base, "
            "un rôle qui peut créer des bases) : lancez plutôt `make test-postgres`."
        )
    return url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url


def engine(url: str) -> Engine:
    """A throw-away engine (no pool: nothing stays connected, so the database can be dropped)."""
    return sa.create_engine(url, poolclass=NullPool, future=True)


def rows(url: str, sql: str, params: Optional[Dict[str, Any]] = None) -> List[tuple]:
    """The rows of one SQL statement, on SQLite or PostgreSQL (``:name`` parameters)."""
    eng = engine(url)
    try:
        with eng.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql), params or {})]
    finally:
        eng.dispose()


def table_exists(url: str, table: str) -> bool:
    eng = engine(url)
    try:
        return sa.inspect(eng).has_table(table)
    finally:
        eng.dispose()


def stored_text(url: str) -> bytes:
    """Everything the database keeps, as bytes. SQLite: the file and its write-ahead log, as
    they are on disk (deleted rows whose pages were not reused included). PostgreSQL: every row
    of every table of the database, as text (its files belong to the server's own user)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        data = b""
        for suffix in ("", "-wal"):
            try:
                with open(path + suffix, "rb") as fh:
                    data += fh.read()
            except FileNotFoundError:
                pass
        return data
    eng = engine(url)
    try:
        with eng.connect() as conn:
            out = []
            for table in sa.inspect(conn).get_table_names():
                quoted = conn.dialect.identifier_preparer.quote(table)
                out += [r[0] for r in conn.execute(sa.text(f"SELECT t::text FROM {quoted} AS t"))]
        return "\n".join(out).encode("utf-8")
    finally:
        eng.dispose()


DROP_ATTEMPTS = 20
DROP_PAUSE_S = 0.5


class Databases:
    """Creates and drops the test databases of one pytest run."""

    def __init__(self, root: Path):
        self.root = root
        self._names = itertools.count(1)
        self._created: List[str] = []
        self._kb_template: Optional[str] = None

    # -- PostgreSQL ------------------------------------------------------------------------
    def _admin(self, sql: str) -> None:
        eng = sa.create_engine(_server_url(), poolclass=NullPool, isolation_level="AUTOCOMMIT", future=True)
        try:
            with eng.connect() as conn:
                conn.execute(sa.text(sql))
        finally:
            eng.dispose()

    def _pg_create(self, template: Optional[str] = None) -> str:
        name = f"virage_test_{os.getpid()}_{next(self._names)}"
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self._created.append(name)
        return make_url(_server_url()).set(database=name).render_as_string(hide_password=False)

    # -- both ------------------------------------------------------------------------------
    def kb_template(self) -> str:
        """URL of the knowledge base built once for the run (never handed to a test)."""
        if self._kb_template is None:
            from knowledge import loader

            if POSTGRES:
                url = self._pg_create()
            else:
                folder = self.root / "kb-template"
                folder.mkdir(parents=True, exist_ok=True)
                url = f"sqlite:///{folder / 'kb.sqlite3'}"
            eng = engine(url)
            try:
                loader.build(eng)
            finally:
                eng.dispose()  # SQLite: the log is folded into the file; PostgreSQL: nobody connected
            self._kb_template = url
        return self._kb_template

    def create(self, folder: Path, kb: bool = False, name: str = "virage") -> str:
        """A new database: empty, or a copy of the knowledge base (``kb=True``). On SQLite, the
        file ``<folder>/<name>.sqlite3`` (not created until first used when empty)."""
        if POSTGRES:
            template = make_url(self.kb_template()).database if kb else None
            return self._pg_create(template)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite3"
        if kb:
            shutil.copy(self.kb_template().split("///", 1)[1], path)
        return f"sqlite:///{path}"

    def _drop(self, name: str) -> None:
        """DROP … WITH (FORCE) ends the sessions still open on the database; an autovacuum worker
        that happens to be on it cannot be ended by a role without pg_signal_backend (which the
        project's role does not get): it finishes within moments, so the drop is tried again."""
        for attempt in range(DROP_ATTEMPTS):
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except sa.exc.ProgrammingError as exc:
                if "pg_signal_backend" not in str(exc) or attempt == DROP_ATTEMPTS - 1:
                    raise
                time.sleep(DROP_PAUSE_S)

    def drop(self, url: str) -> None:
        """Drop a database made by ``create`` (PostgreSQL; SQLite files go with their folder)."""
        if not url.startswith("postgresql"):
            return
        name = make_url(url).database
        if name in self._created:
            self._drop(name)
            self._created.remove(name)

    def drop_all(self) -> None:
        for name in list(self._created):
            self._drop(name)
            self._created.remove(name)


def compact(url: str) -> None:
    """Rewrite the database without the space of deleted or updated rows (before `stored_text`
    proves that something erased is gone): SQLite's VACUUM after folding its log in, PostgreSQL's
    VACUUM FULL."""
    eng = sa.create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT", future=True)
    try:
        with eng.connect() as conn:
            if url.startswith("sqlite"):
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("VACUUM")
            else:
                conn.exec_driver_sql("VACUUM FULL")
    finally:
        eng.dispose()


def overlong(url: str) -> List[tuple]:
    """(table, column, declared length, longest value) for every value longer than its column's
    declared length, in every table of the project's models present in the database. SQLite
    stores such a value; PostgreSQL refuses it: this finds it on SQLite too."""
    from knowledge.db import Base

    eng = engine(url)
    found = []
    try:
        with eng.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name not in present:
                    continue
                for column in table.columns:
                    kind = column.type.impl if isinstance(column.type, sa.types.TypeDecorator) else column.type
                    length = getattr(kind, "length", None)
                    if not isinstance(kind, sa.String) or not length:
                        continue
                    longest = conn.execute(sa.select(sa.func.max(sa.func.length(column)))).scalar()
                    if longest and longest > length:
                        found.append((table.name, column.name, length, longest))
    finally:
        eng.dispose()
    return found
