"""Who to contact, and asking for a person: contact details only as the sources give them."""

from __future__ import annotations

import re
from typing import Text

from actions import answers
from actions.kb import KnowledgeAction, emit, latest_text, say
from actions.screening import START_BUTTON, _current_profile, _started, _verdict_given
from common.formatting import button, join_fr, lower_first, partner_ref
from knowledge import lookup
from knowledge.documents import cite_many
from knowledge.text import fold

# A wish to reach a person ("je veux parler à quelqu'un", "pouvez-vous me rappeler ?"), not a question
# about the advisers.
_WANTS_SOMEONE = re.compile(
    r"\b(?:parler|jaser|discuter|joindre|rejoindre|contacter|contacte|rappel\w*|appel\w*|ecrire|humain|"
    r"une vraie personne|quelqu un|rencontrer|rendez vous)\b"
)


def _contact_lines(partners):
    lines = []
    for p in partners:
        name = f"{p['name']} ({p['acronym']})" if p.get("acronym") and p["acronym"] != p["name"] else p["name"]
        how = p.get("how_to_reach") or "nos sources ne donnent pas ses coordonnées"
        site = f" Site : {p['website']}." if p.get("website") else ""
        lines.append(f"• {name} : {how}{site}")
    return lines


def _volets(partner) -> str:
    numbers = [str(n) for n in partner.get("volets") or []]
    return ("volets " if len(numbers) > 1 else "volet ") + join_fr(numbers) if numbers else "programme"


class ActionContact(KnowledgeAction):
    def name(self) -> Text:
        return "action_contact"

    def answer(self, dispatcher, tracker, domain):
        asked = lookup.partner(latest_text(tracker))
        partners = (
            [asked] if asked and asked["kind"] == "partner" else lookup.partners(["cdrq", "cqcm", "chantier", "poles"])
        )
        text = "\n".join(["Voici comment joindre les partenaires du programme :"] + _contact_lines(partners))
        text += "\nNos sources ne donnent aucun numéro de téléphone ni courriel : passez par leur site Web ou le bureau de votre région."
        buttons = [button("Être contacté par un conseiller", "/request_contact")]
        if _worth_checking_first(tracker):
            # the visitor said who they are and has no verdict yet: what a counsellor will ask first
            text += "\nAvant de les joindre, je peux vérifier votre admissibilité à partir de ce que vous m'avez dit."
            buttons.insert(0, START_BUTTON)
        say(dispatcher, text, cite_many(partners), buttons)
        return []


def _worth_checking_first(tracker) -> bool:
    return bool(_current_profile(tracker)) and not _started(tracker) and not _verdict_given(tracker)


class ActionRequestHuman(KnowledgeAction):
    def name(self) -> Text:
        return "action_request_human"

    def answer(self, dispatcher, tracker, domain):
        asked = latest_text(tracker)
        if answers.looks_like_question(asked) and not _WANTS_SOMEONE.search(fold(asked)):
            # "combien de temps dure l'accompagnement avec un conseiller ?": a question that names an
            # adviser, not a wish to talk to one; what the sources say (or do not say) of it
            silence = answers.silence_or_person(asked)
            if silence is not None:
                return emit(dispatcher, [silence], asked)
        cdrq, cqcm = lookup.partners(["cdrq", "cqcm"])
        text = (
            f"Bien sûr. Pour l'accompagnement d'une entreprise ({_volets(cdrq)}) : {lower_first(cdrq['how_to_reach']).rstrip('.')} "
            f"({cdrq['website']}). Pour un projet de réseau ({_volets(cqcm)}) : {partner_ref(cqcm)} "
            f"({cqcm['website']}). Je peux aussi transmettre votre demande pour qu'un conseiller vous écrive."
        )
        say(
            dispatcher,
            text,
            cite_many([cdrq, cqcm]),
            [button("Oui, être contacté", "/request_contact"), button("Non merci", "/deny")],
        )
        return []
