"""End to end over HTTP: the real action server and Rasa server, talked to through the REST channel.

Also checks that bad input (empty, huge, emoji, HTML, SQL-looking, gibberish) and a dead action
server give a clear French answer while the server stays up."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from rasa_server import guard

REPO = Path(__file__).resolve().parents[2]
PY = str(REPO / ".venv" / "bin" / "python")
RASA = str(REPO / ".venv" / "bin" / "rasa")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode()


class Bot:
    def __init__(self, tmp: Path, kb_url: str):
        self.tmp, self.kb_url = tmp, kb_url
        self.action_port, self.rasa_port = _free_port(), _free_port()
        self.procs = {}
        self.secret = secrets.token_hex(16)

    def start_actions(self):
        env = {**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": self.kb_url, "VIRAGE_ACTION_SECRET": self.secret}
        log = open(self.tmp / "actions.log", "w")
        self.procs["actions"] = subprocess.Popen(
            [PY, "-m", "actions.server", "--port", str(self.action_port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait(f"http://127.0.0.1:{self.action_port}/health", "actions", 120)

    def start_rasa(self):
        endpoints = yaml.safe_load((REPO / "endpoints.yml").read_text()) or {}
        endpoints["action_endpoint"] = {
            "url": f"http://127.0.0.1:{self.action_port}/webhook",
            "headers": {"Authorization": f"Bearer {self.secret}"},
        }
        (self.tmp / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
        (self.tmp / "credentials.yml").write_text("rasa_server.rest_channel.VirageRestInput:\n")
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": self.kb_url,
            "TF_CPP_MIN_LOG_LEVEL": "3",
            # this module sends ~50 messages in a row from 127.0.0.1; the limits have their own tests
            "VIRAGE_RATE_MESSAGES": "off",
        }
        log = open(self.tmp / "rasa.log", "w")
        self.procs["rasa"] = subprocess.Popen(
            [
                RASA,
                "run",
                "--model",
                str(REPO / "models" / "virage.tar.gz"),
                "--port",
                str(self.rasa_port),
                "--endpoints",
                str(self.tmp / "endpoints.yml"),
                "--credentials",
                str(self.tmp / "credentials.yml"),
            ],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait(f"http://127.0.0.1:{self.rasa_port}/", "rasa", 420)

    def _wait(self, url, name, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.procs[name].poll() is not None:
                pytest.fail(f"{name} exited:\n" + (self.tmp / f"{name}.log").read_text()[-3000:])
            try:
                if _get(url)[0] == 200:
                    return
            except OSError:
                time.sleep(1)
        pytest.fail(f"{name} not ready after {timeout}s:\n" + (self.tmp / f"{name}.log").read_text()[-3000:])

    def stop(self, name):
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def say(self, text, sender="e2e"):
        body = json.dumps({"sender": sender, "message": text}).encode()
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())

    def alive(self):
        return _get(f"http://127.0.0.1:{self.rasa_port}/")[0] == 200


@pytest.fixture(scope="module")
def bot(tmp_path_factory, kb_url):
    if not (REPO / "models" / "virage.tar.gz").exists():
        pytest.fail("models/virage.tar.gz is missing: run `make train` (make test does it first)")
    b = Bot(tmp_path_factory.mktemp("server"), kb_url)
    try:
        b.start_actions()
        b.start_rasa()
        yield b
    finally:
        for name in list(b.procs):
            b.stop(name)


def _texts(reply):
    return "\n".join(m.get("text", "") for m in reply)


def test_greeting_in_french_with_buttons(bot):
    reply = bot.say("bonjour")
    assert reply and reply[0]["text"].startswith("Bonjour ! Je suis Virage")
    assert any(b["payload"] == "/start_screening" for b in reply[0].get("buttons", []))


def test_factual_answer_is_sourced(bot):
    reply = bot.say("/ask_volets")
    assert "Le programme a trois volets" in _texts(reply) and "Source : " in _texts(reply)


def test_button_payload_with_entities(bot):
    reply = bot.say('/ask_volets{"volet":"3"}')
    assert _texts(reply).startswith("Volet 3 — Aide financière") and "250 000 $" in _texts(reply)


def test_a_question_mid_screening_is_answered_then_the_screening_pauses(bot):
    """A question that names an organisation ("des exemples de coops ?") during the screening gets
    its own answer, through the real form and action server; the screening pauses (offered back with
    a button) instead of asking its question again, and resumes where it was."""
    assert "forme juridique" in _texts(bot.say("/start_screening", sender="digress"))
    question = bot.say('/inform{"legal_form":"nonprofit"}', sender="digress")[-1]["text"]
    reply = bot.say('/ask_cases{"legal_form":"cooperative"}', sender="digress")
    assert _texts(reply).startswith("Voici des exemples") and "Source : " in _texts(reply)
    assert question not in _texts(reply) and reply[-1]["buttons"][0]["title"] == "Reprendre le questionnaire"
    resumed = bot.say(reply[-1]["buttons"][0]["payload"], sender="digress")
    assert resumed[-1]["text"] == question and "Je note déjà : OBNL." in _texts(resumed)


def test_a_yes_to_a_which_question_is_asked_again_once(bot):
    """ "oui" to "are you a union, a party…?" says it was not understood, then the question; the
    rule for a "oui" outside any question (what the bot can do) must not answer as well."""
    bot.say("/start_screening", sender="oui")
    # an OBNL is asked whether it is a union, a party…: a question "oui" does not answer
    question = bot.say('/inform{"legal_form":"nonprofit"}', sender="oui")[-1]["text"]
    reply = bot.say("oui", sender="oui")
    assert [m["text"] for m in reply] == [
        "Je n'ai pas saisi votre réponse. Choisissez un des boutons (ou écrivez-le, par exemple « une coop » "
        "ou « aucun de ceux-là »), ou dites « passer ».",
        question,
    ]


def test_keyboard_mash_mid_screening_erases_nothing_and_other_thing_asks_to_rephrase(bot):
    """Mash read as "restart" with little confidence is only offered as a button (config.yml,
    intent_thresholds); "Autre chose" asks to rephrase instead of answering the pending question."""
    bot.say("/start_screening", sender="mash")
    question = bot.say('/inform{"legal_form":"nonprofit"}', sender="mash")[-1]["text"]
    unsure = bot.say("asdfgh qwerty", sender="mash")
    assert _texts(unsure).startswith("Je ne suis pas certain d'avoir compris") and "reparti" not in _texts(unsure)
    assert (
        _texts(bot.say("/out_of_scope", sender="mash")) == "D'accord. Pouvez-vous reformuler votre question autrement ?"
    )
    resumed = bot.say('/inform{"org_category":"none"}', sender="mash")[-1]["text"]
    # the OBNL answer was kept (the legal form is not asked again) and the screening goes on
    assert resumed != question and "forme juridique" not in resumed and resumed.endswith("?")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a" * 5000,
        "🙂🙂🙂",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE kb_cases; --",
        "xqzv blorf wubba",
        "\u0000\u202e",
    ],
)
def test_bad_input_gets_a_french_answer_and_server_stays_up(bot, text):
    reply = bot.say(text, sender="bad-input")
    assert reply and all(m.get("text") for m in reply)
    assert bot.alive()


def test_a_lone_surrogate_gets_a_real_answer_not_an_outage_apology(bot):
    """Issue 20, defect 5: a lone surrogate crashed the NLU and the apology blamed a service."""
    reply = bot.say("bonjour\ud800", sender="surrogate")
    assert reply[0]["text"].startswith("Bonjour ! Je suis Virage") and _texts(reply) != guard.UNAVAILABLE_TEXT


def _post_raw(bot, body: bytes, content_type: str):
    req = urllib.request.Request(
        f"http://127.0.0.1:{bot.rasa_port}/webhooks/rest/webhook", body, {"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_the_real_server_refuses_bad_requests_with_french_4xx(bot):
    """Issue 20, defects 4, 5, 8 through the real Rasa server (its channels: test_channels.py)."""
    body = json.dumps({"sender": "csrf", "message": "bonjour"}).encode()
    assert _post_raw(bot, body, "text/plain")[0] == 415
    code, answer = _post_raw(bot, json.dumps({"message": "bonjour"}).encode(), "application/json")
    assert code == 400 and "sender" in answer["message"]
    code, answer = _post_raw(bot, json.dumps({"sender": "x", "message": 3}).encode(), "application/json")
    assert code == 400 and "texte" in answer["message"]
    assert _post_raw(bot, b"[]", "application/json")[0] == 400
    assert bot.alive()


def test_sql_looking_text_does_not_touch_the_knowledge_base(bot):
    bot.say("'; DROP TABLE kb_cases; --", sender="sql")
    assert "Les Librairies" in _texts(bot.say('/ask_cases{"case_name":"librairies independantes"}', sender="sql"))


def test_dead_action_server_gives_french_message(bot):
    bot.stop("actions")
    reply = bot.say("/ask_programme", sender="dead-actions")
    assert _texts(reply) == guard.UNAVAILABLE_TEXT
    assert bot.alive()
    bot.start_actions()
    assert "Source : " in _texts(bot.say("/ask_programme", sender="dead-actions"))


def test_make_run_names_a_busy_port_and_starts_nothing():
    """A Virage left running elsewhere holds the ports: `make run` says which one, in French."""
    holder = socket.socket()
    try:
        holder.bind(("127.0.0.1", 5055))
        holder.listen()
    except OSError:  # already taken by something else: the script must say so all the same
        pass
    try:
        done = subprocess.run(["bash", "scripts/run.sh"], cwd=REPO, capture_output=True, text=True, timeout=60)
    finally:
        holder.close()
    assert done.returncode == 1
    assert "Le port 5055 est déjà utilisé" in done.stderr and "Virage est prêt" not in done.stdout
