"""SQLAlchemy models of the knowledge base.

Every table keeps the whole validated record in `data` (JSON) plus the columns the engines
filter on, and its provenance (`source_document`, `source_section`, `as_of`).

Text columns have no length: the base is rebuilt from the YAML sources, whose schema bounds no
string, and PostgreSQL enforces a VARCHAR(n) that SQLite ignores (a record citing two documents
made `make kb` fail on PostgreSQL with "value too long for type character varying(64)").
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer

from knowledge.db import Base, CleanString, CleanText  # the one declarative base (leads.models shares it)


class RecordMixin:
    id = Column(CleanString, primary_key=True)
    data = Column(JSON, nullable=False)
    source_document = Column(CleanString, nullable=False)
    source_section = Column(CleanText, nullable=False)
    as_of = Column(CleanString)


class VocabularyEntry(Base):
    __tablename__ = "kb_vocabulary"
    kind = Column(CleanString, primary_key=True)
    id = Column(CleanString, primary_key=True)
    label = Column(CleanText, nullable=False)
    synonyms = Column(JSON, nullable=False)
    data = Column(JSON, nullable=False)


class ProgrammeRow(RecordMixin, Base):
    __tablename__ = "kb_programme"


class VoletRow(RecordMixin, Base):
    __tablename__ = "kb_volets"
    number = Column(Integer, unique=True, nullable=False)


class FactRow(RecordMixin, Base):
    __tablename__ = "kb_facts"
    topic = Column(CleanString, index=True)


class PartnerRow(RecordMixin, Base):
    __tablename__ = "kb_partners"


class QuestionRow(RecordMixin, Base):
    __tablename__ = "kb_questions"
    field = Column(CleanString, unique=True, nullable=False)


class CriterionRow(RecordMixin, Base):
    __tablename__ = "kb_criteria"
    field = Column(CleanString, index=True, nullable=False)


class RequirementRow(Base):
    __tablename__ = "kb_requirements"
    volet = Column(Integer, primary_key=True)
    criterion_id = Column(CleanString, primary_key=True)
    position = Column(Integer, nullable=False)


class DeadlineRow(RecordMixin, Base):
    __tablename__ = "kb_deadlines"
    volet = Column(Integer, index=True)
    year = Column(Integer)
    month = Column(Integer, nullable=False)
    day = Column(Integer, nullable=False)
    status = Column(CleanString, nullable=False)


class CaseRow(RecordMixin, Base):
    __tablename__ = "kb_cases"
    sector = Column(CleanString, index=True)
    legal_form = Column(CleanString, index=True)
    region = Column(CleanString)
    size_band = Column(CleanString)


class StatisticRow(RecordMixin, Base):
    __tablename__ = "kb_statistics"
    topic = Column(CleanString, index=True)
    technology = Column(CleanString, index=True)
    group_dimension = Column(CleanString, index=True)
    group_value = Column(CleanString, index=True)


class SectorFigureRow(RecordMixin, Base):
    __tablename__ = "kb_sector_figures"
    indicator = Column(CleanString, index=True)


class TermRow(RecordMixin, Base):
    __tablename__ = "kb_glossary"


class AdviceRow(RecordMixin, Base):
    __tablename__ = "kb_advice"
    category = Column(CleanString, index=True)


class DigitalUseRow(RecordMixin, Base):
    __tablename__ = "kb_digital_uses"
    kind = Column(CleanString, index=True)


class UnknownRow(RecordMixin, Base):
    """unknowns.yml: a question the sources do not answer, what they say nearby, who can answer
    (`data["ask"]`: partner ids). People (`people`) live in the JSON `data` of the partner, case
    and programme rows."""

    __tablename__ = "kb_unknowns"
    topic = Column(CleanString, index=True)
    volet = Column(Integer, index=True)


class KbMeta(Base):
    __tablename__ = "kb_meta"
    key = Column(CleanString, primary_key=True)
    value = Column(CleanText, nullable=False)


# The tables the loader drops and rebuilds: only these (the base also holds the leads' tables).
KB_TABLES = [t for name, t in Base.metadata.tables.items() if name.startswith("kb_")]
