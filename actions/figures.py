"""Survey figures (CEFRIO 2016 survey) and size of the social economy, always with base, year and source."""

from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.advice import listed_challenges, say_advice
from actions.answers import QUANTITY, SURVEY_WORDS, render, sector_figures_asked, sector_figures_reply
from actions.kb import KnowledgeAction, first_entity, latest_text, say
from common.formatting import figure_line, number, percent
from common.slots import LAST_RECORD_SLOT
from knowledge import retrieval, statistics
from knowledge.documents import cite_many
from knowledge.text import fold

_SECTOR_WORDS = (
    "economie sociale",
    "entreprises collectives",
    "cooperatives au quebec",
    "au quebec",
    "secteur",
    "emplois",
    "chiffre d'affaires",
    "chiffre d affaires",
    "membres",
    "pib",
    "milliards",
)


def _stat_text(s) -> str:
    base = f"n = {s['base_n']}" if s.get("base_n") else "base non précisée"
    value = percent(s["value"]) if s["unit"] == "percent" else number(s["value"])
    return f"{s['label']} : {value} ({base}, enquête de {s.get('year') or 'date non précisée'})"


HEADLINE_INDICATORS = ("enterprises", "jobs", "revenue")


def headline_figures():
    """Enterprises, jobs and revenue at each date we have, without repeating a value two documents share."""
    chosen, seen = [], set()
    for f in sorted(statistics.sector_figures(), key=lambda f: -(f.get("published") or 9999)):
        key = (f["indicator"], f["value"])
        if f["indicator"] in HEADLINE_INDICATORS and key not in seen:
            seen.add(key)
            chosen.append(f)
    return chosen


# How far a record of another kind must lead every figure to answer a question that asks no figure.
OTHER_LEAD = 2.0
OTHER_CONFIDENT = 0.4


def _leading_other(text: str):
    hits = retrieval.search(text, k=6)
    if not hits or hits[0].kind in ("statistic", "sector_figure") or hits[0].confidence < OTHER_CONFIDENT:
        return None
    figure = next((h.score for h in hits if h.kind in ("statistic", "sector_figure")), 0.0)
    rival = next((h.score for h in hits[1:] if h.record_id != hits[0].record_id), 0.0)
    return hits[0] if hits[0].score >= OTHER_LEAD * max(figure, rival) else None


class ActionStatistic(KnowledgeAction):
    def name(self) -> Text:
        return "action_statistic"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        folded = fold(text)
        asked = sector_figures_asked(text)
        if asked:
            reply = sector_figures_reply(asked)
            say(dispatcher, reply.text, reply.source)
            return [SlotSet(LAST_RECORD_SLOT, reply.records[0])]  # for "et en 2017 ?"
        if not QUANTITY.search(folded):
            challenges = listed_challenges(text)  # "quels sont les principaux défis de l'économie sociale ?"
            if challenges:
                say_advice(dispatcher, challenges)
                return []
            # "quels principes une entreprise d'économie sociale doit-elle respecter selon la Loi ?":
            # no figure asked, a record of another kind far ahead of every figure
            other = _leading_other(text)
            if other is not None:
                reply = render(other)
                say(dispatcher, reply.text, reply.source)
                return []
        if any(w in folded for w in _SECTOR_WORDS) and not any(w in folded for w in SURVEY_WORDS):
            figs = headline_figures()
            if figs:
                say(
                    dispatcher,
                    "Taille de l'économie sociale au Québec ; les chiffres diffèrent selon la source et la date :\n"
                    + "\n".join(f"• {figure_line(f)}" for f in figs),
                    cite_many(figs),
                )
                return []
        found = statistics.find(text=text, technology=first_entity(tracker, "technology"), limit=3)
        if not found:
            base = statistics.survey_base()
            dispatcher.utter_message(
                text=(
                    f"Je n'ai pas ce chiffre. Mes statistiques viennent de l'enquête du CEFRIO auprès de {base['base_n']} "
                    f"entreprises d'économie sociale ({base['year']}) : usages numériques, vente en ligne, médias sociaux, "
                    "investissements prévus, par secteur ou par taille. Reformulez avec l'un de ces sujets."
                )
            )
            return []
        say(dispatcher, "\n".join(f"• {_stat_text(s)}" for s in found), cite_many(found))
        return [SlotSet(LAST_RECORD_SLOT, f"statistic:{found[0]['id']}")]  # for "pis dans le secteur X ?"
