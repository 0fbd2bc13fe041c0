"""Submit, refuse, forget: the actions that touch stored personal data.

* ``action_submit_lead``: runs when ``contact_form`` ends. Saves the lead (with the latest
  screening result from slot ``screening_result`` and the consent: time and exact text)
  only if slot ``consent`` is true; otherwise behaves like ``action_refuse_consent``.
* ``action_refuse_consent``: consent refused or form cancelled ("arrêter"): nothing is
  stored, contact slots are emptied and the tracker store re-masks the conversation.
* ``action_forget_me``: "supprimer mes données": deletes this conversation's leads and
  its stored events, and says what was deleted.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from common import logging_privacy
from common.slots import (
    CONSENT_GIVEN_AT_SLOT,
    CONSENT_SLOT,
    CONTACT_EMAIL_SLOT,
    CONTACT_FAILURES_SLOT,
    CONTACT_NAME_SLOT,
    CONTACT_ORG_SLOT,
    CONTACT_PHONE_SLOT,
    CONTACT_SLOTS,
    DATA_DELETION_SLOT,
    LEAD_REFERENCE_SLOT,
    PRIVACY_SCRUB_SLOT,
    REQUESTED_SLOT,
    SCREENING_RESULT_SLOT,
    SKIPPED,
)
from knowledge import clock
from leads import store
from leads.consent import CONSENT_TEXT, CONSENT_VERSION

logging_privacy.install()
logger = logging.getLogger(__name__)


def _reset_contact_events(scrub: bool) -> List[Dict[Text, Any]]:
    events = [SlotSet(slot, None) for slot in CONTACT_SLOTS]
    events += [SlotSet(CONSENT_SLOT, None), SlotSet(CONSENT_GIVEN_AT_SLOT, None), SlotSet(CONTACT_FAILURES_SLOT, 0)]
    if scrub:
        events.append(SlotSet(PRIVACY_SCRUB_SLOT, clock.utcnow().isoformat()))
    return events


def _value(tracker: Tracker, slot: str):
    value = tracker.get_slot(slot)
    return None if value in (None, "", SKIPPED) else value


def _screening(tracker: Tracker) -> Any:
    raw = tracker.get_slot(SCREENING_RESULT_SLOT)
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return {"raw": raw}
    return raw


def _given_at(tracker: Tracker):
    import datetime as dt

    raw = tracker.get_slot(CONSENT_GIVEN_AT_SLOT)
    try:
        return dt.datetime.fromisoformat(raw) if raw else clock.utcnow()
    except (TypeError, ValueError):
        return clock.utcnow()


class ActionRefuseConsent(Action):
    def name(self) -> Text:
        return "action_refuse_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        cancelled_mid_form = tracker.get_slot(CONSENT_SLOT) is True
        dispatcher.utter_message(response="utter_contact_cancelled" if cancelled_mid_form else "utter_consent_refused")
        events: List[Dict[Text, Any]] = []
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        return events + _reset_contact_events(scrub=True)


class ActionSubmitLead(Action):
    def name(self) -> Text:
        return "action_submit_lead"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        if tracker.get_slot(CONSENT_SLOT) is not True:
            return await ActionRefuseConsent().run(dispatcher, tracker, domain)
        email, phone = _value(tracker, CONTACT_EMAIL_SLOT), _value(tracker, CONTACT_PHONE_SLOT)
        try:
            saved = store.save_lead(
                consent=store.ConsentRecord(
                    given=True,
                    given_at=_given_at(tracker),
                    text=CONSENT_TEXT,
                    version=CONSENT_VERSION,
                    channel=tracker.get_latest_input_channel(),
                ),
                sender_id=tracker.sender_id,
                name=_value(tracker, CONTACT_NAME_SLOT),
                organisation=_value(tracker, CONTACT_ORG_SLOT),
                email=email,
                phone=phone,
                screening_result=_screening(tracker),
            )
        except Exception as exc:  # DB down, invalid data…: nothing kept, say so
            logger.error("Enregistrement de la fiche impossible (%s).", type(exc).__name__)
            dispatcher.utter_message(response="utter_lead_save_failed")
            return _reset_contact_events(scrub=True)
        logger.info("Fiche de contact %s enregistrée.", saved.reference)
        dispatcher.utter_message(response="utter_lead_saved", lead_reference=saved.reference)
        return [SlotSet(LEAD_REFERENCE_SLOT, saved.reference)] + _reset_contact_events(scrub=False)


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict]:
        try:
            report = store.forget(sender_id=tracker.sender_id)
        except Exception as exc:
            logger.error("Suppression impossible (%s).", type(exc).__name__)
            dispatcher.utter_message(
                text="Désolé, la suppression n'a pas pu être faite à cause d'un problème technique. "
                "Réessayez dans quelques minutes ou demandez-la à la personne qui vous a contacté."
            )
            return []
        refs = ", ".join(lead["reference"] for lead in report.leads)
        if report.leads:
            what = (
                f"j'ai supprimé votre fiche de contact ({refs})"
                if len(report.leads) == 1
                else f"j'ai supprimé vos {len(report.leads)} fiches de contact ({refs})"
            )
            what += " avec votre consentement enregistré, et l'historique de cette conversation."
        else:
            what = (
                "je n'avais aucune fiche de contact liée à cette conversation ; "
                "j'ai supprimé l'historique de cette conversation."
            )
        dispatcher.utter_message(text=f"C'est fait : {what} Nous ne conservons plus rien de cet échange.")
        events: List[Dict[Text, Any]] = []
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]
        # The marker goes last: the tracker store drops every event up to it.
        return events + [AllSlotsReset(), SlotSet(DATA_DELETION_SLOT, clock.utcnow().isoformat())]
