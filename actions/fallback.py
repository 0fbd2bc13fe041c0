"""Two-stage fallback: when the bot is unsure, offer the two likeliest intents as buttons."""

from __future__ import annotations

from typing import Text

from rasa_sdk import Action

from common.formatting import button

# What each intent means for a user, in French (for the "Vouliez-vous dire…" buttons).
INTENT_LABELS = {
    "ask_programme": "Le programme en bref",
    "ask_funder": "Qui finance le programme",
    "ask_partners": "Qui s'en occupe",
    "ask_volets": "Les trois volets",
    "ask_not_covered": "Ce qui n'est pas couvert",
    "ask_how_to_start": "Comment commencer",
    "ask_contact": "Qui contacter",
    "request_human": "Parler à un conseiller",
    "ask_uptake": "Combien d'entreprises y ont participé",
    "ask_eligibility": "Qui est admissible",
    "start_screening": "Vérifier mon admissibilité",
    "ask_deadlines": "Les dates limites",
    "ask_amounts": "Les montants",
    "ask_envelope": "L'état de l'enveloppe du volet 3",
    "ask_cases": "Des exemples d'entreprises",
    "ask_statistic": "Des chiffres sur le numérique",
    "ask_definition": "Définir un terme",
    "ask_advice": "Des conseils pour un projet",
    "ask_capabilities": "Ce que je peux faire",
    "greet": "Dire bonjour",
    "thank": "Remercier",
    "goodbye": "Terminer",
    "bot_challenge": "Savoir si je suis un robot",
    "request_contact": "Être contacté par un conseiller",
    # Below their own threshold (config.yml, intent_thresholds), these two become nlu_fallback
    # (rasa_server/nlu/fallback.py): the button is how the visitor confirms before anything is erased.
    "restart_conversation": "Recommencer à zéro",
    "request_data_deletion": "Supprimer mes données",
}
NOT_OFFERED = {"nlu_fallback", "out_of_scope", "affirm", "deny", "inform", "skip_question", "stop"}


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher, tracker, domain):
        ranking = (tracker.latest_message or {}).get("intent_ranking") or []
        options = [r["name"] for r in ranking if r.get("name") in INTENT_LABELS and r["name"] not in NOT_OFFERED][:2]
        if not options:
            options = ["ask_programme", "start_screening"]
        buttons = [button(INTENT_LABELS[name], f"/{name}") for name in options]
        # out_of_scope, not deny: Rasa's two-stage fallback reads it as "none of these" and asks to
        # rephrase; /deny would be replayed as the user's message and, during the screening, answer
        # the pending yes/no question ("Autre chose" recorded as "not an excluded organisation").
        buttons.append(button("Autre chose", "/out_of_scope"))
        dispatcher.utter_message(
            text="Je ne suis pas certain d'avoir compris. Vouliez-vous parler de l'un de ces sujets ?", buttons=buttons
        )
        return []
