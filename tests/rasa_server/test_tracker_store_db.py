"""The tracker store's table on a new database, with replicas of the Rasa server starting
together (issue 22): on SQLite by default, on PostgreSQL under `make test-postgres`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests import databases as testdb

REPO = Path(__file__).resolve().parents[2]
# Rasa is imported first (seconds), then every process builds its store at the same instant.
CHILD = """
import logging, sys, time
logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
from rasa_server.tracker_store import VirageSQLTrackerStore
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
began = time.time()
VirageSQLTrackerStore(url=sys.argv[1])
print(f"built in {time.time() - began:.2f} s", file=sys.stderr)
"""


def test_replicas_starting_together_on_a_new_database_do_not_collide(fresh_db_url):
    """Before: on PostgreSQL, replicas hit a duplicate key in pg_type while creating ``events``,
    and Rasa slept 5 s before retrying (8.4 s instead of 0.2 s); on SQLite, Rasa logged "Could not
    create tables". The collision needs the starts to overlap: without the fix this test failed
    in about half of its runs, on either database; with it, the lock makes it pass every time."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    start = str(time.time() + 15)  # after the imports of Rasa in four processes on two cores
    procs = [
        subprocess.Popen([sys.executable, "-c", CHILD, fresh_db_url, start], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    logs = [proc.communicate(timeout=180)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0, 0, 0], logs
    for log in logs:
        assert "built in" in log, log
        seconds = float(log.split("built in ")[1].split(" s")[0])
        assert seconds < 4.5, log  # Rasa's retry after a failed creation sleeps 5 s
        assert "Could not create tables" not in log and "pg_type" not in log, log
    assert testdb.table_exists(fresh_db_url, "events")
