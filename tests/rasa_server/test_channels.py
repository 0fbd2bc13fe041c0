"""The public channels, hardened (issue 20, defects 2, 4, 5, 6, 8 and the rate limits).

Both Virage channels run on a real Sanic server (tests/rasa_server/channel_server.py) with an echo
bot in place of the model: every turn answers ``<conversation id>|<text>|<metadata keys>``, so a
test sees which conversation a message reached. Real socket.io clients (python-socketio) and real
HTTP requests; the server is a subprocess on a free port.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import socketio

REPO = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).with_name("channel_server.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, tmp: Path, **env):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"channels-{self.port}.log"
        full_env = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "VIRAGE_ALLOWED_ORIGINS": "http://partner.example",
            "VIRAGE_SESSION_SECRET": "test-session-secret-0123456789",
            "VIRAGE_RATE_MESSAGES": "off",
            "VIRAGE_RATE_CONNECTIONS": "off",
        }
        full_env.pop("VIRAGE_REST_API_KEY", None)
        full_env.update(env)
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVER), str(self.port)],
            cwd=REPO,
            env=full_env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                pytest.fail("channel server exited:\n" + self.log_path.read_text()[-3000:])
            try:
                urllib.request.urlopen(self.url + "/webhooks/rest/", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        pytest.fail("channel server not up")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()

    def post(self, path, body, content_type="application/json", headers=None, timeout=10):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, body, {"Content-Type": content_type, **(headers or {})}, method="POST"
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, raw.decode("utf-8", "replace")

    def say(self, sender, message, **extra):
        return self.post("/webhooks/rest/webhook", {"sender": sender, "message": message, **extra})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("channels"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("channels-limited"), VIRAGE_RATE_MESSAGES="5/6", VIRAGE_RATE_CONNECTIONS="4/4")
    yield s
    s.stop()


# ---------------------------------------------------------------- socket.io


class Visitor:
    """A socket.io client that records session_confirm and bot_uttered."""

    def __init__(self, url):
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.confirmed: list = []
        self.replies: list = []
        self.sio.on("session_confirm", lambda data: self.confirmed.append(data))
        self.sio.on("bot_uttered", lambda data: self.replies.append(data))

    async def connect(self):
        await self.sio.connect(self.url, transports=["polling"], wait_timeout=10)
        return self

    async def session(self, token=None):
        n = len(self.confirmed)
        await self.sio.emit("session_request", {"session_id": token})
        await self.until(lambda: len(self.confirmed) > n)
        return self.confirmed[-1]

    async def until(self, check, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            await asyncio.sleep(0.02)
        return False

    async def say(self, data, event="user_uttered"):
        n = len(self.replies)
        await self.sio.emit(event, data)
        await self.until(lambda: len(self.replies) > n)
        return self.replies[n:]

    async def close(self):
        # abort: do not wait for the pending long-poll (up to the 25 s ping interval)
        await self.sio.eio.disconnect(abort=True)
        self.sio.connected = False


def run(coro):
    return asyncio.run(coro)


def test_the_server_issues_the_session_and_a_token_resumes_it(server):
    async def scenario():
        first = await Visitor(server.url).connect()
        token = await first.session()
        session_id = token.split(".")[0]
        reply = await first.say({"message": "bonjour", "session_id": token})
        assert reply[0]["text"] == f"{session_id}|bonjour|"
        await first.close()
        again = await Visitor(server.url).connect()  # page reload: same tab, same token
        assert await again.session(token) == token
        assert (await again.say({"message": "encore", "session_id": token}))[0]["text"].startswith(session_id)
        await again.close()

    run(scenario())


def test_a_session_request_for_someone_elses_id_gets_a_new_session(server):
    """Defect 2: knowing a visitor's id (from a log, an export…) no longer lets anyone join it."""

    async def scenario():
        victim = await Visitor(server.url).connect()
        victim_token = await victim.session()
        victim_id = victim_token.split(".")[0]
        attacker = await Visitor(server.url).connect()
        for claim in (victim_id, victim_id + ".forgedsignature0000", "choisi-par-le-client"):
            got = await attacker.session(claim)
            assert got.split(".")[0] != victim_id
        reply = await attacker.say({"message": "espion", "session_id": victim_id})
        assert not reply[0]["text"].startswith(victim_id)
        await asyncio.sleep(0.3)
        assert victim.replies == []  # nothing of the attacker's turn reached the victim
        await victim.close()
        await attacker.close()

    run(scenario())


