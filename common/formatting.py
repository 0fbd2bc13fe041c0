"""French wording shared by the actions and the pre-screening: amounts, numbers, lists, articles."""

from __future__ import annotations

from typing import Any, Dict, Iterable, Optional

from knowledge.eligibility import Verdict

# How a volet's verdict reads to the person (the bot's screening result, the advisors' cards).
VERDICT_LABEL = {Verdict.ELIGIBLE: "admissible", Verdict.NOT_ELIGIBLE: "non admissible", Verdict.UNKNOWN: "à confirmer"}


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


def button(title: str, payload: str) -> Dict[str, str]:
    return {"title": title, "payload": payload}


def lower_first(text: str) -> str:
    """'Établie au Québec' → 'établie au Québec': for a label or a sentence set inside another one."""
    return text[:1].lower() + text[1:] if text else ""


def upper_first(text: str) -> str:
    """'le CQCM peut…' → 'Le CQCM peut…': a name from the records at the start of a sentence."""
    return text[:1].upper() + text[1:] if text else ""


# « de » + « le » is « du », « à » + « les » is « aux »…: French contracts a preposition with the article.
_CONTRACTED = {("de", "le"): "du", ("de", "les"): "des", ("à", "le"): "au", ("à", "les"): "aux"}


def partner_ref(partner: Dict[str, Any], prep: str = "") -> str:
    """A partner named in a sentence, with the article its record gives: 'la CDRQ';
    prep='de' → 'du CQCM'; prep='auprès de' → 'auprès des Pôles…'. The acronym when there is one."""
    label, article = partner.get("acronym") or partner["name"], partner["article"]
    lead, _, last = prep.rpartition(" ")  # 'auprès de' → 'auprès', 'de'
    if (last, article) in _CONTRACTED:
        phrase = f"{_CONTRACTED[last, article]} {label}"
    else:
        named = f"l'{label}" if article == "l'" else f"{article} {label}"
        phrase = f"{last} {named}" if last else named
    return f"{lead} {phrase}" if lead else phrase


def adviser_of(partner: Dict[str, Any]) -> str:
    """'un conseiller régional de la CDRQ': 'régional' only when the record gives the partner regional offices."""
    return f"un conseiller{' régional' if partner.get('regions') else ''} {partner_ref(partner, 'de')}"


def shorten(text: str, limit: int = 280) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def figure_amount(f: Dict[str, Any]) -> str:
    """A sector figure's value as the documents write it: '47,8 milliards $', '13,4 millions',
    '14,5 %', '11 200' (never the 47 800 000 000 a record stores)."""
    value, unit = f["value"], f.get("unit")
    if unit == "percent":
        return percent(value)
    suffix = " $" if unit == "dollars" else ""
    if value >= 1_000_000_000:
        return f"{number(round(value / 1_000_000_000, 1))} milliards{suffix}"
    if value >= 1_000_000:
        return f"{number(round(value / 1_000_000, 1))} millions{suffix}"
    return f"{number(value)}{suffix}"


def figure_line(f: Dict[str, Any]) -> str:
    """'Revenus … : 47,8 milliards $ (année non précisée, publié en 2021) — note'."""
    approx = "environ " if f.get("approximate") else ""
    when = f"en {f['reference_year']}" if f.get("reference_year") else "année non précisée"
    pub = f", publié en {f['published']}" if f.get("published") else ", source non datée"
    note = f" — {f['note']}" if f.get("note") else ""
    return f"{f['label']} : {approx}{figure_amount(f)} ({when}{pub}){note}"
