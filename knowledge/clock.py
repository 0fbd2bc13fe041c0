"""The one place "today" comes from. Pin it with VIRAGE_TODAY=YYYY-MM-DD for tests and evaluation."""
from __future__ import annotations

import datetime as dt
import os


class InvalidToday(ValueError):
    pass


def today() -> dt.date:
    pinned = os.environ.get("VIRAGE_TODAY", "").strip()
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError as exc:
        raise InvalidToday(f"VIRAGE_TODAY={pinned!r} n'est pas une date AAAA-MM-JJ") from exc
