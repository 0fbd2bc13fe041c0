"""Map what users type ("coop", "Saguenay", "progiciel de gestion") to vocabulary ids."""

from __future__ import annotations

import difflib
from typing import Dict, List, Optional

from knowledge import store
from knowledge.text import fold, phrase_pattern

# The vocabulary kinds, in the order of knowledge/sources/vocabulary.yml.
KINDS = ("legal_forms", "excluded_categories", "sectors", "size_bands", "technologies", "needs", "regions")

# The one table: a field name → the vocabulary kind its values are ids of. A field is a slot /
# profile answer (legal_form, org_category, sector, region, needs), a record field of the
# sources (cases.yml: technologies, needs, size_band; statistics.yml: technology) or an eligibility
# question's field. Singular and plural name the same kind ("need" / "needs").
FIELD_KINDS: Dict[str, str] = {
    "legal_form": "legal_forms",
    "org_category": "excluded_categories",
    "sector": "sectors",
    "region": "regions",
    "size_band": "size_bands",
    "technology": "technologies",
    "technologies": "technologies",
    "need": "needs",
    "needs": "needs",
}

# NLU entity (domain/core.yml) → the profile field its text is read into (common.profile, and the
# pre-screening that reads messages the same way). Each vocabulary entity fills the field of its
# own name, except `technology`: the profile has no technologies field, the screening asks about
# needs, so a technology named ("un ERP", "vendre en ligne") is read as the need it serves, against
# the needs vocabulary (whose synonyms name the technologies: erp, crm, vente en ligne…).
# The examples and figures still search by technology (actions.cases / actions.figures pass the
# entity's text to the case and statistics engines as a technology); only the profile reads it as a need.
ENTITY_FIELDS: Dict[str, str] = {
    "legal_form": "legal_form",
    "org_category": "org_category",
    "sector": "sector",
    "region": "region",
    "technology": "needs",
    "need": "needs",
}
# NLU entity → the vocabulary kind its text is normalised against when read into the profile.
ENTITY_KINDS: Dict[str, str] = {entity: FIELD_KINDS[field] for entity, field in ENTITY_FIELDS.items()}
# NLU entity → the vocabulary kind whose words make its lookup table (data/nlu/lookups.yml): the
# kind of the same name, so the `technology` entity is taught the technologies' words.
LOOKUP_KINDS: Dict[str, str] = {entity: FIELD_KINDS[entity] for entity in ENTITY_FIELDS}


def _kind(name: str) -> str:
    """A kind, or a field name standing for one ("legal_form" → "legal_forms")."""
    return FIELD_KINDS.get(name, name)


def entries(kind: str, **kw) -> List[Dict]:
    return store.snapshot(**kw)["vocabulary"].get(_kind(kind), [])


def _indexed(kind: str, **kw) -> List[Dict]:
    return store.snapshot(**kw)["index"]["vocab"].get(_kind(kind), [])


def label(kind: str, value: Optional[str], **kw) -> Optional[str]:
    return store.snapshot(**kw)["index"]["labels"].get(_kind(kind), {}).get(value)


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
