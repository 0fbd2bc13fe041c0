"""The leads list: filters, search, sort and scope, as one SQL query (indexed columns only,
never the card's JSON), shared by the page and the exports so that an export is exactly the
filtered list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import sqlalchemy as sa

from knowledge.text import fold
from workspace.models import STATUSES, Account, WsLead

VERDICTS = ("eligible", "unknown", "not_eligible")
VERDICT_LABEL = {"eligible": "admissible", "unknown": "à confirmer", "not_eligible": "non admissible"}
SORTS = {
    "priorite": WsLead.priority,
    "date": WsLead.seen_at,
    "region": WsLead.region_label,
    "statut": WsLead.status,
}
PAGE_SIZE = 50


def _date(value: str) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _int(value: str) -> Optional[int]:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


@dataclass
class Filters:
    status: str = ""
    volet: str = ""  # "1", "2" or "3"
    verdict: str = ""  # eligible / unknown / not_eligible
    region: str = ""
    date_from: str = ""
    date_to: str = ""
    priority_min: str = ""
    assigned: str = ""  # account id, "moi" or "aucun"
    q: str = ""
    sort: str = "priorite"
    order: str = "desc"
    page: int = 1
    errors: List[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, params) -> "Filters":
        f = cls(
            status=params.get("statut", ""),
            volet=params.get("volet", ""),
            verdict=params.get("verdict", ""),
            region=params.get("region", ""),
            date_from=params.get("du", ""),
            date_to=params.get("au", ""),
            priority_min=params.get("priorite_min", ""),
            assigned=params.get("conseiller", ""),
            q=params.get("q", "")[:200],
            sort=params.get("tri", "priorite"),
            order=params.get("ordre", "desc"),
            page=max(1, _int(params.get("page", "1")) or 1),
        )
        if f.status and f.status not in STATUSES:
            f.errors.append("Statut inconnu : filtre ignoré.")
            f.status = ""
        if f.verdict and f.verdict not in VERDICTS:
            f.errors.append("Verdict inconnu : filtre ignoré.")
            f.verdict = ""
        if f.volet and f.volet not in ("1", "2", "3"):
            f.errors.append("Volet inconnu : filtre ignoré.")
            f.volet = ""
        for name, label in (("date_from", "du"), ("date_to", "au")):
            if getattr(f, name) and _date(getattr(f, name)) is None:
                f.errors.append(f"Date « {label} » illisible (AAAA-MM-JJ) : filtre ignoré.")
                setattr(f, name, "")
        if f.priority_min and _int(f.priority_min) is None:
            f.errors.append("Priorité minimale illisible : filtre ignoré.")
            f.priority_min = ""
        if f.sort not in SORTS:
            f.sort = "priorite"
        if f.order not in ("asc", "desc"):
            f.order = "desc"
        return f

    def query_items(self, **override) -> List[Tuple[str, str]]:
        """The filters as query parameters (for links: sort, pages, export)."""
        values = {
            "statut": self.status,
            "volet": self.volet,
            "verdict": self.verdict,
            "region": self.region,
            "du": self.date_from,
            "au": self.date_to,
            "priorite_min": self.priority_min,
            "conseiller": self.assigned,
            "q": self.q,
            "tri": self.sort,
            "ordre": self.order,
        }
        values.update(override)
        return [(k, str(v)) for k, v in values.items() if v not in ("", None)]

    def describe(self) -> str:
        """The filters in words, for the audit log (no search text: it may be a name)."""
        parts = [f"{k}={v}" for k, v in self.query_items() if k not in ("q", "tri", "ordre")]
        if self.q:
            parts.append("recherche")
        return ", ".join(parts) or "aucun filtre"


def scope(account: Account):
    """What an account may see: administrators and advisors without regions, every lead; an
    advisor with regions, the leads of those regions and those assigned to them."""
    regions = [r for r in (account.regions or "").split(",") if r]
    if account.role == "admin" or not regions:
        return sa.true()
    return sa.or_(WsLead.region.in_(regions), WsLead.assigned_to == account.id)


def where(filters: Filters, account: Account) -> list:
    cond = [scope(account)]
    if filters.status:
        cond.append(WsLead.status == filters.status)
    if filters.verdict:
        columns = [getattr(WsLead, f"volet{n}") for n in ((filters.volet,) if filters.volet else ("1", "2", "3"))]
        cond.append(sa.or_(*(c == filters.verdict for c in columns)))
    elif filters.volet:
        cond.append(getattr(WsLead, f"volet{filters.volet}").isnot(None))
    if filters.region:
        cond.append(WsLead.region == filters.region)
    if filters.date_from:
        cond.append(WsLead.seen_at >= dt.datetime.combine(_date(filters.date_from), dt.time()))
    if filters.date_to:
        cond.append(WsLead.seen_at < dt.datetime.combine(_date(filters.date_to) + dt.timedelta(days=1), dt.time()))
    if filters.priority_min:
        cond.append(WsLead.priority >= _int(filters.priority_min))
    if filters.assigned == "moi":
        cond.append(WsLead.assigned_to == account.id)
    elif filters.assigned == "aucun":
        cond.append(WsLead.assigned_to.is_(None))
    elif _int(filters.assigned) is not None:
        cond.append(WsLead.assigned_to == _int(filters.assigned))
    for word in fold(filters.q).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        cond.append(WsLead.search_text.like(f"%{escaped}%", escape="\\"))
    return cond


LIST_COLUMNS = (
    WsLead.id,
    WsLead.priority,
    WsLead.legal_form_label,
    WsLead.sector_label,
    WsLead.region_label,
    WsLead.volet1,
    WsLead.volet2,
    WsLead.volet3,
    WsLead.seen_at,
    WsLead.consent,
    WsLead.status,
    WsLead.assigned_to,
    WsLead.input_kind,
)


def ordered(stmt, filters: Filters):
    column = SORTS[filters.sort]
    primary = column.desc() if filters.order == "desc" else column.asc()
    return stmt.order_by(primary, WsLead.id.desc())


def page(session, filters: Filters, account: Account) -> Tuple[List[Dict[str, Any]], int]:
    cond = where(filters, account)
    total = session.execute(sa.select(sa.func.count(WsLead.id)).where(*cond)).scalar_one()
    stmt = ordered(sa.select(*LIST_COLUMNS).where(*cond), filters)
    rows = session.execute(stmt.limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)).mappings().all()
    return [dict(r) for r in rows], total


def all_leads(session, filters: Filters, account: Account) -> List[WsLead]:
    stmt = ordered(sa.select(WsLead).where(*where(filters, account)), filters)
    return list(session.execute(stmt).scalars())


def visible(session, lead_id: int, account: Account) -> Optional[WsLead]:
    return session.execute(sa.select(WsLead).where(WsLead.id == lead_id, scope(account))).scalar_one_or_none()
