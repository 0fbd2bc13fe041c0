"""Deadlines, amounts and the state of the volet 3 envelope."""

from __future__ import annotations

from typing import Text

from actions.kb import KnowledgeAction, say
from actions.programme import volet_number
from common.formatting import button, join_fr, lower_first, money, partner_ref, upper_first
from knowledge import deadlines, lookup
from knowledge.documents import cite_many


class ActionDeadlines(KnowledgeAction):
    def name(self) -> Text:
        return "action_deadlines"

    def answer(self, dispatcher, tracker, domain):
        nxt = deadlines.next_deadline()
        asked = volet_number(tracker)  # "la date limite pour le volet 2"
        if not nxt:
            who = lookup.coordinator(asked)  # who coordinates the volet asked about, else the programme
            text = "Nos sources n'annoncent aucune date limite."
            if who:
                text += f" {upper_first(partner_ref(who))} peut vous renseigner."
            designating = lookup.volet(asked) if asked else lookup.programme()
            say(dispatcher, text, cite_many([who, designating or {}]) if who else None)
            return []
        dates = [d["date_text"] for d in deadlines.all_deadlines(volet=nxt.get("volet"))]  # in date order
        who = f" ({lower_first(nxt['audience'])})" if nxt.get("audience") else ""
        listed = join_fr(f"le {d}" for d in dates)
        text = (
            f"Les dates de dépôt annoncées pour le volet {nxt['volet']}{who} sont {listed}."
            if len(dates) > 1
            else f"La date de dépôt annoncée pour le volet {nxt['volet']}{who} est le {dates[0]}."
        )
        # "la date limite pour le volet 2": the sources give dates for volet 3 only. Say so for the
        # volet asked, and who can tell, before the dates that do exist.
        asked_volet = lookup.volet(asked) if asked and not deadlines.all_deadlines(volet=asked) else None
        if asked_volet:
            steps = asked_volet.get("how_to_start") or []  # the volet's own first step, from its record
            start = f" ; pour savoir quand commencer : {lower_first(steps[0])}" if steps else "."
            text = (
                f"Nos sources n'annoncent aucune date limite pour le volet {asked}{start} "
                "Les seules dates publiées concernent un autre volet. " + text
            )
        if not nxt["year_known"]:
            text += f" {nxt.get('year_note') or 'L’année n’est pas précisée dans nos sources.'}"
            text += (
                " Selon le calendrier, la prochaine à venir serait le " + nxt["date_text"] + "."
                if nxt["position"] == "upcoming"
                else " Ces dates sont déjà passées dans l’année en cours, et nos sources n’annoncent aucune nouvelle date."
            )
        status = nxt.get("volet_status")
        referee = None
        if status and status["status"] == "funds_committed":
            text += f" Attention : {lower_first(status['note'])}"
            referee = lookup.coordinator(nxt.get("volet"))  # who follows that volet's envelope
            if referee:
                text += f" Vérifiez {partner_ref(referee, 'auprès de')} avant de préparer un dépôt."
        envelope = lookup.facts("envelope")[:1] if status else []
        cited = ([asked_volet] if asked_volet else []) + [nxt] + envelope + ([referee] if referee else [])
        say(
            dispatcher,
            text,
            cite_many(cited),
            [button("Le volet 3 en détail", '/ask_volets{"volet":"3"}'), button("Qui contacter ?", "/ask_contact")],
        )
        return []


class ActionAmounts(KnowledgeAction):
    def name(self) -> Text:
        return "action_amounts"

    def answer(self, dispatcher, tracker, domain):
        v3 = lookup.volet(3)
        v2 = lookup.volet(2)
        amount = v3["amount"]
        text = (
            f"Au volet 3, l'aide financière aux réseaux va de {money(amount['min'])} à {money(amount['max'])} "
            f"par projet structurant. {v2['amount_unknown_note']}"
        )
        if v3.get("status_note"):
            text += f" À noter : {v3['status_note']}"
        say(dispatcher, text, cite_many([v3, v2]))
        return []


# The envelope facts (topic "envelope") are about volet 3's funds (programme.yml, volet3_funds_committed).
ENVELOPE_VOLET = 3


class ActionEnvelope(KnowledgeAction):
    def name(self) -> Text:
        return "action_envelope"

    def answer(self, dispatcher, tracker, domain):
        facts = lookup.facts("envelope")
        who = lookup.coordinator(ENVELOPE_VOLET)  # the partner that follows the envelope
        text = " ".join(f["text"] for f in facts) + " Nos sources ne disent pas si cette bonification a eu lieu"
        text += f" : {partner_ref(who)} pourra vous confirmer l'état actuel de l'enveloppe." if who else "."
        say(dispatcher, text, cite_many(facts + ([who] if who else [])), [button("Qui contacter ?", "/ask_contact")])
        return []
