"""Messages the NLU could not place, or that hold more than their intent.

* nlu_fallback: a confident retrieval hit is answered with its source (actions/answers.py);
  otherwise Rasa's two-stage fallback offers the two likeliest intents as buttons.
* out_of_scope: the same, else the "I can't help with that" reply: many questions read as
  off-topic ("le TIESS c'est quoi") are answered by the knowledge base.
* greet: "bonjour" alone gets the greeting; "bonjour, qui est admissible au volet 2 ?" gets a short
  hello and the answer.
"""

from __future__ import annotations

import re
from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import FollowupAction

from actions import answers
from actions.eligibility import ActionEligibilityAnswer
from actions.kb import KnowledgeAction, emit, latest_text, previous_text, retrieval_first
from actions.screening import FORM, ActionNoteProfile, ActionThank, asks_about_us
from common.formatting import button
from common.profile import extract_profile
from common.slots import REQUESTED_SLOT
from knowledge.text import after_greeting, fold

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


def _retrieval_replies(text: str, tracker, loose: bool = True):
    """What retrieval answers to `text` whatever its intent: retrieval_first, else the best
    confident hit of any kind (`loose`: answers.any_answer's lower bar)."""
    replies = retrieval_first(text, tracker)
    if not replies:
        reply = answers.any_answer(text, answers.context_of(tracker.current_slot_values()), loose=loose)
        previous = previous_text(tracker)
        if reply is None and previous and answers.is_short_question(text):
            # "pis c'est quelle année ?" after "c'est quoi les dates limites": the two read together
            reply = answers.any_answer(f"{previous} {text}", loose=False)
        replies = [reply] if reply else []
    return replies


# Words of a message that only closes the conversation ("merci beaucoup, bonne journée !", "ok
# parfait merci quand même", "bye"): misread by the NLU, they must not be answered by retrieval.
_THANKS = {"merci", "mercii", "merciii", "thanks", "thank", "thx", "remercie", "gentil", "apprecie"}
_BYE = {"bye", "byebye", "revoir", "prochaine", "ciao", "tantot", "soiree", "journee", "fin", "semaine"}
_CLOSING_FILLERS = {
    "beaucoup",
    "bien",
    "bon",
    "bonne",
    "bonnes",
    "ok",
    "okay",
    "oki",
    "parfait",
    "super",
    "cool",
    "top",
    "genial",
    "excellent",
    "d",
    "accord",
    "daccord",
    "quand",
    "meme",
    "pour",
    "tout",
    "toute",
    "votre",
    "ton",
    "ta",
    "aide",
    "infos",
    "info",
    "l",
    "la",
    "a",
    "au",
    "et",
    "pis",
    "c",
    "est",
    "vraiment",
    "encore",
    "you",
    "so",
    "much",
    "very",
    "de",
    "vos",
    "tes",
    "reponses",
    "ca",
    "m",
    "good",
    "day",
    "have",
    "nice",
    "mille",
    "fois",
    "vous",
    "toi",
    "oui",
    "non",
    "alors",
    "donc",
}


# "je vais en parler au CA", "on va contacter la CDRQ", "je reviens": what the visitor will do next.
_OWN_NEXT_STEP = re.compile(
    r"\b(?:je vais|j vais|jvais|on va|nous allons|je reviens|on revient|je regarde|on regarde|je verifie|on verifie)\b"
)


_REACHING_SOMEONE = re.compile(r"\b(?:contact\w*|appel\w*|joindre|ecrire|courriel|telephon\w*)\b")


