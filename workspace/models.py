"""SQLAlchemy models of the workspace (own tables ``ws_*`` in the shared database).

Times are naive UTC, as in leads.models. The lead card itself is the pre-screening's card
(JSON, contact details already masked without consent); the columns beside it are copies of
what the list filters and sorts on, indexed, so the list never opens the JSON.

A length is declared only where the code bounds the value (statuses, verdicts, the card key it
clips to 400 characters, e-mail addresses common.contact checks): PostgreSQL refuses a longer
string where SQLite stores it, so the vocabulary's ids and labels, which no schema bounds, have none.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer
from sqlalchemy.orm import relationship

from knowledge.db import Base, CleanString, CleanText, UtcDateTime

ROLES = ("advisor", "admin")
ROLE_LABEL = {"advisor": "conseiller", "admin": "administrateur"}
STATUSES = ("new", "callback", "follow_up", "referred", "closed")
STATUS_LABEL = {
    "new": "nouveau",
    "callback": "à rappeler",
    "follow_up": "en suivi",
    "referred": "orienté",
    "closed": "fermé",
}


class Account(Base):
    __tablename__ = "ws_account"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(CleanString(254), unique=True, nullable=False)
    password_hash = Column(CleanString(255), nullable=False)
    role = Column(CleanString(16), nullable=False, default="advisor")
    # Region ids (vocabulary) whose leads an advisor sees, comma-separated; empty: all leads.
    regions = Column(CleanText, nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UtcDateTime, nullable=False)
    # Bumped on deactivation or password reset: every session cookie of the account dies.
    session_version = Column(Integer, nullable=False, default=1)


class Throttle(Base):
    """Failed logins per key ("compte:<sha256 of the e-mail>" or "ip:<address>"), no e-mail stored."""

    __tablename__ = "ws_throttle"

    key = Column(CleanString(80), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    first_failure_at = Column(UtcDateTime)
    locked_until = Column(UtcDateTime)


class WsLead(Base):
    __tablename__ = "ws_lead"

    id = Column(Integer, primary_key=True, autoincrement=True)
    key = Column(CleanString(400), unique=True, nullable=False)  # card id ("conversation <sender>", file name…)
    sender_id = Column(CleanString(255), index=True)
    input_kind = Column(CleanString(20), nullable=False)
    source = Column(CleanText)
    seen_at = Column(UtcDateTime, nullable=False, index=True)  # conversation start, or import time
    imported_at = Column(UtcDateTime, nullable=False)
    priority = Column(Integer, nullable=False, index=True)
    region = Column(CleanString, index=True)  # vocabulary id
    region_label = Column(CleanString)
    legal_form_label = Column(CleanString)
    sector_label = Column(CleanString)
    volet1 = Column(CleanString(16), index=True)
    volet2 = Column(CleanString(16), index=True)
    volet3 = Column(CleanString(16), index=True)
    consent = Column(Boolean, nullable=False, default=False, index=True)
    wants_contact = Column(Boolean, nullable=False, default=False)
    search_text = Column(CleanText, nullable=False, default="")  # folded, for « rechercher »
    status = Column(CleanString(16), nullable=False, default="new", index=True)
    assigned_to = Column(Integer, ForeignKey("ws_account.id", ondelete="SET NULL"), index=True)
    card = Column(JSON, nullable=False)
    # Turns of an imported file ([{speaker, text}]); masked unless consent. Conversations of the
    # tracker store are read from it when shown (so `forget` there removes them here too).
    turns = Column(JSON)
    notes = relationship("Note", cascade="all, delete-orphan", order_by="Note.created_at")
    history = relationship("StatusChange", cascade="all, delete-orphan", order_by="StatusChange.at")
    assignee = relationship("Account")


class Note(Base):
    __tablename__ = "ws_note"

    id = Column(Integer, primary_key=True, autoincrement=True)
    lead_id = Column(Integer, ForeignKey("ws_lead.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(Integer, ForeignKey("ws_account.id", ondelete="SET NULL"))
    created_at = Column(UtcDateTime, nullable=False)
    text = Column(CleanText, nullable=False)
    author = relationship("Account")


class StatusChange(Base):
    __tablename__ = "ws_status_change"

    id = Column(Integer, primary_key=True, autoincrement=True)
    lead_id = Column(Integer, ForeignKey("ws_lead.id", ondelete="CASCADE"), nullable=False, index=True)
    by_id = Column(Integer, ForeignKey("ws_account.id", ondelete="SET NULL"))
    at = Column(UtcDateTime, nullable=False)
    old = Column(CleanString(16))
    new = Column(CleanString(16), nullable=False)
    reason = Column(CleanText, nullable=False)
    by = relationship("Account")


class Audit(Base):
    """Who viewed, exported, changed or deleted what, and when. Never personal data of a lead:
    the target is the workspace's lead number; details are counts and status names."""

    __tablename__ = "ws_audit"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UtcDateTime, nullable=False, index=True)
    account_id = Column(Integer)  # kept after the account is deleted
    account_email = Column(CleanString(254))  # the advisor's own address (staff, not a lead)
    action = Column(CleanString(32), nullable=False, index=True)  # view, export, change, delete, login…
    target = Column(CleanString(80))
    detail = Column(CleanText)


class ImportJob(Base):
    __tablename__ = "ws_import_job"

    id = Column(Integer, primary_key=True, autoincrement=True)
    started_at = Column(UtcDateTime, nullable=False)
    finished_at = Column(UtcDateTime)
    by_id = Column(Integer)
    origin = Column(CleanString(40), nullable=False)  # "fichiers" | "conversations"
    state = Column(CleanString(16), nullable=False, default="running")  # running, done, failed
    message = Column(CleanText)
    created = Column(Integer, default=0)
    updated = Column(Integer, default=0)
    rejected = Column(JSON)  # [{id, message}]


WS_TABLES = [
    Account.__table__,
    Throttle.__table__,
    WsLead.__table__,
    Note.__table__,
    StatusChange.__table__,
    Audit.__table__,
    ImportJob.__table__,
]
