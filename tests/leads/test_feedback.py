"""leads.feedback: a rating is stored only for an answer the bot gave, redacted, and
forgetting the conversation deletes it."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from leads import feedback
from leads.store import forget


@pytest.fixture
def engine(fresh_db_url):
    from knowledge.db import Base, make_engine
    from leads.models import LEAD_TABLES

    eng = make_engine(fresh_db_url)
    Base.metadata.create_all(eng, tables=LEAD_TABLES)
    # the columns of Rasa's events table that feedback reads (an autoincrement id on either database)
    events = sa.Table(
        "events",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("data", sa.Text),
    )
    with eng.begin() as conn:
        events.create(conn)
        for sender, ev in [
            (
                "s1",
                {
                    "event": "user",
                    "text": "montant du volet 3 ? jo@coop.example",
                    "parse_data": {"intent": {"name": "ask_amounts"}},
                },
            ),
            ("s1", {"event": "bot", "text": "De 30 000 $ à 250 000 $.\nSource : Programme, volet 3"}),
            ("s2", {"event": "bot", "text": "Autre conversation."}),
        ]:
            conn.execute(
                sa.text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"), {"s": sender, "d": json.dumps(ev)}
            )
    yield eng
    eng.dispose()


def test_rating_stored_with_answer_sources_question_and_intent(engine):
    stored = feedback.record(
        "s1",
        "De 30 000 $ à 250 000 $.\nSource : Programme, volet 3",
        "down",
        "incomplete",
        "appelez le 514-555-1234",
        engine=engine,
    )
    assert not stored.replaced
    with engine.connect() as conn:
        row = conn.execute(sa.select(feedback.Feedback.__table__)).mappings().one()
    assert row["sources"] == json.dumps(["Programme, volet 3"])
    assert row["intent"] == "ask_amounts"
    assert "jo@coop.example" not in row["question"] and "514-555-1234" not in row["comment"]
    again = feedback.record("s1", "De 30 000 $ à 250 000 $.\nSource : Programme, volet 3", "up", engine=engine)
    assert again.replaced  # one rating per answer: the later click replaces it


def test_a_nul_character_in_a_comment_or_question_is_dropped_not_an_error(engine):
    """Issue 22: PostgreSQL refuses any text holding U+0000, SQLite stores it; the widget's
    comment box and the question (decoded from the stored event) can carry one."""
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
            {"s": "s3", "d": json.dumps({"event": "user", "text": "volet\x00 3 ?"})},
        )
        conn.execute(
            sa.text("INSERT INTO events (sender_id, data) VALUES (:s, :d)"),
            {"s": "s3", "d": json.dumps({"event": "bot", "text": "Le volet 3."})},
        )
    feedback.record("s3", "Le volet 3.", "down", "incomplete", "pas\x00 clair", engine=engine)
    with engine.connect() as conn:
        row = conn.execute(sa.select(feedback.Feedback.__table__)).mappings().one()
    assert (row["comment"], row["question"]) == ("pas clair", "volet 3 ?")


@pytest.mark.parametrize(
    "sender, answer, rating, reason",
    [
        ("s2", "De 30 000 $ à 250 000 $.\nSource : Programme, volet 3", "up", None),  # not said in s2
        ("s1", "Texte inventé", "up", None),
        ("s1", "Autre conversation.", "up", None),
        ("s1", "De 30 000 $ à 250 000 $.", "bof", None),
        ("s1", "De 30 000 $ à 250 000 $.", "down", "nul"),
        ("../x", "De 30 000 $ à 250 000 $.", "up", None),
    ],
)
def test_ratings_that_cannot_be_trusted_are_refused(engine, sender, answer, rating, reason):
    with pytest.raises(feedback.FeedbackRefused):
        feedback.record(sender, answer, rating, reason, engine=engine)


def test_forget_deletes_the_conversations_ratings(engine):
    feedback.record("s1", "De 30 000 $ à 250 000 $.\nSource : Programme, volet 3", "up", engine=engine)
    forget(sender_id="s1", engine=engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(feedback.Feedback.__table__)).scalar_one() == 0
