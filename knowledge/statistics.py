"""Survey figures (CEFRIO, 2016 survey published in 2017) and sector figures of both dates."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from knowledge import store, vocabulary
from knowledge.documents import cite
from knowledge.text import fold

_PLANNED_WORDS = ("prevoi", "investi", "planifi", "compte", "intention", "futur", "prochain")
_STOP = {
    "combien",
    "quel",
    "quelle",
    "quels",
    "quelles",
    "des",
    "les",
    "une",
    "est",
    "sont",
    "qui",
    "que",
    "pour",
    "dans",
    "avec",
    "entreprises",
    "entreprise",
    "pourcentage",
    "proportion",
    "chiffre",
    "chiffres",
    "nombre",
    "ont",
    "font",
    "elles",
    "leur",
    "leurs",
    "sur",
    "pas",
    "plus",
    "ceux",
    "celles",
}


def _enrich(rec: Dict[str, Any], **kw) -> Dict[str, Any]:
    group = rec.get("group") or {}
    label = None
    if group.get("dimension") == "sector":
        label = vocabulary.label("sectors", group.get("value"), **kw)
    elif group.get("dimension") == "size":
        label = vocabulary.label("size_bands", group.get("value"), **kw)
    elif group.get("dimension") == "it_resource":
        label = "avec une ressource TI à l'interne" if group.get("value") == "with" else "sans ressource TI à l'interne"
    elif group.get("dimension") == "revenue":
        label = (
            "chiffre d'affaires de 100 000 $ et plus"
            if group.get("value") == "100kplus"
            else "chiffre d'affaires de moins de 100 000 $"
        )
    return {**rec, "group_label": label or "ensemble des répondants", "citation": cite(rec)}


def find(
    text: Optional[str] = None,
    technology: Optional[str] = None,
    topic: Optional[str] = None,
    dimension: Optional[str] = None,
    value: Optional[str] = None,
    limit: int = 5,
    **kw,
) -> List[Dict[str, Any]]:
    """Figures ranked by relevance to a question ("combien vendent en ligne ?") or to filters."""
    techs = set()
    if technology:
        t = vocabulary.normalize("technologies", technology, **kw)
        if t:
            techs.add(t)
    words: set = set()
    planned = False
    if text:
        techs.update(vocabulary.find_all("technologies", text, **kw))
        folded = fold(text)
        words = {w for w in folded.split() if len(w) >= 3 and w not in _STOP}
        planned = any(p in folded for p in _PLANNED_WORDS)
        if dimension is None:
            sector = vocabulary.find_all("sectors", text, **kw)
            if sector:
                dimension, value = "sector", sector[0]
    scored = []
    snap = store.snapshot(**kw)
    for rec in snap["statistics"]:
        if topic and rec["topic"] != topic:
            continue
        group = rec["group"]
        if dimension and (group["dimension"], group["value"]) != (dimension, value):
            if not (group["dimension"] == "total"):
                continue
        score = 0.0
        if techs and rec.get("technology") in techs:
            score += 5
        if words:
            prefixes = snap["index"]["stat_prefixes"][rec["id"]]
            score += sum(1.5 if len(w) > 5 else 1 for w in words if w[:6] in prefixes)
        if score == 0 and (techs or words):
            continue
        # Headline figures first: a sub-population ("Parmi…"), a comparison or a head-count is a detail.
        if rec["unit"] != "percent" or rec["label"].startswith(("Parmi", "Comparaison")):
            score -= 1
        if rec["topic"] == "planned_investment":
            score += 1 if planned else -1
        if dimension and (group["dimension"], group["value"]) == (dimension, value):
            score += 2
        elif group["dimension"] == "total":
            score += 1
        scored.append((score, rec))
    scored.sort(key=lambda x: (-x[0], x[1]["id"]))
    return [_enrich(r, **kw) for _, r in scored[:limit]]


def compare(profile: Dict[str, Any], technology: str, topic: str = "usage", **kw) -> Dict[str, Any]:
    """A technology's figure for the profile's sector and size group, beside all respondents."""
    tech = vocabulary.normalize("technologies", technology, **kw)
    size = profile.get("size_band") or vocabulary.size_band(profile.get("employees"), **kw)
    sector = vocabulary.normalize("sectors", profile["sector"], **kw) if profile.get("sector") else None
    out: Dict[str, Any] = {"technology": tech, "total": None, "sector": None, "size": None}
    for rec in store.snapshot(**kw)["statistics"]:
        if rec.get("technology") != tech or rec["topic"] != topic:
            continue
        g = rec["group"]
        if g["dimension"] == "total":
            out["total"] = _enrich(rec, **kw)
        elif g["dimension"] == "sector" and g["value"] == sector:
            out["sector"] = _enrich(rec, **kw)
        elif g["dimension"] == "size" and g["value"] == size:
            out["size"] = _enrich(rec, **kw)
    return out


def sector_figures(indicator: Optional[str] = None, **kw) -> List[Dict[str, Any]]:
    """Size of the social economy, every date we have, newest publication first (undated last)."""
    recs = [r for r in store.snapshot(**kw)["sector_figures"] if indicator in (None, r["indicator"])]
    recs.sort(key=lambda r: (r.get("published") is None, -(r.get("published") or 0), r["id"]))
    return [{**r, "citation": cite(r)} for r in recs]


def survey_base(**kw) -> Dict[str, Any]:
    """The survey's whole sample: its size (largest base n of an all-respondents figure) and year."""
    totals = [r for r in store.snapshot(**kw)["statistics"] if r["group"]["dimension"] == "total" and r.get("base_n")]
    best = max(totals, key=lambda r: r["base_n"])
    return {"base_n": best["base_n"], "year": best.get("year"), "citation": cite(best)}
