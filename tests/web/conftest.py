"""Fixtures for the widget's browser tests: the real stack + Debian's headless Chromium.

Chromium missing: the tests are skipped with the reason, unless CI is set (then
they fail: CI must run them; `make install-browser` installs chromium).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable, Dict, Optional

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from widget_helpers import INIT_SCRIPT, PageWatch  # noqa: E402
from widget_stack import Stack  # noqa: E402

_stack: Optional[Stack] = None

# browser_available, playwright_instance and browser are in tests/conftest.py: one Playwright
# for the whole run, shared with tests/workspace/ (a second sync Playwright in the same thread
# fails while the first is alive).


@pytest.fixture(scope="session")
def stack(browser_available):
    global _stack
    s = Stack()
    try:
        s.start()
    except Exception as exc:
        s.cleanup()
        pytest.fail(f"Impossible de démarrer la pile Virage : {exc}", pytrace=False)
    _stack = s
    yield s
    _stack = None
    s.stop()
    s.cleanup()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _stack is not None and "tests/web" in str(item.fspath).replace(os.sep, "/"):
        report.sections.append(("Journaux des serveurs (fin)", _stack.logs()))


@pytest.fixture
def new_page(browser) -> Callable:
    """Factory: a page in a fresh context (fresh storage), desktop size by default."""
    contexts = []

    def make(width: int = 1280, height: int = 800, config: Optional[Dict] = None, **ctx_kwargs):
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA", **ctx_kwargs)
        contexts.append(ctx)
        ctx.add_init_script(INIT_SCRIPT)
        if config:
            ctx.add_init_script(f"window.VirageWidgetConfig = {json.dumps(config)};")
        page = ctx.new_page()
        page.set_default_timeout(20_000)
        return page, PageWatch(page)

    yield make
    for ctx in contexts:
        try:
            ctx.close()
        except Exception:
            pass
