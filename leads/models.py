"""SQLAlchemy models of the leads (own tables ``leads_*`` in the shared database).

Times are naive UTC (SQLite keeps no time zone).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlalchemy.orm import relationship

# Base: the one declarative base; leads/db.py creates only LEAD_TABLES
from knowledge.db import Base, CleanString, CleanText, UtcDateTime


class Lead(Base):
    __tablename__ = "leads_lead"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(CleanString(16), unique=True, nullable=False)  # shown to the person
    created_at = Column(UtcDateTime, nullable=False)
    updated_at = Column(UtcDateTime, nullable=False)
    expires_at = Column(UtcDateTime, nullable=False, index=True)
    source = Column(CleanString(20), nullable=False, default="conversation")
    sender_id = Column(CleanString(255), index=True)  # Rasa conversation id, if any
    name = Column(CleanText)
    organisation = Column(CleanText)
    email = Column(CleanString(254), index=True)  # normalised, lower-case
    phone = Column(CleanString(40))  # normalised "514-555-1234[ poste N]"
    phone_digits = Column(CleanString(10), index=True)  # "5145551234", for look-ups
    screening_result = Column(JSON)  # the screening action's result, as it was
    consents = relationship("Consent", back_populates="lead", cascade="all, delete-orphan", order_by="Consent.given_at")


class Consent(Base):
    __tablename__ = "leads_consent"

    id = Column(Integer, primary_key=True, autoincrement=True)
    lead_id = Column(Integer, ForeignKey("leads_lead.id", ondelete="CASCADE"), nullable=False, index=True)
    given_at = Column(UtcDateTime, nullable=False)
    text = Column(CleanText, nullable=False)  # exactly what was shown
    text_sha256 = Column(CleanString(64), nullable=False)
    version = Column(CleanString(32), nullable=False)
    channel = Column(CleanString(40))
    lead = relationship("Lead", back_populates="consents")


LEAD_TABLES = [Lead.__table__, Consent.__table__]