def closing(text: str) -> str:
    """ "thank", "goodbye", "both" for a message that only thanks and/or takes leave, else ""."""
    folded = fold(text)
    words = [w for w in re.split(r"[^a-z]+", folded) if w]
    if (
        words
        and len(words) <= 16
        and "?" not in text
        and any(w in _THANKS for w in words)
        and _OWN_NEXT_STEP.search(folded)
        and not _REACHING_SOMEONE.search(folded)  # "on va contacter la CDRQ": how to reach them helps
    ):
        # "ok je vais en parler au CA, merci": the visitor's own next step, and thanks
        return "both" if any(w in _BYE for w in words) else "thank"
    if not words or len(words) > 12 or any(w not in _THANKS | _BYE | _CLOSING_FILLERS for w in words):
        return ""
    thanks, bye = any(w in _THANKS for w in words), any(w in _BYE for w in words)
    return "both" if thanks and bye else "thank" if thanks else "goodbye" if bye else ""


def _close(dispatcher, tracker, domain, kind: str):
    events = ActionThank().answer(dispatcher, tracker, domain) if kind in ("thank", "both") else []
    if kind in ("goodbye", "both"):
        dispatcher.utter_message(response="utter_goodbye")
    return events or []


def _answer_anything(dispatcher, tracker, domain=None):
    """Events of the answer to the latest message, or None when nothing is confident: a closing
    is closed; a question whether the programme is for the visitor, with what they said about
    their organisation, gets its verdict; else retrieval."""
    text = latest_text(tracker)
    kind = closing(text)
    if kind:
        return _close(dispatcher, tracker, domain, kind)
    requested = tracker.get_slot(REQUESTED_SLOT) if (tracker.active_loop or {}).get("name") == FORM else None
    if requested and asks_about_us(text):
        # "non — d'ailleurs, une subvention d'Emploi-Québec, ça pose problème ?" while the screening
        # asks about public control: the rule it asks about, not a verdict in the middle of the questions
        rule = answers.criterion_of_field(requested)
        if rule is not None:
            return emit(dispatcher, [rule], text)
    if extract_profile(tracker.latest_message) and asks_about_us(text):
        return ActionNoteProfile().answer(dispatcher, tracker, domain)
    replies = _retrieval_replies(text, tracker)
    return emit(dispatcher, replies, text) if replies else None


class ActionAnswerOrClarify(KnowledgeAction):
    """nlu_fallback: answer from the knowledge base when retrieval is confident, else the two-stage
    fallback (its buttons come from ActionDefaultAskAffirmation above)."""

    def name(self) -> Text:
        return "action_answer_or_clarify"

    def answer(self, dispatcher, tracker, domain):
        events = _answer_anything(dispatcher, tracker, domain)
        if events is None and extract_profile(tracker.latest_message):
            # "On est une coop de solidarité à Alma. Il paraît que la CDRQ a un programme ?": the facts
            # are noted (and the question answered when it can be), rather than "Vouliez-vous dire…"
            return ActionNoteProfile().answer(dispatcher, tracker, domain)
        return events if events is not None else [FollowupAction("action_two_stage_fallback")]


class ActionAnswerOrOutOfScope(KnowledgeAction):
    def name(self) -> Text:
        return "action_answer_or_out_of_scope"

    def answer(self, dispatcher, tracker, domain):
        events = _answer_anything(dispatcher, tracker, domain)
        if events is None and extract_profile(tracker.latest_message):
            # "on est un OBNL de diffusion de spectacles, ça serait tu possible d'avoir le programme"
            return ActionNoteProfile().answer(dispatcher, tracker, domain)
        if events is None:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        return events


class ActionGreet(KnowledgeAction):
    def name(self) -> Text:
        return "action_greet"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        rest = after_greeting(text)
        if len(rest.split()) >= 3:
            if asks_about_us(rest):
                # "bonjour, on est une coop à Rimouski, on peut avoir de l'aide ?": the eligibility
                # question is answered (a verdict per volet for what is known, else who is eligible)
                dispatcher.utter_message(text="Bonjour !")
                return ActionEligibilityAnswer().answer(dispatcher, tracker, domain)
            if extract_profile(tracker.latest_message):
                # "bonjour, on est une coop à Rimouski, on peut avoir de l'aide ?": facts about the
                # visitor's organisation are noted and the screening offered, as without the hello.
                dispatcher.utter_message(text="Bonjour !")
                return ActionNoteProfile().answer(dispatcher, tracker, domain)
            replies = _retrieval_replies(rest, tracker, loose=False)
            if replies:
                dispatcher.utter_message(text="Bonjour !")
                return emit(dispatcher, replies, text)
        dispatcher.utter_message(response="utter_greet")
        return []


