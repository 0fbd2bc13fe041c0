"""Consent + contact details form (``contact_form``), validated with a way out.

Order: consent (the Law 25 notice, ``action_ask_consent``) → name → organisation →
e-mail → phone. "Non" to the consent ends the form at once and nothing is stored.
E-mail and phone are validated and normalised; at least one of them is required.

Repeated failures are counted like RasaHQ/financial-demo's CustomFormValidationAction
(slot ``contact_failures``, reset on success): 1st failure → the question again with an
example; 2nd → plus the way out ("passer" to skip this field, "arrêter" to cancel
everything); 3rd → the field is skipped if the other one can still reach the person.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import logging_privacy
from common.contact import extract_email, extract_phone
from common.slots import (
    CONSENT_GIVEN_AT_SLOT,
    CONSENT_SLOT,
    CONTACT_EMAIL_SLOT,
    CONTACT_FAILURES_SLOT,
    CONTACT_NAME_SLOT,
    CONTACT_ORG_SLOT,
    CONTACT_PHONE_SLOT,
    SKIPPED,
)
from knowledge import clock
from knowledge.text import fold_for_contact
from leads.consent import CONSENT_BUTTONS, CONSENT_TEXT

logging_privacy.install()

WAY_OUT_AFTER = 2  # failures before the way out is offered
SKIP_AFTER = 3  # failures before a skippable field is skipped for the person
SKIP_INTENTS = {"skip_question", "deny"}
_SKIP_PHRASES = {
    "passer",
    "passe",
    "je passe",
    "aucun",
    "aucune",
    "non",
    "non merci",
    "pas de courriel",
    "pas de telephone",
    "pas de cellulaire",
    "je n en ai pas",
    "je nen ai pas",
    "sans",
    "sans courriel",
    "sans telephone",
    "skip",
    "rien",
    "pas besoin",
    "prochaine question",
    "je prefere pas",
    "je prefere ne pas",
    "non je prefere pas",
}
_NAME_PREFIXES = re.compile(
    r"^(?:je m'appelle|je m’appelle|mon nom est|mon nom c'est|moi c'est|moi, c'est|c'est|ici)\s+",
    re.IGNORECASE,
)
_ORG_PREFIXES = re.compile(
    r"^(?:je travaille (?:à|a|pour|chez)|mon organisation,? c'est|notre organisation,? c'est|"
    r"l'organisation s'appelle|ça s'appelle|ca s'appelle|c'est)\s+",
    re.IGNORECASE,
)


def wants_to_skip(tracker: Tracker, text: Optional[str]) -> bool:
    intent = (tracker.latest_message or {}).get("intent", {}).get("name")
    folded = fold_for_contact(text or "")
    if "@" in folded or re.search(r"\d{3}", folded):
        return False
    return intent in SKIP_INTENTS or folded in _SKIP_PHRASES


def _clean_free_text(value: Any, prefixes: "re.Pattern[str]") -> Optional[str]:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split()).strip(" .,;:!?\"'«»")
    text = prefixes.sub("", text).strip(" .,;:!?\"'«»")
    if not text or len(text) > 120 or not re.search(r"[^\W\d_]", text):
        return None
    if "@" in text:  # an e-mail typed where a name was asked
        return None
    return text


class ActionAskConsent(Action):
    """Asks for consent with the exact Law 25 notice stored with each lead."""

    def name(self) -> Text:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        dispatcher.utter_message(text=CONSENT_TEXT, buttons=CONSENT_BUTTONS)
        return []


class ValidateContactForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_contact_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        # Consent refused: the form ends now, nothing else is asked.
        if tracker.slots.get(CONSENT_SLOT) is False:
            return [CONSENT_SLOT]
        return domain_slots

    # -- consent -------------------------------------------------------------------------
    def validate_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if value is True:
            return {CONSENT_SLOT: True, CONSENT_GIVEN_AT_SLOT: clock.utcnow().isoformat(), CONTACT_FAILURES_SLOT: 0}
        if value is False:
            return {CONSENT_SLOT: False, CONSENT_GIVEN_AT_SLOT: None}
        return {CONSENT_SLOT: None}

    # -- name and organisation --------------------------------------------------------------
    def validate_contact_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        name = _clean_free_text(value, _NAME_PREFIXES)
        if name:
            return {CONTACT_NAME_SLOT: name, CONTACT_FAILURES_SLOT: 0}
        dispatcher.utter_message(response="utter_contact_empty_answer")
        return {CONTACT_NAME_SLOT: None, **self._failed(tracker, dispatcher)}

    def validate_contact_org(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        org = _clean_free_text(value, _ORG_PREFIXES)
        if org:
            return {CONTACT_ORG_SLOT: org, CONTACT_FAILURES_SLOT: 0}
        dispatcher.utter_message(response="utter_contact_empty_answer")
        return {CONTACT_ORG_SLOT: None, **self._failed(tracker, dispatcher)}

    # -- e-mail and phone -----------------------------------------------------------------
    def validate_contact_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = value if isinstance(value, str) else ""
        if wants_to_skip(tracker, text):
            return {CONTACT_EMAIL_SLOT: SKIPPED, CONTACT_FAILURES_SLOT: 0}
        found = extract_email(text)
        if found.value:
            return {CONTACT_EMAIL_SLOT: found.value, CONTACT_FAILURES_SLOT: 0}
        failures = self._count(tracker) + 1
        if failures >= SKIP_AFTER:
            dispatcher.utter_message(response="utter_contact_field_skipped")
            return {CONTACT_EMAIL_SLOT: SKIPPED, CONTACT_FAILURES_SLOT: 0}
        dispatcher.utter_message(response="utter_invalid_email")
        if failures >= WAY_OUT_AFTER:
            dispatcher.utter_message(response="utter_contact_way_out")
        return {CONTACT_EMAIL_SLOT: None, CONTACT_FAILURES_SLOT: failures}

    def validate_contact_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = value if isinstance(value, str) else ""
        email_given = tracker.slots.get(CONTACT_EMAIL_SLOT) not in (None, SKIPPED)
        if wants_to_skip(tracker, text):
            if email_given:
                return {CONTACT_PHONE_SLOT: SKIPPED, CONTACT_FAILURES_SLOT: 0}
            dispatcher.utter_message(response="utter_contact_need_one")
            return {CONTACT_PHONE_SLOT: None}
        found = extract_phone(text)
        if found.value:
            return {CONTACT_PHONE_SLOT: found.value, CONTACT_FAILURES_SLOT: 0}
        failures = self._count(tracker) + 1
        if failures >= SKIP_AFTER and email_given:
            dispatcher.utter_message(response="utter_contact_field_skipped")
            return {CONTACT_PHONE_SLOT: SKIPPED, CONTACT_FAILURES_SLOT: 0}
        dispatcher.utter_message(response="utter_invalid_phone")
        if failures >= WAY_OUT_AFTER:
            dispatcher.utter_message(response="utter_contact_way_out" if email_given else "utter_contact_need_one")
        return {CONTACT_PHONE_SLOT: None, CONTACT_FAILURES_SLOT: failures}

    # -- failure counter --------------------------------------------------------------------
    @staticmethod
    def _count(tracker: Tracker) -> int:
        try:
            return int(tracker.slots.get(CONTACT_FAILURES_SLOT) or 0)
        except (TypeError, ValueError):
            return 0

    def _failed(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> Dict[Text, Any]:
        failures = self._count(tracker) + 1
        if failures >= WAY_OUT_AFTER:
            dispatcher.utter_message(
                text="Vous pouvez aussi répondre « arrêter » pour tout annuler (rien ne sera enregistré)."
            )
        return {CONTACT_FAILURES_SLOT: failures}
