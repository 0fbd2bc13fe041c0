"""Survey figures (CEFRIO 2016 survey) and size of the social economy, always with base, year and source."""

from __future__ import annotations

from typing import Text

from rasa_sdk.events import SlotSet

from actions.answers import SURVEY_WORDS, sector_figures_asked
from actions.kb import KnowledgeAction, first_entity, latest_text, say
from common.formatting import figure_line, number, percent
from common.slots import LAST_RECORD_SLOT
from knowledge import statistics
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


class ActionStatistic(KnowledgeAction):
    def name(self) -> Text:
        return "action_statistic"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        folded = fold(text)
        asked = sector_figures_asked(text)
        if asked:
            say(dispatcher, "\n".join(f"• {figure_line(f)}" for f in asked), cite_many(asked))
            return [SlotSet(LAST_RECORD_SLOT, f"sector_figure:{asked[0]['id']}")]  # for "et en 2017 ?"
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
