"""The consent + contact form and the submit / refuse / forget actions, run the way the
action server runs them: a rasa_sdk Tracker and a CollectingDispatcher built here, a real
SQLite database in tmp_path."""

from __future__ import annotations

import asyncio
import json
import secrets

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.contact_form import ActionAskConsent, ValidateContactForm
from actions.leads import ActionForgetMe, ActionRefuseConsent, ActionSubmitLead
from leads import store
from leads.consent import CONSENT_BUTTONS, CONSENT_TEXT, CONSENT_VERSION
from tests import databases as testdb

SCREENING = {
    "volets": {"1": "eligible", "2": "eligible", "3": "not_eligible"},
    "eligible_volets": [1, 2],
    "profile": {"legal_form": "cooperative", "region": "saguenay_lac_saint_jean"},
}


@pytest.fixture(scope="module")
def domain():
    from rasa.shared.core.domain import Domain

    return Domain.load(["domain"]).as_dict()


@pytest.fixture()
def db(fresh_db_url, monkeypatch):
    """DATABASE_URL → an empty database of this test's own (SQLite or PostgreSQL)."""
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    return fresh_db_url


def rows(url, sql):
    return testdb.rows(url, sql)


def tracker(slots=None, text="", intent="inform", requested=None, candidate=None, sender="conv-42", form=True):
    """A tracker as the form sends it: the candidate slot value as the last event."""
    slots = {
        "consent": None,
        "contact_name": None,
        "contact_org": None,
        "contact_email": None,
        "contact_phone": None,
        "contact_failures": 0,
        "requested_slot": requested,
        **(slots or {}),
    }
    events = [{"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
    if candidate is not None:
        name, value = candidate
        events.append({"event": "slot", "name": name, "value": value})
        slots[name] = value
    return Tracker(
        sender,
        slots,
        {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
        events,
        False,
        None,
        {"name": "contact_form"} if form else {},
        "action_listen",
    )


def run(action, trk, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, trk, domain))
    return events, dispatcher.messages


def lead_count(url) -> int:
    """Leads in the database (0 when nothing ever touched it)."""
    if not testdb.table_exists(url, "leads_lead"):
        return 0
    return testdb.rows(url, "SELECT COUNT(*) FROM leads_lead")[0][0]


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def responses(messages):
    return [m.get("response") or m.get("text") for m in messages]


# ----------------------------------------------------------------------------------------
# consent
# ----------------------------------------------------------------------------------------
def test_consent_is_asked_first_with_the_law25_notice(domain):
    assert domain["forms"]["contact_form"]["required_slots"][0] == "consent"
    _, messages = run(ActionAskConsent(), tracker(requested="consent"), domain)
    assert messages[0]["text"] == CONSENT_TEXT
    assert messages[0]["buttons"] == CONSENT_BUTTONS


def test_consent_given_records_the_time_and_asks_the_name_next(domain):
    events, _ = run(
        ValidateContactForm(),
        tracker(text="/affirm", intent="affirm", requested="consent", candidate=("consent", True)),
        domain,
    )
    slots = slot_events(events)
    assert slots["consent"] is True and slots["consent_given_at"]
    assert "requested_slot" not in slots  # Rasa's form asks the next slot (contact_name)


def test_consent_refused_ends_the_form_and_nothing_is_stored(domain, db):
    events, messages = run(
        ValidateContactForm(),
        tracker(text="non", intent="deny", requested="consent", candidate=("consent", False)),
        domain,
    )
    slots = slot_events(events)
    assert slots["consent"] is False and slots["requested_slot"] is None  # form deactivated
    events, messages = run(
        ActionSubmitLead(),
        tracker(slots={"consent": False, "screening_result": json.dumps(SCREENING)}, form=False),
        domain,
    )
    assert responses(messages) == ["utter_consent_refused"]
    slots = slot_events(events)
    assert slots["consent"] is None and slots["contact_email"] is None and slots["privacy_scrub"]
    assert lead_count(db) == 0


# ----------------------------------------------------------------------------------------
# name, organisation
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "said,expected",
    [
        ("je m'appelle Marie Tremblay", "Marie Tremblay"),
        ("Marie Tremblay.", "Marie Tremblay"),
        ("  Éric  Bouchard ", "Éric Bouchard"),
    ],
)
def test_name_is_cleaned(domain, said, expected):
    events, _ = run(
        ValidateContactForm(),
        tracker(slots={"consent": True}, text=said, requested="contact_name", candidate=("contact_name", said)),
        domain,
    )
    assert slot_events(events)["contact_name"] == expected


def test_empty_or_numeric_name_is_asked_again(domain):
    events, messages = run(
        ValidateContactForm(),
        tracker(slots={"consent": True}, text="1234", requested="contact_name", candidate=("contact_name", "1234")),
        domain,
    )
    assert slot_events(events)["contact_name"] is None
    assert responses(messages) == ["utter_contact_empty_answer"]


def test_organisation(domain):
    events, _ = run(
        ValidateContactForm(),
        tracker(
            slots={"consent": True},
            text="c'est la Coop du Fjord",
            requested="contact_org",
            candidate=("contact_org", "c'est la Coop du Fjord"),
        ),
        domain,
    )
    assert slot_events(events)["contact_org"] == "la Coop du Fjord"


# ----------------------------------------------------------------------------------------
# e-mail and phone
# ----------------------------------------------------------------------------------------
def test_valid_email_is_normalised(domain):
    said = "c'est Marie.Tremblay@CoopDuFjord.example merci"
    events, messages = run(
        ValidateContactForm(),
        tracker(slots={"consent": True}, text=said, requested="contact_email", candidate=("contact_email", said)),
        domain,
    )
    assert slot_events(events)["contact_email"] == "marie.tremblay@coopdufjord.example"
    assert slot_events(events)["contact_failures"] == 0 and messages == []


def test_malformed_email_is_asked_again_then_a_way_out_then_skipped(domain):
    form = ValidateContactForm()
    events, messages = run(
        form,
        tracker(
            slots={"consent": True},
            text="marie@coop",
            requested="contact_email",
            candidate=("contact_email", "marie@coop"),
        ),
        domain,
    )
    assert slot_events(events) == {"contact_email": None, "contact_failures": 1}
    assert responses(messages) == ["utter_invalid_email"]
    events, messages = run(
        form,
        tracker(
            slots={"consent": True, "contact_failures": 1},
            text="marie arobase coop",
            requested="contact_email",
            candidate=("contact_email", "marie arobase coop"),
        ),
        domain,
    )
    assert slot_events(events) == {"contact_email": None, "contact_failures": 2}
    assert responses(messages) == ["utter_invalid_email", "utter_contact_way_out"]
    events, messages = run(
        form,
        tracker(
            slots={"consent": True, "contact_failures": 2},
            text="euh",
            requested="contact_email",
            candidate=("contact_email", "euh"),
        ),
        domain,
    )
    assert slot_events(events) == {"contact_email": "aucun", "contact_failures": 0}
    assert responses(messages) == ["utter_contact_field_skipped"]


@pytest.mark.parametrize("said,intent", [("passer", "skip_question"), ("je n'en ai pas", "inform"), ("non", "deny")])
def test_email_can_be_skipped(domain, said, intent):
    events, _ = run(
        ValidateContactForm(),
        tracker(
            slots={"consent": True},
            text=said,
            intent=intent,
            requested="contact_email",
            candidate=("contact_email", said),
        ),
        domain,
    )
    assert slot_events(events)["contact_email"] == "aucun"


def test_valid_phone_is_normalised(domain):
    said = "au (418) 555-0110 poste 3"
    events, messages = run(
        ValidateContactForm(),
        tracker(
            slots={"consent": True, "contact_email": "aucun"},
            text=said,
            requested="contact_phone",
            candidate=("contact_phone", said),
        ),
        domain,
    )
    assert slot_events(events)["contact_phone"] == "418-555-0110 poste 3" and messages == []


def test_malformed_phone_is_asked_again_with_a_way_out(domain):
    form = ValidateContactForm()
    events, messages = run(
        form,
        tracker(
            slots={"consent": True, "contact_email": "a@b.ca"},
            text="555-12",
            requested="contact_phone",
            candidate=("contact_phone", "555-12"),
        ),
        domain,
    )
    assert slot_events(events) == {"contact_phone": None, "contact_failures": 1}
    assert responses(messages) == ["utter_invalid_phone"]
    events, messages = run(
        form,
        tracker(
            slots={"consent": True, "contact_email": "a@b.ca", "contact_failures": 1},
            text="12",
            requested="contact_phone",
            candidate=("contact_phone", "12"),
        ),
        domain,
    )
    assert responses(messages) == ["utter_invalid_phone", "utter_contact_way_out"]
    events, messages = run(
        form,
        tracker(
            slots={"consent": True, "contact_email": "a@b.ca", "contact_failures": 2},
            text="??",
            requested="contact_phone",
            candidate=("contact_phone", "??"),
        ),
        domain,
    )
    assert slot_events(events) == {"contact_phone": "aucun", "contact_failures": 0}


def test_phone_required_when_email_was_skipped(domain):
    events, messages = run(
        ValidateContactForm(),
        tracker(
            slots={"consent": True, "contact_email": "aucun"},
            text="passer",
            intent="skip_question",
            requested="contact_phone",
            candidate=("contact_phone", "passer"),
        ),
        domain,
    )
    assert slot_events(events)["contact_phone"] is None
    assert responses(messages) == ["utter_contact_need_one"]
    # and after repeated failures it is never skipped: the way out is "arrêter"
    events, messages = run(
        ValidateContactForm(),
        tracker(
            slots={"consent": True, "contact_email": "aucun", "contact_failures": 5},
            text="abc",
            requested="contact_phone",
            candidate=("contact_phone", "abc"),
        ),
        domain,
    )
    assert slot_events(events)["contact_phone"] is None
    assert responses(messages) == ["utter_invalid_phone", "utter_contact_need_one"]


# ----------------------------------------------------------------------------------------
# submit, refuse, forget
# ----------------------------------------------------------------------------------------
FILLED = {
    "consent": True,
    "consent_given_at": "2024-03-01T14:30:05",
    "contact_name": "Marie Tremblay",
    "contact_org": "Coop du Fjord",
    "contact_email": "marie@coopdufjord.example",
    "contact_phone": "aucun",
    "screening_result": json.dumps(SCREENING),
}


def test_submit_with_consent_saves_the_lead_with_screening_and_consent(domain, db):
    events, messages = run(ActionSubmitLead(), tracker(slots=FILLED, form=False), domain)
    [lead] = store.find_by_sender("conv-42")
    assert (lead["name"], lead["organisation"], lead["email"], lead["phone"]) == (
        "Marie Tremblay",
        "Coop du Fjord",
        "marie@coopdufjord.example",
        None,
    )
    assert lead["screening_result"] == SCREENING
    [consent] = lead["consents"]
    assert (consent["text"], consent["given_at"], consent["version"]) == (
        CONSENT_TEXT,
        "2024-03-01T14:30:05",
        CONSENT_VERSION,
    )
    slots = slot_events(events)
    assert slots["lead_reference"] == lead["reference"]
    assert slots["contact_name"] is None and slots["consent"] is None and "privacy_scrub" not in slots
    assert messages[0]["response"] == "utter_lead_saved" and messages[0]["lead_reference"] == lead["reference"]


def test_submit_without_consent_stores_nothing(domain, db):
    events, messages = run(ActionSubmitLead(), tracker(slots={**FILLED, "consent": None}, form=False), domain)
    assert responses(messages) == ["utter_consent_refused"]
    assert store.find_by_sender("conv-42") == []
    assert lead_count(db) == 0


def test_stop_during_the_form_cancels_and_scrubs(domain, db):
    events, messages = run(
        ActionRefuseConsent(),
        tracker(
            slots={"consent": True, "contact_name": "Marie"}, text="arrêter", intent="stop", requested="contact_org"
        ),
        domain,
    )
    assert responses(messages) == ["utter_contact_cancelled"]
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    slots = slot_events(events)
    assert slots["contact_name"] is None and slots["consent"] is None and slots["privacy_scrub"]
    assert lead_count(db) == 0


def test_forget_me_deletes_and_says_what(domain, db):
    run(ActionSubmitLead(), tracker(slots=FILLED, form=False), domain)
    [lead] = store.find_by_sender("conv-42")
    events, messages = run(
        ActionForgetMe(), tracker(text="supprimer mes données", intent="request_data_deletion", form=False), domain
    )
    assert messages[0]["text"] == (
        f"C'est fait : j'ai supprimé votre fiche de contact ({lead['reference']}) avec "
        "votre consentement enregistré, et l'historique de cette conversation. "
        "Nous ne conservons plus rien de cet échange."
    )
    assert events[-1]["event"] == "slot" and events[-1]["name"] == "data_deletion_at"  # the store's marker, last
    assert store.find_by_sender("conv-42") == []
    assert rows(db, "SELECT COUNT(*) FROM leads_consent") == [(0,)]
    _, messages = run(
        ActionForgetMe(), tracker(text="supprimer mes données", intent="request_data_deletion", form=False), domain
    )
    assert messages[0]["text"].startswith("C'est fait : je n'avais aucune fiche de contact liée à cette conversation")


# ----------------------------------------------------------------------------------------
# end to end: the trained model, Rasa's processor, the action server, the tracker store
# ----------------------------------------------------------------------------------------
import io  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SECRETS = (
    "Geneviève Simard",
    "Coop des Services du Fjord",
    "g.simard@servicesdufjord.example",
    "418-555-0110",
    "418 555 0110",
    "paul.roy@exemple.org",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def e2e_db(tmp_path_factory, databases) -> str:
    """URL of a copy of the knowledge base for this module (SQLite or PostgreSQL)."""
    url = databases.create(tmp_path_factory.mktemp("e2e"), kb=True)
    yield url
    databases.drop(url)


@pytest.fixture(scope="module")
def action_server(e2e_db, tmp_path_factory):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("actions") / "actions.log"
    env = {
        **os.environ,
        "DATABASE_URL": e2e_db,
        "PYTHONPATH": str(REPO),
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "VIRAGE_ACTION_SECRET": secrets.token_hex(16),
    }
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port), "-vv"],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            log.close()
            pytest.fail("Le serveur d'actions s'est arrêté :\n" + log_path.read_text()[-3000:])
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            time.sleep(1)
    else:
        proc.terminate()
        pytest.fail("Le serveur d'actions n'a pas démarré en 180 s.")
    yield {"url": url + "/webhook", "log": log_path, "secret": env["VIRAGE_ACTION_SECRET"]}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def agent(trained_model, action_server, e2e_db):
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    from rasa_server.tracker_store import VirageSQLTrackerStore

    store_ = VirageSQLTrackerStore(url=e2e_db)
    return Agent.load(
        trained_model,
        tracker_store=store_,
        action_endpoint=EndpointConfig(
            url=action_server["url"], headers={"Authorization": f"Bearer {action_server['secret']}"}
        ),
    )


