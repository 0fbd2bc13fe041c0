"""Write the cards: leads.json, leads.csv (French spreadsheet: UTF-8 with BOM, « ; »), leads.html.

Every value is HTML-escaped in the report (transcripts are untrusted input).
"""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path
from typing import Any, Dict, List

from knowledge import clock
from prescreen.priority import FORMULA

KIND_LABEL = {
    "tracker_store": "conversation (tracker store)",
    "tracker_json": "export de tracker Rasa",
    "chat": "clavardage",
    "email": "courriel",
    "call_notes": "notes d'appel",
    "prose": "texte libre",
}
CSV_COLUMNS = [
    ("priorite", lambda c: c["priority"]["score"]),
    ("id", lambda c: c["id"]),
    ("type_entree", lambda c: KIND_LABEL.get(c["input_kind"], c["input_kind"])),
    ("forme_juridique", lambda c: _label(c, "legal_form")),
    ("citation_forme_juridique", lambda c: _quote(c, "legal_form")),
    ("reseau", lambda c: _label(c, "is_network")),
    ("citation_reseau", lambda c: _quote(c, "is_network")),
    ("categorie_exclue", lambda c: _label(c, "org_category")),
    ("citation_categorie", lambda c: _quote(c, "org_category")),
    ("secteur", lambda c: _label(c, "sector")),
    ("citation_secteur", lambda c: _quote(c, "sector")),
    ("region", lambda c: _label(c, "region")),
    ("citation_region", lambda c: _quote(c, "region")),
    ("taille", lambda c: _label(c, "employees")),
    ("citation_taille", lambda c: _quote(c, "employees")),
    ("besoins", lambda c: _label(c, "needs")),
    ("citation_besoins", lambda c: _quote(c, "needs")),
    ("volet_1", lambda c: _volet(c, 1)),
    ("volet_2", lambda c: _volet(c, 2)),
    ("volet_3", lambda c: _volet(c, 3)),
    (
        "raisons",
        lambda c: " | ".join(f"V{v['volet']} : {r}" for v in c["eligibility"]["volets"] for r in v["reasons"][:2]),
    ),
    ("inconnus", lambda c: " | ".join(u["label"] for u in c["unknown"])),
    ("prochaine_etape", lambda c: c["next_step"]),
    ("echeance", lambda c: _deadline_text(c.get("deadline"))),
    ("calcul_priorite", lambda c: c["priority"]["explanation"]),
    ("demande_contact", lambda c: "oui" if c["wants_contact"] else "non"),
    ("consentement", lambda c: "oui" if c["contact"]["consent"] else "non"),
    ("nom", lambda c: c["contact"].get("name") or ""),
    ("organisation", lambda c: c["contact"].get("organisation") or ""),
    ("courriel", lambda c: c["contact"].get("email") or ""),
    ("telephone", lambda c: c["contact"].get("phone") or ""),
    ("source", lambda c: c["source"]),
]


def _label(card, field) -> str:
    entry = card["profile"].get(field) or {}
    return entry.get("label") if entry.get("value") is not None else ""


def _quote(card, field) -> str:
    return (card["profile"].get(field) or {}).get("quote") or ""


def _volet(card, number) -> str:
    for v in card["eligibility"]["volets"]:
        if v["volet"] == number:
            return v["status_label"]
    return ""


def _deadline_text(d) -> str:
    if not d:
        return ""
    text = f"{d['date']} (volet {d['volet']})"
    if not d.get("year_known"):
        text += ", année non précisée"
    if d.get("position") == "last_announced":
        text += ", dernière date annoncée"
    return text


