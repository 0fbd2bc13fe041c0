"""Advice for a digital project and for choosing a supplier."""

from __future__ import annotations

from typing import Text

from actions.kb import KnowledgeAction, first_entity, latest_text, say
from common.formatting import adviser_of, upper_first
from knowledge import lookup
from knowledge.documents import cite_many


class ActionAdvice(KnowledgeAction):
    def name(self) -> Text:
        return "action_advice"

    def answer(self, dispatcher, tracker, domain):
        found = lookup.advice(need=first_entity(tracker, "need"), text=latest_text(tracker), limit=3)
        if not found:
            text = "Je n'ai pas de conseil sur ce sujet dans mes sources."
            who = lookup.adviser()
            if who:
                text += f" {upper_first(adviser_of(who))} pourra vous guider."
            say(dispatcher, text, who["citation"] if who else None)
            return []
        lines = [f"• {a['title']} : {a['text']}" for a in found]
        say(
            dispatcher,
            "Quelques conseils tirés de l'expérience d'entreprises d'ici :\n" + "\n".join(lines),
            cite_many(found),
        )
        return []
