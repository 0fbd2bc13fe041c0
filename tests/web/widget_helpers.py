"""Helpers shared by the widget's browser tests (selectors pierce the open shadow root)."""

from __future__ import annotations

import re
import time
from typing import List


class PageWatch:
    """What a page did: requests, dialogs, script errors, CSP violations."""

    def __init__(self, page):
        self.page = page
        self.requests: List[str] = []
        self.dialogs: List[str] = []
        self.errors: List[str] = []
        self.websockets: List[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.websockets.append(ws.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def on_dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", on_dialog)

    def csp_violations(self) -> list:
        return self.page.evaluate("() => window.__cspViolations || []")


INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


W = "#virage-widget"  # Playwright CSS selectors pierce the widget's open shadow root


def open_widget(page):
    page.locator(f"{W} .vw-launcher").click()
    page.locator(f"{W} .vw-panel").wait_for(state="visible")


def bot_messages(page):
    return page.locator(f"{W} .vw-log .vw-msg-bot")


def user_messages(page):
    return page.locator(f"{W} .vw-log .vw-msg-user")


def wait_bot_count(page, at_least: int, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bot_messages(page).count() >= at_least:
            return
        page.wait_for_timeout(200)
    raise AssertionError(
        f"moins de {at_least} message(s) du robot après {timeout:.0f} s ; "
        f"conversation : {page.locator(W + ' .vw-log').inner_text()!r}"
    )


def send_text(page, text: str):
    box = page.locator(f"{W} .vw-input")
    box.fill(text)
    box.press("Enter")


def transcript(page) -> List[str]:
    return [t.strip() for t in page.locator(f"{W} .vw-log .vw-bubble").all_inner_texts()]


def deep_active_element(page) -> str:
    """Describes the focused element, looking inside the widget's shadow root."""
    return page.evaluate(
        """() => {
          let a = document.activeElement;
          while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
          return a ? (a.className || a.tagName) : '';
        }"""
    )


def hosts(urls: List[str]) -> set:
    out = set()
    for u in urls:
        m = re.match(r"^(?:https?|wss?)://([^/]+)", u)
        if m:
            out.add(m.group(1))
    return out