@pytest.fixture()
def debug_logs(monkeypatch):
    """Everything Rasa logs in this process at DEBUG (stdlib and structlog)."""
    from rasa.utils.log_utils import configure_structlog

    from common import logging_privacy

    monkeypatch.delenv("VIRAGE_LOG_USER_TEXT", raising=False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("rasa").setLevel(logging.DEBUG)
    configure_structlog(logging.DEBUG)
    logging_privacy.install()
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)
    logging.getLogger("rasa").setLevel(logging.WARNING)


def _say(agent, sender, text):
    replies = asyncio.run(agent.handle_text(text, sender_id=sender))
    return [r.get("text") or "" for r in replies]


def test_end_to_end_consent_given_then_refused_nothing_personal_logged(agent, e2e_db, action_server, debug_logs):
    # consent given: the lead is stored with its consent, after an invalid e-mail was asked again
    assert CONSENT_TEXT in _say(agent, "e2e-oui", "/request_contact")
    assert _say(agent, "e2e-oui", "/affirm") == ["Merci. Quel est votre nom ?"]
    assert _say(agent, "e2e-oui", "Geneviève Simard") == ["Quel est le nom de votre organisation ?"]
    assert _say(agent, "e2e-oui", "Coop des Services du Fjord")[-1].startswith("À quelle adresse courriel")
    again = _say(agent, "e2e-oui", "g.simard@servicesdufjord")
    assert again[0].startswith("Cette adresse courriel ne semble pas valide") and again[-1].startswith(
        "À quelle adresse"
    )
    assert _say(agent, "e2e-oui", "g.simard@servicesdufjord.example")[-1].startswith("Et un numéro de téléphone ?")
    done = _say(agent, "e2e-oui", "418 555 0110")
    [lead] = store.find_by_sender("e2e-oui", engine=store.get_engine(e2e_db))
    assert done[-1].startswith(f"Merci ! Vos coordonnées sont enregistrées (référence {lead['reference']})")
    assert (lead["name"], lead["organisation"], lead["email"], lead["phone"]) == (
        "Geneviève Simard",
        "Coop des Services du Fjord",
        "g.simard@servicesdufjord.example",
        "418-555-0110",
    )
    assert lead["consents"][0]["text"] == CONSENT_TEXT

    # consent refused: an e-mail typed before is masked, nothing is stored
    first = _say(agent, "e2e-non", "vous pouvez m'écrire à paul.roy@exemple.org")
    if CONSENT_TEXT not in first:  # the model may or may not read this as a contact request
        assert CONSENT_TEXT in _say(agent, "e2e-non", "/request_contact")
    refused = _say(agent, "e2e-non", "/deny")
    assert refused[0].startswith("Entendu : je n'enregistre aucun renseignement personnel.")
    assert store.find_by_sender("e2e-non", engine=store.get_engine(e2e_db)) == []
    stored = "\n".join(d for (d,) in rows(e2e_db, "SELECT data FROM events WHERE sender_id='e2e-non' ORDER BY id"))
    kept = "\n".join(d for (d,) in rows(e2e_db, "SELECT data FROM events WHERE sender_id='e2e-oui' ORDER BY id"))
    leaked = [l for l in stored.split("\n") if "paul.roy@exemple.org" in l]
    assert not leaked and "[courriel masqu\\u00e9]" in stored, leaked
    # the lead table keeps the details; once it is saved, the conversation keeps none of them
    for secret in ("g.simard@servicesdufjord.example", "Geneviève Simard", "Coop des Services du Fjord"):
        assert secret not in kept, secret
    assert "[r\\u00e9ponse masqu\\u00e9e]" in kept

    # no personal data in the logs of the Rasa side nor of the action server
    rasa_logs = debug_logs.getvalue()
    actions_logs = Path(action_server["log"]).read_text(encoding="utf-8", errors="replace")
    assert "request_contact" in rasa_logs or "contact_form" in rasa_logs  # the logs did capture the conversation
    assert "validate_contact_form" in actions_logs
    for secret in SECRETS:
        assert secret not in rasa_logs, secret
        assert secret not in actions_logs, secret


