"""Eligibility engine: evaluate a (partial) profile against the criteria of each volet.

Per volet: `eligible` when every criterion passes (or does not apply), `not_eligible` when one
fails, `unknown` otherwise. Each criterion comes back with its status, its French explanation
and its source. `next_question` is the question that settles the most: a field that can still
decide the most undecided volets first, then the criterion's priority (exclusions first).
Unknown, skipped or malformed answers count as unknown; they never raise.

`evaluate` returns an `Evaluation` (volets as `VoletVerdict`, criteria as `CriterionResult`, the
next question as `NextQuestion`); statuses are `Verdict` / `CriterionStatus` members, which are
str and compare equal to their values ("eligible", "pass"…). `as_dict()` gives the plain dicts.
`screening_fields()` lists the fields the questions ask about, read from eligibility.yml itself.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from knowledge import loader, store, vocabulary
from knowledge.documents import cite


class _StrEnum(str, enum.Enum):
    """A str whose text is its value everywhere (str(), f-strings, JSON), on every Python version."""

    def __str__(self) -> str:
        return str(self.value)

    __format__ = str.__format__


class CriterionStatus(_StrEnum):
    """Outcome of one criterion for a profile."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"  # the answer it needs (or the one deciding whether it applies) is not known
    NOT_APPLICABLE = "not_applicable"  # its applies_if test fails (market activities of a co-operative)


class Verdict(_StrEnum):
    """Outcome of a volet: every criterion passes or does not apply, one fails, or neither yet."""

    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    field: str
    status: CriterionStatus
    explanation: str
    source: str

    def as_dict(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "field": self.field,
            "status": self.status.value,
            "explanation": self.explanation,
            "source": self.source,
        }


@dataclass(frozen=True)
class VoletVerdict:
    volet: int
    name: Optional[str]
    status: Verdict
    criteria: List[CriterionResult]
    note: Optional[str]  # the volet's status note (envelope…), unless the volet is not_eligible

    @property
    def decisive(self) -> List[CriterionResult]:
        """The failing criteria (why the volet is not_eligible)."""
        return [c for c in self.criteria if c.status == CriterionStatus.FAIL]

    @property
    def missing(self) -> List[CriterionResult]:
        """The criteria still unknown."""
        return [c for c in self.criteria if c.status == CriterionStatus.UNKNOWN]

    def as_dict(self) -> Dict[str, Any]:
        return {
            "volet": self.volet,
            "name": self.name,
            "status": self.status.value,
            "criteria": [c.as_dict() for c in self.criteria],
            "decisive": [c.as_dict() for c in self.decisive],
            "missing": [c.as_dict() for c in self.missing],
            "note": self.note,
        }


@dataclass(frozen=True)
class NextQuestion:
    field: str
    question: str
    kind: str  # "boolean" or "choice"
    options: List[Dict[str, Any]]  # {"value", "label"} as in eligibility.yml
    criteria: List[str]  # ids of the undecided criteria it settles
    volets_affected: int
    source: str

    def as_dict(self) -> Dict[str, Any]:
        return {
            "field": self.field,
            "question": self.question,
            "kind": self.kind,
            "options": self.options,
            "criteria": self.criteria,
            "volets_affected": self.volets_affected,
            "source": self.source,
        }


@dataclass(frozen=True)
class Evaluation:
    profile: Dict[str, Any]  # the answers the engine understood (clean_profile)
    volets: List[VoletVerdict]
    next_question: Optional[NextQuestion]
    missing_fields: List[str]  # every field still worth asking, best first
    validation_note: Optional[str]

    @property
    def eligible_volets(self) -> List[int]:
        return [v.volet for v in self.volets if v.status == Verdict.ELIGIBLE]

    @property
    def undecided_volets(self) -> List[int]:
        return [v.volet for v in self.volets if v.status == Verdict.UNKNOWN]

    @property
    def complete(self) -> bool:
        """Every volet is decided."""
        return not any(v.status == Verdict.UNKNOWN for v in self.volets)

    def volet(self, number: int) -> VoletVerdict:
        return next(v for v in self.volets if v.volet == number)

    def as_dict(self) -> Dict[str, Any]:
        return {
            "profile": self.profile,
            "volets": [v.as_dict() for v in self.volets],
            "eligible_volets": self.eligible_volets,
            "undecided_volets": self.undecided_volets,
            "next_question": self.next_question.as_dict() if self.next_question else None,
            "missing_fields": self.missing_fields,
            "complete": self.complete,
            "validation_note": self.validation_note,
        }