def sort_cards(cards: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return sorted(cards, key=lambda c: (-c["priority"]["score"], -c["priority"]["components"]["C"], c["id"]))


def write_json(path: Path, cards, rejected, meta) -> None:
    payload = {
        **meta,
        "priority_formula": FORMULA,
        "count": len(cards),
        "leads": cards,
        "rejected": [{"id": r.id, "source": r.source, "message": r.message} for r in rejected],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    # a cell starting with = + - @ would be a formula in a spreadsheet
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_csv(path: Path, cards) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([name for name, _ in CSV_COLUMNS])
        for card in cards:
            writer.writerow([_cell(get(card)) for _, get in CSV_COLUMNS])


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d2733;background:#f6f7f9}
h1{font-size:1.5rem} .meta{color:#555}
.card{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
.card h2{font-size:1.1rem;margin:0 0 .5rem 0} .score{display:inline-block;min-width:3rem;text-align:center;
border-radius:1rem;padding:.1rem .6rem;font-weight:700;color:#fff;background:#4a6b8a;margin-right:.5rem}
.s-hi{background:#1f7a3a}.s-mid{background:#b7791f}.s-lo{background:#8a4a4a}
table{border-collapse:collapse;width:100%;margin:.5rem 0} th,td{text-align:left;vertical-align:top;
border-bottom:1px solid #eef0f3;padding:.3rem .5rem;font-size:.92rem} th{width:12rem;color:#444}
q{font-style:italic;color:#36506b} .eligible{color:#1f7a3a;font-weight:600}.not_eligible{color:#8a1f1f;font-weight:600}
.unknown{color:#8a6a1f;font-weight:600} .masked{color:#777} .rejected li{margin:.3rem 0}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _score_class(score: int) -> str:
    return "s-hi" if score >= 70 else "s-mid" if score >= 40 else "s-lo"


def _card_html(rank: int, card: Dict[str, Any]) -> str:
    p = card["priority"]
    rows = []
    for field, entry in card["profile"].items():
        from prescreen.knowledge_glue import FIELD_LABEL

        quote = f" <q>{_e(entry['quote'])}</q>" if entry.get("quote") else ""
        rows.append(f"<tr><th>{_e(FIELD_LABEL.get(field, field))}</th><td>{_e(entry['label'])}{quote}</td></tr>")
    volets = "".join(
        f"<li><span class='{_e(v['status'])}'>Volet {_e(v['volet'])} — {_e(v['status_label'])}</span>"
        f" ({_e(v['name'])})<ul>{''.join(f'<li>{_e(r)}</li>' for r in v['reasons'])}</ul></li>"
        for v in card["eligibility"]["volets"]
    )
    unknown = (
        "".join(
            f"<li>{_e(u['label'])}" + (f" — <q>{_e(u['question'])}</q>" if u.get("question") else "") + "</li>"
            for u in card["unknown"]
        )
        or "<li>Rien d'essentiel</li>"
    )
    d = card.get("deadline")
    deadline = _e(_deadline_text(d)) if d else "Aucune date de dépôt pour les volets visés"
    if d and d.get("status_note"):
        deadline += f"<br><small>{_e(d['status_note'])} — source : {_e(d.get('source'))}</small>"
    c = card["contact"]
    if c["consent"]:
        contact = (
            f"{_e(c.get('name'))} — {_e(c.get('organisation'))}<br>{_e(c.get('email'))} {_e(c.get('phone'))}"
            f"<br><small>Consentement : {_e(c.get('consent_how'))} {_e(c.get('consent_at') or '')}</small>"
        )
    else:
        contact = f"<span class='masked'>Coordonnées masquées ({_e(c.get('consent_how'))})</span>"
    return f"""
<section class="card" id="lead-{rank}">
<h2><span class="score {_score_class(p["score"])}">{_e(p["score"])}</span>{_e(card["id"])}
<small class="meta"> — {_e(KIND_LABEL.get(card["input_kind"], card["input_kind"]))}</small></h2>
<table>{"".join(rows)}</table>
<p><strong>Admissibilité</strong></p><ul>{volets}</ul>
<p><strong>Encore inconnu</strong></p><ul>{unknown}</ul>
<p><strong>Prochaine étape :</strong> {_e(card["next_step"])}</p>
<p><strong>Échéance :</strong> {deadline}</p>
<p><strong>Contact :</strong> {contact}{" — a demandé à être contacté" if card["wants_contact"] else ""}</p>
<p class="meta"><small>Priorité : {_e(p["explanation"])}</small></p>
</section>"""


def write_html(path: Path, cards, rejected, meta) -> None:
    note = _e(cards[0]["eligibility"].get("validation_note")) if cards else ""
    rejected_html = "".join(f"<li><strong>{_e(r.id)}</strong> : {_e(r.message)}</li>" for r in rejected)
    body = "".join(_card_html(i, c) for i, c in enumerate(cards, start=1))
    doc = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Virage — fiches de pré-qualification</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head>
<body><h1>Fiches de pré-qualification ({len(cards)})</h1>
<p class="meta">Produit le {_e(meta.get("generated_at"))} — date de référence {_e(meta.get("today"))} —
modèle {_e(meta.get("model"))}. Triées par priorité : <code>{_e(FORMULA)}</code>
(voir le README de prescreen). {note}</p>
{body or "<p>Aucune fiche.</p>"}
{'<h2>Entrées non traitées</h2><ul class="rejected">' + rejected_html + "</ul>" if rejected else ""}
</body></html>
"""
    path.write_text(doc, encoding="utf-8")


def write_all(out_dir: Path, cards, rejected, meta) -> Dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    cards = sort_cards(cards)
    paths = {"json": out_dir / "leads.json", "csv": out_dir / "leads.csv", "html": out_dir / "leads.html"}
    write_json(paths["json"], cards, rejected, meta)
    write_csv(paths["csv"], cards)
    write_html(paths["html"], cards, rejected, meta)
    return paths


def now_iso() -> str:
    """When the list was produced, local time (the advisor reads it)."""
    return clock.local_now().isoformat()
