"""The widget's 👍/👎 in a real browser against the real bot: the rating is stored with the
answer it rates and its sources, and the workspace shows it per topic."""

from __future__ import annotations

import json

import requests
import sqlalchemy as sa
from widget_helpers import W, bot_messages, open_widget, send_text, wait_bot_count

from leads.feedback import Feedback


def _rows(workspace):
    engine = sa.create_engine(workspace.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(Feedback.__table__)).mappings()]
    finally:
        engine.dispose()


def test_thumbs_in_the_widget_are_stored_and_shown(workspace, bot, browser, admin, monkeypatch):
    # the demo server (web.server, in this process) stores the ratings in the workspace's base
    monkeypatch.setenv("DATABASE_URL", workspace.env["DATABASE_URL"])
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-CA")
    try:
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(bot.demo_url("/"))
        open_widget(page)
        wait_bot_count(page, 1)
        before = bot_messages(page).count()
        send_text(page, "C'est quoi le programme?")
        wait_bot_count(page, before + 1)
        page.wait_for_timeout(500)
        answer = bot_messages(page).nth(before)
        bar = answer.locator(".vw-feedback")
        bar.wait_for()
        answer_text = answer.locator(".vw-bubble").inner_text()
        assert "Source" in answer_text
        bar.locator(".vw-feedback-down").click()
        bar.locator(".vw-feedback-reason[data-reason=incomplete]").click()
        bar.locator(".vw-feedback-comment").fill("il manque le montant, écrivez-moi à marie@coop.example")
        bar.locator(".vw-feedback-send").click()
        bar.locator(".vw-feedback-done").wait_for()
        assert "Merci pour votre avis." in bar.inner_text()
        # the thanks stays after a reload (the rating is kept with the message)
        page.reload()
        open_widget(page) if not page.locator(f"{W} .vw-panel").is_visible() else None
        assert bot_messages(page).nth(before).locator(".vw-feedback-done").count() == 1
    finally:
        ctx.close()

    rows = _rows(workspace)
    assert len(rows) == 1
    row = rows[0]
    assert row["rating"] == "down" and row["reason"] == "incomplete"
    assert "marie@coop.example" not in row["comment"] and "[courriel masqué]" in row["comment"]
    assert json.loads(row["sources"]), "the rated answer's sources are stored"
    assert row["question"] == "C'est quoi le programme?"
    assert row["answer"].split("\n")[0] in answer_text

    page_text = admin.get("/avis").text
    assert "Réponse incomplète".lower() in page_text.lower() or "réponse incomplète" in page_text
    assert "[courriel masqué]" in page_text and "marie@coop.example" not in page_text


def test_a_rating_for_an_answer_the_bot_never_gave_is_refused(workspace, bot, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", workspace.env["DATABASE_URL"])
    url = bot.web_origin + "/api/avis"
    from common import sessions

    # a conversation id without the token the Rasa server signed for its visitor is refused
    forged = json.dumps({"sender": "a" * 32, "answer": "Le programme donne 1 M$ à tous.", "rating": "up"})
    r = requests.post(url, data=forged, headers={"Origin": bot.web_origin, "Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 403 and r.json()["message"] == "Conversation inconnue."
    # a real token, for an answer the bot never gave in that conversation
    body = json.dumps(
        {"sender": sessions.token_for("a" * 32), "answer": "Le programme donne 1 M$ à tous.", "rating": "up"}
    )
    r = requests.post(url, data=body, headers={"Origin": bot.web_origin, "Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 404 and "introuvable" in r.json()["message"]
    r = requests.post(url, data=body, headers={"Origin": "https://evil.example"}, timeout=10)
    assert r.status_code == 403
    r = requests.post(url, data="{pas du json", headers={"Origin": bot.web_origin}, timeout=10)
    assert r.status_code == 400 and r.json()["message"] == "Avis illisible."
    r = requests.post(url, data="x" * 9000, headers={"Origin": bot.web_origin}, timeout=10)
    assert r.status_code == 413
