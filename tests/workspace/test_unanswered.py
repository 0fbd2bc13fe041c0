"""What the bot could not answer: read from the tracker store's events, redacted, grouped."""

from __future__ import annotations

import re

from ws_stack import Client, say

from workspace.unanswered import group, items_from_events


def _user(text, intent, confidence, ranking=()):
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": list(ranking)},
    }


def test_fallbacks_silences_and_low_confidence_are_found_and_redacted():
    events = [
        _user("bonjour", "greet", 0.99),
        {"event": "bot", "text": "Bonjour !"},
        _user("xqzv wrrt", "nlu_fallback", 0.2, [{"name": "nlu_fallback"}, {"name": "ask_amounts", "confidence": 0.2}]),
        {"event": "action", "name": "action_answer_or_clarify"},
        {"event": "action", "name": "action_two_stage_fallback"},
        _user("quel est le taux de financement ? écrivez à jo@coop.example", "ask_amounts", 0.9),
        {"event": "bot", "text": "Nos sources ne donnent ni taux ni part des coûts couverte."},
        _user("la recette du pâté chinois", "out_of_scope", 0.8),
        {"event": "bot", "text": "Je ne peux pas vous aider avec ça : je suis spécialisé…"},
        _user("ya tu des affaires pour les cpe", "ask_eligibility", 0.41),
        {"event": "bot", "text": "Voici…"},
        _user("/affirm", "affirm", 0.3),
    ]
    items = items_from_events("s1", events)
    kinds = [(i.kind, i.topic) for i in items]
    assert kinds == [
        ("fallback", "les montants"),
        ("silent", "les montants"),
        ("out_of_scope", "sujet indéterminé"),
        ("low_confidence", "l'admissibilité"),
    ]
    assert "jo@coop.example" not in items[1].text and "[courriel masqué]" in items[1].text
    groups = group(items)
    assert (groups[0].topic, groups[0].count) == ("les montants", 2)


def test_a_conversation_with_the_real_bot_that_falls_back_is_reported(workspace, bot, admin):
    say(bot, "visiteur-repli", "bonjour")
    say(bot, "visiteur-repli", "qqwrw mv zzkx")  # keyboard mash: the bot cannot read it
    say(bot, "visiteur-repli", "quelle est la recette du pâté chinois de ma grand-mère ?")
    page = admin.get("/questions").text
    assert "qqwrw mv zzkx" in page
    assert "incompris" in page
    total = int(re.search(r'<span class="muted">\((\d+)\)</span>', page).group(1))
    assert total >= 1
    assert "« bonjour »" not in page  # an answered greeting is not listed


def test_the_bots_conversations_become_leads_by_the_page(workspace, bot, admin):
    say(bot, "visiteur-piste", "bonjour, on est une coopérative de solidarité en Estrie, 12 employés")
    token = admin.csrf("/importer")
    assert admin.post("/importer/conversations", data={"csrf_token": token}).status_code == 303
    import time

    deadline = time.time() + 240
    while time.time() < deadline:
        jobs = admin.get("/importer").text
        first = jobs.split("<tbody>", 1)[1].split("</tr>", 1)[0]
        if "en cours" not in first:
            break
        time.sleep(2)
    assert "terminé" in first, first
    listed = admin.get("/pistes?q=estrie").text
    assert "Coopérative" in listed
    assert Client(workspace.url).get("/questions").status_code == 303