@pytest.mark.parametrize(
    "sender,address",
    [("e2e-annule", "annule.roy@coopdufjord.example"), ("e2e-arrete", "arreter-annuler@coop.example")],
)
def test_end_to_end_an_address_that_says_cancel_is_an_address(agent, e2e_db, sender, address):
    """Issue 20, defect 9: at the e-mail question the answer is read as data first."""
    assert CONSENT_TEXT in _say(agent, sender, "/request_contact")
    _say(agent, sender, "/affirm")
    _say(agent, sender, "Paul Roy")
    assert _say(agent, sender, "Coop du Fjord")[-1].startswith("À quelle adresse courriel")
    replies = _say(agent, sender, address)
    assert replies[-1].startswith("Et un numéro de téléphone ?"), replies
    done = _say(agent, sender, "418 555 0110")
    [lead] = store.find_by_sender(sender, engine=store.get_engine(e2e_db))
    assert lead["email"] == address and done[-1].startswith("Merci ! Vos coordonnées sont enregistrées")
    # with consent, once the lead is saved the conversation keeps no contact detail (defect 3)
    kept = "\n".join(d for (d,) in testdb.rows(e2e_db, "SELECT data FROM events WHERE sender_id=:s", {"s": sender}))
    for secret in (address, "Paul Roy", "418 555 0110", "418-555-0110"):
        assert secret not in kept, secret


def test_end_to_end_masking_changes_no_answer(agent, trained_model, action_server):
    """Masking is for storage: the same questions get the same answers whether the conversation
    is kept by our masking tracker store or by Rasa's in-memory one (issue 20)."""
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.utils.endpoints import EndpointConfig

    from bench.pii import ordinary_samples

    plain = Agent.load(
        trained_model,
        tracker_store=InMemoryTrackerStore(agent.domain),
        action_endpoint=EndpointConfig(
            url=action_server["url"], headers={"Authorization": f"Bearer {action_server['secret']}"}
        ),
    )
    questions = ordinary_samples()[::20]  # 6 of the 111, spread over the file
    for i, question in enumerate(questions):
        turns = [question, "et pour une coop au Saguenay ?"]  # the follow-up reads the stored turn
        ours = [_say(agent, f"same-{i}", t) for t in turns]
        theirs = [_say(plain, f"same-{i}", t) for t in turns]
        assert ours == theirs, question
