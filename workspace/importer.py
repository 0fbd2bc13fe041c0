"""Lead cards into the workspace: the pre-screening's cards (prescreen.pipeline.process, the
bot's own NLU reading) stored as ``ws_lead`` rows, with the turns of imported files.

Runs as its own process (``python -m workspace import``), started by the page « Importer »:
loading the NLU model takes 20 to 40 s and a lot of memory, which the web process must not
pay. An existing lead (same card id) gets its new card; status, assignment and notes stay.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from common.contact import mask_contacts
from knowledge import clock, paths
from knowledge.text import fold
from leads.consent import RETENTION_DAYS
from workspace.db import get_engine, session_scope
from workspace.models import ImportJob, WsLead

logger = logging.getLogger(__name__)
MASK = "[masqué]"


def _label(card: Dict[str, Any], field: str) -> Optional[str]:
    entry = (card.get("profile") or {}).get(field) or {}
    return entry.get("label") if entry.get("value") is not None else None


def _volet(card: Dict[str, Any], number: int) -> Optional[str]:
    for v in (card.get("eligibility") or {}).get("volets") or []:
        if v.get("volet") == number:
            return v.get("status")
    return None


def search_text(card: Dict[str, Any]) -> str:
    contact = card.get("contact") or {}
    parts = [card.get("id") or ""]
    for entry in (card.get("profile") or {}).values():
        if entry.get("value") is not None:
            parts += [entry.get("label") or "", entry.get("quote") or ""]
    if contact.get("consent"):
        parts += [contact.get("name") or "", contact.get("organisation") or ""]
    return fold(" ".join(parts))[:4000]


def masked_turns(conv, consent: bool) -> List[Dict[str, str]]:
    """The conversation's turns; without consent, e-mails, phone numbers and the name and
    organisation the person typed are masked, as in the card's quotes."""
    hidden = [] if consent else [v for v in ((conv.contacts or {}).get(k) for k in ("name", "organisation")) if v]
    out = []
    for turn in conv.turns:
        text = turn.text
        if not consent:
            text = mask_contacts(text)
            for value in sorted((v for v in hidden if isinstance(v, str) and len(v) >= 3), key=len, reverse=True):
                text = text.replace(value, MASK)
        out.append({"speaker": turn.speaker, "text": text})
    return out


def tracker_start_times(engine=None) -> Dict[str, dt.datetime]:
    engine = engine or get_engine()
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("events"):
            return {}
        rows = conn.execute(sa.text("SELECT sender_id, MIN(timestamp) FROM events GROUP BY sender_id")).all()
    return {s: dt.datetime.utcfromtimestamp(t) for s, t in rows if t is not None}


def store_cards(
    cards: Iterable[Dict[str, Any]],
    conversations: Optional[Dict[str, Any]] = None,
    started: Optional[Dict[str, dt.datetime]] = None,
    engine=None,
) -> Dict[str, int]:
    """Insert or update one ws_lead per card. ``conversations``: card id → prescreen
    Conversation (files only: their turns are kept); ``started``: sender id → first event."""
    conversations, started = conversations or {}, started or {}
    now = clock.utcnow()
    counts = {"created": 0, "updated": 0}
    with session_scope(engine) as s:
        for card in cards:
            key = str(card["id"])[:400]
            lead = s.execute(sa.select(WsLead).where(WsLead.key == key)).scalar_one_or_none()
            if lead is None:
                lead = WsLead(key=key, status="new", seen_at=started.get(card.get("sender_id") or "", now))
                s.add(lead)
                counts["created"] += 1
            else:
                counts["updated"] += 1
            consent = bool((card.get("contact") or {}).get("consent"))
            profile = card.get("profile") or {}
            lead.sender_id = card.get("sender_id")
            lead.input_kind = card.get("input_kind") or "prose"
            lead.source = card.get("source")
            lead.imported_at = now
            lead.priority = int((card.get("priority") or {}).get("score") or 0)
            lead.region = (profile.get("region") or {}).get("value")
            lead.region_label = _label(card, "region")
            lead.legal_form_label = _label(card, "legal_form")
            lead.sector_label = _label(card, "sector")
            lead.volet1, lead.volet2, lead.volet3 = (_volet(card, n) for n in (1, 2, 3))
            lead.consent = consent
            lead.wants_contact = bool(card.get("wants_contact"))
            lead.search_text = search_text(card)
            lead.card = card
            conv = conversations.get(card["id"])
            if conv is not None and card.get("input_kind") != "tracker_store":
                lead.turns = masked_turns(conv, consent)
    return counts


def purge_expired(engine=None, now: Optional[dt.datetime] = None) -> int:
    """Leads past the retention period (12 months, as leads.store.purge_expired), with notes."""
    limit = (now or clock.utcnow()) - dt.timedelta(days=RETENTION_DAYS)
    with session_scope(engine) as s:
        old = s.execute(sa.select(WsLead).where(WsLead.seen_at <= limit)).scalars().all()
        for lead in old:
            s.delete(lead)
        return len(old)


def uploads_dir() -> Path:
    return paths.VAR_DIR / "workspace" / "imports"


def run_import(job_id: Optional[int], in_path: Optional[Path], from_tracker: bool, model: Optional[str] = None) -> int:
    """The worker: read the inputs, build the cards with the NLU model, store them, report in
    the job row. Files uploaded through the page (a folder under uploads_dir()) are deleted
    afterwards, as they may hold personal data; any other path given is left untouched."""
    from prescreen import knowledge_glue as kg
    from prescreen.nlu import NluParser
    from prescreen.pipeline import process, tracker_store_conversations
    from prescreen.readers import Rejected, read_inputs

    engine = get_engine()
    state, message, counts, rejected = "failed", "", {"created": 0, "updated": 0}, []
    try:
        kg.check_ready()
        items = tracker_store_conversations() if from_tracker else list(read_inputs(in_path))
        conversations = {i.id: i for i in items if not isinstance(i, Rejected)}
        parser = NluParser(model)
        try:
            report = process(items, parser)
        finally:
            parser.close()
        started = tracker_start_times(engine) if from_tracker else {}
        counts = store_cards(report.cards, conversations, started, engine)
        rejected = [{"id": r.id, "message": r.message} for r in report.rejected]
        state = "done"
        message = f"{len(report.cards)} fiche(s) lue(s), {len(rejected)} entrée(s) non traitée(s)."
    except Exception as exc:  # the job row says why; the page shows it
        logger.exception("import failed")
        message = f"Import impossible ({exc.__class__.__name__}) : {exc}"[:500]
    finally:
        if in_path is not None and not from_tracker and in_path.resolve().parent == uploads_dir().resolve():
            shutil.rmtree(in_path, ignore_errors=True)
    if job_id is not None:
        with session_scope(engine) as s:
            job = s.get(ImportJob, job_id)
            if job is not None:
                job.state, job.message, job.finished_at = state, message, clock.utcnow()
                job.created, job.updated, job.rejected = counts["created"], counts["updated"], rejected
    print(message)
    return 0 if state == "done" else 1
