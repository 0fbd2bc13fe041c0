"""One-line eligibility questions ("un OBNL est-il admissible ?", "on est un syndicat…")."""

from __future__ import annotations

from typing import Text

from actions.kb import KnowledgeAction, say
from common.formatting import button, join_fr, lower_first
from common.profile import extract_profile
from knowledge import eligibility, lookup, vocabulary
from knowledge.documents import cite_many
from knowledge.eligibility import CriterionStatus, Verdict

SCREEN = button("Vérifier ma situation", "/start_screening")


def _subject(profile) -> str:
    if profile.get("org_category") and profile["org_category"] != "none":
        return lower_first(vocabulary.label("excluded_categories", profile["org_category"]))
    if profile.get("legal_form"):
        return vocabulary.label("legal_forms", profile["legal_form"])
    if profile.get("is_network"):
        return "Un réseau (fédération ou association sectorielle)"
    return ""


class ActionEligibilityAnswer(KnowledgeAction):
    def name(self) -> Text:
        return "action_eligibility_answer"

    def answer(self, dispatcher, tracker, domain):
        profile = extract_profile(tracker.latest_message)
        result = eligibility.evaluate(profile)
        subject = _subject(result.profile) or _subject(profile)
        if not result.profile:
            # Nothing known yet: the audience and the criteria as the knowledge base states them.
            programme, network_volet = lookup.programme(), lookup.volet(3)
            criteria = list(result.volet(2).criteria)
            say(
                dispatcher,
                f"{programme['audience']} Selon les critères publiés : {join_fr(lower_first(c.label) for c in criteria)}. "
                f"Le volet 3 vise {lower_first(network_volet['audience'])} "
                "Je peux vérifier votre cas en quelques questions.",
                cite_many([programme, network_volet]),
                [SCREEN],
            )
            return []
        volets = result.volets
        if all(v.status == Verdict.NOT_ELIGIBLE for v in volets):
            crit = volets[0].decisive[0] if volets[0].decisive else volets[-1].decisive[0]
            say(
                dispatcher,
                f"Selon les critères publiés, non : {crit.explanation} Un conseiller pourra confirmer votre situation.",
                crit.source,
                [button("Qui contacter ?", "/ask_contact")],
            )
            return []
        lines = []
        for v in volets:
            if v.status == Verdict.ELIGIBLE:
                lines.append(f"• Volet {v.volet} : oui.")
            elif v.status == Verdict.NOT_ELIGIBLE:
                lines.append(f"• Volet {v.volet} : non — {v.decisive[0].explanation}")
            else:
                todo = [lower_first(c.label) for c in v.missing]
                lines.append(f"• Volet {v.volet} : possible, si ces critères sont remplis : {join_fr(todo)}.")
        crits = [c for v in volets for c in v.criteria if c.status != CriterionStatus.UNKNOWN]
        sources = sorted({c.source for c in crits}) or sorted({c.source for v in volets for c in v.missing})
        say(
            dispatcher,
            f"{subject or 'Votre organisation'}, selon les critères publiés :\n"
            + "\n".join(lines)
            + "\nC'est une pré-évaluation : un conseiller confirme toujours l'admissibilité.",
            " ; ".join(sources[:3]),
            [SCREEN],
        )
        return []
