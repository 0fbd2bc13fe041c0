"""Map what users type ("coop", "Saguenay", "progiciel de gestion") to vocabulary ids."""
from __future__ import annotations

import difflib
from typing import Dict, List, Optional

from knowledge import store
from knowledge.text import contains_phrase, fold

# Entity names used by the NLU → vocabulary kinds.
ENTITY_KINDS = {
    "legal_form": "legal_forms", "org_category": "excluded_categories", "sector": "sectors",
    "region": "regions", "technology": "technologies", "need": "needs", "size_band": "size_bands",
}


def _forms(entry: Dict) -> List[str]:
    return [fold(entry["id"].replace("_", " ")), fold(entry["label"])] + [fold(s) for s in entry.get("synonyms", [])]


def entries(kind: str, **kw) -> List[Dict]:
    kind = ENTITY_KINDS.get(kind, kind)
    return store.snapshot(**kw)["vocabulary"].get(kind, [])


def label(kind: str, value: Optional[str], **kw) -> Optional[str]:
    for e in entries(kind, **kw):
        if e["id"] == value:
            return e["label"]
    return None


def normalize(kind: str, text: Optional[str], fuzzy: bool = True, **kw) -> Optional[str]:
    """The id whose id/label/synonym matches `text`: exact, then contained phrase, then typo-tolerant."""
    if text is None:
        return None
    folded = fold(str(text))
    if not folded:
        return None
    items = entries(kind, **kw)
    for e in items:
        if e["id"] == text or folded in _forms(e):
            return e["id"]
    found = find_all(kind, folded, **kw)
    if found:
        return found[0]
    if fuzzy and len(folded) >= 4:
        forms = {form: e["id"] for e in items for form in _forms(e) if len(form) >= 4}
        close = difflib.get_close_matches(folded, list(forms), n=1, cutoff=0.84)
        if close:
            return forms[close[0]]
    return None


def find_all(kind: str, text: str, **kw) -> List[str]:
    """Every id with a form appearing as whole words in `text`, longest match first."""
    folded = fold(text)
    hits = []
    for e in entries(kind, **kw):
        best = max((len(f) for f in _forms(e) if f and contains_phrase(folded, f)), default=0)
        if best:
            hits.append((best, e["id"]))
    return [i for _, i in sorted(hits, key=lambda h: -h[0])]


def size_band(employees: Optional[int], **kw) -> Optional[str]:
    if employees is None:
        return None
    for e in entries("size_bands", **kw):
        lo, hi = e.get("min") or 0, e.get("max")
        if employees >= lo and (hi is None or employees <= hi):
            return e["id"]
    return None
