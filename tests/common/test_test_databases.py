"""The test harness's PostgreSQL drop survives an autovacuum worker on the database (CI saw
"must be a member of the role whose process is being terminated or member of pg_signal_backend" at
a test's teardown once), and still raises any other error."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests import databases


def _refusal(message: str) -> sa.exc.ProgrammingError:
    return sa.exc.ProgrammingError("DROP DATABASE", {}, Exception(message))


def test_a_drop_refused_for_a_worker_it_cannot_end_is_tried_again(monkeypatch, tmp_path):
    dbs = databases.Databases(tmp_path)
    calls = []

    def admin(sql):
        calls.append(sql)
        if len(calls) < 3:
            raise _refusal(
                "must be a member of the role whose process is being terminated or member of pg_signal_backend"
            )

    monkeypatch.setattr(dbs, "_admin", admin)
    monkeypatch.setattr(databases, "DROP_PAUSE_S", 0)
    dbs._drop("virage_test_1")
    assert len(calls) == 3 and calls[-1] == 'DROP DATABASE IF EXISTS "virage_test_1" WITH (FORCE)'


def test_any_other_drop_error_is_raised_at_once(monkeypatch, tmp_path):
    dbs = databases.Databases(tmp_path)
    calls = []

    def admin(sql):
        calls.append(sql)
        raise _refusal("permission denied to drop database")

    monkeypatch.setattr(dbs, "_admin", admin)
    with pytest.raises(sa.exc.ProgrammingError):
        dbs._drop("virage_test_1")
    assert len(calls) == 1
