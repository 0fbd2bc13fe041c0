"""Read access to the loaded knowledge base, cached in memory per database build.

The tables are small (a few hundred rows): each engine reads them once per build digest, so
queries cost microseconds. A rebuild (`make kb`) changes the digest and the cache refreshes.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge import models
from knowledge.db import get_engine, session_scope


class KnowledgeNotBuilt(RuntimeError):
    """The database has no knowledge tables: run `make kb`."""


_lock = threading.Lock()
_cache: Dict[str, Dict[str, Any]] = {}


def _digest(session: Session) -> str:
    try:
        row = session.get(models.KbMeta, "digest")
    except Exception as exc:  # table missing, database down…
        raise KnowledgeNotBuilt(f"base de connaissances illisible : {exc.__class__.__name__}") from exc
    if row is None:
        raise KnowledgeNotBuilt("base de connaissances vide : lancez `make kb`")
    return row.value


def snapshot(session: Optional[Session] = None, engine: Optional[Engine] = None) -> Dict[str, Any]:
    """All knowledge rows as plain dicts, keyed by kind. Cached per (database, digest)."""
    if session is None:
        with session_scope(engine or get_engine()) as s:
            return snapshot(session=s)
    key = f"{session.get_bind().url}|{_digest(session)}"
    with _lock:
        if key in _cache:
            return _cache[key]
    snap = _load(session)
    with _lock:
        _cache.clear()  # only the newest build matters
        _cache[key] = snap
    return snap


def _rows(session: Session, model) -> List[Dict[str, Any]]:
    return [r.data for r in session.execute(select(model)).scalars()]


def _load(session: Session) -> Dict[str, Any]:
    vocab: Dict[str, List[Dict[str, Any]]] = {}
    for e in session.execute(select(models.VocabularyEntry)).scalars():
        vocab.setdefault(e.kind, []).append(e.data)
    requirements: Dict[int, List[str]] = {}
    for r in session.execute(select(models.RequirementRow).order_by(models.RequirementRow.volet,
                                                                     models.RequirementRow.position)).scalars():
        requirements.setdefault(r.volet, []).append(r.criterion_id)
    programme = _rows(session, models.ProgrammeRow)
    return {
        "vocabulary": vocab,
        "programme": programme[0] if programme else None,
        "volets": sorted(_rows(session, models.VoletRow), key=lambda v: v["number"]),
        "facts": _rows(session, models.FactRow),
        "partners": _rows(session, models.PartnerRow),
        "questions": _rows(session, models.QuestionRow),
        "criteria": _rows(session, models.CriterionRow),
        "requirements": requirements,
        "deadlines": _rows(session, models.DeadlineRow),
        "cases": _rows(session, models.CaseRow),
        "statistics": _rows(session, models.StatisticRow),
        "sector_figures": _rows(session, models.SectorFigureRow),
        "glossary": _rows(session, models.TermRow),
        "advice": _rows(session, models.AdviceRow),
        "digital_uses": _rows(session, models.DigitalUseRow),
    }
