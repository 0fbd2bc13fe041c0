from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
from ws_stack import Client, WorkspaceStack  # noqa: E402


@pytest.fixture(scope="session")
def workspace(tmp_path_factory, databases):
    folder = tmp_path_factory.mktemp("workspace")
    url = databases.create(folder, kb=True)
    stack = WorkspaceStack(folder, url)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        databases.drop(url)


@pytest.fixture
def admin(workspace):
    client = Client(workspace.url)
    r = client.login("admin@cdrq.example", workspace.passwords["admin@cdrq.example"])
    assert r.status_code == 303, r.text
    return client


@pytest.fixture(scope="session")
def bot(workspace):
    from ws_stack import bot_stack

    stack = bot_stack(workspace)
    try:
        stack.start()
    except Exception as exc:
        stack.cleanup()
        pytest.fail(f"Impossible de démarrer le bot : {exc}", pytrace=False)
    yield stack
    stack.stop()
    stack.cleanup()
