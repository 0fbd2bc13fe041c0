"""Human names of the seed documents, used when the bot cites a source."""
from __future__ import annotations

from typing import Any, Dict, Iterable

DOCUMENTS: Dict[str, str] = {
    "000_0ef92b10f0447f44.txt": "article sur le programme après sa première période",
    "001_5ae0865a70186054.txt": "annonce du lancement du programme",
    "002_747f9772d06c18fa.txt": "article régional sur le service de transition numérique de la CDRQ",
    "003_35157ec6a9aa74aa.txt": "communiqué du CEFRIO (juillet 2017)",
    "004_f41160bf7fba2b24.txt": "rapport du CEFRIO « Économie sociale 2.0 » (2017)",
}


def cite(record: Dict[str, Any]) -> str:
    """'rapport du CEFRIO … (2017), Chapitre 2, Cas 5' for one record dict (with `source`/`sources`)."""
    return " ; ".join(_one(s) for s in _sources(record))


def cite_many(records: Iterable[Dict[str, Any]]) -> str:
    seen: list[str] = []
    for rec in records:
        for s in _sources(rec):
            c = _one(s)
            if c not in seen:
                seen.append(c)
    return " ; ".join(seen)


def _sources(record: Dict[str, Any]):
    if record.get("source"):
        return [record["source"]]
    return list(record.get("sources") or [])


def _one(src: Dict[str, str]) -> str:
    title = DOCUMENTS.get(src.get("document", ""), src.get("document", "document inconnu"))
    return f"{title}, {src.get('section', '')}".rstrip(", ")
