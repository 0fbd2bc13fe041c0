"""Read access to the loaded knowledge base, cached in memory per database build.

The tables are small (a few hundred rows): each engine reads them once per build, so queries
cost microseconds. The build digest is re-read at most every VIRAGE_KB_CHECK_SECONDS (default 2):
a rebuild (`make kb`) is picked up within that delay, without a query on every call.
Matching indexes (folded forms, compiled patterns) are built once per build too.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge import models
from knowledge.db import get_engine, session_scope


class KnowledgeNotBuilt(RuntimeError):
    """The database has no knowledge tables: run `make kb`."""


_lock = threading.Lock()
# database URL -> (monotonic time of the last digest check, digest, snapshot)
_cache: Dict[str, Tuple[float, str, Dict[str, Any]]] = {}


def _check_seconds() -> float:
    return float(os.environ.get("VIRAGE_KB_CHECK_SECONDS", "2"))


def _digest(session: Session) -> str:
    try:
        row = session.get(models.KbMeta, "digest")
    except Exception as exc:  # table missing, database down…
        raise KnowledgeNotBuilt(f"base de connaissances illisible : {exc.__class__.__name__}") from exc
    if row is None:
        raise KnowledgeNotBuilt("base de connaissances vide : lancez `make kb`")
    return row.value


def snapshot(session: Optional[Session] = None, engine: Optional[Engine] = None) -> Dict[str, Any]:
    """All knowledge rows as plain dicts keyed by kind, plus matching indexes. Cached per database."""
    bind = session.get_bind() if session is not None else (engine or get_engine())
    url = str(bind.url)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(url)
    if hit and now - hit[0] < _check_seconds():
        return hit[2]
    if session is None:
        with session_scope(bind) as s:
            return _refresh(s, url, hit, now)
    return _refresh(session, url, hit, now)


def _refresh(session: Session, url: str, hit, now: float) -> Dict[str, Any]:
    digest = _digest(session)
    snap = hit[2] if hit and hit[1] == digest else _load(session)
    with _lock:
        _cache[url] = (now, digest, snap)
    return snap


def _rows(session: Session, model) -> List[Dict[str, Any]]:
    return [r.data for r in session.execute(select(model)).scalars()]


def _load(session: Session) -> Dict[str, Any]:
    vocab: Dict[str, List[Dict[str, Any]]] = {}
    for e in session.execute(select(models.VocabularyEntry)).scalars():
        vocab.setdefault(e.kind, []).append(e.data)
    requirements: Dict[int, List[str]] = {}
    for r in session.execute(
        select(models.RequirementRow).order_by(models.RequirementRow.volet, models.RequirementRow.position)
    ).scalars():
        requirements.setdefault(r.volet, []).append(r.criterion_id)
    programme = _rows(session, models.ProgrammeRow)
    snap = {
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
    snap["index"] = _index(snap)
    return snap


def _index(snap: Dict[str, Any]) -> Dict[str, Any]:
    """Folded forms and compiled patterns, computed once per build instead of on every call."""
    from knowledge.text import fold, phrase_pattern

    vocab = {}
    for kind, entries in snap["vocabulary"].items():
        rows = []
        for e in entries:
            forms = [
                f
                for f in dict.fromkeys(
                    [fold(e["id"].replace("_", " ")), fold(e["label"])]
                    + [fold(x) for x in e.get("synonyms", []) + e.get("english", [])]
                )
                if f
            ]
            rows.append(
                {
                    "id": e["id"],
                    "label": e["label"],
                    "forms": forms,
                    "patterns": [(len(f), phrase_pattern(f)) for f in forms],
                }
            )
        vocab[kind] = rows
    labels = {kind: {e["id"]: e["label"] for e in entries} for kind, entries in snap["vocabulary"].items()}
    case_hay = {
        c["id"]: fold(
            " ".join([c["name"], " ".join(c.get("tags") or []), c.get("activity") or "", c.get("summary") or ""])
        )
        for c in snap["cases"]
    }
    # Prefixes (3 to 6 letters) of each label word: "vendent" matches "vente"'s "vent" family cheaply.
    stat_prefixes = {
        st["id"]: {w[:k] for w in fold(st["label"]).split() for k in range(3, 7) if len(w) >= k}
        for st in snap["statistics"]
    }
    glossary_forms: Dict[str, Dict[str, Any]] = {}
    for t in snap["glossary"]:
        for f in [t["term"], t["id"].replace("_", " ")] + list(t.get("aliases") or []):
            if fold(f):
                glossary_forms.setdefault(fold(f), t)
    glossary_patterns = sorted(
        ((len(f), phrase_pattern(f), t) for f, t in glossary_forms.items() if len(f) >= 2), key=lambda x: -x[0]
    )
    return {
        "vocab": vocab,
        "labels": labels,
        "case_hay": case_hay,
        "stat_prefixes": stat_prefixes,
        "glossary_forms": glossary_forms,
        "glossary_patterns": glossary_patterns,
    }