class _AnswerOrUtter(KnowledgeAction):
    """A dialogue act that may be a question about what was just discussed, misread by the NLU
    ("c'est où déjà ?" as "are you a bot?", "ils utilisent quoi comme technos" as "what can you
    do?"): with a record in context, a follow-up on it is answered; otherwise the act's response."""

    response = ""

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        context = answers.context_of(tracker.current_slot_values())
        if context and answers.looks_like_question(text):
            reply = (
                answers.follow_up(text, context, None) if answers.refers_back(text) else None
            ) or answers.context_follow_up(text, context)
            if reply is not None:
                return emit(dispatcher, [reply], text)
        if answers.looks_like_question(text) and not _ABOUT_THE_BOT.search(fold(text)):
            # "le programme paie-t-il le logiciel lui-même ?" read as "are you a bot?": a question
            # that says nothing of the bot and that retrieval answers with confidence
            replies = _retrieval_replies(text, tracker, loose=False)
            if replies:
                return emit(dispatcher, replies, text)
        dispatcher.utter_message(response=self.response)
        return []


# Words of a question about the assistant itself ("es-tu un robot ?", "qu'est-ce que tu sais faire ?").
_ABOUT_THE_BOT = re.compile(
    r"\b(?:robot|bot|chatbot|humain\w*|vrai\w* (?:personne|monde)|personne reelle|ia|intelligence artificielle|"
    r"chatgpt|assistant|automat\w*|machine|programme informatique|tu|toi|t es|te|vous etes|etes vous|pouvez vous|"
    r"savez vous|faites vous|capable)\b"
)


class ActionBotChallenge(_AnswerOrUtter):
    response = "utter_iamabot"

    def name(self) -> Text:
        return "action_bot_challenge"


class ActionCapabilities(_AnswerOrUtter):
    response = "utter_capabilities"

    def name(self) -> Text:
        return "action_capabilities"


class ActionGoodbye(_AnswerOrUtter):
    """ "bye": the goodbye. But "pis combien veulent se lancer dans l'économie de partage plus tard"
    read as a leave-taking (« plus tard ») is a question, answered when retrieval is confident."""

    response = "utter_goodbye"

    def name(self) -> Text:
        return "action_goodbye"


class ActionStopOrAnswer(KnowledgeAction):
    """ "stop", "c'est correct" with nothing running: "D'accord". But "on a fini l'autodiagnostic, pis
    après ça" read as a stop (« fini ») asks for the next step, and a question is answered."""

    def name(self) -> Text:
        return "action_stop_or_answer"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        reply = answers.step_after(text)
        if reply is not None:
            return emit(dispatcher, [reply], text)
        if not text.startswith("/") and answers.looks_like_question(text):
            replies = _retrieval_replies(text, tracker, loose=False)
            if replies:
                return emit(dispatcher, replies, text)
        dispatcher.utter_message(response="utter_ok_noted")
        return []


class ActionSkipOrAnswer(KnowledgeAction):
    """ "je sais pas" with no question pending: "Puis-je vous aider avec autre chose ?". But "je sais
    pas pour la dissolution, c'est important ?" asks something: the criterion or record it names."""

    def name(self) -> Text:
        return "action_skip_or_answer"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        if not text.startswith("/") and answers.looks_like_question(text):
            reply = answers.criterion_answer(text)
            if reply is None:
                replies = _retrieval_replies(text, tracker, loose=False)
                if replies:
                    return emit(dispatcher, replies, text)
            else:
                return emit(dispatcher, [reply], text)
        dispatcher.utter_message(response="utter_anything_else")
        return []
