"""Issue 20, defect 3: without consent nothing personal is stored, whatever its shape; with
consent, the contact answers leave the conversation once the lead is saved."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re

import pytest

from bench.pii import leaked, ordinary_samples, personal_samples
from common import logging_privacy
from tests import databases as testdb


@pytest.fixture()
def db_url(fresh_db_url, monkeypatch):
    url = fresh_db_url
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("VIRAGE_PSEUDONYM_KEY", "test-key")
    return url


@pytest.fixture(scope="module")
def domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(["domain"])


def _store(domain):
    from rasa_server.tracker_store import VirageSQLTrackerStore

    return VirageSQLTrackerStore(domain=domain)


def _user(text, metadata=None, entities=None):
    from rasa.shared.core.events import UserUttered

    return UserUttered(text, {"name": "inform", "confidence": 0.9}, entities=entities or [], metadata=metadata)


def _dump(db_url) -> str:
    rows = testdb.rows(db_url, "SELECT sender_id, data FROM events ORDER BY id")
    # decode JSON escapes so that "Côté" is searched as typed
    return "\n".join(f"{s}\t{json.dumps(json.loads(d), ensure_ascii=False)}" for s, d in rows)


def _save(ts, domain, sender, events):
    from rasa.shared.core.trackers import DialogueStateTracker

    tracker = DialogueStateTracker.from_events(sender, events, slots=domain.slots)
    asyncio.run(ts.save(tracker))
    return tracker


def test_the_personal_corpus_is_not_stored_nor_logged_without_consent(db_url, domain, monkeypatch):
    from rasa.shared.core.events import ActionExecuted, BotUttered

    monkeypatch.delenv("VIRAGE_LOG_USER_TEXT", raising=False)
    logging_privacy.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    old = root.level
    root.setLevel(logging.DEBUG)
    rasa_logger = logging.getLogger("rasa.core.processor")  # other tests may have quietened it
    old_rasa = (rasa_logger.level, rasa_logger.disabled)
    rasa_logger.setLevel(logging.DEBUG)
    rasa_logger.disabled = False
    rasa_logger.addHandler(handler)
    ts = _store(domain)
    samples = personal_samples()
    try:
        for i, sample in enumerate(samples):
            secret = sample.secrets[0]
            events = [
                ActionExecuted("action_listen"),
                _user(
                    sample.text,
                    metadata={"page": "https://partenaire.test/aide", "note": sample.text},
                    entities=[{"entity": "region", "value": secret, "start": 0, "end": len(secret)}],
                ),
                BotUttered(f"Vous avez écrit : {sample.text}"),
            ]
            _save(ts, domain, f"conv-{i}", events)
            # the lines Rasa writes for a message at DEBUG (its own formats)
            logging.getLogger("rasa.core.processor").debug(
                "Received user message '%s' with intent '%s' and entities '%s'",
                sample.text,
                {"name": "inform"},
                [{"entity": "region", "value": secret}],
            )
    finally:
        rasa_logger.removeHandler(handler)
        root.setLevel(old)
        rasa_logger.setLevel(old_rasa[0])
        rasa_logger.disabled = old_rasa[1]
    stored = _by_sender(db_url)
    log_lines = [ln for ln in stream.getvalue().splitlines() if ln.startswith("Received user message")]
    assert len(log_lines) == len(samples)
    missed = []
    for i, sample in enumerate(samples):
        for secret in sample.secrets:
            for where, text in (("table", stored[f"conv-{i}"]), ("journaux", log_lines[i])):
                left = leaked(text, secret)
                if left:
                    missed.append((where, sample.text, text, left))
    assert missed == []


def _by_sender(db_url):
    out = {}
    for sender, data in testdb.rows(db_url, "SELECT sender_id, data FROM events ORDER BY id"):
        out[sender] = out.get(sender, "") + "\n" + json.dumps(json.loads(data), ensure_ascii=False)
    return out


def test_ordinary_questions_are_stored_as_typed(db_url, domain):
    from rasa.shared.core.events import ActionExecuted

    ts = _store(domain)
    questions = ordinary_samples()
    _save(ts, domain, "conv-ordinaire", [e for q in questions for e in (ActionExecuted("action_listen"), _user(q))])
    rows = testdb.rows(db_url, "SELECT data FROM events WHERE type_name='user' ORDER BY id")
    texts = [json.loads(d)["text"] for (d,) in rows]
    assert texts == questions


def test_an_email_as_sender_id_and_in_metadata_is_not_stored(db_url, domain):
    from rasa.shared.core.events import ActionExecuted

    ts = _store(domain)
    sender = "marie.tremblay@coopdufjord.ca"
    _save(ts, domain, sender, [ActionExecuted("action_listen"), _user("bonjour", metadata={"email": sender})])
    stored = _dump(db_url)
    assert "marie.tremblay" not in stored and "coopdufjord" not in stored
    # the conversation is still found by its real id
    back = asyncio.run(ts.retrieve(sender))
    assert back is not None and back.latest_message.text == "bonjour"


def test_with_consent_the_contact_answers_leave_the_conversation_once_the_lead_is_saved(db_url, domain):
    from rasa.shared.core.events import ActionExecuted, SlotSet

    ts = _store(domain)
    answers = [
        ("contact_name", "je m'appelle Paul Roy", "Paul Roy"),
        ("contact_org", "Coop du Fjord", "Coop du Fjord"),
        ("contact_email", "paul.roy@coopdufjord.ca", "paul.roy@coopdufjord.ca"),
        ("contact_phone", "418 555 0110", "418-555-0110"),
    ]
    events = [ActionExecuted("action_listen"), _user("/affirm"), SlotSet("consent", True)]
    tracker = _save(ts, domain, "conv-lead", events)
    for slot, said, value in answers:
        for ev in [SlotSet("requested_slot", slot), ActionExecuted("action_listen"), _user(said), SlotSet(slot, value)]:
            tracker.update(ev)
        asyncio.run(ts.save(tracker))
    assert "paul.roy@coopdufjord.ca" in _dump(db_url)  # kept while the form runs, with consent
    for ev in [
        SlotSet("requested_slot", None),
        ActionExecuted("action_submit_lead"),
        SlotSet("lead_reference", "VIR-1234"),
        *[SlotSet(slot, None) for slot, _, _ in answers],
        SlotSet("consent", None),
        ActionExecuted("action_listen"),
        _user("merci, Paul Roy va attendre votre appel au 418 555 0110"),
    ]:
        tracker.update(ev)
    asyncio.run(ts.save(tracker))
    stored = _dump(db_url)
    for _, said, value in answers:
        assert said not in stored and value not in stored, value
    assert "Paul Roy" not in stored
    assert re.search(r"\[réponse masquée\]", stored)


def test_forget_finds_a_conversation_stored_under_a_pseudonym(db_url, domain):
    from rasa.shared.core.events import ActionExecuted

    from leads import store

    ts = _store(domain)
    for sender in ("paul.roy@coopdufjord.ca", "418-555-0110"):
        _save(ts, domain, sender, [ActionExecuted("action_listen"), _user("bonjour")])
    assert len(_by_sender(db_url)) == 2
    report = store.forget(sender_id="paul.roy@coopdufjord.ca")
    assert sum(report.conversations.values()) == 2 and len(_by_sender(db_url)) == 1
    report = store.forget(phone="418 555 0110")
    assert sum(report.conversations.values()) == 2 and _by_sender(db_url) == {}


def test_slots_the_bot_writes_keep_their_digits_slots_from_user_text_are_masked():
    from rasa_server.tracker_store import redact_event

    machine = {"event": "slot", "name": "screening_result", "value": '{"ref": "514 555 0199", "n": 123456789}'}
    assert redact_event(machine) == machine
    typed = {"event": "slot", "name": "screening_unread", "value": "appelez au 514 555 01 99"}
    assert redact_event(typed)["value"] == "appelez au [téléphone masqué]"
