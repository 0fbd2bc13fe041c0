"""Deadlines, amounts and the state of the volet 3 envelope."""
from __future__ import annotations

from typing import Text

from actions.formatting import button, join_fr, lower_first, money, say
from actions.kb import KnowledgeAction
from actions.programme import volet_number
from knowledge import deadlines, lookup
from knowledge.documents import cite_many


class ActionDeadlines(KnowledgeAction):
    def name(self) -> Text:
        return "action_deadlines"

    def answer(self, dispatcher, tracker, domain):
        nxt = deadlines.next_deadline()
        if not nxt:
            say(dispatcher, "Nos sources n'annoncent aucune date limite. Le CQCM peut vous renseigner.")
            return []
        dates = [d["date_text"] for d in deadlines.all_deadlines(volet=nxt.get("volet"))]  # in date order
        who = f" ({lower_first(nxt['audience'])})" if nxt.get("audience") else ""
        listed = join_fr(f"le {d}" for d in dates)
        text = (f"Les dates de dépôt annoncées pour le volet {nxt['volet']}{who} sont {listed}."
                if len(dates) > 1 else f"La date de dépôt annoncée pour le volet {nxt['volet']}{who} est le {dates[0]}.")
        # "la date limite pour le volet 2": the sources give dates for volet 3 only. Say so for the
        # volet asked, and who can tell, before the dates that do exist.
        asked = volet_number(tracker)
        asked_volet = lookup.volet(asked) if asked and not deadlines.all_deadlines(volet=asked) else None
        if asked_volet:
            steps = asked_volet.get("how_to_start") or []  # the volet's own first step, from its record
            start = f" ; pour savoir quand commencer : {lower_first(steps[0])}" if steps else "."
            text = (f"Nos sources n'annoncent aucune date limite pour le volet {asked}{start} "
                    "Les seules dates publiées concernent un autre volet. " + text)
        if not nxt["year_known"]:
            text += f" {nxt.get('year_note') or 'L’année n’est pas précisée dans nos sources.'}"
            text += (" Selon le calendrier, la prochaine à venir serait le " + nxt["date_text"] + "."
                     if nxt["position"] == "upcoming" else
                     " Ces dates sont déjà passées dans l’année en cours, et nos sources n’annoncent aucune nouvelle date.")
        status = nxt.get("volet_status")
        if status and status["status"] == "funds_committed":
            text += f" Attention : {lower_first(status['note'])} Vérifiez auprès du CQCM avant de préparer un dépôt."
        envelope = lookup.facts("envelope")[:1] if status else []
        say(dispatcher, text, cite_many(([asked_volet] if asked_volet else []) + [nxt] + envelope),
            [button("Le volet 3 en détail", '/ask_volets{"volet":"3"}'), button("Qui contacter ?", "/ask_contact")])
        return []


class ActionAmounts(KnowledgeAction):
    def name(self) -> Text:
        return "action_amounts"

    def answer(self, dispatcher, tracker, domain):
        v3 = lookup.volet(3)
        v2 = lookup.volet(2)
        amount = v3["amount"]
        text = (f"Au volet 3, l'aide financière aux réseaux va de {money(amount['min'])} à {money(amount['max'])} "
                f"par projet structurant. {v2['amount_unknown_note']}")
        if v3.get("status_note"):
            text += f" À noter : {v3['status_note']}"
        say(dispatcher, text, cite_many([v3, v2]))
        return []


class ActionEnvelope(KnowledgeAction):
    def name(self) -> Text:
        return "action_envelope"

    def answer(self, dispatcher, tracker, domain):
        facts = lookup.facts("envelope")
        text = " ".join(f["text"] for f in facts)
        text += " Nos sources ne disent pas si cette bonification a eu lieu : le CQCM pourra vous confirmer l'état actuel de l'enveloppe."
        say(dispatcher, text, cite_many(facts), [button("Qui contacter ?", "/ask_contact")])
        return []
