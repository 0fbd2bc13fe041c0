"""tests/databases.py: each test gets a database of its own, on the backend VIRAGE_TEST_DB names,
and what a test does in it is invisible to the others."""

from __future__ import annotations

import os

import sqlalchemy as sa

from knowledge.db import get_engine
from tests import databases as testdb


def test_the_fresh_databases_are_on_the_backend_asked_for(fresh_db_url, kb_url):
    scheme = "postgresql" if testdb.POSTGRES else "sqlite"
    assert fresh_db_url.startswith(scheme + "://") and kb_url.startswith(scheme + "://")
    if testdb.POSTGRES:
        # what no test points elsewhere goes to the server too, never to var/virage.sqlite3
        assert os.environ["DATABASE_URL"].startswith("postgresql://")
        with get_engine(fresh_db_url).connect() as conn:
            assert conn.dialect.name == "postgresql"


def test_two_fresh_databases_share_nothing(databases, tmp_path):
    first, second = databases.create(tmp_path / "a"), databases.create(tmp_path / "b")
    try:
        assert first != second
        with testdb.engine(first).begin() as conn:
            conn.execute(sa.text("CREATE TABLE only_here (x INTEGER)"))
        assert testdb.table_exists(first, "only_here") and not testdb.table_exists(second, "only_here")
    finally:
        databases.drop(first)
        databases.drop(second)


def test_a_copy_of_the_knowledge_base_is_whole_and_its_own(databases, tmp_path, kb_url):
    copy = databases.create(tmp_path, kb=True)
    try:
        count = "SELECT COUNT(*) FROM kb_statistics"
        [(built,)] = testdb.rows(kb_url, count)
        assert built > 0 and testdb.rows(copy, count) == [(built,)]
        with testdb.engine(copy).begin() as conn:
            conn.execute(sa.text("DELETE FROM kb_statistics"))
        assert testdb.rows(copy, count) == [(0,)] and testdb.rows(kb_url, count) == [(built,)]
    finally:
        databases.drop(copy)
    if testdb.POSTGRES:  # dropped on the server
        assert not testdb.rows(
            os.environ["VIRAGE_TEST_PG_URL"],
            "SELECT 1 FROM pg_database WHERE datname = :n",
            {"n": copy.rsplit("/", 1)[1]},
        )
