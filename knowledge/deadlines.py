"""Deadlines relative to today (knowledge.clock.today, pinnable with VIRAGE_TODAY).

The sources give day and month but sometimes not the year. Such a date is compared with today
on the calendar only, and flagged `year_known: False`: the bot must say the year is not stated.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from knowledge import clock, store
from knowledge.documents import cite

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def format_date(d: Dict[str, Any]) -> str:
    day = "1er" if d["day"] == 1 else str(d["day"])
    text = f"{day} {MONTHS[d['month'] - 1]}"
    return f"{text} {d['year']}" if d.get("year") else text


def _position(rec: Dict[str, Any], today: dt.date) -> Dict[str, Any]:
    d = rec["date"]
    if d.get("year"):
        when = dt.date(d["year"], d["month"], d["day"])
        ahead, days = when >= today, (when - today).days
    else:
        ahead, days = (d["month"], d["day"]) >= (today.month, today.day), None
    return {"ahead": ahead, "days_until": days if (days is not None and ahead) else None}


def _sort_key(rec: Dict[str, Any]):
    d = rec["date"]
    return (d.get("year") or 0, d["month"], d["day"])


def all_deadlines(today: Optional[dt.date] = None, volet: Optional[int] = None, **kw) -> List[Dict[str, Any]]:
    today = today or clock.today()
    out = []
    for rec in sorted(store.snapshot(**kw)["deadlines"], key=_sort_key):
        if volet is not None and rec.get("volet") != volet:
            continue
        pos = _position(rec, today)
        out.append(
            {
                **rec,
                **pos,
                "date_text": format_date(rec["date"]),
                "year_known": bool(rec["date"].get("year")),
                "citation": cite(rec),
            }
        )
    return out


def next_deadline(today: Optional[dt.date] = None, volet: Optional[int] = None, **kw) -> Optional[Dict[str, Any]]:
    """The next deadline ahead of today; when none is ahead, the last announced one.

    Returns the deadline dict plus `position`: "upcoming" or "last_announced", the envelope
    status of its volet, and `today` (ISO) so the answer says what it was computed against.
    """
    today = today or clock.today()
    items = all_deadlines(today, volet=volet, **kw)
    if not items:
        return None
    ahead = [d for d in items if d["ahead"]]
    chosen = dict(ahead[0] if ahead else items[-1])
    chosen["position"] = "upcoming" if ahead else "last_announced"
    chosen["today"] = today.isoformat()
    chosen["volet_status"] = _volet_status(chosen.get("volet"), **kw)
    return chosen


def _volet_status(number: Optional[int], **kw) -> Optional[Dict[str, Any]]:
    for v in store.snapshot(**kw)["volets"]:
        if v["number"] == number and v.get("status"):
            return {"status": v["status"], "note": v.get("status_note"), "citation": cite(v)}
    return None
