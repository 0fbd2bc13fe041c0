"""Store API for leads: save (only with consent), look up, forget, purge.

Every function takes an optional ``engine`` (tests pass one bound to a temporary SQLite
file); by default the shared database (``DATABASE_URL`` or ``var/virage.sqlite3``).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Set

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from common import pii
from common.contact import normalize_email, normalize_phone, phone_digits
from knowledge import clock
from leads import consent as consent_mod
from leads.db import get_engine, session_scope
from leads.feedback import forget_conversations as forget_ratings
from leads.models import Consent, Lead

# Rasa's SQLTrackerStore table (same database, see rasa_server/tracker_store.py).
EVENTS_TABLE = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("data"))
_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class ConsentMissing(ValueError):
    """Raised when asked to store personal data without a recorded consent."""


@dataclass(frozen=True)
class ConsentRecord:
    given: bool
    given_at: dt.datetime
    text: str = consent_mod.CONSENT_TEXT
    version: str = consent_mod.CONSENT_VERSION
    channel: Optional[str] = None


@dataclass(frozen=True)
class SavedLead:
    id: int
    reference: str
    created: bool  # False when an earlier lead of the same conversation was updated
    expires_at: dt.datetime


def _new_reference() -> str:
    return "V-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(6))


def _clean(value: Optional[str], limit: int = 300) -> Optional[str]:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value[:limit] or None


def save_lead(
    *,
    consent: ConsentRecord,
    sender_id: Optional[str] = None,
    name: Optional[str] = None,
    organisation: Optional[str] = None,
    email: Optional[str] = None,
    phone: Optional[str] = None,
    screening_result: Any = None,
    source: str = "conversation",
    engine: Optional[Engine] = None,
) -> SavedLead:
    """Save (or update, for the same conversation) a lead with its consent.

    Raises ConsentMissing, and stores nothing, unless ``consent.given`` is true and the text
    shown is recorded. E-mail and phone must be valid (normalised here) — or None.
    """
    if not consent or consent.given is not True or not (consent.text or "").strip():
        raise ConsentMissing("Aucun renseignement personnel n'est enregistré sans consentement.")
    email_n = normalize_email(email) if email else None
    phone_n = normalize_phone(phone) if phone else None
    if email and not email_n:
        raise ValueError("Adresse courriel invalide.")
    if phone and not phone_n:
        raise ValueError("Numéro de téléphone invalide.")
    if not (email_n or phone_n):
        raise ValueError("Il faut au moins un courriel ou un numéro de téléphone.")
    if isinstance(screening_result, str):
        try:
            screening_result = json.loads(screening_result)
        except ValueError:
            screening_result = {"raw": screening_result}

    engine = engine or get_engine()
    now = clock.utcnow()
    with session_scope(engine) as session:
        lead = None
        if sender_id:
            lead = session.execute(
                sa.select(Lead).where(Lead.sender_id == sender_id).order_by(Lead.id.desc()).limit(1)
            ).scalar_one_or_none()
        created = lead is None
        if created:
            lead = Lead(reference=_new_reference(), created_at=now, source=source, sender_id=sender_id)
            session.add(lead)
        lead.updated_at = now
        lead.expires_at = now + dt.timedelta(days=consent_mod.RETENTION_DAYS)
        lead.name = _clean(name)
        lead.organisation = _clean(organisation)
        lead.email = email_n
        lead.phone = phone_n
        lead.phone_digits = phone_digits(phone_n) if phone_n else None
        lead.screening_result = screening_result
        lead.consents.append(
            Consent(
                given_at=consent.given_at.replace(microsecond=0),  # a zone, if any, goes to UTC (UtcDateTime)
                text=consent.text,
                text_sha256=consent_mod.consent_sha256(consent.text),
                version=consent.version,
                channel=consent.channel,
            )
        )
        session.flush()
        return SavedLead(lead.id, lead.reference, created, lead.expires_at)


def lead_as_dict(lead: Lead) -> Dict[str, Any]:
    return {
        "id": lead.id,
        "reference": lead.reference,
        "created_at": lead.created_at.isoformat(),
        "expires_at": lead.expires_at.isoformat(),
        "source": lead.source,
        "sender_id": lead.sender_id,
        "name": lead.name,
        "organisation": lead.organisation,
        "email": lead.email,
        "phone": lead.phone,
        "screening_result": lead.screening_result,
        "consents": [
            {
                "given_at": c.given_at.isoformat(),
                "version": c.version,
                "text_sha256": c.text_sha256,
                "text": c.text,
                "channel": c.channel,
            }
            for c in lead.consents
        ],
    }


def _find(where, engine: Optional[Engine]) -> List[Dict[str, Any]]:
    with session_scope(engine or get_engine()) as session:
        leads = session.execute(sa.select(Lead).where(where).order_by(Lead.id)).scalars().all()
        return [lead_as_dict(lead) for lead in leads]


def find_by_email(email: str, engine: Optional[Engine] = None) -> List[Dict[str, Any]]:
    email_n = normalize_email(email)
    return _find(Lead.email == email_n, engine) if email_n else []


def find_by_phone(phone: str, engine: Optional[Engine] = None) -> List[Dict[str, Any]]:
    phone_n = normalize_phone(phone)
    return _find(Lead.phone_digits == phone_digits(phone_n), engine) if phone_n else []


def find_by_sender(sender_id: str, engine: Optional[Engine] = None) -> List[Dict[str, Any]]:
    return _find(Lead.sender_id == sender_id, engine) if sender_id else []


def consented_contacts(engine: Optional[Engine] = None) -> List[Dict[str, Any]]:
    """Every lead's identifiers and contact, for the pre-screening (which only shows
    contact details that come with a recorded consent)."""
    with session_scope(engine or get_engine()) as session:
        rows = (
            session.execute(sa.select(Lead).where(Lead.expires_at > clock.utcnow()).order_by(Lead.id)).scalars().all()
        )
        return [
            {
                "reference": r.reference,
                "sender_id": r.sender_id,
                "name": r.name,
                "organisation": r.organisation,
                "email": r.email,
                "phone": r.phone,
                "consent_given_at": r.consents[-1].given_at.isoformat() if r.consents else None,
                "consent_version": r.consents[-1].version if r.consents else None,
            }
            for r in rows
            if r.consents
        ]


# --------------------------------------------------------------------------------------
# forget / purge
# --------------------------------------------------------------------------------------
@dataclass
class ForgetReport:
    criteria: Dict[str, str] = field(default_factory=dict)
    leads: List[Dict[str, Any]] = field(default_factory=list)  # reference, created_at, source
    consents: int = 0
    conversations: Dict[str, int] = field(default_factory=dict)  # sender_id -> events deleted
    tracker_store_checked: bool = True

    @property
    def total(self) -> int:
        return len(self.leads) + self.consents + sum(self.conversations.values())

    def as_dict(self) -> Dict[str, Any]:
        return {
            "criteria": self.criteria,
            "leads_deleted": self.leads,
            "consents_deleted": self.consents,
            "conversations_deleted": [{"sender_id": s, "events": n} for s, n in sorted(self.conversations.items())],
            "tracker_store_checked": self.tracker_store_checked,
        }

    def to_text(self) -> str:
        crit = ", ".join(f"{k} = {v}" for k, v in self.criteria.items()) or "—"
        if not self.total:
            return f"Rien trouvé pour {crit} : aucune donnée supprimée."
        lines = [f"Suppression pour {crit} :"]
        lines.append(
            f"- fiches de contact supprimées : {len(self.leads)}"
            + (" (" + ", ".join(l["reference"] for l in self.leads) + ")" if self.leads else "")
        )
        lines.append(f"- consentements supprimés : {self.consents}")
        n_conv = len(self.conversations)
        n_events = sum(self.conversations.values())
        lines.append(f"- conversations supprimées : {n_conv} ({n_events} événements)")
        if not self.tracker_store_checked:
            lines.append("- (aucune table de conversations dans cette base)")
        lines.append(
            "Les fichiers déjà produits par la pré-qualification (leads.json, leads.csv, "
            "rapport HTML) ne sont pas modifiés : régénérez-les ou supprimez-les."
        )
        return "\n".join(lines)


def _events_table_exists(conn) -> bool:
    return sa.inspect(conn).has_table("events")


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _delete(
    session,
    leads: Iterable[Lead],
    sender_ids: Set[str],
    report: ForgetReport,
) -> None:
    for lead in leads:
        report.leads.append(
            {"reference": lead.reference, "created_at": lead.created_at.isoformat(), "source": lead.source}
        )
        report.consents += len(lead.consents)
        if lead.sender_id:
            sender_ids.add(lead.sender_id)
        session.delete(lead)
    session.flush()
    forget_ratings(session, sender_ids)  # the visitors' 👍/👎 of those conversations (leads/feedback.py)
    conn = session.connection()
    if not _events_table_exists(conn):
        report.tracker_store_checked = False
        return
    # a conversation whose sender id was an e-mail or a phone is stored under its pseudonym
    for sender in sorted(pii.sender_ids_for(sender_ids)):
        result = session.execute(sa.delete(EVENTS_TABLE).where(EVENTS_TABLE.c.sender_id == sender))
        if result.rowcount:
            report.conversations[sender] = result.rowcount


def forget(
    *,
    email: Optional[str] = None,
    phone: Optional[str] = None,
    sender_id: Optional[str] = None,
    engine: Optional[Engine] = None,
) -> ForgetReport:
    """Delete everything held about a person: their leads (with consents) and every
    conversation of theirs in the tracker store (by sender_id, and any conversation whose
    events mention their e-mail or phone). Returns what was deleted."""
    if not (email or phone or sender_id):
        raise ValueError("Indiquez un courriel, un téléphone ou un identifiant de conversation.")
    report = ForgetReport()
    conditions = []
    needles: List[str] = []
    if email:
        email_n = normalize_email(email)
        if not email_n:
            raise ValueError(f"Adresse courriel invalide : {email!r}")
        report.criteria["courriel"] = email_n
        conditions.append(Lead.email == email_n)
        needles.append(email_n)
    if phone:
        phone_n = normalize_phone(phone)
        if not phone_n:
            raise ValueError(f"Numéro de téléphone invalide : {phone!r}")
        report.criteria["téléphone"] = phone_n
        conditions.append(Lead.phone_digits == phone_digits(phone_n))
        digits = phone_digits(phone_n)
        needles += [
            phone_n.split(" poste ")[0],
            digits,
            f"{digits[:3]} {digits[3:6]} {digits[6:]}",
            f"({digits[:3]}) {digits[3:6]}-{digits[6:]}",
            f"{digits[:3]}.{digits[3:6]}.{digits[6:]}",
        ]
    if sender_id:
        report.criteria["conversation"] = sender_id
        conditions.append(Lead.sender_id == sender_id)

    with session_scope(engine or get_engine()) as session:
        leads = session.execute(sa.select(Lead).where(sa.or_(*conditions))).scalars().all()
        sender_ids: Set[str] = {sender_id} if sender_id else set()
        sender_ids.update(n for n in needles[:2] if n)  # the e-mail or phone itself used as sender id
        conn = session.connection()
        if needles and _events_table_exists(conn):
            for needle in needles:
                rows = session.execute(
                    sa.select(EVENTS_TABLE.c.sender_id)
                    .distinct()
                    .where(EVENTS_TABLE.c.data.ilike(f"%{_like_escape(needle)}%", escape="\\"))
                ).all()
                sender_ids.update(r[0] for r in rows)
        _delete(session, leads, sender_ids, report)
    return report


def purge_expired(now: Optional[dt.datetime] = None, engine: Optional[Engine] = None) -> ForgetReport:
    """Delete leads past their retention date, with their consents and conversations."""
    now = now or clock.utcnow()
    report = ForgetReport(criteria={"conservation échue avant": now.isoformat()})
    with session_scope(engine or get_engine()) as session:
        leads = session.execute(sa.select(Lead).where(Lead.expires_at <= now)).scalars().all()
        _delete(session, leads, set(), report)
    return report
