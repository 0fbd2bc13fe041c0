"""Starts the real Virage stack for browser tests and screenshots.

    action server (rasa_sdk)  ->  Rasa server (socket.io + REST)  <-  demo site + widget

Every port is picked free at start, every process gets a log file, a deadline
and is always stopped (process group, TERM then KILL).  Used by conftest.py and
by screenshots.py.  Environment knobs (all optional):

  VIRAGE_CHROMIUM          chromium binary (default /usr/bin/chromium)
  VIRAGE_TEST_MODEL        model file or folder for `rasa run --model` (default models/)
  VIRAGE_TEST_NO_ACTIONS   "1": do not start the action server (Rasa's starter bot)
  VIRAGE_TEST_STARTUP_S    seconds allowed for Rasa to load the model (default 420)
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # web.server
VENV_BIN = ROOT / ".venv" / "bin"
CHROMIUM = os.environ.get("VIRAGE_CHROMIUM", "/usr/bin/chromium")
# Flags for a quiet, reproducible headless Chromium that never calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--font-render-hinting=none",
]
CHANNEL_CLASS = "rasa_server.channels.VirageSocketIO"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 3.0, headers: Optional[Dict[str, str]] = None) -> tuple:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def chromium_launch_kwargs() -> dict:
    return {"executable_path": CHROMIUM, "headless": True, "args": list(CHROMIUM_ARGS)}


def project_credentials() -> dict:
    """credentials.yml with the socket.io channel swapped for the origin-checking one.

    Keeps whatever settings the project uses (events, session persistence, ...);
    works whether credentials.yml already names rasa_server.channels.VirageSocketIO or
    still names Rasa's plain ``socketio``.
    """
    data = yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")) or {}
    creds: Dict[str, object] = {}
    socket_settings = None
    for key, value in data.items():
        if key == "socketio" or key.endswith("VirageSocketIO"):
            socket_settings = value or {}
        else:
            creds[key] = value
    socket_settings = dict(socket_settings or {})
    socket_settings.setdefault("user_message_evt", "user_uttered")
    socket_settings.setdefault("bot_message_evt", "bot_uttered")
    socket_settings["session_persistence"] = True
    creds[CHANNEL_CLASS] = socket_settings
    # The widget's REST fallback needs a channel served at /webhooks/rest/ (Rasa's
    # `rest` or the project's subclass of it); add Rasa's only if none is configured.
    if not any(k == "rest" or k.lower().endswith("restinput") for k in creds):
        creds["rest"] = None
    return creds


class ManagedProcess:
    def __init__(self, name: str, cmd: List[str], log_path: Path, env: Dict[str, str], cwd: Path):
        self.name, self.cmd, self.log_path = name, cmd, log_path
        self._log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=str(cwd),
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, timeout: float = 15.0) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        else:
            # The leader exited on its own; make sure no child is left behind.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self._log.close()

    def tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        keep = [ln for ln in text.splitlines() if "Warning" not in ln and "warn(" not in ln]
        return "\n".join(keep[-lines:])


class Stack:
    """Action server + Rasa + demo web server on free ports."""

    def __init__(self, with_actions: Optional[bool] = None):
        self.tmp = Path(tempfile.mkdtemp(prefix="virage-browser-"))
        self.rasa_port = free_port()
        self.web_port = free_port()
        self.actions_port = free_port()
        self.web_origin = f"http://127.0.0.1:{self.web_port}"
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.with_actions = os.environ.get("VIRAGE_TEST_NO_ACTIONS") != "1" if with_actions is None else with_actions
        self.processes: Dict[str, ManagedProcess] = {}
        self.action_secret = secrets.token_hex(16)
        # the Rasa server signs the visitors' session tokens and the demo server (in this process)
        # checks them for the ratings: one key for both
        self.session_secret = secrets.token_hex(16)
        self.web_server = None
        self._web_thread: Optional[threading.Thread] = None

    # -- start -----------------------------------------------------------------
    def _env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.update(
            PYTHONPATH=str(ROOT),
            PYTHONDONTWRITEBYTECODE="1",
            RASA_TELEMETRY_ENABLED="false",
            TF_CPP_MIN_LOG_LEVEL="3",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            VIRAGE_ALLOWED_ORIGINS=self.web_origin,
            VIRAGE_ACTION_SECRET=self.action_secret,
            VIRAGE_SESSION_SECRET=self.session_secret,
            # browser tests reconnect and send quickly from one address; the limits have their own tests
            VIRAGE_RATE_MESSAGES="off",
            VIRAGE_RATE_CONNECTIONS="off",
        )
        return env

    def model_path(self) -> Path:
        model = Path(os.environ.get("VIRAGE_TEST_MODEL", ROOT / "models"))
        if model.is_dir() and not any(model.glob("*.tar.gz")):
            raise RuntimeError(f"Aucun modèle entraîné dans {model} : lancez `make train`.")
        if not model.exists():
            raise RuntimeError(f"Modèle introuvable : {model}")
        return model

    def start(self) -> "Stack":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        model = self.model_path()
        env = self._env()
        creds = self.tmp / "credentials.yml"
        creds.write_text(yaml.safe_dump(project_credentials(), sort_keys=False), encoding="utf-8")
        endpoints_src = ROOT / "endpoints.yml"
        endpoints = yaml.safe_load(endpoints_src.read_text(encoding="utf-8")) if endpoints_src.exists() else {}
        endpoints = endpoints or {}
        if self.with_actions:
            endpoints["action_endpoint"] = {
                "url": f"http://127.0.0.1:{self.actions_port}/webhook",
                "headers": {"Authorization": f"Bearer {self.action_secret}"},
            }
            self.processes["actions"] = ManagedProcess(
                "actions",
                [str(VENV_BIN / "python"), "-m", "actions.server", "--port", str(self.actions_port)],
                self.tmp / "actions.log",
                env,
                ROOT,
            )
        else:
            endpoints.pop("action_endpoint", None)
        endpoints_file = self.tmp / "endpoints.yml"
        endpoints_file.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
        self.start_rasa(model, creds, endpoints_file, env)
        self._start_web()
        deadline = time.monotonic() + float(os.environ.get("VIRAGE_TEST_STARTUP_S", "420"))
        if self.with_actions:
            self._wait(f"http://127.0.0.1:{self.actions_port}/health", "actions", deadline, '"ok"')
        self._wait(self.rasa_url + "/", "rasa", deadline, "Hello from Rasa")

    def start_rasa(self, model: Path, creds: Path, endpoints: Path, env: Dict[str, str]) -> None:
        self.processes["rasa"] = ManagedProcess(
            "rasa",
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                str(model),
                "--credentials",
                str(creds),
                "--endpoints",
                str(endpoints),
                "--port",
                str(self.rasa_port),
                "--interface",
                "127.0.0.1",
                "--cors",
                self.web_origin,
            ],
            self.tmp / "rasa.log",
            env,
            ROOT,
        )

    def _start_web(self) -> None:
        from common import sessions
        from web.server import make_server

        os.environ["VIRAGE_SESSION_SECRET"] = self.session_secret
        sessions.reset()

        self.web_server = make_server("127.0.0.1", self.web_port, self.rasa_url, quiet=True)
        self._web_thread = threading.Thread(target=self.web_server.serve_forever, daemon=True)
        self._web_thread.start()

    def _wait(self, url: str, name: str, deadline: float, expect: str) -> None:
        proc = self.processes.get(name)
        while time.monotonic() < deadline:
            if proc is not None and not proc.alive():
                raise RuntimeError(f"{name} s'est arrêté au démarrage :\n{proc.tail()}")
            try:
                status, body = http_get(url, timeout=3)
                if status == 200 and expect in body:
                    return
            except (OSError, ValueError):
                pass
            time.sleep(1)
        raise RuntimeError(f"{name} pas prêt à temps ({url}) :\n{proc.tail() if proc else ''}")

    # -- control ---------------------------------------------------------------
    def stop_bot(self) -> None:
        """Simulates an outage: the Rasa server goes away (the page stays up)."""
        proc = self.processes.get("rasa")
        if proc:
            proc.stop()

    def logs(self) -> str:
        parts = []
        for name, proc in self.processes.items():
            parts.append(f"----- {name} ({proc.log_path}) -----\n{proc.tail()}")
        return "\n".join(parts)

    def stop(self) -> None:
        for proc in list(self.processes.values())[::-1]:
            try:
                proc.stop()
            except Exception as exc:  # keep stopping the others
                print(f"arrêt de {proc.name} : {exc}", file=sys.stderr)
        if self.web_server is not None:
            self.web_server.shutdown()
            self.web_server.server_close()
            self.web_server = None

    def cleanup(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def demo_url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.web_port}{path}"
