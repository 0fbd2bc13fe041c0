"""Widget behaviour that needs a server misbehaving on purpose.

The Rasa side is played by FakeRasa (Playwright answers the widget's WebSocket
with Socket.IO frames shaped like Rasa 3.6's); the demo page, the widget files and
the browser are the real ones.  The real bot is exercised in test_widget_live.py.
"""

from __future__ import annotations

import re

import pytest
from fake_rasa import GREETING, FakeRasa, french_demo_replies
from widget_helpers import (
    W,
    bot_messages,
    deep_active_element,
    hosts,
    open_widget,
    send_text,
    transcript,
    user_messages,
    wait_bot_count,
)
from widget_stack import free_port

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def demo_site(browser_available):
    """The demo site alone; its widget points at a port nobody listens on."""
    import threading

    from web.server import make_server

    rasa_url = f"http://127.0.0.1:{free_port()}"
    server = make_server("127.0.0.1", free_port(), rasa_url, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {"url": base, "rasa_url": rasa_url}
    server.shutdown()
    server.server_close()


def start(new_page, demo_site, fake=None, path="/", config=None, **size):
    page, watch = new_page(config=config, **size)
    fake = (fake or FakeRasa(french_demo_replies)).install(page)
    page.goto(demo_site["url"] + path)
    return page, watch, fake


# ------------------------------------------------------------------ safety


def test_bot_html_and_dangerous_links_are_rendered_as_text(new_page, demo_site):
    evil = [
        {"text": XSS + " <script>alert(2)</script> <b>gras</b>"},
        {
            "text": "[cliquez ici](javascript:alert(3)) javascript:alert(4) "
            "[Guide du programme](https://www.quebec.ca/guide) et https://www.economie.gouv.qc.ca/."
            "\nSource : **Guide** 2024",
            "quick_replies": [{"content_type": "text", "title": "<i>italique</i>", "payload": "/greet"}],
        },
    ]
    fake = FakeRasa(lambda m: evil if m == "/greet" else [])
    page, watch, _ = start(new_page, demo_site, fake)
    open_widget(page)
    wait_bot_count(page, 2)

    shadow_tags = page.evaluate(
        "() => Array.from(document.querySelector('#virage-widget').shadowRoot.querySelectorAll('.vw-log *'))"
        ".map(e => e.tagName.toLowerCase())"
    )
    assert not {"img", "script", "b", "i", "iframe"} & set(shadow_tags), shadow_tags
    first = bot_messages(page).nth(0).inner_text()
    assert XSS in first and "<script>alert(2)</script>" in first and "<b>gras</b>" in first
    assert page.locator(f"{W} .vw-quick-reply").first.inner_text() == "<i>italique</i>"

    hrefs = page.locator(f"{W} .vw-log a").evaluate_all("as => as.map(a => [a.href, a.target, a.rel])")
    assert [h[0] for h in hrefs] == ["https://www.quebec.ca/guide", "https://www.economie.gouv.qc.ca/"]
    assert all(t == "_blank" and "noopener" in r for _, t, r in hrefs)
    second = bot_messages(page).nth(1).inner_text()
    assert "cliquez ici" in second and "javascript:alert(4)" in second  # shown, never linked
    assert page.locator(f"{W} .vw-source").inner_text().startswith("Source : Guide 2024")
    page.wait_for_timeout(300)
    assert watch.dialogs == [] and watch.errors == []
    assert page.evaluate("() => window.__cspViolations") == []


def test_loads_nothing_from_outside(new_page, demo_site):
    page, watch, _ = start(new_page, demo_site)
    open_widget(page)
    wait_bot_count(page, 1)
    page.goto(demo_site["url"] + "/accompagnement.html")
    wait_bot_count(page, 1)
    allowed = {demo_site["url"].split("//")[1], demo_site["rasa_url"].split("//")[1]}
    assert hosts(watch.requests + watch.websockets) <= allowed
    assert any(u.endswith("/widget/virage-widget.css") for u in watch.requests)
    assert page.evaluate("() => window.__cspViolations") == []


# ---------------------------------------------------------- slow / offline


def test_server_down_then_back_retries_and_delivers_queued_message(new_page, demo_site):
    fake = FakeRasa(french_demo_replies, refuse_first=3)
    page, watch, fake = start(new_page, demo_site, fake)
    open_widget(page)
    banner = page.locator(f"{W} .vw-banner")
    banner.wait_for(state="visible", timeout=10_000)
    assert "Impossible de joindre Virage pour le moment" in banner.inner_text()
    assert page.locator(f"{W} .vw-status").inner_text() == "Hors ligne"
    assert banner.get_attribute("role") == "alert"

    send_text(page, "C'est quoi le programme?")
    assert "En attente d’envoi" in user_messages(page).last.inner_text()
    page.locator(f"{W} .vw-banner-btn").click()  # « Réessayer maintenant »

    banner.wait_for(state="hidden", timeout=30_000)
    assert page.locator(f"{W} .vw-status").inner_text() == "En ligne"
    wait_bot_count(page, 2, timeout=15)  # greeting + answer to the queued question
    assert fake.attempts >= 4
    assert fake.received[:2] == ["/greet", "C'est quoi le programme?"]
    assert "En attente" not in user_messages(page).last.inner_text()
    assert "Source" in bot_messages(page).last.inner_text()


def test_slow_handshake_says_so_and_keeps_trying(new_page, demo_site):
    fake = FakeRasa(handshake=False)
    page, _, fake = start(new_page, demo_site, fake, config={"connectTimeout": 2})
    open_widget(page)
    banner = page.locator(f"{W} .vw-banner")
    banner.wait_for(state="visible", timeout=6_000)
    assert "plus de temps que prévu" in banner.inner_text()
    page.wait_for_timeout(3_500)
    assert fake.attempts >= 2


def test_slow_reply_is_announced(new_page, demo_site):
    fake = FakeRasa(lambda m: [GREETING] if m == "/greet" else [])
    page, _, _ = start(new_page, demo_site, fake, config={"replyTimeout": 2})
    open_widget(page)
    wait_bot_count(page, 1)
    send_text(page, "Allô ?")
    typing = page.locator(f"{W} .vw-typing")
    typing.wait_for(state="visible")
    assert "en train de répondre" in typing.inner_text() or typing.get_attribute("role") == "status"
    notice = page.locator(f"{W} .vw-notice")
    notice.wait_for(state="visible", timeout=5_000)
    assert "La réponse tarde à venir" in notice.inner_text()


# ---------------------------------------------------------- features


def test_advisor_restart_and_page_buttons(new_page, demo_site):
    page, _, fake = start(new_page, demo_site)
    page.get_by_role("button", name="Poser une question à Virage").click()  # data-virage-open
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    wait_bot_count(page, 1)

    page.locator(f"{W} .vw-human").click()
    assert user_messages(page).last.inner_text().endswith("Parler à un conseiller")
    assert "/request_human" in fake.received

    page.get_by_role("button", name="Recommencer la conversation").click()
    wait_bot_count(page, 1)
    assert user_messages(page).count() == 0
    assert fake.received[-2:] == ["/restart", "/greet"]


def test_clear_the_conversation_forgets_transcript_and_session(new_page, demo_site):
    """Issue 20, defect 7: an explicit « Effacer la conversation » removes the stored transcript
    and session token, and asks the server for a new session."""
    page, _, fake = start(new_page, demo_site)
    open_widget(page)
    wait_bot_count(page, 1)
    send_text(page, "mon courriel est marie@coop.example")
    page.wait_for_timeout(300)
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, sessionStorage))")
    assert "marie@coop.example" in stored
    requests_before = len(fake.session_ids)
    page.get_by_role("button", name="Effacer la conversation").click()
    page.wait_for_timeout(300)
    stored = page.evaluate("() => JSON.stringify(Object.assign({}, sessionStorage))")
    assert "marie@coop.example" not in stored
    assert user_messages(page).count() == 0 and "effacée" in bot_messages(page).last.inner_text()
    assert len(fake.session_ids) == requests_before + 1  # a new session was requested
    page.reload()
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    assert "marie@coop.example" not in "\n".join(transcript(page))


