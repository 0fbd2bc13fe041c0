"""Human names of the seed documents, used when the bot cites a source."""

from __future__ import annotations

from typing import Any, Dict, Iterable

DOCUMENTS: Dict[str, str] = {
    "000_0ef92b10f0447f44.txt": "article-bilan du programme",
    "001_5ae0865a70186054.txt": "annonce du lancement du programme",
    "002_747f9772d06c18fa.txt": "article sur le service de la CDRQ (Saguenay)",
    "003_35157ec6a9aa74aa.txt": "communiqué du CEFRIO, 2017",
    "004_f41160bf7fba2b24.txt": "rapport du CEFRIO « Économie sociale 2.0 », 2017",
}
# A chat answer names its sources "in a few words": at most this many, each with its first section.
MAX_CITED = 2


def cite(record: Dict[str, Any], full: bool = False) -> str:
    """'rapport du CEFRIO …, 2017, Chapitre 2, Cas 5' for one record dict (with `source`/`sources`).

    The short form (default) keeps the first two sources and the first part of each section;
    `full=True` gives every source with its whole section (for advisors' reports)."""
    return cite_many([record], full=full)


def cite_many(records: Iterable[Dict[str, Any]], full: bool = False, every: bool = False) -> str:
    """`every`: every source in its short form (a record whose facets come from different
    documents, like the programme's: the first two would not cite them all)."""
    seen: list[str] = []
    for rec in records:
        for s in _sources(rec):
            c = _one(s, full)
            if c not in seen:
                seen.append(c)
    return " ; ".join(seen if full or every else seen[:MAX_CITED])


def _sources(record: Dict[str, Any]):
    if record.get("source"):
        return [record["source"]]
    return list(record.get("sources") or [])


def _one(src: Dict[str, str], full: bool = False) -> str:
    title = DOCUMENTS.get(src.get("document", ""), src.get("document", "document inconnu"))
    section = src.get("section", "")
    if not full:
        section = section.split(" ; ")[0].split(" — ")[0]
    return f"{title}, {section}".rstrip(", ")