def test_a_message_naming_another_session_stays_in_the_sockets_own(server):
    """Defect 2: user_uttered with someone else's session_id (even their token) is answered in the
    sender's own conversation; the victim receives nothing."""

    async def scenario():
        victim = await Visitor(server.url).connect()
        victim_token = await victim.session()
        attacker = await Visitor(server.url).connect()
        own = (await attacker.session()).split(".")[0]
        reply = await attacker.say({"message": "pour toi", "session_id": victim_token})
        assert reply[0]["text"] == f"{own}|pour toi|"
        await asyncio.sleep(0.3)
        assert victim.replies == []
        # a socket that never asked for a session gets one, not the id it names
        lurker = await Visitor(server.url).connect()
        reply = await lurker.say({"message": "salut", "session_id": victim_token.split(".")[0]})
        assert lurker.confirmed and not reply[0]["text"].startswith(victim_token.split(".")[0])
        for v in (victim, attacker, lurker):
            await v.close()

    run(scenario())


@pytest.mark.parametrize(
    "data",
    [
        "juste une chaîne",
        ["une", "liste"],
        42,
        None,
        {"session_id": "x"},
        {"message": 12},
        {"message": {"text": "objet"}},
        {"message": "bonjour", "metadata": "{pas du json"},
        {"message": "bonjour", "metadata": {"x": "y" * 5000}},
    ],
)
def test_malformed_socket_events_are_answered_in_french(server, data):
    """Defect 5: each malformed user_uttered gets a French reply instead of silence."""

    async def scenario():
        v = await Visitor(server.url).connect()
        await v.session()
        reply = await v.say(data)
        await v.close()
        return reply

    reply = run(scenario())
    assert reply and reply[0]["text"] == "Je n'ai pas pu lire ce message (format inattendu). " + (
        "Écrivez votre question dans la zone de texte, par exemple : « c'est quoi le volet 2 ? »"
    )


def test_lone_surrogates_are_dropped_from_socket_text(server):
    async def scenario():
        v = await Visitor(server.url).connect()
        sid = (await v.session()).split(".")[0]
        reply = await v.say({"message": "bon\ud800jour"})
        await v.close()
        return sid, reply

    sid, reply = run(scenario())
    assert reply[0]["text"] == f"{sid}|bonjour|"


def test_socket_messages_and_connections_are_rate_limited(limited):
    """Defect 6 and the rate limits: a flood from one client gets a French answer, and a burst of
    connections (100 in under a second were all accepted) is refused after the allowance."""

    async def scenario():
        v = await Visitor(limited.url).connect()
        await v.session()  # counts as one message
        texts = []
        for i in range(8):
            texts += [r["text"] for r in await v.say({"message": f"m{i}"})]
        await v.close()
        return texts

    texts = run(scenario())
    limited_texts = [t for t in texts if t.startswith("Vous envoyez beaucoup de messages")]
    assert 3 <= len(limited_texts) <= 5 and len(texts) == 8
    # burst of 4 connections: the visitor above used one, 3 more pass, the rest are refused
    answers = [raw_socketio_connect(limited.url) for _ in range(6)]
    assert [a[:2] for a in answers] == ["40"] * 3 + ["44"] * 3
    assert "Trop de connexions" in answers[-1]


def raw_socketio_connect(url: str) -> str:
    """Engine.IO handshake over long-polling, then the Socket.IO connect; returns the server's
    answer packet ("40…" accepted, "44…" refused with its message)."""
    base = url + "/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(base, timeout=10) as r:
        sid = json.loads(r.read().decode()[1:])["sid"]
    req = urllib.request.Request(f"{base}&sid={sid}", b"40", {"Content-Type": "text/plain"}, method="POST")
    urllib.request.urlopen(req, timeout=10).read()
    with urllib.request.urlopen(f"{base}&sid={sid}", timeout=10) as r:
        packets = r.read().decode().split("\x1e")
    return next(p for p in packets if p.startswith("4"))


# --------------------------------------------------------------------- REST


def test_rest_refuses_a_missing_null_or_non_string_sender(server):
    """Defect 4: no shared "default" conversation, no number/object turned into a string."""
    for body in ({"message": "bonjour"}, {"sender": None, "message": "bonjour"}, {"sender": 12, "message": "x"}):
        code, answer = server.post("/webhooks/rest/webhook", body)
        assert code == 400 and answer["error"] == "bad_sender" and "sender" in answer["message"]
    code, answer = server.say({"id": 1}, "bonjour")
    assert code == 400


def test_rest_refuses_an_oversized_or_odd_sender(server):
    """Defect 4: a 100 000-character id (or an e-mail, a path) is not stored."""
    for sender in ("s" * 100_000, "x" * 65, "marie@coop.example", "../../etc", "a b"):
        code, answer = server.say(sender, "bonjour")
        assert code in (400, 413), (sender[:20], code)


def test_rest_cannot_enter_a_widget_conversation_without_its_token(server):
    """Defect 2, REST side: a server-issued id is reachable only with its signed token."""

    async def open_widget_session():
        v = await Visitor(server.url).connect()
        token = await v.session()
        await v.close()
        return token

    token = run(open_widget_session())
    session_id = token.split(".")[0]
    code, answer = server.say(session_id, "je suis qui ?")
    assert code == 403 and answer["error"] == "not_your_conversation"
    code, answer = server.say(token, "avec le jeton")
    assert code == 200 and answer[0]["text"] == f"{session_id}|avec le jeton|"