def test_keyboard_only(new_page, demo_site):
    page, _, fake = start(new_page, demo_site)
    for _ in range(40):  # from the top of the page to the launcher, with Tab only
        page.keyboard.press("Tab")
        if "vw-launcher" in deep_active_element(page):
            break
    assert "vw-launcher" in deep_active_element(page)
    page.keyboard.press("Enter")
    page.locator(f"{W} .vw-panel").wait_for(state="visible")
    assert "vw-input" in deep_active_element(page)
    wait_bot_count(page, 1)

    page.keyboard.type("Bonjour")
    page.keyboard.press("Enter")
    assert user_messages(page).last.inner_text().endswith("Bonjour")

    # the greeting's suggestions are gone (the visitor typed); get new ones
    page.keyboard.type("C'est quoi le programme?")
    page.keyboard.press("Enter")
    wait_bot_count(page, 3)
    page.keyboard.press("Shift+Tab")  # « Parler à un conseiller »
    page.keyboard.press("Shift+Tab")  # last suggested reply
    assert "vw-quick-reply" in deep_active_element(page)
    page.keyboard.press("Enter")
    assert user_messages(page).last.inner_text().endswith("Les 3 volets")
    assert "vw-input" in deep_active_element(page)  # focus not lost with the removed buttons

    page.keyboard.press("Escape")
    page.locator(f"{W} .vw-panel").wait_for(state="hidden")
    assert "vw-launcher" in deep_active_element(page)
    assert page.locator(f"{W} .vw-launcher").get_attribute("aria-expanded") == "false"


