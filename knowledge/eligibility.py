"""Eligibility engine: evaluate a (partial) profile against the criteria of each volet.

Per volet: `eligible` when every criterion passes (or does not apply), `not_eligible` when one
fails, `unknown` otherwise. Each criterion comes back with its status, its French explanation
and its source. `next_question` is the question that settles the most: a field that can still
decide the most undecided volets first, then the criterion's priority (exclusions first).
Unknown, skipped or malformed answers count as unknown; they never raise.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from knowledge import store, vocabulary
from knowledge.documents import cite

PASS, FAIL, UNKNOWN, NOT_APPLICABLE = "pass", "fail", "unknown", "not_applicable"
ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"
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
                kind = {"legal_form": "legal_forms", "org_category": "excluded_categories"}.get(field)
                value = vocabulary.normalize(kind, value, **kw) if kind else None
            if value in allowed:
                clean[field] = value
    # Derivations: a Québec region means the organisation is in Québec.
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


def _criterion_status(crit: Dict[str, Any], profile: Dict[str, Any]) -> str:
    for field, test in (crit.get("applies_if") or {}).items():
        if field not in profile:
            return UNKNOWN
        if not _test(test, profile[field]):
            return NOT_APPLICABLE
    if crit["field"] not in profile:
        return UNKNOWN
    return PASS if _test(crit["test"], profile[crit["field"]]) else FAIL


def _explain(crit: Dict[str, Any], status: str) -> str:
    ex = crit["explanations"]
    if status == NOT_APPLICABLE:
        return "Ce critère ne s'applique pas à votre forme juridique."
    return ex["pass" if status == PASS else status]


def evaluate(profile: Optional[Dict[str, Any]] = None, skipped: Iterable[str] = (), **kw) -> Dict[str, Any]:
    """Evaluate `profile` (field → answer). `skipped`: fields the user chose not to answer."""
    snap = store.snapshot(**kw)
    clean = clean_profile(profile, **kw)
    skipped = set(skipped or ())
    criteria = {c["id"]: c for c in snap["criteria"]}
    volets_meta = {v["number"]: v for v in snap["volets"]}

    volets: List[Dict[str, Any]] = []
    statuses: Dict[str, str] = {}
    for number, crit_ids in sorted(snap["requirements"].items()):
        rows = []
        for cid in crit_ids:
            crit = criteria[cid]
            status = statuses.setdefault(cid, _criterion_status(crit, clean))
            rows.append({"id": cid, "label": crit["label"], "field": crit["field"], "status": status,
                         "explanation": _explain(crit, status), "source": cite(crit)})
        if any(r["status"] == FAIL for r in rows):
            verdict = NOT_ELIGIBLE
        elif all(r["status"] in (PASS, NOT_APPLICABLE) for r in rows):
            verdict = ELIGIBLE
        else:
            verdict = UNKNOWN
        meta = volets_meta.get(number, {})
        volets.append({
            "volet": number, "name": meta.get("name"), "status": verdict, "criteria": rows,
            "decisive": [r for r in rows if r["status"] == FAIL],
            "missing": [r for r in rows if r["status"] == UNKNOWN],
            "note": meta.get("status_note") if verdict != NOT_ELIGIBLE else None,
        })

    ranked = _rank_questions(snap, volets, criteria, clean, skipped)
    return {
        "profile": clean,
        "volets": volets,
        "eligible_volets": [v["volet"] for v in volets if v["status"] == ELIGIBLE],
        "undecided_volets": [v["volet"] for v in volets if v["status"] == UNKNOWN],
        "next_question": ranked[0] if ranked else None,
        "missing_fields": [q["field"] for q in ranked],
        "complete": not any(v["status"] == UNKNOWN for v in volets),
        "validation_note": (snap["programme"] or {}).get("validation_note"),
    }


def _rank_questions(snap, volets, criteria, profile, skipped) -> List[Dict[str, Any]]:
    questions = {q["field"]: q for q in snap["questions"]}
    field_priority: Dict[str, int] = {}
    for c in criteria.values():
        field_priority[c["field"]] = min(field_priority.get(c["field"], 999), c["priority"])
    score: Dict[str, List] = {}
    for v in volets:
        if v["status"] != UNKNOWN:
            continue
        for row in v["missing"]:
            crit = criteria[row["id"]]
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
    for field, (n_volets, priority, crit_ids) in order:
        q = questions[field]
        out.append({"field": field, "question": q["question"], "kind": q["kind"], "options": q["options"],
                    "criteria": sorted(crit_ids), "volets_affected": n_volets, "source": cite(q)})
    return out


def criteria_for(field: str, **kw) -> List[Dict[str, Any]]:
    return [c for c in store.snapshot(**kw)["criteria"] if c["field"] == field]


def question(field: str, **kw) -> Dict[str, Any]:
    """The question that settles `field`, with its options and source."""
    for q in store.snapshot(**kw)["questions"]:
        if q["field"] == field:
            return {**q, "citation": cite(q)}
    raise KeyError(field)