def test_rest_session_route_issues_and_resumes(server):
    code, first = server.post("/webhooks/rest/session", {})
    assert code == 200 and first["session_id"].count(".") == 1
    code, same = server.post("/webhooks/rest/session", {"session_id": first["session_id"]})
    assert same["session_id"] == first["session_id"]
    code, other = server.post("/webhooks/rest/session", {"session_id": first["session_id"].split(".")[0]})
    assert other["session_id"] != first["session_id"]


def test_client_chosen_ids_need_the_api_key_when_one_is_set(tmp_path):
    s = Server(tmp_path, VIRAGE_REST_API_KEY="cle-integration-0123456789")
    try:
        code, answer = s.say("integration-42", "bonjour")
        assert code == 403 and answer["error"] == "api_key_required"
        code, answer = s.post(
            "/webhooks/rest/webhook",
            {"sender": "integration-42", "message": "bonjour"},
            headers={"Authorization": "Bearer cle-integration-0123456789"},
        )
        assert code == 200 and answer[0]["text"] == "integration-42|bonjour|"
    finally:
        s.stop()


@pytest.mark.parametrize("message", [12, None, ["a"], {"t": 1}, True])
def test_rest_non_string_message_is_a_clear_400(server, message):
    """Defect 5: was HTTP 200 with an empty list."""
    code, answer = server.say("types", message)
    assert code == 400 and answer["error"] == "bad_message" and "texte" in answer["message"]


@pytest.mark.parametrize("body", [b"", b"[]", b'["sender", "message"]', b"{pas du json", b"\xff\xfe", b"null"])
def test_rest_empty_array_or_broken_json_is_a_400_not_a_500(server, body):
    """Defect 5: a JSON array or an empty body was HTTP 500."""
    code, answer = server.post("/webhooks/rest/webhook", body)
    assert code == 400 and answer["error"] == "bad_json"


def test_rest_lone_surrogate_is_dropped_and_answered(server):
    """Defect 5: a lone surrogate crashed the NLU (and the apology blamed an outage)."""
    code, answer = server.post("/webhooks/rest/webhook", b'{"sender": "surrogate", "message": "bon\\ud800jour"}')
    assert code == 200 and answer[0]["text"] == "surrogate|bonjour|"


def test_rest_stream_with_a_bad_message_is_refused_at_once(server):
    """Defect 5: ?stream=true with a bad message hung 60 s, then 503."""
    t0 = time.monotonic()
    code, answer = server.post("/webhooks/rest/webhook?stream=true", {"sender": "stream", "message": 5}, timeout=10)
    assert code == 400 and time.monotonic() - t0 < 5


def test_rest_stream_still_works(server):
    req = urllib.request.Request(
        server.url + "/webhooks/rest/webhook?stream=true",
        json.dumps({"sender": "stream", "message": "salut"}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as r:
        lines = [json.loads(line) for line in r.read().decode().splitlines() if line.strip()]
    assert lines[0]["text"] == "stream|salut|"


def test_rest_metadata_is_bounded(server):
    """Defect 6: metadata had no limit (200 kB sent became 800 kB stored)."""
    code, answer = server.say("meta", "bonjour", metadata={"page": "/accueil"})
    assert code == 200 and answer[0]["text"] == "meta|bonjour|page"
    for metadata in ({"blob": "x" * 3000}, ["liste"], "texte"):
        code, answer = server.say("meta", "bonjour", metadata=metadata)
        assert code == 400 and answer["error"] == "bad_metadata"


def test_rest_body_ceiling_is_64_kb(server):
    """Defect 6: Sanic's 100 MB default accepted 20 MB."""
    code, answer = server.say("big", "bonjour", metadata={"blob": "x" * 200_000})
    assert code == 413 and "volumineuse" in answer["message"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_rest_refuses_non_json_bodies_so_cross_site_form_posts_fail(server, content_type):
    """Defect 8: text/plain was parsed as JSON, so any website could post through its visitors."""
    code, answer = server.post("/webhooks/rest/webhook", {"sender": "csrf", "message": "bonjour"}, content_type)
    assert code == 415 and "application/json" in answer["message"]


def test_rest_input_channel_from_the_client_is_ignored(server):
    code, answer = server.say("chan", "bonjour", input_channel="socketio")
    assert code == 200  # served as REST; the echo bot does not show it, the tracker would say "rest"


def test_rest_is_rate_limited_in_french(limited):
    codes = []
    for i in range(9):
        code, answer = limited.say("flood", f"m{i}")
        codes.append(code)
    assert codes[:5] == [200] * 5 and 429 in codes
    assert "Attendez quelques secondes" in answer["message"]