def test_screen_reader_labels(new_page, demo_site):
    page, _, _ = start(new_page, demo_site)
    launcher = page.get_by_role("button", name=re.compile("Une question"))
    assert launcher.get_attribute("aria-expanded") == "false"
    launcher.click()
    dialog = page.get_by_role("dialog", name="Virage")
    dialog.wait_for(state="visible")
    wait_bot_count(page, 1)
    assert page.get_by_role("log", name="Conversation avec Virage").is_visible()
    assert page.get_by_role("textbox", name="Votre message").is_visible()
    assert page.get_by_role("button", name="Envoyer").is_visible()
    assert page.get_by_role("button", name="Parler à un conseiller").first.is_visible()
    assert page.get_by_role("button", name="Réduire la fenêtre de clavardage").first.is_visible()
    assert page.get_by_role("group", name="Réponses suggérées").is_visible()
    # every message says who speaks
    assert bot_messages(page).first.inner_text().startswith("Virage :")
    # no unlabelled button anywhere in the widget
    unnamed = page.evaluate(
        """() => Array.from(document.querySelector('#virage-widget').shadowRoot.querySelectorAll('button'))
             .filter(b => b.getClientRects().length)
             .filter(b => !(b.getAttribute('aria-label') || b.textContent.trim())).length"""
    )
    assert unnamed == 0


CONTRAST_JS = """
() => {
  const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, bottom) => { const a = top[3]; return [0,1,2].map(i => top[i]*a + bottom[i]*(1-a)).concat([1]); };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); };
    return 0.2126*f(c[0]) + 0.7152*f(c[1]) + 0.0722*f(c[2]); };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x,y)+0.05)/(Math.min(x,y)+0.05); };
  const up = e => e.parentElement || (e.getRootNode() && e.getRootNode().host) || null;
  const background = e => { const layers = [];
    for (let n = e; n; n = up(n)) { const c = parse(getComputedStyle(n).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
    let bg = [255,255,255,1]; for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg); return bg; };
  const root = document.querySelector('#virage-widget').shadowRoot;
  const out = [];
  root.querySelectorAll('*').forEach(e => {
    const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !e.getClientRects().length) return;
    const s = getComputedStyle(e); if (s.visibility === 'hidden' || e.closest('.vw-sr')) return;
    const bg = background(e); const fg = over(parse(s.color), bg);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    const need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
    out.push({text: e.textContent.trim().slice(0, 40), cls: e.className + ' ' + (e.parentElement ? e.parentElement.className : ''), ratio: Math.round(ratio(fg, bg)*100)/100, need});
  });
  return out;
}
"""


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
def test_text_contrast_meets_wcag_aa(new_page, demo_site, width, height):
    page, _, _ = start(new_page, demo_site, width=width, height=height)
    page.locator(f"{W} .vw-launcher").wait_for(state="visible")
    results = page.evaluate(CONTRAST_JS)  # closed: the launcher
    open_widget(page)
    wait_bot_count(page, 1)
    send_text(page, "C'est quoi le programme?")
    wait_bot_count(page, 2)
    results += page.evaluate(CONTRAST_JS)
    checked = {c for r in results for c in str(r["cls"]).split()}
    assert {
        "vw-title",
        "vw-subtitle",
        "vw-status",
        "vw-disclaimer",
        "vw-quick-reply",
        "vw-source",
        "vw-launcher",
        "vw-human",
    } <= checked, sorted(checked)
    failing = [r for r in results if r["ratio"] < r["need"]]
    assert not failing, failing


