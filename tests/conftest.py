"""Shared fixtures: the test databases (tests/databases.py: a fresh SQLite file per test, or a
fresh PostgreSQL database under VIRAGE_TEST_DB=postgresql), a real knowledge base built from the
YAML sources, and one headless Chromium (Playwright) for every browser test of the run (tests/web/, tests/workspace/).

Chromium missing: browser tests are skipped with the reason, unless CI is set (then they fail:
CI must run them; `make install-browser` installs chromium)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

import pytest

from knowledge import paths
from tests.databases import POSTGRES, Databases
from tests.web.widget_stack import CHROMIUM, chromium_launch_kwargs

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def databases(tmp_path_factory) -> Databases:
    """The run's test databases (tests/databases.py): SQLite files, or PostgreSQL databases under
    VIRAGE_TEST_DB=postgresql, every one dropped at the end of the run."""
    dbs = Databases(tmp_path_factory.mktemp("databases"))
    yield dbs
    dbs.drop_all()


@pytest.fixture(scope="session", autouse=True)
def _database_url_of_the_run(databases, tmp_path_factory):
    """Under PostgreSQL, what the tests do not point elsewhere (the default DATABASE_URL, read by
    the servers a test starts too) goes to a copy of the knowledge base on the server, not to the
    SQLite file var/virage.sqlite3. Under SQLite, nothing changes."""
    if not POSTGRES:
        yield
        return
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = databases.create(tmp_path_factory.mktemp("run-db"), kb=True)
    yield
    if before is None:
        os.environ.pop("DATABASE_URL", None)
    else:
        os.environ["DATABASE_URL"] = before


@pytest.fixture(scope="session")
def kb_url(databases, tmp_path_factory) -> str:
    """URL of a database holding the knowledge base built from knowledge/sources (shared by the
    run: tests that write in it use `fresh_kb_url`)."""
    return databases.create(tmp_path_factory.mktemp("kb"), kb=True, name="kb")


@pytest.fixture()
def fresh_db_url(databases, tmp_path) -> str:
    """An empty database of its own for one test (SQLite file in tmp_path, or PostgreSQL)."""
    url = databases.create(tmp_path)
    yield url
    databases.drop(url)


@pytest.fixture()
def fresh_kb_url(databases, tmp_path) -> str:
    """A database of its own for one test, holding a copy of the knowledge base."""
    url = databases.create(tmp_path, kb=True)
    yield url
    databases.drop(url)


@pytest.fixture()
def kb(kb_url, monkeypatch) -> str:
    """Point DATABASE_URL at the test knowledge base for one test."""
    monkeypatch.setenv("DATABASE_URL", kb_url)
    return kb_url


@pytest.fixture()
def sources_copy(tmp_path) -> Path:
    """A writable copy of knowledge/sources, to break on purpose."""
    dst = tmp_path / "sources"
    shutil.copytree(paths.SOURCES_DIR, dst)
    return dst


@pytest.fixture(scope="session")
def trained_model() -> str:
    """The newest model in models/ (make test trains it first)."""
    found = sorted((REPO / "models").glob("*.tar.gz"), key=os.path.getmtime)
    if not found:
        pytest.fail("Aucun modèle entraîné dans models/ : lancez `make train` (make test le fait).")
    return str(found[-1])


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    d = paths.seeds_dir()
    if not d.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"seed documents not found at {d} (set VIRAGE_SEEDS_DIR)")
        pytest.skip(f"seed documents not found at {d}")
    return d


IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _missing_browser_reason() -> Optional[str]:
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} introuvable (installez-le : make install-browser)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "le paquet Python playwright est absent (make install-browser)"
    return None


@pytest.fixture(scope="session")
def browser_available():
    reason = _missing_browser_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI : les tests navigateur doivent tourner, mais {reason}.", pytrace=False)
        pytest.skip(f"Tests navigateur ignorés : {reason}")
    return True


@pytest.fixture(scope="session")
def playwright_instance(browser_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = playwright_instance.chromium.launch(**chromium_launch_kwargs())
    yield b
    b.close()
