"""Exports of the filtered leads: CSV for a French spreadsheet (UTF-8 with BOM, « ; », cells
that a spreadsheet would run as a formula neutralised) and JSON. One row per lead: the
workspace's own columns, then the pre-screening's (prescreen.writers.CSV_COLUMNS), so an
advisor finds the same columns as in `make prescreen`."""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Dict, Iterable, List

from prescreen.writers import CSV_COLUMNS
from workspace.models import STATUS_LABEL, WsLead


def _cell(value: Any) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _own(lead: WsLead, emails: Dict[int, str]) -> List[Any]:
    return [
        lead.id,
        STATUS_LABEL.get(lead.status, lead.status),
        emails.get(lead.assigned_to, "") if lead.assigned_to else "",
        lead.seen_at.date().isoformat(),
    ]


OWN_HEADER = ["numero", "statut", "conseiller", "date"]


def to_csv(leads: Iterable[WsLead], emails: Dict[int, str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(OWN_HEADER + [name for name, _ in CSV_COLUMNS])
    for lead in leads:
        card = lead.card
        row = _own(lead, emails)
        for _, get in CSV_COLUMNS:
            try:
                row.append(get(card))
            except (KeyError, TypeError, IndexError):
                row.append("")
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_json(leads: Iterable[WsLead], emails: Dict[int, str]) -> bytes:
    items = []
    for lead in leads:
        items.append(
            {
                "numero": lead.id,
                "statut": STATUS_LABEL.get(lead.status, lead.status),
                "conseiller": emails.get(lead.assigned_to) if lead.assigned_to else None,
                "date": lead.seen_at.date().isoformat(),
                "fiche": lead.card,
            }
        )
    return json.dumps({"count": len(items), "leads": items}, ensure_ascii=False, indent=1).encode("utf-8")
