"""knowledge.db on SQLite and PostgreSQL: tables created safely by processes starting together;
and the test databases themselves (tests/databases.py): each test gets a database of its own, on
the backend VIRAGE_TEST_DB names, and what a test does in it is invisible to the others."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from knowledge.db import get_engine
from tests import databases as testdb

REPO = Path(__file__).resolve().parents[2]
# Each process waits for the same instant, then creates the leads' and the workspace's tables the
# way the action server, the Rasa server and the workspace do on their first use of a database.
CHILD = """
import sys, time
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
from knowledge import db
from knowledge.db import Base
import leads.models, workspace.models
tables = [t for name, t in Base.metadata.tables.items() if not name.startswith("kb_")]
db.with_tables(db.get_engine(sys.argv[1]), tables)
"""


def test_processes_starting_together_on_a_new_database_all_get_their_tables(databases, tmp_path):
    """Issue 22: on PostgreSQL, 21 of 30 processes started in groups of six on a new database died
    ("duplicate key value violates unique constraint pg_type_typname_nsp_index" or "relation
    already exists"); 4 of 30 on SQLite ("table … already exists")."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    failures = []
    for round_ in range(2):
        url = databases.create(tmp_path / f"round{round_}")
        start = time.time() + 1.5  # after every child has imported SQLAlchemy
        procs = [
            subprocess.Popen([sys.executable, "-c", CHILD, url, str(start)], env=env, stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            if proc.returncode:
                failures.append([line for line in err.splitlines() if "Error" in line][-1:])
        assert testdb.table_exists(url, "leads_lead") and testdb.table_exists(url, "ws_lead")
        databases.drop(url)
    assert failures == []


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
