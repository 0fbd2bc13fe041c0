"""Guarded access to knowledge/: a dead database gives a French apology, never a crash."""

from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answers
from common.language import ENGLISH_NOTICE, looks_english
from common.profile import describe_profile, join_facts
from common.slots import LAST_RECORD_SLOT, REQUESTED_SLOT
from knowledge.text import embedded_question, fold, trailing_question

logger = logging.getLogger(__name__)

SOURCE_PREFIX = "Source : "

# Actions whose reply answers a question of fact: what they say is checked against what was asked
# (answers.admission: a number, a share, a year or an address asked and not given is said to be
# missing). Each also answers, first, a question whether the programme is for the visitor's own
# organisation (KnowledgeAction._about_us), whatever intent the NLU read.
ANSWERING_ACTIONS = answers.QUESTION_ACTIONS | {"action_answer_or_clarify", "action_answer_or_out_of_scope"}

# Said when the knowledge base cannot be read, so it cannot name who to contact from the partner
# records, nor cite them: it names no organisation rather than one typed here, which could drift
# from the records. The lead form is not offered either: by default it writes to the same database.
KB_DOWN_MESSAGE = (
    "Désolé, je n'arrive pas à consulter ma base de connaissances pour le moment. Réessayez dans quelques minutes."
)


class KnowledgeAction(Action, abc.ABC):
    """An action whose `answer` reads the knowledge base. Any failure there is caught,
    logged without the user's text, and answered with a clear French message.
    Abstract, so rasa-sdk registers only its concrete subclasses."""

    @abc.abstractmethod
    def name(self) -> Text: ...

    @abc.abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]: ...

    @staticmethod
    def _about_us(dispatcher, tracker, text):
        """ "je suis dans un syndicat, on pourrait avoir du financement ?" read as another topic: a
        question whether the programme is for the visitor's organisation, with facts about it, gets
        the verdict per volet (actions/screening.py), whatever the intent. None otherwise."""
        from actions.screening import (  # (import cycle)
            Facts,
            _current_profile,
            asks_about_us,
            asks_for_someone,
            named_identity,
            only_a_need,
            preliminary_answer,
        )

        # "on pourrait tu avoir de l'argent pour notre CRM ?": what is paid for; "c'est trop gros
        # pour nous. Un outil plus simple comme celui d'UTILE ?": the question is not about us
        # "Nous sommes une mutuelle. Le programme s'applique-t-il aux mutuelles ?": the question
        # asks for an organisation, the statement before it says it is theirs
        if (tracker.active_loop or {}).get("name") and tracker.get_slot(REQUESTED_SLOT):
            return None  # in the middle of a questionnaire: its side questions (fallback.py), no verdict yet
        question = answers.question_of(text)
        if not (asks_about_us(question) or (asks_for_someone(question) and asks_about_us(text))):
            return None
        if answers.asks_what_is_paid(text):
            return None
        facts = Facts(tracker, None)
        if only_a_need(text, facts):
            return None
        # (the form or category named in words the NLU did not tag, beside what it tagged: "we're a
        # for-profit social enterprise (inc.) in Montreal")
        extra = {k: v for k, v in named_identity(text).items() if k not in facts.changes and k not in facts.same}
        # "pis le volet 3, on peut tu l'avoir nous autres ?" after "on est une coop": what was said
        # before is the profile the question is about.
        if not (facts.changes or facts.same or extra or _current_profile(tracker)):
            return None
        return preliminary_answer(dispatcher, tracker, facts, extra)

    @staticmethod
    def _why_verdict(dispatcher, tracker, text):
        """ "qu'est-ce qui nous bloque ?" after a verdict, whatever the intent: what fails and what
        is left to check (actions/screening.py). None otherwise."""
        from actions.screening import verdict_follow_up  # (import cycle)

        return verdict_follow_up(dispatcher, tracker, text)

    @staticmethod
    def _stated_before(dispatcher, tracker, text: str, events) -> List[Dict[Text, Any]]:
        """ "On est une OBNL en culture. Quels outils on a pour s'autoévaluer ?": the question is
        answered, and what was stated before it is kept in the profile slots (the screening will not
        ask it again), unless the answer already set them. During the screening, whose form set
        this question aside (it pauses): "CA élu par nos membres à l'AGA. Au fait, les webinaires,
        ils sont où ?" also answers the question it had asked; what is read is said back."""
        from actions.screening import FORM, Facts  # (import cycle)

        loop = (tracker.active_loop or {}).get("name")
        # (during the screening, a question between two parts of the answer too: "non — d'ailleurs,
        # une subvention d'Emploi-Québec, ça pose problème ? bref, non, on décide nous-mêmes")
        question = trailing_question(text) or (embedded_question(text) if loop == FORM else "")
        if not question or (loop and loop != FORM):
            return []
        done = {e.get("name") for e in events if e.get("event") == "slot"}
        if not loop:
            return [SlotSet(k, v) for k, v in Facts(tracker, None).changes.items() if k not in done]
        statement = text.replace(question, " ")
        changes = {
            k: v
            for k, v in Facts(tracker, tracker.get_slot(REQUESTED_SLOT), statement).changes.items()
            if k not in done
        }
        said = describe_profile(changes)
        if said:
            dispatcher.utter_message(text=f"Noté : {join_facts(said)}.")
        return [SlotSet(k, v) for k, v in changes.items()]

    @staticmethod
    def _own_about_us(name: str, text: str) -> bool:
        """The eligibility action answers "nous sommes une mutuelle, le programme s'adresse-t-il aux
        mutuelles ?" itself (the verdict on what was said), before any record retrieval finds."""
        from actions.eligibility import social_economy_example  # (import cycle)
        from actions.screening import asks_a_verdict, asks_about_us, named_identity

        if name != "action_eligibility_answer":
            return False
        # "une compagnie privée qui paye des dividendes à ses actionnaires, ça passe tu ?", "un CPE c'est
        # tu considéré comme économie sociale ?": a verdict asked of a kind of organisation it names
        # (not the funder that "paye" finds)
        return asks_about_us(text) or (
            asks_a_verdict(text) and bool(named_identity(text) or social_economy_example(text))
        )

    async def run(self, dispatcher, tracker, domain):
        try:
            text = latest_text(tracker)
            if looks_english(text):
                dispatcher.utter_message(text=ENGLISH_NOTICE)
            name = self.name()
            said_before = len(dispatcher.messages)
            events = None
            if name in ANSWERING_ACTIONS:
                events = self._why_verdict(dispatcher, tracker, text)
            if events is None and name in ANSWERING_ACTIONS and name != "action_eligibility_answer":
                events = self._about_us(dispatcher, tracker, text)
            if events is None and name in answers.QUESTION_ACTIONS and not self._own_about_us(name, text):
                silences = answers.silence_policy(name, text)
                # (not for the advice action, whose lists say more, nor for how to start, whose steps do)
                replies = retrieval_first(
                    text,
                    tracker,
                    silences,
                    figures=name in answers.FIGURE_ACTIONS,
                    advice=name not in ("action_advice", "action_how_to_start"),
                )
                if replies:
                    events = emit(dispatcher, replies, text)
            if events is None:
                events = self.answer(dispatcher, tracker, domain) or []
            if name == "action_eligibility_answer":
                # "une entreprise sociale privée à but lucratif, est-ce de l'économie sociale ?": the
                # term the question names in full, when the verdict did not say what it is
                said = "\n".join(str(m.get("text") or "") for m in dispatcher.messages[said_before:])
                term = answers.term_named_in_full(text, said)
                if term is not None:
                    events = list(events) + emit(dispatcher, [term], text)
            if name in ANSWERING_ACTIONS:
                said = "\n".join(str(m.get("text") or "") for m in dispatcher.messages[said_before:])
                extra = answers.admission(text, said)
                if extra:
                    dispatcher.utter_message(text=extra)
            return list(events) + self._stated_before(dispatcher, tracker, text, events)
        except Exception as exc:  # database down, corrupt build, bug: the user still gets an answer
            logger.error("action %s failed: %s", self.name(), exc.__class__.__name__, exc_info=True)
            dispatcher.utter_message(text=KB_DOWN_MESSAGE)
            return []


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def previous_text(tracker: Tracker) -> str:
    """What the visitor typed before the latest message ("" if nothing, or a button's payload)."""
    seen = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            seen += 1
            if seen == 2:
                text = event.get("text") or ""
                return "" if text.startswith("/") else text
    return ""


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def entity_values(tracker: Tracker, name: str) -> List[str]:
    out = []
    for ent in (tracker.latest_message or {}).get("entities") or []:
        if ent.get("entity") == name and ent.get("value") not in (None, ""):
            out.append(str(ent["value"]))
    return out


