"""The widget against the real Virage stack (action server + Rasa + demo site).

Runs in file order; the last test stops the bot.
"""

from __future__ import annotations

import re
import threading
import urllib.request

import pytest
from widget_helpers import (
    W,
    bot_messages,
    hosts,
    open_widget,
    send_text,
    transcript,
    user_messages,
    wait_bot_count,
)
from widget_stack import free_port

QUESTION = "C'est quoi le programme?"
XSS = "<img src=x onerror=alert(1)>"


def session_id(page) -> str:
    return page.evaluate(
        """() => { for (const k of Object.keys(sessionStorage)) if (k.startsWith('virage-widget:'))
                     return JSON.parse(sessionStorage.getItem(k)).sessionId; return null; }"""
    )


def wait_online(page, timeout_ms: int = 20_000) -> None:
    page.locator(f"{W} .vw-status[data-state='online']").wait_for(timeout=timeout_ms)


def polling_handshake(rasa_url: str, origin=None):
    req = urllib.request.Request(rasa_url + "/socket.io/?EIO=4&transport=polling")
    if origin:
        req.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get_all("Access-Control-Allow-Origin") or []
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get_all("Access-Control-Allow-Origin") or []


def test_socketio_accepts_only_configured_origins(stack):
    status, acao = polling_handshake(stack.rasa_url, stack.web_origin)
    assert status == 200 and acao == [stack.web_origin]  # exactly one header
    status, acao = polling_handshake(stack.rasa_url, "https://site-pirate.example")
    assert status == 400 and acao == []
    status, _ = polling_handshake(stack.rasa_url, f"http://127.0.0.1:{stack.rasa_port}")
    assert status == 400


def test_ask_answer_quick_reply_reload_and_other_page(stack, new_page):
    page, watch = new_page()
    page.goto(stack.demo_url("/"))
    open_widget(page)
    wait_bot_count(page, 1)  # greeting
    quick = page.locator(f"{W} .vw-quick-reply")
    quick.first.wait_for()
    assert quick.count() >= 1

    # a question whose answer is sourced
    before = bot_messages(page).count()
    send_text(page, QUESTION)
    assert user_messages(page).last.inner_text().endswith(QUESTION)
    wait_bot_count(page, before + 1)
    page.wait_for_timeout(500)
    answer = "\n".join(bot_messages(page).all_inner_texts()[before:])
    assert "Source" in answer, answer
    assert page.locator(f"{W} .vw-log .vw-source").count() >= 1

    # click the first suggested reply shown after the answer (or the greeting's)
    if quick.count() == 0:
        send_text(page, "Bonjour")
        wait_bot_count(page, bot_messages(page).count() + 1)
        quick.first.wait_for()
    title = quick.first.inner_text().strip()
    before = bot_messages(page).count()
    quick.first.click()
    assert user_messages(page).last.inner_text().endswith(title)
    wait_bot_count(page, before + 1)
    page.wait_for_timeout(800)

    kept = transcript(page)
    sid = session_id(page)
    assert sid and len(kept) >= 5

    # reload: same conversation, window still open, same server-side session
    page.reload()
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    assert transcript(page) == kept
    assert session_id(page) == sid
    wait_online(page)

    # another page of the same site
    page.get_by_role("link", name="Virage numérique").first.click()
    page.wait_for_url(re.compile(r".*/accompagnement\.html"))
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    assert transcript(page) == kept
    assert session_id(page) == sid
    wait_online(page)
    before = bot_messages(page).count()
    send_text(page, "Merci !")
    wait_bot_count(page, before + 1)
    assert not watch.errors and not watch.dialogs
    assert hosts(watch.requests + watch.websockets) <= {f"127.0.0.1:{stack.web_port}", f"127.0.0.1:{stack.rasa_port}"}


def test_typed_html_is_shown_as_text(stack, new_page):
    page, watch = new_page()
    page.goto(stack.demo_url("/"))
    open_widget(page)
    wait_bot_count(page, 1)
    before = bot_messages(page).count()
    send_text(page, XSS)
    wait_bot_count(page, before + 1)  # the bot answers something; nothing runs
    bubble = user_messages(page).last.locator(".vw-text")
    assert bubble.inner_text() == XSS
    count_imgs = "() => document.querySelector('#virage-widget').shadowRoot.querySelectorAll('img').length"
    assert page.evaluate(count_imgs) == 0
    page.reload()
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    assert user_messages(page).last.locator(".vw-text").inner_text() == XSS
    page.wait_for_timeout(500)
    assert page.evaluate(count_imgs) == 0
    assert watch.dialogs == [] and watch.errors == []


def test_page_from_an_unlisted_origin_is_refused(stack, new_page):
    from web.server import make_server

    other = make_server("127.0.0.1", free_port(), stack.rasa_url, quiet=True)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        page, _ = new_page()
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        open_widget(page)
        banner = page.locator(f"{W} .vw-banner")
        banner.wait_for(state="visible", timeout=15_000)
        assert "Impossible de joindre Virage" in banner.inner_text()
        assert bot_messages(page).count() == 0
    finally:
        other.shutdown()
        other.server_close()
    assert "is not an accepted origin" in stack.processes["rasa"].log_path.read_text(errors="replace")


