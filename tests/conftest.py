"""Shared fixtures: a real SQLite knowledge base built from the YAML sources in a temp dir, and
one headless Chromium (Playwright) for every browser test of the run (tests/web/, tests/workspace/).

Chromium missing: browser tests are skipped with the reason, unless CI is set (then they fail:
CI must run them; `make install-browser` installs chromium)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

import pytest

from knowledge import loader, paths
from tests.web.widget_stack import CHROMIUM, chromium_launch_kwargs

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def kb_url(tmp_path_factory) -> str:
    """URL of a SQLite file holding the knowledge base built from knowledge/sources."""
    db_file = tmp_path_factory.mktemp("kb") / "kb.sqlite3"
    url = f"sqlite:///{db_file}"
    from knowledge.db import get_engine

    loader.build(get_engine(url))
    return url


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