_TRUE = {"true", "oui", "yes", "vrai", "1", "o", "y"}
_FALSE = {"false", "non", "no", "faux", "0", "n"}
_UNKNOWN_WORDS = {"", "unknown", "skip", "skipped", "none_known", "je ne sais pas", "inconnu"}


def _as_bool(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def clean_profile(profile: Optional[Dict[str, Any]], **kw) -> Dict[str, Any]:
    """Keep only answers the engine understands; derive what follows from them."""
    snap = store.snapshot(**kw)
    questions = {q["field"]: q for q in snap["questions"]}
    profile = dict(profile or {})
    clean: Dict[str, Any] = {}
    for field, q in questions.items():
        raw = profile.get(field)
        if raw is None or (isinstance(raw, str) and raw.strip().lower() in _UNKNOWN_WORDS):
            continue
        if q["kind"] == "boolean":
            b = _as_bool(raw)
            if b is not None:
                clean[field] = b
        else:
            allowed = {str(o["value"]) for o in q["options"]}
            value = str(raw)
            if value not in allowed:
                kind = vocabulary.FIELD_KINDS.get(field)
                value = vocabulary.normalize(kind, value, **kw) if kind else None
            if value in allowed:
                clean[field] = value
    # Derivations: a co-operative or a mutual is, by its legal form, none of the excluded
    # categories (a union, a professional order or group, an employer group, a political party, a
    # religious organisation are other kinds of bodies); an OBNL may be one of them, so it is asked.
    if "org_category" not in clean and clean.get("legal_form") in ("cooperative", "mutual"):
        clean["org_category"] = "none"
    # A Québec region means the organisation is in Québec.
    region = profile.get("region")
    if "based_in_quebec" not in clean and region and vocabulary.normalize("regions", str(region), **kw):
        clean["based_in_quebec"] = True
    return clean


def _test(test: Dict[str, Any], value: Any) -> bool:
    if test.get("in") is not None:
        return value in test["in"]
    if test.get("not_in") is not None:
        return value not in test["not_in"]
    return value == test.get("equals")


def _criterion_status(crit: Dict[str, Any], profile: Dict[str, Any]) -> CriterionStatus:
    for field, test in (crit.get("applies_if") or {}).items():
        if field not in profile:
            return CriterionStatus.UNKNOWN
        if not _test(test, profile[field]):
            return CriterionStatus.NOT_APPLICABLE
    if crit["field"] not in profile:
        return CriterionStatus.UNKNOWN
    return CriterionStatus.PASS if _test(crit["test"], profile[crit["field"]]) else CriterionStatus.FAIL


def _explain(crit: Dict[str, Any], status: CriterionStatus) -> str:
    ex = crit["explanations"]
    if status == CriterionStatus.NOT_APPLICABLE:
        return "Ce critère ne s'applique pas à votre forme juridique."
    return ex[status.value]


def evaluate(profile: Optional[Dict[str, Any]] = None, skipped: Iterable[str] = (), **kw) -> Evaluation:
    """Evaluate `profile` (field → answer). `skipped`: fields the user chose not to answer."""
    snap = store.snapshot(**kw)
    clean = clean_profile(profile, **kw)
    skipped = set(skipped or ())
    criteria = {c["id"]: c for c in snap["criteria"]}
    volets_meta = {v["number"]: v for v in snap["volets"]}

    volets: List[VoletVerdict] = []
    statuses: Dict[str, CriterionStatus] = {}
    for number, crit_ids in sorted(snap["requirements"].items()):
        rows = []
        for cid in crit_ids:
            crit = criteria[cid]
            status = statuses.setdefault(cid, _criterion_status(crit, clean))
            rows.append(
                CriterionResult(
                    id=cid,
                    label=crit["label"],
                    field=crit["field"],
                    status=status,
                    explanation=_explain(crit, status),
                    source=cite(crit),
                )
            )
        if any(r.status == CriterionStatus.FAIL for r in rows):
            verdict = Verdict.NOT_ELIGIBLE
        elif all(r.status in (CriterionStatus.PASS, CriterionStatus.NOT_APPLICABLE) for r in rows):
            verdict = Verdict.ELIGIBLE
        else:
            verdict = Verdict.UNKNOWN
        meta = volets_meta.get(number, {})
        volets.append(
            VoletVerdict(
                volet=number,
                name=meta.get("name"),
                status=verdict,
                criteria=rows,
                note=meta.get("status_note") if verdict != Verdict.NOT_ELIGIBLE else None,
            )
        )

    ranked = _rank_questions(snap, volets, criteria, clean, skipped)
    return Evaluation(
        profile=clean,
        volets=volets,
        next_question=ranked[0] if ranked else None,
        missing_fields=[q.field for q in ranked],
        validation_note=(snap["programme"] or {}).get("validation_note"),
    )


def _rank_questions(snap, volets: List[VoletVerdict], criteria, profile, skipped) -> List[NextQuestion]:
    questions = {q["field"]: q for q in snap["questions"]}
    field_priority: Dict[str, int] = {}
    for c in criteria.values():
        field_priority[c["field"]] = min(field_priority.get(c["field"], 999), c["priority"])
    score: Dict[str, List] = {}
    for v in volets:
        if v.status != Verdict.UNKNOWN:
            continue
        for row in v.missing:
            crit = criteria[row.id]
            # Ask what decides applicability first (market activities depend on the legal form).
            pending = [f for f in (crit.get("applies_if") or {}) if f not in profile]
            field = pending[0] if pending else crit["field"]
            if field in skipped or field in profile:
                continue
            entry = score.setdefault(field, [0, 999, set()])
            entry[0] += 1
            entry[1] = min(entry[1], crit["priority"], field_priority.get(field, 999))
            entry[2].add(crit["id"])
    order = sorted(score.items(), key=lambda kv: (-kv[1][0], kv[1][1], kv[0]))
    out = []
    for field, (n_volets, _priority, crit_ids) in order:
        q = questions[field]
        out.append(
            NextQuestion(
                field=field,
                question=q["question"],
                kind=q["kind"],
                options=q["options"],
                criteria=sorted(crit_ids),
                volets_affected=n_volets,
                source=cite(q),
            )
        )
    return out


def criteria_for(field: str, **kw) -> List[Dict[str, Any]]:
    return [c for c in store.snapshot(**kw)["criteria"] if c["field"] == field]


def question(field: str, **kw) -> Dict[str, Any]:
    """The question that settles `field`, with its options and source."""
    for q in store.snapshot(**kw)["questions"]:
        if q["field"] == field:
            return {**q, "citation": cite(q)}
    raise KeyError(field)


@lru_cache(maxsize=None)
def _question_kinds(sources_dir: Optional[Path]) -> Tuple[Tuple[str, str], ...]:
    return tuple((q.field, q.kind) for q in loader.load_file("eligibility.yml", sources_dir).questions)


def screening_fields(kind: Optional[str] = None, sources_dir: Optional[Path] = None) -> Tuple[str, ...]:
    """The profile fields the screening asks about, in the order of eligibility.yml's questions;
    `kind`: only those of the "boolean" or only those of the "choice" questions.

    Read from the YAML source (validated), not from the database: the action server needs them
    when it imports, and the file is what a new question is added to."""
    return tuple(f for f, k in _question_kinds(sources_dir) if kind is None or k == kind)
