"""Advice for a digital project, challenges, winning conditions and choosing a supplier.

Retrieval ranks the advice records (knowledge.retrieval, kind "advice", one facet per category:
advice, supplier, challenge, winning_condition); the answer lists the records of the category the best
hit belongs to ("les grands défis" → the challenges, "les six clés" → the six keys, in their order),
not the three best-scored pieces of advice whatever they are about.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from actions.kb import KnowledgeAction, first_entity, latest_text, say
from common.formatting import adviser_of, upper_first
from knowledge import lookup, retrieval
from knowledge.documents import cite_many
from knowledge.text import fold

# The best advice hit is taken when it covers this share of the question; records of its category
# within RELATED of its score are listed with it, at most SHOWN (or as many as the question counts).
CONFIDENT = 0.3
RELATED = 0.5
SHOWN = 4
INTROS = {
    "advice": "Quelques conseils tirés de l'expérience d'entreprises d'ici :",
    "supplier": "Pour choisir et suivre un fournisseur, d'après l'expérience d'entreprises d'ici :",
    "challenge": "Les principaux défis relevés par le CEFRIO (2017) :",
    "winning_condition": "Les conditions de réussite relevées par le CEFRIO (2017) :",
}
SHOWN_ALL = 8
_GENERAL = re.compile(
    r"\b(?:principa\w*|grands?|liste|tous les|toutes les|quels sont les (?:defis|enjeux)|quelles sont les (?:conditions|cles))\b"
)
_COUNTS = {"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8}
_COUNT = re.compile(r"\b(\d|deux|trois|quatre|cinq|six|sept|huit) (?:cles|conditions|defis|enjeux|conseils|etapes)\b")


def _counted(text: str) -> int:
    """ "les six clés" → 6; 0 when the question counts nothing."""
    m = _COUNT.search(fold(text))
    if not m:
        return 0
    word = m.group(1)
    return int(word) if word.isdigit() else _COUNTS[word]


def advice_asked(text: str) -> List[Dict[str, Any]]:
    """The advice records a question asks for, best first, all of one category; [] if none fits."""
    hits = retrieval.search(text, kinds=("advice",), k=12)
    if not hits or hits[0].confidence < CONFIDENT:
        return []
    category = hits[0].facet
    same = [h.record for h in hits if h.facet == category]
    counted = _counted(text)
    numbered = [r for r in lookup.advice(category=category, limit=50) if re.match(r"Clé \d", r["title"])]
    if counted > 1 and len(numbered) >= counted:
        return numbered[:counted]  # "les six clés": the keys, in their order
    if category in ("challenge", "winning_condition") and _GENERAL.search(fold(text)):
        # "quels sont les grands défis ?": the whole list, in the report's order
        return lookup.advice(category=category, limit=SHOWN_ALL)
    top = hits[0].score
    chosen = [h.record for h in hits if h.facet == category and h.score >= top * RELATED][:SHOWN]
    return chosen or same[:1]


def listed_challenges(text: str) -> List[Dict[str, Any]]:
    """ "Quels sont les principaux défis des entreprises d'économie sociale ?" read as a figure
    question: the challenges (or winning conditions) a general question asks for, [] otherwise."""
    found = advice_asked(text)
    general = _GENERAL.search(fold(text)) is not None
    return found if found and general and found[0]["category"] in ("challenge", "winning_condition") else []


def say_advice(dispatcher, found: List[Dict[str, Any]], intro: str = "") -> None:
    intro = intro or INTROS.get(found[0]["category"], INTROS["advice"])
    lines = [f"• {a['title']} : {a['text']}" for a in found]
    say(dispatcher, intro + "\n" + "\n".join(lines), cite_many(found))


class ActionAdvice(KnowledgeAction):
    def name(self) -> Text:
        return "action_advice"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        found = advice_asked(text)
        intro = INTROS.get(found[0]["category"], INTROS["advice"]) if found else INTROS["advice"]
        if not found:
            found = lookup.advice(need=first_entity(tracker, "need"), text=text, limit=3)
        if not found:
            text = "Je n'ai pas de conseil sur ce sujet dans mes sources."
            who = lookup.adviser()
            if who:
                text += f" {upper_first(adviser_of(who))} pourra vous guider."
            say(dispatcher, text, who["citation"] if who else None)
            return []
        say_advice(dispatcher, found, intro)
        return []
