"""Map what users type ("coop", "Saguenay", "progiciel de gestion") to vocabulary ids."""
from __future__ import annotations

import difflib
from typing import Dict, List, Optional

from knowledge import store
from knowledge.text import fold, phrase_pattern

# Entity names used by the NLU → vocabulary kinds.
ENTITY_KINDS = {
    "legal_form": "legal_forms", "org_category": "excluded_categories", "sector": "sectors",
    "region": "regions", "technology": "technologies", "need": "needs", "size_band": "size_bands",
}


def entries(kind: str, **kw) -> List[Dict]:
    kind = ENTITY_KINDS.get(kind, kind)
    return store.snapshot(**kw)["vocabulary"].get(kind, [])


def _indexed(kind: str, **kw) -> List[Dict]:
    return store.snapshot(**kw)["index"]["vocab"].get(ENTITY_KINDS.get(kind, kind), [])


def label(kind: str, value: Optional[str], **kw) -> Optional[str]:
    return store.snapshot(**kw)["index"]["labels"].get(ENTITY_KINDS.get(kind, kind), {}).get(value)


def normalize(kind: str, text: Optional[str], fuzzy: bool = True, **kw) -> Optional[str]:
    """The id whose id/label/synonym matches `text`: exact, then contained phrase, then typo-tolerant."""
    if text is None:
        return None
    folded = fold(str(text))
    if not folded:
        return None
    items = _indexed(kind, **kw)
    for e in items:
        if e["id"] == text or folded in e["forms"]:
            return e["id"]
    found = find_all(kind, folded, **kw)
    if found:
        return found[0]
    if fuzzy and len(folded) >= 4:
        forms = {form: e["id"] for e in items for form in e["forms"] if len(form) >= 4}
        close = difflib.get_close_matches(folded, list(forms), n=1, cutoff=0.84)
        if close:
            return forms[close[0]]
    return None


def normalize_in(kind: str, value: Optional[str], text: Optional[str], **kw) -> Optional[str]:
    """`normalize(value)`, unless a longer form containing it is in `text`: the entity model may
    cut "organisme sans but lucratif" down to "but lucratif", a fragment of "a but lucratif"."""
    folded_value, folded_text = fold(value or ""), fold(text or "")
    if folded_value and folded_text:
        longer = [
            (len(form), e["id"])
            for e in _indexed(kind, **kw)
            for form in e["forms"]
            if len(form) > len(folded_value) and folded_value in form and phrase_pattern(form).search(folded_text)
        ]
        if longer:
            return max(longer)[1]
    return normalize(kind, value, **kw)


def find_all(kind: str, text: str, **kw) -> List[str]:
    """Every id with a form appearing as whole words in `text`, longest match first."""
    folded = fold(text)
    hits = []
    for e in _indexed(kind, **kw):
        best = max((n for n, pattern in e["patterns"] if pattern.search(folded)), default=0)
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
