"""Shared fixtures: a real SQLite knowledge base built from the YAML sources in a temp dir."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from knowledge import loader, paths

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