def test_offline_banner_contrast(new_page, demo_site):
    page, _, _ = start(new_page, demo_site, FakeRasa(refuse_first=99))
    open_widget(page)
    page.locator(f"{W} .vw-banner").wait_for(state="visible")
    send_text(page, "Allô")
    results = page.evaluate(CONTRAST_JS)
    assert any("vw-banner-text" in str(r["cls"]) for r in results)
    failing = [r for r in results if r["ratio"] < r["need"]]
    assert not failing, failing


def test_phone_layout(new_page, demo_site):
    page, _, _ = start(new_page, demo_site, width=390, height=844, is_mobile=True, has_touch=True)
    launcher = page.locator(f"{W} .vw-launcher")
    box = launcher.bounding_box()
    assert box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
    launcher.tap()
    panel = page.locator(f"{W} .vw-panel")
    panel.wait_for(state="visible")
    wait_bot_count(page, 1)
    pb = panel.bounding_box()
    assert (pb["x"], pb["y"], pb["width"], pb["height"]) == (0, 0, 390, 844)
    assert not launcher.is_visible()  # full-screen: the close button is in the header
    assert panel.get_attribute("aria-modal") == "true"
    assert page.locator(f"{W} .vw-input").evaluate("e => getComputedStyle(e).fontSize") == "16px"
    scroller = page.locator(f"{W} .vw-scroller")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    # focus stays inside the full-screen dialog
    page.locator(f"{W} .vw-send").focus()
    page.keyboard.press("Tab")
    assert "vw-restart" in deep_active_element(page)
    page.locator(f"{W} .vw-close").tap()
    panel.wait_for(state="hidden")
    assert launcher.is_visible()


def test_conversation_kept_in_the_tab_and_forgotten_with_it(new_page, demo_site):
    page, _, _ = start(new_page, demo_site)
    open_widget(page)
    wait_bot_count(page, 1)
    send_text(page, "C'est quoi le programme?")
    wait_bot_count(page, 2)
    page.reload()
    page.locator(f"{W} .vw-panel").wait_for(state="visible")  # still open after reload
    assert user_messages(page).count() == 1
    assert not page.evaluate("() => Object.keys(localStorage).some(k => k.startsWith('virage-widget:'))")
    other_tab = page.context.new_page()  # same browser, new tab: a new conversation
    FakeRasa(french_demo_replies).install(other_tab)
    other_tab.goto(demo_site["url"] + "/")
    assert other_tab.locator(f"{W} .vw-panel").is_hidden()
    assert user_messages(other_tab).count() == 0


def test_local_storage_option_shares_the_conversation_between_tabs(new_page, demo_site):
    page, _, _ = start(new_page, demo_site, config={"storage": "local"})
    open_widget(page)
    wait_bot_count(page, 1)
    send_text(page, "C'est quoi le programme?")
    wait_bot_count(page, 2)
    other_tab = page.context.new_page()
    FakeRasa(french_demo_replies).install(other_tab)
    other_tab.goto(demo_site["url"] + "/accompagnement.html")
    other_tab.locator(f"{W} .vw-panel").wait_for(state="visible")
    assert user_messages(other_tab).count() == 1
