"""Programme facts, partners, glossary and advice lookups."""

from __future__ import annotations

import difflib
from typing import Any, Dict, List, Optional

from knowledge import store, vocabulary
from knowledge.documents import cite
from knowledge.text import contains_phrase, fold


def _with_citation(rec: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return {**rec, "citation": cite(rec)} if rec else None


def programme(**kw) -> Dict[str, Any]:
    return _with_citation(store.snapshot(**kw)["programme"])


def volet(number: int, **kw) -> Optional[Dict[str, Any]]:
    for v in store.snapshot(**kw)["volets"]:
        if v["number"] == number:
            return _with_citation(v)
    return None


def volets(**kw) -> List[Dict[str, Any]]:
    return [_with_citation(v) for v in store.snapshot(**kw)["volets"]]


def facts(topic: str, **kw) -> List[Dict[str, Any]]:
    return [_with_citation(f) for f in store.snapshot(**kw)["facts"] if f["topic"] == topic]


def partner(text_or_id: str, **kw) -> Optional[Dict[str, Any]]:
    folded = fold(text_or_id)
    best = None
    for p in store.snapshot(**kw)["partners"]:
        forms = [fold(p["id"]), fold(p["name"])] + [fold(a) for a in p.get("aliases") or []]
        if folded in forms:
            return _with_citation(p)
        length = max((len(f) for f in forms if len(f) >= 3 and contains_phrase(folded, f)), default=0)
        if length and (best is None or length > best[0]):
            best = (length, p)
    return _with_citation(best[1]) if best else None


def partners(ids: Optional[List[str]] = None, **kw) -> List[Dict[str, Any]]:
    recs = store.snapshot(**kw)["partners"]
    if ids is not None:
        by_id = {p["id"]: p for p in recs}
        recs = [by_id[i] for i in ids if i in by_id]
    return [_with_citation(p) for p in recs]


# The volet whose offer is an adviser who accompanies the organisation (programme.yml, volet 2):
# its coordinator is who to refer a user to when the bot cannot help further.
ADVISER_VOLET = 2


def adviser(**kw) -> Optional[Dict[str, Any]]:
    """The partner record of the adviser the bot refers users to (coordinator of ADVISER_VOLET)."""
    return coordinator(ADVISER_VOLET, **kw)


def coordinator(volet_number: Optional[int] = None, **kw) -> Optional[Dict[str, Any]]:
    """Who to refer a user to: the partner record coordinating a volet (first of the volet's
    `coordinators`), or the programme's coordinator when no volet is given. None if the records
    do not say."""
    if volet_number is None:
        p = programme(**kw)
        ids = [p["coordinator"]] if p and p.get("coordinator") else []
    else:
        ids = (volet(volet_number, **kw) or {}).get("coordinators") or []
    found = partners(ids, **kw)
    return found[0] if found else None


def define(text: str, **kw) -> Optional[Dict[str, Any]]:
    """The glossary entry a user asks about ("c koi un crm" → CRM). Typos tolerated."""
    folded = fold(text)
    if not folded:
        return None
    index = store.snapshot(**kw)["index"]
    forms = index["glossary_forms"]
    if folded in forms:
        return _with_citation(forms[folded])
    for _, pattern, term in index["glossary_patterns"]:  # longest form first
        if pattern.search(folded):
            return _with_citation(term)
    for word in sorted(folded.split(), key=len, reverse=True):
        if len(word) < 4:
            continue
        close = difflib.get_close_matches(word, list(forms), n=1, cutoff=0.82)
        if close:
            return _with_citation(forms[close[0]])
    return None


def advice(
    category: Optional[str] = None, need: Optional[str] = None, text: Optional[str] = None, limit: int = 3, **kw
) -> List[Dict[str, Any]]:
    """Advice records, best match first: by category, need (vocabulary), or words of a question."""
    needs = set()
    if need:
        n = vocabulary.normalize("needs", need, **kw)
        if n:
            needs.add(n)
    words = set()
    if text:
        needs.update(vocabulary.find_all("needs", text, **kw))
        words = {w for w in fold(text).split() if len(w) >= 5}
        if category is None and any(w.startswith("fournisseur") or w.startswith("consultant") for w in words):
            category = "supplier"
    scored = []
    for rec in store.snapshot(**kw)["advice"]:
        if category and rec["category"] != category:
            continue
        score = 2.0 * len(needs & set(rec.get("needs") or []))
        hay = fold(" ".join([rec["title"], rec["text"], " ".join(rec.get("tags") or [])]))
        score += sum(0.5 for w in words if w in hay)
        if rec["category"] in ("advice", "supplier"):
            score += 0.25
        scored.append((score, rec))
    scored.sort(key=lambda x: -x[0])
    return [_with_citation(r) for _, r in scored[:limit]]
