"""French formatting shared by the actions: short turns, sources in a few words, buttons."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from knowledge.text import fold

SOURCE_PREFIX = "Source : "


def money(amount: Optional[float]) -> str:
    """30000 → '30 000 $' (Québec style, non-breaking thin spaces avoided for phones)."""
    if amount is None:
        return "montant non précisé"
    return f"{int(amount):,}".replace(",", " ") + " $"


def number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",")


def percent(value: float) -> str:
    return f"{number(value)} %"


def join_fr(items: Iterable[str], last: str = "et") -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def say(dispatcher: CollectingDispatcher, text: str, source: Optional[str] = None,
        buttons: Optional[List[Dict[str, str]]] = None) -> None:
    """One bot turn; a factual turn ends with where it comes from."""
    if source:
        text = f"{text}\n{SOURCE_PREFIX}{source}"
    if buttons:
        dispatcher.utter_message(text=text, buttons=buttons)
    else:
        dispatcher.utter_message(text=text)


def button(title: str, payload: str) -> Dict[str, str]:
    return {"title": title, "payload": payload}


def lower_first(text: str) -> str:
    """'Établie au Québec' → 'établie au Québec': for a label or a sentence set inside another one."""
    return text[:1].lower() + text[1:] if text else ""


def upper_first(text: str) -> str:
    """'le CQCM peut…' → 'Le CQCM peut…': a name from the records at the start of a sentence."""
    return text[:1].upper() + text[1:] if text else ""


# The partner records give a name but no grammatical gender: it is read from the name's first
# word ("Coopérative de…" → la CDRQ, "Conseil…" → le CQCM). A first word not listed here gets
# "l'organisme …", which is always correct French.
_HEAD_NOUNS = {"cooperative": "f", "federation": "f", "association": "f", "societe": "f", "corporation": "f",
               "table": "f", "caisse": "f", "chambre": "f", "conseil": "m", "chantier": "m", "consortium": "m",
               "ministere": "m", "reseau": "m", "regroupement": "m", "secretariat": "m", "poles": "p", "pole": "m"}
_ARTICLES = {  # (article, article before a vowel) after each preposition, by gender
    "": {"f": ("la ", "l'"), "m": ("le ", "l'"), "p": ("les ", "les ")},
    "de": {"f": ("de la ", "de l'"), "m": ("du ", "de l'"), "p": ("des ", "des ")},
    "à": {"f": ("à la ", "à l'"), "m": ("au ", "à l'"), "p": ("aux ", "aux ")},
    "auprès de": {"f": ("auprès de la ", "auprès de l'"), "m": ("auprès du ", "auprès de l'"),
                  "p": ("auprès des ", "auprès des ")},
}


def partner_ref(partner: Dict[str, Any], prep: str = "") -> str:
    """A partner record named in a sentence: 'la CDRQ', prep='de' → 'du CQCM', 'auprès de' → 'auprès du CQCM'.
    The acronym when the record has one, else the full name."""
    label = partner.get("acronym") or partner["name"]
    words = fold(partner["name"]).split()
    gender = _HEAD_NOUNS.get(words[0] if words else "")
    if gender is None:
        label, gender = f"organisme {label}", "m"
    first = fold(label)[:1]
    article = _ARTICLES[prep][gender][1 if first and first in "aeiouy" else 0]
    return article + label


def adviser_of(partner: Dict[str, Any]) -> str:
    """'un conseiller régional de la CDRQ': 'régional' only when the record gives the partner regional offices."""
    return f"un conseiller{' régional' if partner.get('regions') else ''} {partner_ref(partner, 'de')}"


def shorten(text: str, limit: int = 280) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
