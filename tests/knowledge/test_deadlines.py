"""Deadlines before, on, between and after the announced dates; the year is never invented."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge import clock, deadlines


@pytest.mark.parametrize(
    "today, expected, position",
    [
        ("2026-01-01", "24 janvier", "upcoming"),
        ("2026-01-24", "24 janvier", "upcoming"),
        ("2026-01-25", "25 février", "upcoming"),
        ("2026-02-25", "25 février", "upcoming"),
        ("2026-02-26", "25 février", "last_announced"),
        ("2026-11-21", "25 février", "last_announced"),
    ],
)
def test_next_deadline_relative_to_today(kb, today, expected, position):
    nxt = deadlines.next_deadline(dt.date.fromisoformat(today))
    assert nxt["date_text"] == expected
    assert nxt["position"] == position
    assert nxt["year_known"] is False and nxt["year_note"]
    assert nxt["volet"] == 3
    assert nxt["volet_status"]["status"] == "funds_committed"
    assert nxt["citation"].startswith("annonce du lancement du programme")


def test_today_can_be_pinned(kb, monkeypatch):
    monkeypatch.setenv("VIRAGE_TODAY", "2026-02-01")
    assert clock.today() == dt.date(2026, 2, 1)
    assert deadlines.next_deadline()["date_text"] == "25 février"
    monkeypatch.setenv("VIRAGE_TODAY", "2026-12-01")
    assert deadlines.next_deadline()["position"] == "last_announced"


def test_bad_pinned_date_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("VIRAGE_TODAY", "demain")
    with pytest.raises(clock.InvalidToday, match="AAAA-MM-JJ"):
        clock.today()


def test_all_deadlines_are_sorted_and_dated(kb):
    items = deadlines.all_deadlines(dt.date(2026, 2, 1))
    assert [d["date_text"] for d in items] == ["24 janvier", "25 février"]
    assert [d["ahead"] for d in items] == [False, True]
    assert deadlines.all_deadlines(dt.date(2026, 2, 1), volet=2) == []


def test_known_year_gives_days_until(kb):
    rec = {"date": {"year": 2027, "month": 1, "day": 24}}
    assert deadlines._position(rec, dt.date(2027, 1, 14)) == {"ahead": True, "days_until": 10}
    assert deadlines._position(rec, dt.date(2027, 1, 25)) == {"ahead": False, "days_until": None}
    assert deadlines.format_date({"year": 2027, "month": 3, "day": 1}) == "1er mars 2027"
