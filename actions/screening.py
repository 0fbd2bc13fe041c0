"""The eligibility screening form: asks only the engine's next question, accepts free text that
fills several answers at once, lets the user skip, correct, ask something else, or stop."""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.cases import case_line
from actions.kb import KB_DOWN_MESSAGE, KnowledgeAction, latest_intent, say
from common.formatting import VERDICT_LABEL, adviser_of, button, join_fr, lower_first, shorten, upper_first
from common.profile import CHOICE_FIELDS, PROFILE_SLOTS, extract_profile, profile_from_slots
from common.slots import REQUESTED_SLOT, SCREENING_RESULT_SLOT, SCREENING_SKIPPED_SLOT, SCREENING_UNREAD_SLOT
from knowledge import cases, eligibility, lookup, vocabulary
from knowledge.documents import cite_many
from knowledge.eligibility import CriterionStatus, Evaluation, Verdict, VoletVerdict

logger = logging.getLogger(__name__)
FORM = "screening_form"
# Intents whose message can state facts about the user's organisation. Any other intent is a
# question the bot answers before coming back to the form (data/rules/screening_interruptions.yml):
# the organisation it names ("d'autres coops l'ont fait ?", "qui contacter en Gaspésie ?",
# "pis une mutuelle, c'tu admissible ?") is the question's subject, not an answer. Reading it as one
# would overwrite an answer already given and swallow the question, since the form only lets the
# question's rule run when nothing was filled. A low-confidence message (nlu_fallback) that carries
# facts is taken as an answer: during the form, that is what it most likely is.
ANSWER_INTENTS = ("inform", "affirm", "deny", "start_screening", "nlu_fallback")


def _current_profile(tracker: Tracker) -> Dict[str, Any]:
    return profile_from_slots(tracker.current_slot_values())


class ValidateScreeningForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_screening_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        """Extraction, then the next question. (rasa-sdk's default validation step would drop every
        answer that is not the next required slot, and ours lists only the next question.)

        The question is asked here rather than by an `action_ask_<slot>` action: Rasa's form calls
        this action once per turn and asks nothing itself when the domain has no ask action, so a
        screening turn costs one call to the action server instead of two (three for the message
        that opens the screening, which `action_note_profile` used to read first)."""
        events = await self.get_extraction_events(dispatcher, tracker, domain)
        tracker.add_slots(events)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        if next_slot and next_slot["value"]:
            ask_question(dispatcher, next_slot["value"])
        return events + ([next_slot] if next_slot else [])

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        """Only the engine's next question; none when every volet is decided or the rest was skipped."""
        try:
            result = eligibility.evaluate(
                _current_profile(tracker), skipped=tracker.get_slot(SCREENING_SKIPPED_SLOT) or []
            )
        except Exception as exc:
            logger.error("screening evaluation failed: %s", exc.__class__.__name__)
            return []
        nxt = result.next_question
        return [nxt.field] if nxt else []

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """Every answer the latest message gives, not only the one asked."""
        requested = tracker.get_slot(REQUESTED_SLOT)
        intent = latest_intent(tracker)
        if intent == "skip_question" and requested:
            skipped = list(tracker.get_slot(SCREENING_SKIPPED_SLOT) or [])
            return [SlotSet(SCREENING_SKIPPED_SLOT, skipped + [requested])] if requested not in skipped else []
        if intent not in ANSWER_INTENTS:
            return []
        try:
            found = extract_profile(tracker.latest_message, requested=requested)
        except Exception as exc:
            logger.error("screening extraction failed: %s", exc.__class__.__name__)
            return []
        events = [SlotSet(k, v) for k, v in found.items() if tracker.get_slot(k) != v]
        if not events and intent in ("inform", "affirm", "deny") and requested and requested not in found:
            # The user answered but we could not read it ("oui" to "which of these are you?"): say so
            # and ask again. The slot marks the turn as handled here; with no slot set, Rasa's form
            # would reject it and a rule outside the form ("oui" → what I can do) would answer too.
            choice = requested in CHOICE_FIELDS  # "oui ou non" does not answer "which of these?"
            dispatcher.utter_message(response="utter_screening_not_understood" + ("_choice" if choice else ""))
            return [SlotSet(SCREENING_UNREAD_SLOT, requested)]
        return events


def ask_question(dispatcher: CollectingDispatcher, field: str) -> None:
    """The engine's question for `field`, its answers as buttons, and a way to skip it."""
    try:
        q = eligibility.question(field)
    except Exception as exc:
        logger.error("cannot read question %s: %s", field, exc.__class__.__name__)
        dispatcher.utter_message(text=KB_DOWN_MESSAGE)
        return
    buttons = []
    for opt in q["options"]:
        if q["kind"] == "boolean":
            payload = "/affirm" if opt["value"] is True else "/deny"
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


class ActionScreeningResult(KnowledgeAction):
    def name(self) -> Text:
        return "action_screening_result"

    def answer(self, dispatcher, tracker, domain):
        profile = _current_profile(tracker)
        result = eligibility.evaluate(profile, skipped=tracker.get_slot(SCREENING_SKIPPED_SLOT) or [])
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
                lines.append(f"• Volet {v.volet} ({v.name}) : {label} ; il manque : {todo}.")
            if v.note and v.status != Verdict.NOT_ELIGIBLE:
                lines.append(f"  À noter : {v.note}")
        uniq = list(dict.fromkeys(s for s in sources if s))
        say(
            dispatcher,
            "Selon les critères publiés :\n" + "\n".join(lines) + f"\n{result.validation_note}",
            " ; ".join(uniq[:3]) or None,
        )

        fitting = [v for v in result.volets if v.status == Verdict.ELIGIBLE]
        best = max(fitting, key=lambda v: v.volet, default=None)  # the most specific volet that fits
        if best is not None:
            volet = lookup.volet(best.volet)
            step = volet["how_to_start"][0]
            similar = cases.similar_to(profile, limit=2)
            text = f"Prochaine étape : {lower_first(step)}"
            if similar:
                text += "\nDes organisations semblables l'ont fait : " + " ; ".join(
                    f"{case_line(r['case'])} — {shorten(r['case']['summary'], 110)}" for r in similar
                )
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


class ActionResetScreening(Action):
    """Start the screening over: forget the answers (only on an explicit restart)."""

    def name(self) -> Text:
        return "action_reset_screening"

    async def run(self, dispatcher, tracker, domain):
        return [SlotSet(s, None) for s in PROFILE_SLOTS] + [
            SlotSet(SCREENING_SKIPPED_SLOT, None),
            SlotSet(SCREENING_RESULT_SLOT, None),
        ]
