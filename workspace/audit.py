"""The audit log (Law 25): who viewed, exported, changed or deleted what, and when.

Entries name the workspace's lead number and counts, never a lead's personal data."""

from __future__ import annotations

import csv
import io
from typing import Iterable, Optional

from knowledge import clock
from workspace.models import Audit

ACTION_LABEL = {
    "login": "connexion",
    "login_failed": "connexion refusée",
    "logout": "déconnexion",
    "view": "consultation",
    "export": "exportation",
    "change": "modification",
    "delete": "suppression",
    "import": "importation",
    "account": "comptes",
}


def record(session, account, action: str, target: Optional[str] = None, detail: Optional[str] = None) -> None:
    session.add(
        Audit(
            at=clock.utcnow(),
            account_id=getattr(account, "id", None),
            account_email=getattr(account, "email", None),
            action=action,
            target=target,
            detail=(detail or "")[:1000] or None,
        )
    )


def to_csv(entries: Iterable[Audit]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["date_utc", "compte", "action", "cible", "detail"])
    for e in entries:
        writer.writerow(
            [
                e.at.isoformat(timespec="seconds"),
                e.account_email or "",
                ACTION_LABEL.get(e.action, e.action),
                e.target or "",
                e.detail or "",
            ]
        )
    return out.getvalue().encode("utf-8-sig")
