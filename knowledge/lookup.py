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


def digital_uses(kind: str, **kw) -> List[Dict[str, Any]]:
    """The records of one kind of the map of digital uses (application_field, usage_family,
    characteristic, trend), in the report's order."""
    return [r for r in store.snapshot(**kw)["digital_uses"] if r.get("kind") == kind]


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


# --- what the sources do not say (unknowns.yml) ------------------------------------------------


def _read_unknowns(session=None, engine=None) -> List[Dict[str, Any]]:
    from sqlalchemy import select

    from knowledge import models
    from knowledge.db import session_scope

    def read(s) -> List[Dict[str, Any]]:
        try:
            rows = s.execute(select(models.UnknownRow).order_by(models.UnknownRow.id)).scalars()
            return [r.data for r in rows]
        except Exception as exc:  # table missing: a base built before unknowns.yml existed
            raise store.KnowledgeNotBuilt(
                f"table kb_unknowns illisible ({exc.__class__.__name__}) : lancez `make kb`"
            ) from exc

    if session is not None:
        return read(session)
    with session_scope(engine) as s:
        return read(s)


def unknown_rows(**kw) -> List[Dict[str, Any]]:
    """unknowns.yml rows, read once per knowledge-base build (kept in the build's snapshot)."""
    snap = store.snapshot(**kw)
    rows = snap.get("unknowns")
    if rows is None:
        rows = _read_unknowns(**kw)
        snap["unknowns"] = rows  # a rebuild (new digest) makes a new snapshot, so this never goes stale
    return rows


def _partner_with_article(p: Dict[str, Any]) -> str:
    """'le CQCM', 'la CDRQ', 'les Pôles régionaux…' (the article of the record; no preposition:
    common.formatting.partner_ref builds 'du CQCM', 'auprès de la CDRQ')."""
    label = p.get("acronym") or p["name"]
    return f"l'{label}" if p["article"] == "l'" else f"{p['article']} {label}"


def _resolved_unknown(rec: Dict[str, Any], **kw) -> Dict[str, Any]:
    found = partners(rec.get("ask") or [], **kw)
    return {**rec, "citation": cite(rec), "ask_partners": found, "ask_refs": [_partner_with_article(p) for p in found]}


def unknowns(topic: Optional[str] = None, volet: Optional[int] = None, **kw) -> List[Dict[str, Any]]:
    """The questions the sources do not answer, each with `known` (what they say nearby), its
    citation, and `ask_partners` (the partner records of `ask`, in order) / `ask_refs` ('le CQCM').
    An answer reads: « Nos sources ne le précisent pas. <known> <partner> peut vous répondre. »"""
    return [
        _resolved_unknown(r, **kw)
        for r in unknown_rows(**kw)
        if (topic is None or r["topic"] == topic) and (volet is None or r.get("volet") == volet)
    ]


def unknown(unknown_id: str, **kw) -> Optional[Dict[str, Any]]:
    """One unknowns.yml record by id, partners resolved as in `unknowns`; None if no such id."""
    for r in unknown_rows(**kw):
        if r["id"] == unknown_id:
            return _resolved_unknown(r, **kw)
    return None


def match_unknown(text: str, asked: Optional[str] = None, **kw) -> Optional[Dict[str, Any]]:
    """The unknowns.yml record a question is about, by its keywords and variants ('c'est gratuit ?'
    → organisation_cost): the one whose matched phrases are longest in total; None if none matches.
    `asked`: the part of `text` just typed (the rest is what it follows, "L'autoexamen" + "c'est
    gratuit ?"): a record counts only if one of its phrases is in that part."""
    folded = fold(text)
    if not folded:
        return None
    within = fold(asked) if asked is not None else None
    best = None
    for r in unknown_rows(**kw):
        forms = {fold(f) for f in list(r.get("keywords") or []) + list(r.get("variants") or [])}
        if folded in forms:
            return _resolved_unknown(r, **kw)
        if within is not None and not any(f and contains_phrase(within, f) for f in forms):
            continue
        score = sum(len(f) for f in forms if f and contains_phrase(folded, f))
        if score and (best is None or score > best[0]):
            best = (score, r)
    return _resolved_unknown(best[1], **kw) if best else None


# --- people the sources name (`people` of partners.yml, cases.yml, programme.yml) -------------


def people(**kw) -> List[Dict[str, Any]]:
    """Every person the sources name with a role, with `holder` (kind, id, name of the partner,
    case or programme record that lists them) and a citation. A person listed on two records
    (an adviser on their partner and on the case they describe) appears twice."""
    snap = store.snapshot(**kw)
    holders = [("partner", p) for p in snap["partners"]] + [("case", c) for c in snap["cases"]]
    if snap.get("programme"):
        holders.append(("programme", snap["programme"]))
    out = []
    for kind, rec in holders:
        for person in rec.get("people") or []:
            holder = {"kind": kind, "id": rec["id"], "name": rec["name"]}
            out.append({**person, "holder": holder, "citation": cite(person)})
    return out


def person(text: str, **kw) -> Optional[Dict[str, Any]]:
    """The person a question names ('qui est Marie-Josée Paquette', 'que fait M. Éthier'): by full
    name, else by a surname only one person has. Partner records come first; `also` lists the
    other records naming the same person."""
    folded = fold(text)
    if not folded:
        return None
    everyone = people(**kw)
    hits = [p for p in everyone if contains_phrase(folded, p["name"])]
    if not hits:
        by_surname: Dict[str, set] = {}
        for p in everyone:
            surname = fold(p["name"]).split()[-1]
            by_surname.setdefault(surname, set()).add(p["name"])
        names = {
            n for s, ns in by_surname.items() if len(s) >= 4 and len(ns) == 1 and contains_phrase(folded, s) for n in ns
        }
        if len(names) != 1:
            return None
        hits = [p for p in everyone if p["name"] in names]
    hits.sort(key=lambda p: -len(p["name"]))  # the longest name named wins ('Marie-Paule …' over 'Marie …')
    first = hits[0]
    same = [p for p in everyone if p["name"] == first["name"]]
    return {**same[0], "also": [p["holder"] for p in same[1:]]}
