"""The eligibility screening: a form that asks only the engine's next question, and the turns
around it.

* It starts when asked (start_screening), or when the user says yes to the offer the bot made
  (data/rules/screening.yml). Facts stated outside it are noted and said back, and the screening is
  offered (`action_note_profile`); they are not a reason to start asking questions.
* What is already known is not asked again, and is said back when the form starts ("Je note déjà…").
* Free text answers the question asked the way people type it (common.profile): the button's own
  label, "oui comme je disais…", "on fait des ristournes", "pas une fédération"; several answers
  at once; a correction ("en fait…") overwrites an answer and says so; a hypothesis ("et si on
  devenait une coop ?") gets its verdict without touching the real answers.
* A question on another topic pauses the form (data/rules/screening_interruptions.yml): it is
  answered, and "Reprendre le questionnaire" is offered instead of asking again.
* After three answers that cannot be read, the user is offered to skip the question or stop.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import answers
from actions.cases import case_line
from actions.kb import KB_DOWN_MESSAGE, KnowledgeAction, emit, latest_intent, latest_text, retrieval_first, say
from common.formatting import VERDICT_LABEL, adviser_of, button, join_fr, lower_first, money, shorten, upper_first
from common.profile import (
    CHOICE_FIELDS,
    INCIDENTAL_FIELDS,
    LIKE_A_PHRASE,
    PROFILE_SLOTS,
    describe,
    describe_profile,
    extract_profile,
    inverted,
    is_hypothetical,
    join_facts,
    negated_options,
    option_typed,
    profile_from_slots,
    says_dont_know,
)
from common.slots import (
    CONTEXT_SLOTS,
    REQUESTED_SLOT,
    SCREENING_FAILURES_SLOT,
    SCREENING_HYPOTHESIS_SLOT,
    SCREENING_RESULT_SLOT,
    SCREENING_SKIPPED_SLOT,
    SCREENING_UNREAD_SLOT,
)
from knowledge import cases, eligibility, lookup, vocabulary
from knowledge.documents import cite_many
from knowledge.eligibility import CriterionStatus, Evaluation, Verdict, VoletVerdict
from knowledge.text import fold

logger = logging.getLogger(__name__)
FORM = "screening_form"
# Intents whose message can state facts about the user's organisation. Any other intent is a
# question: the form rejects the turn, the question's rule answers it and pauses the form
# (data/rules/screening_interruptions.yml). The organisation such a question names ("d'autres
# coops l'ont fait ?", "pis une mutuelle, c'tu admissible ?") is its subject, not an answer —
# unless the whole message is one of the options of the question asked ("Ordre professionnel",
# "Autre", read by the NLU as a question or a skip: common.profile.option_typed). A low-confidence
# message (nlu_fallback) is taken as an answer: during the form, that is what it most likely is.
ANSWER_INTENTS = ("inform", "affirm", "deny", "start_screening", "nlu_fallback")
# Intents whose message, when nothing in it can be read, counts as a failed answer. Not an unclear
# message (nlu_fallback) with nothing in it: the fallback rule answers or clarifies it.
FAILED_ANSWER_INTENTS = ("inform", "affirm", "deny")
# Failed answers to one question before the way out (skip it, or stop) is offered.
WAY_OUT_AFTER = 3
# What the verdicts rest on, said before them: the legal definition of a social-economy enterprise
# as the CEFRIO report (document 004) gives it, and what the programme's own texts say of each volet.
CRITERIA_BASIS = (
    "D'après la définition d'une entreprise d'économie sociale (rapport du CEFRIO, 2017) "
    "et ce que le programme annonce pour chaque volet"
)
# In every answer that weighs the criteria (a verdict, or who is eligible): how to tell one was given.
VERDICT_INTRO = "et ce que le programme annonce pour chaque volet"
ADVISER_CONFIRMS = "Un conseiller confirmera."
START_BUTTON = button("Vérifier mon admissibilité", "/start_screening")
RESUME_BUTTON = button("Reprendre le questionnaire", "/start_screening")
# Fields said back when the screening starts ("Je note déjà : …"): the answers and the context.
_KNOWN_FIELDS = PROFILE_SLOTS + CONTEXT_SLOTS


def _current_profile(tracker: Tracker) -> Dict[str, Any]:
    return profile_from_slots(tracker.current_slot_values())


def _skipped(tracker: Tracker) -> List[str]:
    return list(tracker.get_slot(SCREENING_SKIPPED_SLOT) or [])


def _started(tracker: Tracker) -> bool:
    """Whether the screening form ran in this conversation (then it is resumed, not started)."""
    return any(e.get("event") == "active_loop" and e.get("name") == FORM for e in tracker.events or [])


def _elide(word: str, text: str) -> str:
    """ "au lieu de" + "OBNL" → "au lieu d'OBNL"."""
    return f"{word[:-1]}'{text}" if word.endswith("de") and text[:1].lower() in "aeiouyhéèêàâîôû" else f"{word} {text}"


class Facts:
    """What the latest message states, against the slots: `changes` (slot → new value), `corrected`
    ("OBNL au lieu de coopérative" for each value that replaces another one), `new` (fields stated
    for the first time) and `same` (fields stated again, unchanged). Needs add up."""

    def __init__(self, tracker: Tracker, requested: Optional[str], text: Optional[str] = None):
        """`text`: a part of the latest message to read instead of all of it (a prefix: the statements
        before its question), with the entities found in it."""
        message = tracker.latest_message or {}
        if text is not None:
            message = {
                **message,
                "text": text,
                "entities": [e for e in message.get("entities") or [] if int(e.get("end") or 0) <= len(text)],
            }
        found = extract_profile(message, requested=requested)
        self.changes: Dict[str, Any] = {}
        self.corrected: List[str] = []
        self.new: Dict[str, Any] = {}
        self.same: Dict[str, Any] = {}
        for field, value in found.items():
            old = tracker.get_slot(field)
            if field == "needs":
                merged = list(dict.fromkeys(list(old or []) + list(value)))
                if merged != list(old or []):
                    self.changes[field] = merged
                    self.new[field] = value
                else:
                    self.same[field] = value
                continue
            if old == value:
                self.same[field] = value
                continue
            self.changes[field] = value
            was, now = describe(field, old), describe(field, value)
            if old is not None and was and now:
                self.corrected.append(_elide(f"{now} au lieu de", was))
            else:
                self.new[field] = value

        # "on est un OBNL, pas un regroupement patronal": the answer it denies is forgotten
        for field, values in negated_options(latest_text(tracker)).items():
            old = tracker.get_slot(field)
            if field not in found and old in values:
                self.changes[field] = None
                self.corrected.append(f"pas {describe(field, old, article=True)}")

    def set(self, field: str, value: Any, old: Any) -> None:
        """An answer read another way (the option typed out)."""
        if old != value:
            self.changes[field] = value
            self.new.setdefault(field, value)


def _correction_line(corrected: List[str]) -> str:
    return f"D'accord, je corrige : {' ; '.join(corrected)}."


class ValidateScreeningForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Extraction, then the next question. (rasa-sdk's default validation step would drop every
        answer that is not the next required slot, and ours lists only the next question.)

        The question is asked here rather than by an `action_ask_<slot>` action: Rasa's form calls
        this action once per turn and asks nothing itself when the domain has no ask action, so a
        screening turn costs one call to the action server instead of two.

        When the form starts (no question asked yet), what is already known is said back, so the
        user sees why those questions are not asked."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        events, ask = self.read_turn(dispatcher, tracker)
        tracker.add_slots(events)
        if requested is None:
            try:
                known = describe_profile(_current_profile(tracker), fields=_KNOWN_FIELDS)
            except Exception as exc:  # the knowledge base names the answers; the questions still go on
                logger.error("cannot describe the known answers: %s", exc.__class__.__name__)
                known = []
            if known:
                dispatcher.utter_message(text=f"Je note déjà : {join_facts(known)}.")
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if ask and next_slot and next_slot["value"]:
            ask_question(dispatcher, next_slot["value"])
        return events + ([next_slot] if next_slot else [])

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Only the engine's next question; none when every volet is decided or the rest was skipped."""
        try:
            result = eligibility.evaluate(_current_profile(tracker), skipped=_skipped(tracker))
        except Exception as exc:
            logger.error("screening evaluation failed: %s", exc.__class__.__name__)
            return []
        nxt = result.next_question
        return [nxt.field] if nxt else []

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events, _ = self.read_turn(dispatcher, tracker)
        return events

    def read_turn(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Tuple[List[EventType], bool]:
        """The events of the latest message, and whether the next question should be asked."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        intent = latest_intent(tracker)
        text = latest_text(tracker)
        try:
            typed = option_typed(text, requested) if requested else None
            if intent == "skip_question" and requested and typed is None:
                skipped = _skipped(tracker)
                return (
                    [SlotSet(SCREENING_SKIPPED_SLOT, skipped + [requested])] if requested not in skipped else []
                ), True
            if is_hypothetical(text):
                facts = extract_profile(tracker.latest_message)
                if facts:
                    answer_hypothesis(dispatcher, tracker, facts, then="Je reviens à votre situation réelle.")
                    return [SlotSet(SCREENING_HYPOTHESIS_SLOT, facts)], True
            if intent not in ANSWER_INTENTS and typed is None:
                return [], True  # a question on another topic: its rule answers it and pauses the form
            facts = Facts(tracker, requested)
            if typed is not None:
                facts.set(requested, typed, tracker.get_slot(requested))
        except Exception as exc:
            logger.error("screening extraction failed: %s", exc.__class__.__name__)
            return [], True
        events: List[EventType] = [SlotSet(k, v) for k, v in facts.changes.items()]
        if facts.corrected:
            dispatcher.utter_message(text=_correction_line(facts.corrected))
        # Facts beside the answer asked for are said back, so that they are seen, and can be
        # corrected, before they decide. At the start, "Je note déjà" says them all (run).
        extra = describe_profile({k: v for k, v in facts.new.items() if k != requested}) if requested else []
        if extra:
            dispatcher.utter_message(text=f"Noté : {join_facts(extra)}.")
        if not facts.changes and requested and intent in ANSWER_INTENTS and says_dont_know(text):
            # "on a un CA mais je sais pas s'il est élu": the question is passed, as with "je ne sais
            # pas" alone, rather than asked again as if the answer were unreadable
            skipped = _skipped(tracker)
            if requested not in skipped:
                events.append(SlotSet(SCREENING_SKIPPED_SLOT, skipped + [requested]))
            return events, True
        if not facts.changes and requested and intent in FAILED_ANSWER_INTENTS:
            more, ask = self.failed(dispatcher, tracker, requested)
            return events + more, ask
        return events, True

    @staticmethod
    def failed(dispatcher: CollectingDispatcher, tracker: Tracker, field: str) -> Tuple[List[EventType], bool]:
        """The answer to `field` could not be read: say so and ask again; the third time, offer to
        skip the question or stop. The slots set mark the turn as handled here: with no slot set,
        Rasa's form would reject it and a rule outside the form ("oui" → what I can do) would answer."""
        failures = dict(tracker.get_slot(SCREENING_FAILURES_SLOT) or {})
        failures[field] = int(failures.get(field) or 0) + 1
        events: List[EventType] = [SlotSet(SCREENING_UNREAD_SLOT, field), SlotSet(SCREENING_FAILURES_SLOT, failures)]
        if failures[field] >= WAY_OUT_AFTER:
            dispatcher.utter_message(
                text="Je n'arrive toujours pas à lire votre réponse à cette question. Voulez-vous la passer, "
                "ou arrêter le questionnaire ? Vos réponses restent en mémoire.",
                buttons=[
                    button("Passer cette question", "/skip_question"),
                    button("Arrêter le questionnaire", "/stop"),
                ],
            )
            return events, False
        choice = field in CHOICE_FIELDS  # "oui ou non" does not answer "which of these?"
        dispatcher.utter_message(response="utter_screening_not_understood" + ("_choice" if choice else ""))
        return events, True


def ask_question(dispatcher: CollectingDispatcher, field: str) -> None:
    """The engine's question for `field`, its answers as buttons, and a way to skip it."""
    try:
        q = eligibility.question(field)
    except Exception as exc:
        logger.error("cannot read question %s: %s", field, exc.__class__.__name__)
        dispatcher.utter_message(text=KB_DOWN_MESSAGE)
        return
    buttons = []
    backwards = q["kind"] == "boolean" and inverted(field)
    for opt in q["options"]:
        if q["kind"] == "boolean":
            # a question asked the other way round from its slot: its "Non" (True) is a /deny
            payload = "/affirm" if (opt["value"] is True) != backwards else "/deny"
        else:
            payload = f'/inform{{"{field}":"{opt["value"]}"}}'
        buttons.append(button(opt["label"], payload))
    buttons.append(button("Passer cette question", "/skip_question"))
    dispatcher.utter_message(text=q["question"], buttons=buttons)


def summarise(result: Evaluation) -> Dict[str, Any]:
    """Compact, JSON-able screening result kept in a slot (for the lead card, not for display)."""
    return {
        "volets": {str(v.volet): v.status.value for v in result.volets},
        "eligible_volets": result.eligible_volets,
        "reasons": {str(v.volet): [c.id for c in v.decisive] for v in result.volets},
        "missing_fields": result.missing_fields,
        "profile": result.profile,
    }


def _your_answer(field: str, profile: Dict[str, Any]) -> str:
    """ " (Votre réponse : syndicat.)" after a refusal that rests on a chosen category, so that an
    answer given in passing ("pis un syndicat ?") is seen, and can be corrected, before it decides."""
    kind = vocabulary.FIELD_KINDS.get(field) if field in CHOICE_FIELDS else None
    name = vocabulary.label(kind, profile.get(field)) if kind else None
    return f" (Votre réponse : {lower_first(name)}.)" if name else ""


def verdict_lines(result: Evaluation, profile: Dict[str, Any]) -> Tuple[List[str], List[str]]:
    """One line per volet (volets refused for the same reason share one), and their sources."""
    lines, sources = [], []
    # Volets that fail on the same criterion share one line: an excluded organisation fails all
    # three on "hors des catégories exclues", and the same explanation three times buried it.
    failing: Dict[str, List[VoletVerdict]] = {}
    for v in result.volets:
        if v.status == Verdict.NOT_ELIGIBLE:
            failing.setdefault(v.decisive[0].id, []).append(v)
    for v in result.volets:
        label = VERDICT_LABEL[v.status]
        if v.status == Verdict.NOT_ELIGIBLE:
            why = v.decisive[0]
            group = failing[why.id]
            if v is not group[0]:
                continue
            if len(group) == 1:
                line = f"• Volet {v.volet} ({v.name}) : {label}. {why.explanation}"
            else:
                line = f"• Volets {join_fr(str(g.volet) for g in group)} : {label}s. {why.explanation}"
            lines.append(line + _your_answer(why.field, profile))
            sources.append(why.source)
        elif v.status == Verdict.ELIGIBLE:
            lines.append(f"• Volet {v.volet} ({v.name}) : {label} — tous ses critères sont remplis.")
            sources += [c.source for c in v.criteria if c.status == CriterionStatus.PASS][:1]
        else:
            todo = ", ".join(lower_first(c.label) for c in v.missing)
            collective = any(c.field == "legal_form" and c.status == CriterionStatus.PASS for c in v.criteria)
            if collective and not any(c.field == "is_network" for c in v.missing):
                # "on est une coop, on est tu admissible ?": a collective form that nothing said rules
                # out may qualify; what is left to check follows
                label += " — rien de ce que vous m'avez dit ne s'y oppose, vous pourriez y être admissible"
            lines.append(f"• Volet {v.volet} ({v.name}) : {label} ; il manque : {todo}.")
        if v.note and v.status != Verdict.NOT_ELIGIBLE:
            lines.append(f"  À noter : {v.note}")
    # a criterion may cite two documents ("a ; b"): each document once
    return lines, list(dict.fromkeys(part for s in sources if s for part in s.split(" ; ")))


def answer_hypothesis(
    dispatcher: CollectingDispatcher, tracker: Tracker, facts: Dict[str, Any], then: Optional[str] = None
) -> None:
    """The verdict for the real answers with `facts` in place ("et si on devenait une coop ?"),
    said as a hypothesis: the real answers are not changed."""
    real = _current_profile(tracker)
    hypothesis = {**real, **facts}
    result = eligibility.evaluate(hypothesis, skipped=_skipped(tracker))
    lines, sources = verdict_lines(result, hypothesis)
    what = join_facts(describe_profile(facts, article=True)) or "ce changement"
    text = (
        f"Hypothèse : {what}. Je n'ai rien changé à vos réponses.\n{CRITERIA_BASIS}, dans ce cas :\n"
        + "\n".join(lines)
        + f"\n{ADVISER_CONFIRMS}"
        + (f" {then}" if then else "")
    )
    buttons = None if then else [RESUME_BUTTON if _started(tracker) else START_BUTTON]
    say(dispatcher, text, " ; ".join(sources[:3]) or None, buttons)


def _similar_text(similar: List[Dict[str, Any]]) -> str:
    """Similar organisations, said for what they are: the programme's own cases (records without a
    report number) were supported by it; the 2017 report's cases led a digital project of their own."""
    supported = [r for r in similar if r["case"].get("number") is None]
    reported = [r for r in similar if r["case"].get("number") is not None]

    def listed(rows):
        return " ; ".join(f"{case_line(r['case'])} — {shorten(r['case']['summary'], 110)}" for r in rows)

    out = []
    if supported:
        out.append("Des organisations semblables ont été soutenues par le programme : " + listed(supported))
    if reported:
        out.append("Des organisations semblables ont mené un projet numérique : " + listed(reported))
    return "\n".join(out)


_NETWORK_STEP = re.compile(r"^verifier que votre organisation est un reseau")


def next_steps_text(volet: Dict[str, Any], profile: Dict[str, Any]) -> str:
    """What to do next for the volet that fits best: each of its steps (not "vérifier que vous êtes
    un réseau" to a network that said so), and for the financial aid its range and the filing dates
    announced, with what the sources leave out (the year)."""
    steps = [
        s for s in volet.get("how_to_start") or [] if not (profile.get("is_network") and _NETWORK_STEP.search(fold(s)))
    ]
    if len(steps) == 1:
        text = f"Prochaine étape (volet {volet['number']}) : {lower_first(steps[0])}"
    else:
        text = f"Prochaines étapes (volet {volet['number']}) : " + " ".join(
            f"{i}) {upper_first(s)}" for i, s in enumerate(steps, 1)
        )
    amount = volet.get("amount") or {}
    if amount.get("min") and amount.get("max"):
        text += f"\nMontant : de {money(amount['min'])} à {money(amount['max'])} par projet"
        text += f" ({amount['note']})." if amount.get("note") else "."
    said, _dates = answers.announced_dates(volet["number"])
    if said:
        text += f"\nDates de dépôt annoncées : {said}."
    return text


class ActionScreeningResult(KnowledgeAction):
    def name(self) -> Text:
        return "action_screening_result"

    def answer(self, dispatcher, tracker, domain):
        profile = _current_profile(tracker)
        result = eligibility.evaluate(profile, skipped=_skipped(tracker))
        lines, sources = verdict_lines(result, profile)
        say(
            dispatcher,
            f"{CRITERIA_BASIS} :\n" + "\n".join(lines) + f"\n{result.validation_note}",
            " ; ".join(sources[:3]) or None,
        )

        fitting = [v for v in result.volets if v.status == Verdict.ELIGIBLE]
        best = max(fitting, key=lambda v: v.volet, default=None)  # the most specific volet that fits
        if best is not None:
            volet = lookup.volet(best.volet)
            similar = cases.similar_to(profile, limit=2)
            text = next_steps_text(volet, profile)
            if similar:
                text += "\n" + _similar_text(similar)
            buttons = [
                button("Être contacté par un conseiller", "/request_contact"),
                button("Voir d'autres exemples", "/ask_cases"),
            ]
            if not result.complete:
                buttons.insert(0, button("Reprendre les questions", "/start_screening"))
            say(dispatcher, text, cite_many([volet] + [r["case"] for r in similar]), buttons)
        elif result.complete:
            who = lookup.adviser()
            text = "Le programme ne semble pas vous convenir."
            if who:
                text += f" {upper_first(adviser_of(who))} peut vous orienter vers d'autres ressources."
            say(dispatcher, text, who["citation"] if who else None, [button("Qui contacter ?", "/ask_contact")])
        else:
            dispatcher.utter_message(
                text="Il me manque des réponses pour conclure. Vous pouvez reprendre le questionnaire quand vous voulez.",
                buttons=[button("Reprendre", "/start_screening"), button("Parler à un conseiller", "/request_human")],
            )
        return [SlotSet(SCREENING_RESULT_SLOT, json.dumps(summarise(result), ensure_ascii=False))]


# "est-ce qu'on peut avoir de l'aide ?", "on est tu admissibles ?", "le programme peut-il nous aider ?",
# "y a tu de quoi pour nous ?": the visitor asks whether the programme is for them.
_ASKS_FOR_US = re.compile(
    r"admissib|eligib|\bavoir (?:de l |d l |droit|acces)|\ba(?:vons| t on| tu)? droit\b|\bdroit a\b|\bparticiper\b|"
    r"\bde quoi pour (?:nous|moi)\b|\bpour (?:nous|moi)\b|\bnous aider\b|\bm aider\b|"
    r"\bse qualifi|\bnous qualifi|\bpeut on en profiter\b|\bbeneficier\b|\bon (?:peut|pourrait) (?:tu |t il )?(?:l |y |en )?"
    r"(?:profiter|beneficier|appliquer|demander|avoir|obtenir)\b|"
    # "pourrions-nous profiter de l'accompagnement ?", "pouvons-nous en bénéficier ?"
    r"\b(?:pourrions|pouvons|pourrait on|peut on) nous (?:en |y )?(?:profiter|beneficier|appliquer)\b|\bpossible (?:d avoir|d obtenir|de participer|pour nous)\b|"
    r"\bon (?:peut|pourrait) (?:tu |t il )?l(?:avoir|obtenir)\b|"  # "on peut tu lavoir ?": the apostrophe dropped
    r"\bs applique (?:t il |t elle |tu )?(?:a|aux|pour)\b|\bc est (?:tu |t il )?pour nous\b|\bon y a (?:tu )?droit\b|"
    r"\bs adresse (?:t il |tu )?(?:aussi |meme )?(?:a|aux|pour)\b|\bcompte (?:tu |t il |t elle )?(?:comme|pour)\b|"
    r"\bconsidere\w*\b|\bvise\w*\b|\bfait (?:tu |t on |t il )?partie\b|\bconvien\w*\b|\bcorrespond\w*\b|"
    r"\bquels? volets?\b|\b(?:ouvert|accessible|disponible)s? (?:aux|a|pour)\b|"
    r"\b(?:peut|pourrait|pourrions|pouvons|peux|pourrais) (?:tu |t on |t il )?(?:nous )?etre (?:accompagn|aide|soutenu|financ)\w*|"
    # "est-ce que les mutuelles ont accès au programme ?", "pourrions-nous obtenir de l'aide ?",
    # "c'est tu possible davoir de l'aide", "pouvons-nous déposer un projet ?"
    r"\bacces (?:au|aux|a) (?:programme|volets?|aide|financement|soutien)\b|"
    r"\b(?:obtenir|avoir|recevoir) (?:de l ?aide|du soutien|un soutien|une aide|de l accompagnement|du financement)\b|"
    r"\bpossible (?:d ?avoir|d ?obtenir)\b|\b(?:pouvons|pourrions) nous deposer\b|"
    # "on reçoit des subventions de la ville, ça pose tu problème ?"
    r"\b(?:ca|cela) (?:pose|poserait|cause|causerait) (?:tu |t il )?(?:un )?(?:probleme|obstacle)\b|"
    # "est-ce que le fait de recevoir une subvention d'Emploi-Québec pose problème ?"
    r"\bpose (?:t il |tu )?(?:un )?probleme\b|"
    # "la ville nous subventionne mais siège pas au CA, ça nous bloque tu ?"
    r"\b(?:ca|cela) (?:nous )?(?:bloque|bloquerait|empeche|empecherait|disqualifie\w*|exclut|exclurait) (?:tu |t il )?\b|"
    r"\best ce (?:que c est )?un (?:probleme|obstacle)\b|"
    # in English: "does your program cover mutuals?", "can we get help from the program?"
    r"\b(?:covers?|qualify|apply)\b|\bcan (?:we|i) (?:get|have|receive|join)\b"
)
# Words that ask whether an organisation qualifies, of whatever organisation ("ça passe tu ?",
# "peut-elle participer ?", "ça compte tu comme économie sociale ?"; not "fait partie des critères").
_VERDICT_ASKED = re.compile(
    r"\badmissib|\beligib|\bca passe\b|\bpasse tu\b|\bparticip|\bembarqu|\ba droit\b|\bont droit\b|"
    r"\bqualifi|\b(?:avoir|obtenir) (?:le|du|de l) (?:programme|aide|accompagnement)\b|"
    r"\b(?:considere\w*|compte\w*) (?:tu |t il |t elle )?comme\b|\bfait (?:tu |t il )?partie\b(?! des criteres)"
)


def asks_a_verdict(text: str) -> bool:
    return bool(_VERDICT_ASKED.search(fold(text or "")))


# The visitor speaks of their own organisation ("on est", "nous sommes", "notre coop", "je dirige").
_FIRST_PERSON = re.compile(r"\b(?:on|nous|notre|nos|je|j|mon|ma|mes|we|our|i|my|us)\b")


def asks_for_someone(text: str) -> bool:
    """A question whether the programme is for some organisation ("s'applique-t-il aux mutuelles ?"),
    whoever that is."""
    return bool(_ASKS_FOR_US.search(fold(text or "")))


# "si on ferme la coop, on fait quoi avec ce qui reste ? ça fait tu partie des critères ?": whether
# something is one of the criteria, not whether the programme is for us
_ASKS_IF_CRITERION = re.compile(
    r"\b(?:fait|font) (?:tu |t il |t elle |t ils )?partie des (?:criteres|conditions|regles|exigences)\b|"
    r"\b(?:c est|est ce) (?:tu |que c est )?(?:un|une) (?:critere|condition|exigence)\b|\bdans les criteres\b"
)


def asks_about_us(text: str) -> bool:
    """A question whether the programme is for the visitor's own organisation."""
    folded = fold(text or "")
    if _ASKS_IF_CRITERION.search(folded):
        return False
    return asks_for_someone(text) and bool(_FIRST_PERSON.search(folded))


def only_a_need(text: str, facts: "Facts") -> bool:
    """ "le numérique peut-il nous aider pour nos assemblées ?": what digital tools do for something,
    asked with nothing said of who the organisation is (a need, a sector, a fact read in passing):
    not a question whether the programme is for them."""
    who = (set(facts.changes) | set(facts.same)) - {"needs", "sector", *INCIDENTAL_FIELDS}
    return answers.asks_what_digital_does(text) and not who


_SECTORAL_ASSOCIATION = re.compile(r"\bassociations? sectorielles?\b")


def named_identity(text: str) -> Dict[str, Any]:
    """The legal form or excluded category a message names in words the NLU may not have tagged
    ("je suis dans un syndicat"), negated ones aside: {field: value}."""
    found: Dict[str, Any] = {}
    negated = negated_options(text)
    # ("peut-elle participer comme une coop ?": the form it is compared with is not its own; "une
    # association sectorielle" names a network, not the legal form "association")
    text = _SECTORAL_ASSOCIATION.sub(" ", LIKE_A_PHRASE.sub(" ", fold(text)))
    for field in ("org_category", "legal_form"):
        kind = vocabulary.FIELD_KINDS[field]
        values = [v for v in vocabulary.find_all(kind, text) if v not in (negated.get(field) or ())]
        if values:
            found[field] = values[0]
    return found


def preliminary_answer(
    dispatcher: CollectingDispatcher, tracker: Tracker, facts: "Facts", extra: Optional[Dict[str, Any]] = None
) -> List[EventType]:
    """ "On est une coop de travail à Rimouski, on peut avoir de l'aide ?": the verdict per volet for
    what is known so far (the slots and this message), said as such, with what is still missing;
    then the offer to check the rest. The facts are noted; the screening does not start by itself.
    `extra`: facts read from the text that the NLU did not tag (named_identity)."""
    changes = {**(extra or {}), **facts.changes}
    profile = {**_current_profile(tracker), **{k: v for k, v in changes.items() if v is not None}}
    result = eligibility.evaluate(profile, skipped=_skipped(tracker))
    lines, sources = verdict_lines(result, profile)
    known = join_facts(describe_profile(profile))
    lead = f"D'après ce que vous m'avez dit ({known}), et " if known else "Et "
    parts = []
    if facts.corrected:
        parts.append(_correction_line(facts.corrected))
    parts.append(f"{lead}{lower_first(CRITERIA_BASIS)} :\n" + "\n".join(lines))
    # "la ville nous subventionne mais siège pas au CA, ça nous bloque tu ?": what this message said
    # and passes, explained (it is what was asked about)
    passed = list(
        {
            c.id: c
            for v in result.volets
            for c in v.criteria
            if c.status == CriterionStatus.PASS and c.field in facts.changes and c.explanation
        }.values()
    )
    if passed and not any(v.status == Verdict.NOT_ELIGIBLE for v in result.volets if v.volet != 3):
        parts.append("Sur ce que vous venez de dire : " + " ".join(lower_first(c.explanation) for c in passed[:2]))
        sources += [c.source for c in passed[:2] if c.source and c.source not in sources]
    offer = RESUME_BUTTON if _started(tracker) else START_BUTTON
    if not result.complete and any(v.status == Verdict.UNKNOWN for v in result.volets):
        parts.append("Je peux vérifier ce qui manque en quelques questions. " + ADVISER_CONFIRMS)
        buttons = [offer, button("Non merci", "/deny")]
    else:
        parts.append(ADVISER_CONFIRMS)
        buttons = [button("Comment commencer ?", "/ask_how_to_start"), button("Qui contacter ?", "/ask_contact")]
    say(dispatcher, "\n".join(parts), " ; ".join(sources[:3]) or None, buttons)
    return [SlotSet(k, v) for k, v in changes.items()]


def _rules_out(tracker: Tracker, changes: Dict[str, Any]) -> bool:
    """Whether a fact just stated rules out the volets open to a single enterprise ("on vend rien",
    "les actifs vont aux fondateurs", "on est un syndicat"): the visitor is told so at once with the
    verdict, not only "Noté" (not "pas une fédération", which rules out only the volet 3)."""
    if not changes:
        return False
    profile = {**_current_profile(tracker), **{k: v for k, v in changes.items() if v is not None}}
    result = eligibility.evaluate(profile, skipped=_skipped(tracker))
    return any(c.field in changes for c in result.volet(1).decisive)


class ActionNoteProfile(KnowledgeAction):
    """Facts about the organisation stated outside the screening ("on est une coop au Saguenay"):
    noted in the slots, said back, and the screening offered — not started. A hypothesis ("si on
    était une fédération") gets its verdict instead, and changes nothing."""

    def name(self) -> Text:
        return "action_note_profile"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        if is_hypothetical(text):
            facts = extract_profile(tracker.latest_message)
            if facts:
                answer_hypothesis(dispatcher, tracker, facts)
                return [SlotSet(SCREENING_HYPOTHESIS_SLOT, facts)]
        facts = Facts(tracker, None)
        changes = facts.changes
        offer = RESUME_BUTTON if _started(tracker) else START_BUTTON
        parts = []
        if facts.corrected:
            parts.append(_correction_line(facts.corrected))
        about_us = asks_about_us(text) and not only_a_need(text, facts)
        if (
            (about_us and (facts.changes or facts.same or _current_profile(tracker)))
            or (facts.changes and _verdict_given(tracker))
            or _rules_out(tracker, facts.changes)
        ):
            # "mais on est un OBNL pourtant ?" after a verdict: the verdict again, with what changed
            if facts.corrected:
                dispatcher.utter_message(text=_correction_line(facts.corrected))
            return preliminary_answer(dispatcher, tracker, facts)
        noted = describe_profile({**facts.same, **facts.new})
        if noted:
            parts.append(f"Noté : {join_facts(noted)}.")
        start = _action_named("action_how_to_start") if answers.asks_how_to_start(text) else None
        if start is not None and answers.step_after(text) is None:
            # "on est une coop de travail, par où on commence ?": the first steps (not a case whose
            # text says it "a commencé un virage"), then the facts are noted
            events = start.answer(dispatcher, tracker, domain) or []
            return events + [SlotSet(k, v) for k, v in changes.items()]
        if answers.looks_like_question(text) or not parts:
            # "les coops du commerce de détail investissent dans quoi ?" names a sector but asks a
            # question: the knowledge base answers it (the facts are still noted, silently).
            # (retrieval's own order first: "on peut tu distribuer nos profits ?" asks the rule)
            replies = retrieval_first(text, tracker)
            if not replies:
                reply = answers.any_answer(text, answers.context_of(tracker.current_slot_values()))
                replies = [reply] if reply is not None else []
            if replies:
                return emit(dispatcher, replies, text) + [SlotSet(k, v) for k, v in changes.items()]
            # "Nous sommes une coop à Chicoutimi. Par où commencer ?": the question the model read
            # second (after the facts) is answered by its own action, then the facts are noted
            asked = _question_action(tracker)
            if asked is not None:
                events = asked.answer(dispatcher, tracker, domain) or []
                return events + [SlotSet(k, v) for k, v in changes.items()]
        if not parts:
            dispatcher.utter_message(
                text="Je n'ai rien relevé de précis sur votre organisation dans ce message. "
                "Voulez-vous que je vérifie votre admissibilité, ou avez-vous une question ?",
                buttons=[offer, button("Ce que je peux faire", "/ask_capabilities")],
            )
            return [SlotSet(k, v) for k, v in changes.items()]
        if offer is RESUME_BUTTON:
            parts.append("Voulez-vous reprendre le questionnaire d'admissibilité là où il en était ?")
        else:
            parts.append(
                "Voulez-vous que je vérifie votre admissibilité ? Je ne poserai que les questions qui manquent."
            )
        dispatcher.utter_message(text=" ".join(parts), buttons=[offer, button("Non merci", "/deny")])
        return [SlotSet(k, v) for k, v in changes.items()]


# The question intents whose action answers a question asked beside facts (data/rules/answers.yml;
# tests/actions/test_dialogue_repairs.py checks the pairs against the rules).
QUESTION_INTENT_ACTIONS = {
    "ask_programme": "action_programme",
    "ask_funder": "action_funder",
    "ask_partners": "action_partners",
    "ask_volets": "action_volets",
    "ask_not_covered": "action_not_covered",
    "ask_how_to_start": "action_how_to_start",
    "ask_uptake": "action_uptake",
    "ask_envelope": "action_envelope",
    "ask_advice": "action_advice",
    "ask_cases": "action_cases",
    "ask_statistic": "action_statistic",
    "ask_amounts": "action_amounts",
    "ask_deadlines": "action_deadlines",
    "ask_contact": "action_contact",
}
# Below this, the model's second reading is a guess, not a question it saw.
SECOND_INTENT_CONFIDENT = 0.1


def _question_action(tracker: Tracker) -> Optional["KnowledgeAction"]:
    """The action of the best question intent in the model's ranking, or None."""
    for row in (tracker.latest_message or {}).get("intent_ranking") or []:
        name = QUESTION_INTENT_ACTIONS.get(row.get("name"))
        if name and float(row.get("confidence") or 0) >= SECOND_INTENT_CONFIDENT:
            return _action_named(name)
    return None


def _action_named(name: str) -> Optional["KnowledgeAction"]:
    pending = list(KnowledgeAction.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not getattr(cls, "__abstractmethods__", None) and cls().name() == name:
            return cls()
    return None


# "qu'est-ce qui nous bloque ?", "pourquoi pas ?", "il manque quoi ?" after a verdict.
_WHY_VERDICT = re.compile(
    r"\bbloqu\w*|\b(?:qu est ce qui|quoi qui|ce qui|qui) (?:manque|cloche|coince|accroche)\b|\bil (?:nous )?manque quoi\b|"
    r"\bpourquoi (?:pas|non|on (?:est|serait) pas|ne sommes nous pas|on ne)\b|\bc est quoi le (?:probleme|bobo)\b|"
    r"\bqu est ce qu il (?:nous )?manque\b|\bqu est ce qui (?:nous )?empeche\b|\bempech\w*|"
    r"\bpourtant\b|\bcomment ca (?:se fait|non)\b|^(?:mais |et )?meme si\b"  # "même si on est sans but lucratif ?"
)


def asks_why_verdict(text: str) -> bool:
    return bool(_WHY_VERDICT.search(fold(text or "")))


def _criteria_now(tracker: Tracker) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    """The profile said so far, and the criteria (by id, over every volet) it fails and leaves to check."""
    profile = _current_profile(tracker)
    result = eligibility.evaluate(profile, skipped=_skipped(tracker))
    failing: Dict[str, Any] = {}
    missing: Dict[str, Any] = {}
    for v in result.volets:
        for c in v.decisive:
            failing.setdefault(c.id, c)
        for c in v.missing:
            missing.setdefault(c.id, c)
    return profile, failing, missing


def explain_verdict(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[EventType]]:
    """After a verdict, "qu'est-ce qui nous bloque ?": each criterion that fails, with the rule, then
    what is still to be checked, with the offer to check it. None when no verdict was given."""
    if not _verdict_given(tracker):
        return None
    profile, failing, missing = _criteria_now(tracker)
    lines, sources = [], []
    if failing:
        lines.append(f"Ce qui bloque, {lower_first(CRITERIA_BASIS)} :")
        for c in failing.values():
            lines.append(f"• {c.label} : {c.explanation}{_your_answer(c.field, profile)}")
            sources.append(c.source)
    if missing:
        todo = ", ".join(lower_first(c.label) for c in missing.values())
        lines.append(f"Ce qui reste à vérifier : {todo}.")
    if not lines:
        lines.append("Rien ne bloque : d'après vos réponses, les critères connus sont remplis.")
    lines.append(ADVISER_CONFIRMS)
    buttons = (
        [RESUME_BUTTON if _started(tracker) else START_BUTTON]
        if missing
        else [button("Qui contacter ?", "/ask_contact")]
    )
    text = "\n".join(lines)
    source = " ; ".join(dict.fromkeys(part for s in sources if s for part in s.split(" ; ")))
    if source:
        text += f"\nSource : {source}"
    dispatcher.utter_message(text=text, buttons=buttons)
    return []


def verdict_follow_up(dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> Optional[List[EventType]]:
    """After a verdict: "qu'est-ce qui nous bloque ?" (explain_verdict), or "pourquoi les ventes
    comptent ?" (the rule of the criterion it names). None otherwise."""
    if asks_why_verdict(text):
        return explain_verdict(dispatcher, tracker)
    if is_hypothetical(text) and _CHANGE_OF_RULES.search(fold(text)) and _verdict_given(tracker):
        # "et si on modifie nos règlements à la prochaine AG ?" after "non admissible": what the
        # rules would have to say for what blocks today
        failing = list(_criteria_now(tracker)[1].values())
        if failing:
            lines = [f"• {c.label} : {c.explanation}" for c in failing]
            say(
                dispatcher,
                "Ce qui bloque aujourd'hui serait réglé si vos règles le prévoyaient :\n"
                + "\n".join(lines)
                + f"\nLe reste de la vérification ne change pas. {ADVISER_CONFIRMS}",
                " ; ".join(dict.fromkeys(c.source for c in failing)),
                [START_BUTTON],
            )
            return []
    if fold(text).startswith(("pourquoi", "ah bon pourquoi", "mais pourquoi")) and _verdict_given(tracker):
        rule = answers.criterion_answer(text)
        if rule is not None:
            return emit(dispatcher, [rule])
    return None


# "si on change nos règlements", "si on modifie nos statuts": the visitor's rules, changed.
_CHANGE_OF_RULES = re.compile(r"\b(?:chang\w*|modifi\w*|amend\w*|adopt\w*|corrig\w*|revis\w*|refai\w*)\b")


def _verdict_given(tracker: Tracker) -> bool:
    """A verdict per volet was said in this conversation (on what the visitor said, or at the end
    of the screening)."""
    return bool(tracker.get_slot(SCREENING_RESULT_SLOT)) or any(
        e.get("event") == "bot" and VERDICT_INTRO in str(e.get("text") or "") for e in tracker.events or []
    )


# Said once, on the visitor's thanks, when they asked whether the programme is for them and the
# verdict is still partial: the way to finish it, not a question re-asked.
FINISH_OFFER = "Si vous le voulez, je peux finir de vérifier votre admissibilité"


def _offered_to_finish(tracker: Tracker) -> bool:
    return any(e.get("event") == "bot" and FINISH_OFFER in str(e.get("text") or "") for e in tracker.events or [])


_THANKS_FIRST = re.compile(
    r"^\s*(?:(?:ok|super|parfait|genial|cool)\W+)?merci(?:\s+(?:beaucoup|bien|bcp))?\s*[.!,;]*\s*(?:(?:et|pis)\s+)?",
    re.IGNORECASE,
)


class ActionThank(KnowledgeAction):
    """ "merci": "Avec plaisir !", and — once — when a verdict given on what the visitor said is still
    partial (no screening result yet), the offer to finish it, with how many questions are left."""

    def name(self) -> Text:
        return "action_thank"

    def answer(self, dispatcher, tracker, domain):
        # "Merci. Et c'est quoi la mission de l'UTILE au juste ?": thanks, then a question
        rest = _THANKS_FIRST.sub("", latest_text(tracker), count=1).strip()
        if rest and len(rest.split()) >= 3 and answers.looks_like_question(rest):
            reply = answers.any_answer(rest, answers.context_of(tracker.current_slot_values()), loose=False)
            if reply is not None:
                dispatcher.utter_message(text="Avec plaisir !")
                return emit(dispatcher, [reply])
        profile = _current_profile(tracker)
        # facts were given (a verdict, or the offer to check, was made on them): the way to finish
        if (
            (profile or _started(tracker))
            and not tracker.get_slot(SCREENING_RESULT_SLOT)
            and not _offered_to_finish(tracker)
        ):
            result = eligibility.evaluate(profile, skipped=_skipped(tracker))
            left = len(result.missing_fields)
            if left and any(v.status == Verdict.UNKNOWN for v in result.volets):
                plural = "s" if left > 1 else ""
                dispatcher.utter_message(
                    text=f"Avec plaisir ! {FINISH_OFFER} : il reste {left} question{plural}.",
                    buttons=[RESUME_BUTTON if _started(tracker) else START_BUTTON, button("Non merci", "/deny")],
                )
                return []
        dispatcher.utter_message(response="utter_thank")
        return []


class ActionDenyOrNote(KnowledgeAction):
    """ "non" outside a question: "D'accord". But "pas une fédération non, juste nous autres" states a
    fact about the organisation: it is noted (action_note_profile), not taken for a plain no."""

    def name(self) -> Text:
        return "action_deny_or_note"

    def answer(self, dispatcher, tracker, domain):
        text = latest_text(tracker)
        if not text.startswith("/") and (extract_profile(tracker.latest_message) or negated_options(text)):
            return ActionNoteProfile().answer(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_ok_noted")
        return []


class ActionResetScreening(Action):
    """Start the screening over: forget the answers (only on an explicit restart)."""

    def name(self) -> Text:
        return "action_reset_screening"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet(s, None) for s in PROFILE_SLOTS] + [
            SlotSet(SCREENING_SKIPPED_SLOT, None),
            SlotSet(SCREENING_RESULT_SLOT, None),
            SlotSet(SCREENING_FAILURES_SLOT, None),
            SlotSet(SCREENING_HYPOTHESIS_SLOT, None),
        ]
