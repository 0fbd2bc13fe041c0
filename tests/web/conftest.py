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
from widget_stack import CHROMIUM, Stack, chromium_launch_kwargs  # noqa: E402

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")

_stack: Optional[Stack] = None


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
