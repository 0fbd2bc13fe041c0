"""Where things live on disk. Every path can be overridden by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = Path(os.environ.get("VIRAGE_SOURCES_DIR", REPO_ROOT / "knowledge" / "sources"))
VAR_DIR = Path(os.environ.get("VIRAGE_VAR_DIR", REPO_ROOT / "var"))
DEFAULT_SQLITE_PATH = VAR_DIR / "virage.sqlite3"


def seeds_dir() -> Path:
    """The folder of source documents (../shared/seeds beside the repo unless overridden)."""
    return Path(os.environ.get("VIRAGE_SEEDS_DIR", REPO_ROOT.parent / "shared" / "seeds"))
