"""Read inputs → parse user turns with the NLU model (batched, once per unique text) →
build cards → write leads.json / leads.csv / leads.html. Bad input never stops the batch."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa

from common.contact import normalize_email, normalize_phone, phone_digits
from knowledge.db import database_url
from prescreen import cards as cards_mod
from prescreen import knowledge_glue as kg
from prescreen import writers
from prescreen.readers import DEFAULT_MAX_BYTES, Conversation, Rejected, check, conversation_from_events, read_inputs

logger = logging.getLogger(__name__)


@dataclass
class Report:
    cards: List[Dict[str, Any]] = field(default_factory=list)
    rejected: List[Rejected] = field(default_factory=list)
    paths: Dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    parse_seconds: float = 0.0
    units: int = 0
    unique_units: int = 0


# ----------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------
def tracker_store_conversations(url: Optional[str] = None) -> List[Any]:
    """Every conversation in Rasa's SQL tracker store (table `events`), one per sender_id."""
    engine = sa.create_engine(database_url(url))
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("events"):
                return [
                    Rejected(
                        "tracker store",
                        str(engine.url),
                        "aucune conversation : la table « events » du tracker store n'existe pas encore.",
                    )
                ]
            rows = conn.execute(sa.text("SELECT sender_id, data FROM events ORDER BY sender_id, id")).all()
    finally:
        engine.dispose()
    grouped: Dict[str, List[Dict[str, Any]]] = {}
    for sender, data in rows:
        try:
            grouped.setdefault(sender, []).append(json.loads(data))
        except ValueError:
            continue
    items = []
    for sender, events in grouped.items():
        conv = conversation_from_events(
            f"conversation {sender}", "tracker store", "tracker_store", events, sender_id=sender
        )
        items.append(check(conv))
    if not items:
        items.append(Rejected("tracker store", "tracker store", "aucune conversation dans le tracker store."))
    return items


def consented_leads() -> List[Dict[str, Any]]:
    try:
        from leads.store import consented_contacts

        return consented_contacts()
    except Exception as exc:  # no leads tables yet, database down: cards stay masked
        logger.warning("Fiches de contact illisibles (%s) : coordonnées masquées.", exc.__class__.__name__)
        return []


def _index_leads(leads: Iterable[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    index: Dict[str, Dict[str, Any]] = {}
    for lead in leads:
        if lead.get("sender_id"):
            index["s:" + lead["sender_id"]] = lead
        if lead.get("email"):
            index["e:" + lead["email"]] = lead
        if lead.get("phone"):
            index["p:" + phone_digits(lead["phone"])] = lead
    return index


def _lead_for(conv: Conversation, index: Dict[str, Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    if conv.sender_id and "s:" + conv.sender_id in index:
        return index["s:" + conv.sender_id]
    for email in conv.contacts.get("emails") or []:
        e = normalize_email(email)
        if e and "e:" + e in index:
            return index["e:" + e]
    for phone in conv.contacts.get("phones") or []:
        p = normalize_phone(phone)
        if p and "p:" + phone_digits(p) in index:
            return index["p:" + phone_digits(p)]
    return None


# ----------------------------------------------------------------------------------------
# run
# ----------------------------------------------------------------------------------------
def process(items: Iterable[Any], parser, leads: Optional[List[Dict[str, Any]]] = None, today=None) -> Report:
    started = time.perf_counter()
    report = Report()
    conversations: List[Conversation] = []
    for item in items:
        if isinstance(item, Rejected):
            report.rejected.append(item)
        else:
            conversations.append(item)
    all_units = []
    for conv in conversations:
        try:
            all_units.append(cards_mod.units_for(conv))
        except Exception as exc:
            all_units.append(None)
            report.rejected.append(Rejected(conv.id, conv.source, f"erreur inattendue ({exc.__class__.__name__})."))
    texts = [u.text for units in all_units if units for u in units]
    report.units = len(texts)
    report.unique_units = len(set(texts))
    t0 = time.perf_counter()
    parser.parse_many(texts)
    report.parse_seconds = time.perf_counter() - t0
    index = _index_leads(leads if leads is not None else consented_leads())
    today = today or kg.today()
    for conv, units in zip(conversations, all_units):
        if units is None:
            continue
        try:
            parses = parser.parse_many([u.text for u in units])
            report.cards.append(cards_mod.build_card(conv, units, parses, lead=_lead_for(conv, index), today=today))
        except Exception as exc:  # one bad conversation never stops the batch
            logger.exception("card failed")
            report.rejected.append(
                Rejected(
                    conv.id, conv.source, f"erreur inattendue en construisant la fiche ({exc.__class__.__name__})."
                )
            )
    report.cards = writers.sort_cards(report.cards)
    report.seconds = time.perf_counter() - started
    return report


def run(
    in_path: Optional[Path],
    out_dir: Path,
    parser,
    from_tracker: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    tracker_url: Optional[str] = None,
    today=None,
) -> Report:
    kg.check_ready()
    if in_path is None or from_tracker:
        items = tracker_store_conversations(tracker_url)
    else:
        items = list(read_inputs(in_path, max_bytes=max_bytes))
    report = process(items, parser, today=today)
    meta = {
        "generated_at": writers.now_iso(),
        "today": (today or kg.today()).isoformat(),
        "model": parser.model_path.name,
        "input": "tracker store" if (in_path is None or from_tracker) else str(in_path),
    }
    report.paths = writers.write_all(out_dir, report.cards, report.rejected, meta)
    return report
