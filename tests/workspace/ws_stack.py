"""A real workspace for the tests: its own var/ folder and its own database (a copy of the
knowledge base from tests/databases.py, SQLite or PostgreSQL, so the importer can run), lead cards imported from tests/data/transcripts by
the real worker (`python -m workspace import`, the NLU model included), two accounts, and
`python -m workspace serve` on a free loopback port."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, Optional

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "web"))
from widget_stack import free_port  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
TRANSCRIPTS = ROOT / "tests" / "data" / "transcripts"


class WorkspaceStack:
    def __init__(self, var_dir: Path, database_url: str):
        self.var_dir = var_dir
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "VIRAGE_VAR_DIR": str(var_dir),
            "DATABASE_URL": database_url,
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
        }
        self.proc: Optional[subprocess.Popen] = None
        self.passwords: Dict[str, str] = {}

    def run(self, *args: str, timeout: float = 300) -> str:
        out = subprocess.run(
            [PYTHON, "-m", "workspace", *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    def add_account(self, email: str, role: str) -> str:
        printed = self.run("advisor-add", "--email", email, "--role", role)
        password = re.search(r"une seule fois[^:]*: (\S+)", printed).group(1)
        self.passwords[email] = password
        return password

    def start(self, import_transcripts: bool = True) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        if import_transcripts:
            self.run("import", "--in", str(TRANSCRIPTS), timeout=600)
        self.add_account("admin@cdrq.example", "administrateur")
        self.add_account("conseil@cqcm.example", "conseiller")
        self.log = open(self.var_dir / "serve.log", "wb")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "workspace", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/connexion", timeout=2)
                return
            except Exception:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        raise RuntimeError("workspace did not start: " + (self.var_dir / "serve.log").read_text(errors="replace"))

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "log", None):
            self.log.close()


class Client:
    """requests, with the session cookie carried by hand: the cookie is Secure and requests
    (rightly) does not send a Secure cookie over http, which browsers do for 127.0.0.1."""

    def __init__(self, base: str):
        self.base = base
        self.cookie: Optional[str] = None
        self.http = requests.Session()

    def request(self, method: str, path: str, **kw) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        r = self.http.request(method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kw)
        self.http.cookies.clear()
        set_cookie = r.headers.get("set-cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return r

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw):
        return self.request("POST", path, **kw)

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).text).group(1)

    def login(self, email: str, password: str) -> requests.Response:
        token = self.csrf("/connexion")
        return self.post("/connexion", data={"email": email, "password": password, "csrf_token": token})


def bot_stack(workspace: WorkspaceStack):
    """The real bot (action server + Rasa, tests/web's Stack) writing its conversations into
    the workspace's database, as `make run` does with the one database."""
    from widget_stack import Stack

    class BotStack(Stack):
        def _env(self):
            env = super()._env()
            env.update(DATABASE_URL=workspace.env["DATABASE_URL"], VIRAGE_VAR_DIR=workspace.env["VIRAGE_VAR_DIR"])
            return env

    return BotStack()


def say(bot, sender: str, text: str) -> list:
    r = requests.post(bot.rasa_url + "/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
    assert r.status_code == 200, r.text
    return r.json()
