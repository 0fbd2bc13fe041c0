"""The workspace's tables hold what the importer gives them on PostgreSQL as on SQLite (issue 22:
PostgreSQL refuses a string longer than its VARCHAR(n), SQLite stores it)."""

from __future__ import annotations

from tests import databases as testdb
from workspace import importer
from workspace.db import get_engine


def _card(key: str, label: str) -> dict:
    return {
        "id": key,
        "sender_id": "conv-long",
        "input_kind": "tracker_store",
        "priority": {"score": 3},
        "profile": {
            field: {"value": f"{field}_id_" + "x" * 90, "label": label} for field in ("region", "legal_form", "sector")
        },
        "eligibility": {"volets": [{"volet": 1, "status": "unknown"}]},
        "contact": {"consent": False},
    }


def test_a_card_with_long_vocabulary_labels_is_stored_whole(fresh_db_url):
    """The labels and ids come from the vocabulary, whose schema bounds no string: a sector
    labelled with a long list (or a longer region name) must not stop the import on PostgreSQL."""
    label = "Arts, culture, loisirs, tourisme, patrimoine et communications — " * 4
    counts = importer.store_cards([_card("conversation conv-long", label)], engine=get_engine(fresh_db_url))
    assert counts == {"created": 1, "updated": 0}
    [(region, region_label, sector_label)] = testdb.rows(
        fresh_db_url, "SELECT region, region_label, sector_label FROM ws_lead"
    )
    assert region == "region_id_" + "x" * 90 and region_label == sector_label == label
    assert testdb.overlong(fresh_db_url) == []