def test_rest_fallback_when_websockets_are_blocked(stack, new_page):
    page, _ = new_page()
    blocked = []

    def block(ws):  # e.g. a corporate proxy that drops WebSocket upgrades
        blocked.append(ws.url)
        ws.close(code=1011, reason="bloqué")

    page.route_web_socket(re.compile(r".*/socket\.io/.*"), block)
    page.goto(stack.demo_url("/"))
    open_widget(page)
    wait_bot_count(page, 1, timeout=60)  # greeting, through REST
    assert page.evaluate("() => window.VirageWidget.transport()") == "rest"
    assert len(blocked) >= 2
    page.locator(f"{W} .vw-quick-reply").first.wait_for()
    before = bot_messages(page).count()
    send_text(page, QUESTION)
    wait_bot_count(page, before + 1)
    page.wait_for_timeout(500)
    assert "Source" in "\n".join(bot_messages(page).all_inner_texts()[before:])
    assert page.locator(f"{W} .vw-banner").is_hidden()


def stored_widget_state(page) -> str:
    return page.evaluate(
        """() => Object.keys(sessionStorage).filter(k => k.startsWith('virage-widget:'))
                   .map(k => sessionStorage.getItem(k)).join('\\n')"""
    )


def test_the_session_is_issued_by_the_server_and_kept_across_reloads(stack, new_page):
    """Issue 20, defect 2: the widget keeps the signed token the server gave it, not an id of its own."""
    page, _ = new_page()
    page.goto(stack.demo_url("/"))
    open_widget(page)
    wait_bot_count(page, 1)
    token = session_id(page)
    assert re.fullmatch(r"[0-9a-f]{32}\.[A-Za-z0-9_-]+", token or ""), token
    page.reload()
    wait_online(page)
    assert session_id(page) == token


def test_deleting_my_data_also_clears_what_the_widget_stored(stack, new_page):
    """Issue 20, defect 7: after « supprimer mes données » the typed e-mail and phone were still in
    sessionStorage and came back after a reload."""
    page, _ = new_page()
    page.goto(stack.demo_url("/"))
    open_widget(page)
    wait_bot_count(page, 1)
    before = bot_messages(page).count()
    send_text(page, "mon courriel est marie.tremblay@coop.example et mon numéro 514 555 0199")
    wait_bot_count(page, before + 1)
    old_token = session_id(page)
    assert "marie.tremblay@coop.example" in stored_widget_state(page)
    send_text(page, "supprimer mes données")
    page.wait_for_function(
        """() => Object.keys(sessionStorage).some(k => k.startsWith('virage-widget:')
                 && sessionStorage.getItem(k).includes('Nous ne conservons plus rien'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(500)
    stored = stored_widget_state(page)
    assert "marie.tremblay" not in stored and "514 555" not in stored and "supprimer mes" not in stored
    assert session_id(page) != old_token  # a new conversation, the erased one is unreachable
    page.reload()
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    shown = "\n".join(transcript(page))
    assert "marie.tremblay" not in shown and "Nous ne conservons plus rien" in shown
    wait_online(page)
    before = bot_messages(page).count()
    send_text(page, QUESTION)  # the widget goes on working in its new session
    wait_bot_count(page, before + 1)


def test_zz_bot_stopped_says_unreachable_in_french_and_retries(stack, new_page):
    """Last: stops the Rasa server for good."""
    page, watch = new_page()
    page.goto(stack.demo_url("/"))
    open_widget(page)
    wait_bot_count(page, 1)
    wait_online(page)
    sockets_before = len(watch.websockets)

    stack.stop_bot()

    banner = page.locator(f"{W} .vw-banner")
    banner.wait_for(state="visible", timeout=30_000)
    text = banner.inner_text()
    assert "Impossible de joindre Virage pour le moment" in text
    assert "Nouvel essai automatique" in text
    assert page.locator(f"{W} .vw-status").inner_text() == "Hors ligne"
    send_text(page, "Êtes-vous là ?")
    assert "En attente d’envoi" in user_messages(page).last.inner_text()
    page.locator(f"{W} .vw-banner-btn").click()  # « Réessayer maintenant »
    page.wait_for_timeout(4_000)
    assert len(watch.websockets) >= sockets_before + 2  # it keeps trying
    assert banner.is_visible()
    assert watch.dialogs == []


@pytest.fixture(autouse=True)
def _fail_fast_if_bot_is_down(request, stack):
    if request.node.name.startswith("test_zz_"):
        return
    if not stack.processes["rasa"].alive():
        pytest.fail("Le serveur Rasa s'est arrêté :\n" + stack.processes["rasa"].tail(), pytrace=False)
