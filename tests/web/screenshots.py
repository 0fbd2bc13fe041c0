"""`make screenshots`: the demo partner page with the widget open and a short
conversation, at desktop (1280×800) and phone (390×844) widths.

    python tests/web/screenshots.py [--out docs/screenshots]

Starts the real stack (action server, Rasa, demo site) on free ports and stops it
afterwards.  VIRAGE_SCREENSHOT_URL=http://localhost:8080/ uses an already running
demo site instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from widget_stack import ROOT, Stack, chromium_launch_kwargs  # noqa: E402

W = "#virage-widget"
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
QUESTION = "C'est quoi le programme?"


def wait_bot(page, count: int, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.locator(f"{W} .vw-log .vw-msg-bot").count() >= count:
            page.wait_for_timeout(400)  # let a multi-part answer finish
            return
        page.wait_for_timeout(200)
    raise RuntimeError(f"pas de réponse du robot : {page.locator(W + ' .vw-log').inner_text()!r}")


def capture(browser, url: str, name: str, out: Path) -> Path:
    ctx = browser.new_context(locale="fr-CA", **SIZES[name])
    try:
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(url)
        page.locator(f"{W} .vw-launcher").click()
        wait_bot(page, 1)  # greeting with suggested replies
        bots = page.locator(f"{W} .vw-log .vw-msg-bot").count()
        box = page.locator(f"{W} .vw-input")
        box.fill(QUESTION)
        box.press("Enter")
        wait_bot(page, bots + 1)
        page.locator(f"{W} .vw-input").blur()
        page.mouse.move(0, 0)
        page.wait_for_timeout(600)
        path = out / f"widget-{name}.png"
        page.screenshot(path=str(path))
        return path
    finally:
        ctx.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    stack = None
    url = os.environ.get("VIRAGE_SCREENSHOT_URL")
    try:
        if not url:
            print("Démarrage du serveur d'actions, de Rasa et du site de démonstration…", flush=True)
            stack = Stack().start()
            url = stack.demo_url("/")
        with sync_playwright() as p:
            browser = p.chromium.launch(**chromium_launch_kwargs())
            try:
                for name in SIZES:
                    print(f"  {capture(browser, url, name, out)}", flush=True)
            finally:
                browser.close()
    except Exception as exc:
        print(f"ERREUR : {exc}", file=sys.stderr)
        if stack is not None:
            print(stack.logs(), file=sys.stderr)
        return 1
    finally:
        if stack is not None:
            stack.stop()
            stack.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
