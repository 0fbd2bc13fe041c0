"""Case studies: ranked search by need, technology, sector, legal form, size, region, free text,
and by similarity to a profile. Scores are explained: each hit says why it matched."""

from __future__ import annotations

import difflib
from typing import Any, Dict, List, Optional

from knowledge import retrieval, store, vocabulary
from knowledge.documents import cite
from knowledge.text import contains_phrase, fold, phrase_pattern

WEIGHTS = {
    "technology": 3.0,
    "need": 3.0,
    "sector": 2.0,
    "legal_form": 1.5,
    "network": 1.5,
    "size_band": 1.0,
    "region": 1.0,
    "text": 0.5,
    "retrieval": 2.0,  # the case whose facets answer the question best (knowledge.retrieval), scaled
}


def _enrich(case: Dict[str, Any], **kw) -> Dict[str, Any]:
    return {
        **case,
        "citation": cite(case),
        "sector_label": vocabulary.label("sectors", case.get("sector"), **kw),
        "legal_form_label": vocabulary.label("legal_forms", case.get("legal_form"), **kw),
        "region_label": vocabulary.label("regions", case.get("region"), **kw),
    }


def search(
    need: Optional[str] = None,
    technology: Optional[str] = None,
    sector: Optional[str] = None,
    legal_form: Optional[str] = None,
    region: Optional[str] = None,
    size_band: Optional[str] = None,
    is_network: Optional[bool] = None,
    text: Optional[str] = None,
    limit: int = 3,
    **kw,
) -> List[Dict[str, Any]]:
    """Cases ranked by weighted matches; only cases matching at least one given criterion.

    Each result: the case, its score, `reasons` (what matched, in French) and `matched` (the kinds
    of criterion it matched: need, technology, sector, legal_form, region, size_band, network).

    Values may be vocabulary ids or free text ("alimentation", "progiciel"); free `text` is
    also read for any vocabulary term it contains.
    """
    wanted: Dict[str, set] = {k: set() for k in ("need", "technology", "sector", "legal_form", "region", "size_band")}
    for key, value in (
        ("need", need),
        ("technology", technology),
        ("sector", sector),
        ("legal_form", legal_form),
        ("region", region),
        ("size_band", size_band),
    ):
        for v in value if isinstance(value, (list, tuple, set)) else [value]:
            if v:
                norm = vocabulary.normalize(vocabulary.FIELD_KINDS[key], v, **kw)
                if norm:
                    wanted[key].add(norm)
    words: List[str] = []
    if text:
        for key in ("need", "technology", "sector", "legal_form", "region"):
            wanted[key].update(vocabulary.find_all(vocabulary.FIELD_KINDS[key], text, **kw))
        words = [w for w in fold(text).split() if len(w) >= 4]
    if not any(wanted.values()) and is_network is None and not words:
        return []

    results = []
    snap = store.snapshot(**kw)
    word_patterns = [(w, phrase_pattern(w)) for w in words]
    # "un organisme pour aînés qui a informatisé ses inscriptions": Sercovie's facets answer it far
    # better than a case that only shares a word or a sector
    ranked: Dict[str, float] = {}
    if text:
        for h in retrieval.search(text, kinds=("case",), k=60):
            ranked[h.record_id] = max(ranked.get(h.record_id, 0.0), h.score)
    best_ranked = max(ranked.values(), default=0.0)
    for case in snap["cases"]:
        score, reasons, matched = 0.0, [], set()
        for tech in wanted["technology"] & set(case.get("technologies") or []):
            score += WEIGHTS["technology"]
            reasons.append(f"a utilisé : {vocabulary.label('technologies', tech, **kw)}")
            matched.add("technology")
        for nd in wanted["need"] & set(case.get("needs") or []):
            score += WEIGHTS["need"]
            reasons.append(f"besoin : {vocabulary.label('needs', nd, **kw)}")
            matched.add("need")
        for key in ("sector", "legal_form", "region", "size_band"):
            if case.get(key) and case.get(key) in wanted[key]:
                score += WEIGHTS[key]
                reasons.append(vocabulary.label(vocabulary.FIELD_KINDS[key], case[key], **kw) or case[key])
                matched.add(key)
        if is_network is not None and bool(case.get("is_network")) == is_network and is_network:
            score += WEIGHTS["network"]
            reasons.append("réseau d'entreprises")
            matched.add("network")
        if words:
            hay = snap["index"]["case_hay"][case["id"]]
            hits = [w for w, pattern in word_patterns if pattern.search(hay)]
            if hits:
                score += WEIGHTS["text"] * min(len(hits), 4)
        if score > 0 and best_ranked > 0:
            score += WEIGHTS["retrieval"] * ranked.get(case["id"], 0.0) / best_ranked
        if score > 0:
            results.append(
                {"case": _enrich(case, **kw), "score": round(score, 2), "reasons": reasons, "matched": sorted(matched)}
            )
    results.sort(key=lambda r: (-r["score"], r["case"]["name"]))
    return results[:limit]


def similar_to(profile: Dict[str, Any], limit: int = 2, **kw) -> List[Dict[str, Any]]:
    """Cases closest to an organisation's profile (sector, legal form, needs, size, region, network)."""
    size = profile.get("size_band") or vocabulary.size_band(profile.get("employees"), **kw)
    return search(
        need=profile.get("needs"),
        technology=profile.get("technologies"),
        sector=profile.get("sector"),
        legal_form=profile.get("legal_form"),
        region=profile.get("region"),
        size_band=size,
        is_network=True if profile.get("is_network") is True else None,
        limit=limit,
        **kw,
    )


def get(name: str, **kw) -> Optional[Dict[str, Any]]:
    """A case by id, name or alias (typos tolerated)."""
    if not name:
        return None
    folded = fold(name)
    cases = store.snapshot(**kw)["cases"]
    forms = {}
    for c in cases:
        for f in [c["id"], c["name"]] + list(c.get("aliases") or []):
            forms[fold(f.replace("_", " "))] = c
    if folded in forms:
        return _enrich(forms[folded], **kw)
    contained = [(len(f), c) for f, c in forms.items() if len(f) >= 4 and contains_phrase(folded, f)]
    if contained:
        return _enrich(max(contained, key=lambda x: x[0])[1], **kw)
    close = difflib.get_close_matches(folded, list(forms), n=1, cutoff=0.8)
    return _enrich(forms[close[0]], **kw) if close else None


def all_cases(**kw) -> List[Dict[str, Any]]:
    return [_enrich(c, **kw) for c in store.snapshot(**kw)["cases"]]