def first_entity(tracker: Tracker, name: str):
    values = entity_values(tracker, name)
    return values[0] if values else None


def say(
    dispatcher: CollectingDispatcher,
    text: str,
    source: Optional[str] = None,
    buttons: Optional[List[Dict[str, str]]] = None,
) -> None:
    """One bot turn; a factual turn ends with where it comes from."""
    if source:
        text = f"{text}\n{SOURCE_PREFIX}{source}"
    if buttons:
        dispatcher.utter_message(text=text, buttons=buttons)
    else:
        dispatcher.utter_message(text=text)


def retrieval_first(
    text: str, tracker: Tracker, silences: str = "yes", figures: bool = False, advice: bool = True
) -> List[answers.Reply]:
    """What retrieval answers before the topic action (actions/answers.py), in this order: a
    follow-up on the record in context (it refers back, or names nothing and fits that record), what
    the sources do not say of the thing just discussed for a short question ("c'est gratuit ?"), two
    records compared, one answer per question of a message that asks several, a person named in
    full, a list of the map of digital uses, the facet of a record the question names, what the
    sources do not say or a person ("yes"; "strict": only an unknowns.yml phrase named; "no"), the
    excluded categories ("qui d'autre est exclu ?"), a fact — or a piece of advice (`advice`), or,
    for the actions with one fixed answer ("no"), a term named — that leads retrieval by far, the
    survey figures asked (`figures`).
    Statements before the question ("On est une coop de 4. On commence par quoi ?") are left to
    the profile (common/profile.py): retrieval reads the question.
    [] when the topic action's own answer fits better."""
    text = answers.question_of(text)
    context = answers.context_of(tracker.current_slot_values())
    if context and answers.refers_back(text):
        reply = answers.follow_up(text, context, None) or answers.elliptical(text, previous_text(tracker), context)
        if reply is not None:
            return [reply]
    if context:
        reply = answers.context_follow_up(text, context)
        if reply is not None:
            return [reply]
    if answers.is_short_question(text) and silences != "no":
        # "ça prend combien de temps ?" after "c'est quoi l'autoexamen", "pis c'est quelle année ?"
        # after the dates: what the sources do not say about the thing just discussed or asked
        for before in (answers.context_name(context), previous_text(tracker)):
            reply = answers.silence_or_person(f"{before} {text}", strict=True, asked=text) if before else None
            if reply is not None:
                return [reply]
    if answers.asks_what_is_paid(text):  # "vous financez le logiciel lui-même ?", whatever the intent
        return answers.not_covered()
    after = answers.step_after(text)  # "on a fini l'autodiagnostic, pis après ça ?"
    if after is not None:
        return [after]
    # (a count asked in so many words: "ça compte tu comme entreprise collective ?" asks no count)
    sector = answers.sector_figures_asked(text) if answers.COUNT_ASKED.search(fold(text)) else []
    if sector:
        # "dans le rapport de 2017, y avait combien de coops versus d'OBNL ?": the sector's figures,
        # not the two terms compared
        return [answers.sector_figures_reply(sector)]
    both = answers.compared(text)
    if both:
        return both
    parts = answers.split_questions(text)
    if len(parts) > 1:
        replies = answers.answers_for_parts(parts, context)
        if replies:
            return replies
    # "quels cas ont connu un premier échec ?": the cases that say it, each with its sentence;
    # "qui finance ce programme destiné aux coops ?": its funder, whatever the rest of it names
    listed = answers.cases_listed(text, context) or answers.funder_asked(text)
    if listed is not None:
        return [listed]
    # a silence said in so many words ("qui est le conseiller de la CDRQ pour la Montérégie") comes
    # before the record it names (the CDRQ's people)
    reply = answers.silence_said_in_full(text) if silences != "no" else None
    # a person named in full ("martin noel il fait quoi"), then a record the question names, come
    # before any silence
    reply = reply or (
        answers.digital_use_answer(text)
        or answers.named_person(text)
        or answers.uses_overview(text)
        or answers.uses_by_group(text)
        or answers.named_facet(text)
    )
    if reply is None and silences != "no":
        reply = answers.silence_or_person(text, strict=silences == "strict")
    if reply is None and answers.asks_who_is_excluded(text):
        reply = answers.criterion_answer(text)  # "qui d'autre est exclu ?": the excluded categories
    if reply is None:
        reply = answers.rule_asked(text)  # "a-t-elle le droit de distribuer ses surplus ?"
    if reply is None and figures and answers.COUNT_IN_WORDS.search(fold(text)):
        # "combien d'entreprises ont formé leurs employés à l'aide du numérique ?" asked as a figure:
        # the survey's figure before a fact that shares its words ("les dernières années")
        reply = answers.figures_answer(text)
    if reply is None:
        # "pourquoi un programme à part ?"; "les mauvaises expériences, c'est à cause de la techno ?"
        reply = answers.leading_fact(text, terms=silences == "no", advice=advice)
    if reply is None and figures:
        reply = answers.figures_answer(text)
    if reply is None and not figures:
        reply = answers.figure_leads(text)  # a survey figure asked of another topic's action
    return [reply] if reply else []


def emit(
    dispatcher: CollectingDispatcher, replies: List[answers.Reply], question: Optional[str] = None
) -> List[Dict[Text, Any]]:
    """Say each reply with its source, a case's with the sentences of its record that answer
    `question` when the reply did not say them; remember the last record answered about."""
    for reply in replies:
        reply = answers.with_passages(reply, question)
        say(dispatcher, reply.text, reply.source)
    # what the sources do not say is not a record to ask more about: the context stays as it was
    last = next(
        (r.records[0] for r in reversed(replies) if r.records and not r.records[0].startswith("unknown:")), None
    )
    return [SlotSet(LAST_RECORD_SLOT, last)] if last else []
