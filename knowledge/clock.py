"""The one place "today" and "now" come from.

* ``today()``: the date deadlines are counted from. Pin it with VIRAGE_TODAY=YYYY-MM-DD for
  tests and evaluation.
* ``utcnow()``: the time stored with data (leads, consents, slots, the knowledge base's build):
  naive UTC to the second, as SQLite keeps no time zone.
* ``local_now()``: local wall-clock time to the second, for a stamp a person reads on a report
  (the advisors' pre-screening list).
"""

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


def utcnow() -> dt.datetime:
    """Now, naive UTC, to the second (what every stored timestamp uses)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def local_now() -> dt.datetime:
    """Now, naive local time, to the second (for a stamp a person reads)."""
    return dt.datetime.now().replace(microsecond=0)
