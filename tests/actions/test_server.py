"""The action server answers only the Rasa server (issue 20, defect 1), through a real process.

`python -m actions.server` (the project's entry point around rasa-sdk's app): loopback only by
default, the shared secret on every call but /health, generic errors, a body and inflation ceiling.
On the starter command (`python -m rasa_sdk --actions actions`) every test here but the start-up
one fails: it listens on 0.0.0.0, runs actions for anyone and echoes the request body.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SECRET = secrets.token_hex(16)
MARKER = "marie.tremblay@coop.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra):
    env = {**os.environ, "PYTHONPATH": str(REPO), "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("VIRAGE_ACTION_SECRET", None)
    env.pop("VIRAGE_ACTIONS_HOST", None)
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def server(tmp_path_factory, kb_url):
    port = _free_port()
    log_path = tmp_path_factory.mktemp("actions-server") / "actions.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=REPO,
        env=_env(VIRAGE_ACTION_SECRET=SECRET, DATABASE_URL=kb_url),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail("action server exited:\n" + log_path.read_text()[-3000:])
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("action server not up after 180 s")
    yield {"url": url, "port": port, "log": log_path}
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _post(url, body: bytes, headers=None):
    req = urllib.request.Request(url, body, {"Content-Type": "application/json", **(headers or {})}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def _call(action: str, sender: str = "attacker") -> bytes:
    tracker = {
        "sender_id": sender,
        "slots": {},
        "latest_message": {"text": MARKER, "intent": {"name": "ask_programme"}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return json.dumps({"next_action": action, "sender_id": sender, "tracker": tracker, "domain": {}}).encode()


AUTH = {"Authorization": f"Bearer {SECRET}"}


def test_listens_on_loopback_only(server):
    """Bound to 127.0.0.1: the address of any other interface is not answered."""
    out = subprocess.run(["ss", "-ltnH", f"sport = :{server['port']}"], capture_output=True, text=True).stdout
    local = [line.split()[3] for line in out.splitlines() if line.strip()]
    assert local and all(addr.startswith("127.0.0.1:") for addr in local), out


@pytest.mark.parametrize("headers, status", [({}, 401), ({"Authorization": "Bearer wrong-secret-0000"}, 403)])
def test_a_call_without_the_secret_is_refused_and_runs_nothing(server, headers, status):
    code, body = _post(server["url"] + "/webhook", _call("action_delete_my_data"), headers)
    assert code == status
    assert MARKER not in body and "events" not in body


def test_the_action_list_needs_the_secret_too(server):
    req = urllib.request.Request(server["url"] + "/actions")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 401


def test_with_the_secret_an_action_runs(server):
    code, body = _post(server["url"] + "/webhook", _call("action_programme", sender="rasa"), AUTH)
    assert code == 200, body
    assert json.loads(body)["responses"]


def test_errors_do_not_echo_the_request(server):
    # a tracker that makes the action crash: the answer must not contain what was sent
    broken = json.dumps({"next_action": "action_programme", "tracker": {"latest_message": MARKER}}).encode()
    code, body = _post(server["url"] + "/webhook", broken, AUTH)
    assert code >= 400
    assert MARKER not in body and "request_body" not in body


def test_a_deflate_bomb_is_refused(server):
    bomb = zlib.compress(b" " * 50_000_000)  # 50 MB of spaces in about 50 kB
    code, body = _post(server["url"] + "/webhook", bomb, {**AUTH, "Content-Encoding": "deflate"})
    assert code == 413


def test_a_compressed_call_within_limits_still_works(server):
    code, body = _post(
        server["url"] + "/webhook",
        zlib.compress(_call("action_programme", sender="rasa")),
        {**AUTH, "Content-Encoding": "deflate"},
    )
    assert code == 200, body


def test_an_oversized_body_is_refused(server):
    """Announced as 6 MB: refused from the headers, before reading (the client need not send it)."""
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=10) as s:
        s.sendall(
            b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {SECRET}\r\nContent-Length: 6000000\r\n\r\n".encode()
        )
        status_line = s.recv(200).split(b"\r\n")[0]
    assert b" 413 " in status_line


def test_refuses_to_start_without_a_secret():
    done = subprocess.run(
        [sys.executable, "-m", "actions.server", "--port", str(_free_port())],
        cwd=REPO,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "VIRAGE_ACTION_SECRET" in done.stderr
