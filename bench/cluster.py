"""Driving the scaled deployment (scripts/cluster.sh) from Python: start and stop it, talk to it,
break it, and check the tracker store afterwards. Used by `make bench-scale` (bench/scale.py) and
by tests/cluster/. Imports no runtime: the cluster runs as processes.

The integrity check reads the `events` table of the cluster's PostgreSQL, one conversation at a
time, ordered by row id (the order the Rasa servers wrote them):
  lost          a message that got a real answer (not the apology) has no stored `user` event
  duplicated    a `user` event stored more times than its text was sent, or two identical rows
  interleaved   the turn grammar is broken: a `user` event before the previous turn ended with
                `action_listen`, or a bot message / an action outside any turn
  out_of_order  timestamps going back, or (for messages sent one after the other) the stored
                texts not in the order they were answered
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import requests
import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
# How the French apologies start (rasa_server.guard.UNAVAILABLE_TEXT: a service did not answer;
# actions.kb.KB_DOWN_MESSAGE: the knowledge base did not); bench may not import the runtimes.
APOLOGY_STARTS = ("Désolé, je n'ai pas pu préparer ma réponse", "Désolé, je n'arrive pas à consulter ma base")

# Distinct questions, answered from the knowledge base (one action call each, at least).
QUESTIONS = [
    "c'est quoi le volet 1 ?",
    "c'est quoi le volet 2 ?",
    "c'est quoi le volet 3 ?",
    "c'est quoi une coopérative ?",
    "qui coordonne le volet 2 ?",
    "c'est quand la date limite ?",
    "c'est quoi une mutuelle ?",
    "quels sont les défis de la transformation numérique ?",
    "c'est quoi un OBNL ?",
    "donnez-moi un exemple d'entreprise",
    "combien coûte le volet 1 ?",
    "qui peut m'aider ?",
]


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.3)
        return s.connect_ex((host, port)) == 0


@dataclass
class Cluster:
    """scripts/cluster.sh with its own ports and folders (defaults: this repository's test range)."""

    folder: Path
    rasa: int = 2
    actions: int = 2
    lb_port: int = 5095
    actions_port: int = 5096
    rasa_base: int = 5101
    actions_base: int = 5151
    pg_port: int = 5451
    redis_port: int = 6391
    endpoints: Optional[Path] = None
    extra_env: Dict[str, str] = field(default_factory=dict)
    proc: Optional[subprocess.Popen] = None

    @property
    def env(self) -> Dict[str, str]:
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        env.update(
            VIRAGE_CLUSTER_RASA=str(self.rasa),
            VIRAGE_CLUSTER_ACTIONS=str(self.actions),
            VIRAGE_CLUSTER_PORT=str(self.lb_port),
            VIRAGE_CLUSTER_ACTIONS_PORT=str(self.actions_port),
            VIRAGE_CLUSTER_RASA_BASE_PORT=str(self.rasa_base),
            VIRAGE_CLUSTER_ACTIONS_BASE_PORT=str(self.actions_base),
            VIRAGE_PG_PORT=str(self.pg_port),
            VIRAGE_PG_DIR=str(self.folder / "pg"),
            VIRAGE_REDIS_PORT=str(self.redis_port),
            VIRAGE_REDIS_DIR=str(self.folder / "redis"),
            VIRAGE_CLUSTER_DIR=str(self.folder / "cluster"),
            VIRAGE_CLUSTER_DEMO_PORT="",
            VIRAGE_RATE_MESSAGES="off",
            VIRAGE_RATE_CONNECTIONS="off",
            PYTHONPATH=str(REPO),
        )
        if self.endpoints:
            env["VIRAGE_CLUSTER_ENDPOINTS"] = str(self.endpoints)
        env.update(self.extra_env)
        return env

    @property
    def rasa_ports(self) -> List[int]:
        return [self.rasa_base + i for i in range(self.rasa)]

    @property
    def actions_ports(self) -> List[int]:
        return [self.actions_base + i for i in range(self.actions)]

    def all_ports(self) -> List[int]:
        return [self.lb_port, self.actions_port, self.pg_port, self.redis_port, *self.rasa_ports, *self.actions_ports]

    def start(self, timeout: float = 420) -> float:
        """Starts scripts/cluster.sh and waits for its 'ready' file; returns the seconds it took."""
        self.folder.mkdir(parents=True, exist_ok=True)
        # PostgreSQL runs as the `postgres` user when we are root: it must reach its folder.
        for parent in [self.folder, *self.folder.parents]:
            if str(parent) in ("/", "/tmp"):
                break
            try:
                parent.chmod(parent.stat().st_mode | 0o011)
            except PermissionError:
                break
        ready = self.folder / "cluster" / "ready"
        ready.unlink(missing_ok=True)
        started = time.monotonic()
        self.log = open(self.folder / "cluster.out", "w")
        self.proc = subprocess.Popen(
            ["bash", "scripts/cluster.sh"],
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # a shell's background job inherits SIGINT ignored; Ctrl-C must reach the cluster
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        while time.monotonic() - started < timeout:
            if ready.exists():
                return time.monotonic() - started
            if self.proc.poll() is not None:
                raise RuntimeError(f"cluster.sh stopped: {(self.folder / 'cluster.out').read_text()[-3000:]}")
            time.sleep(0.5)
        self.stop()
        raise TimeoutError("cluster not ready in time")

    def stop(self, timeout: float = 60) -> None:
        """What Ctrl-C in the terminal does: SIGINT to cluster.sh and every process of its group."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def pids(self) -> Dict[str, Tuple[int, int]]:
        rows = (self.folder / "cluster" / "pids").read_text().split("\n")
        return {r.split()[0]: (int(r.split()[1]), int(r.split()[2])) for r in rows if r.strip()}

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        pid, port = self.pids()[name]
        os.kill(pid, sig)
        for _ in range(100):
            if not port_open(port):
                return
            time.sleep(0.1)

    def database_url(self) -> str:
        out = subprocess.run(
            ["bash", "scripts/postgres.sh", "url"], cwd=REPO, env=self.env, capture_output=True, text=True
        )
        return out.stdout.strip().split("=", 1)[1]

    def script(self, name: str, action: str) -> None:
        """scripts/postgres.sh or scripts/redis.sh stop|start with the cluster's settings."""
        subprocess.run(["bash", f"scripts/{name}.sh", action], cwd=REPO, env=self.env, check=True, capture_output=True)

    def haproxy(self, command: str) -> str:
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.folder / "cluster" / "haproxy.sock"))
            s.sendall((command + "\n").encode())
            chunks = []
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
        return b"".join(chunks).decode()

    def server_states(self, backend: str = "rasa_rest") -> Dict[str, str]:
        """HAProxy's view: server name -> UP / DOWN / MAINT…"""
        states = {}
        for line in self.haproxy("show stat").splitlines():
            cols = line.split(",")
            if len(cols) > 17 and cols[0] == backend and cols[1] not in ("FRONTEND", "BACKEND"):
                states[cols[1]] = cols[17]
        return states

    def wait_states(self, wanted: Dict[str, str], backend: str = "rasa_rest", timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            states = self.server_states(backend)
            if all(states.get(k, "").startswith(v) for k, v in wanted.items()):
                return
            time.sleep(0.2)
        raise TimeoutError(f"HAProxy states {self.server_states(backend)} != {wanted}")


# -- talking to it ------------------------------------------------------------------------------
@dataclass
class Reply:
    sender: str
    text: str
    status: int
    texts: List[str]
    seconds: float

    @property
    def apology(self) -> bool:
        return any(t.startswith(APOLOGY_STARTS) for t in self.texts)

    @property
    def answered(self) -> bool:
        """A real answer: the visitor's message was acknowledged."""
        return self.status == 200 and bool(self.texts) and not self.apology


_session = threading.local()


def rest(port: int, sender: str, text: str, timeout: float = 60) -> Reply:
    http = getattr(_session, "http", None)
    if http is None:
        http = _session.http = requests.Session()
    started = time.monotonic()
    try:
        r = http.post(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
        )
        texts = [m.get("text") or "" for m in r.json()] if r.status_code == 200 else []
        return Reply(sender, text, r.status_code, texts, time.monotonic() - started)
    except (requests.RequestException, ValueError):
        return Reply(sender, text, 0, [], time.monotonic() - started)


def bursts(ports: Tuple[int, int], senders: Iterable[str], per_sender: int, parallel: int = 4) -> List[Reply]:
    """For each sender, `per_sender` bursts: two different messages sent at the same instant, one
    to each port (two different Rasa servers), then wait for both answers before the next burst."""
    replies: List[Reply] = []
    lock = threading.Lock()

    def visitor(sender: str) -> None:
        with ThreadPoolExecutor(2) as pair:
            for b in range(per_sender):
                a, c = QUESTIONS[(2 * b) % len(QUESTIONS)], QUESTIONS[(2 * b + 1) % len(QUESTIONS)]
                gate = threading.Barrier(2)

                def send(port: int, text: str, gate: threading.Barrier = gate) -> Reply:
                    gate.wait()
                    return rest(port, sender, text)

                got = [f.result() for f in [pair.submit(send, ports[0], a), pair.submit(send, ports[1], c)]]
                with lock:
                    replies.extend(got)

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(visitor, list(senders)))
    return replies


# -- the tracker store, afterwards ------------------------------------------------------------
@dataclass
class Integrity:
    conversations: int = 0
    events: int = 0
    lost: int = 0
    duplicated: int = 0
    interleaved: int = 0
    out_of_order: int = 0
    examples: List[str] = field(default_factory=list)

    def as_dict(self) -> Dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k != "examples"} | {"examples": self.examples[:5]}

    @property
    def clean(self) -> bool:
        return self.lost == self.duplicated == self.interleaved == self.out_of_order == 0


def stored_events(engine, sender: str) -> List[Tuple[str, Dict]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender}
        ).fetchall()
    return [(t, json.loads(d)) for t, d in rows]


def check_integrity(database_url: str, replies: List[Reply], ordered: bool = False) -> Integrity:
    """`replies`: every message sent, with what came back. `ordered`: each sender's messages were
    sent one after the other (their stored order must be the order they were answered)."""
    engine = sa.create_engine(database_url)
    result = Integrity()
    by_sender: Dict[str, List[Reply]] = {}
    for r in replies:
        by_sender.setdefault(r.sender, []).append(r)
    try:
        for sender, sent in by_sender.items():
            events = stored_events(engine, sender)
            result.conversations += 1
            result.events += len(events)
            users = [d.get("text") for t, d in events if t == "user"]
            stored, sent_count = Counter(users), Counter(r.text for r in sent)
            for r in sent:
                if r.answered and stored[r.text] == 0:
                    result.lost += 1
                    result.examples.append(f"lost: {sender} « {r.text} »")
            for text, n in stored.items():
                if n > sent_count[text]:
                    result.duplicated += n - sent_count[text]
                    result.examples.append(f"duplicated: {sender} « {text} » x{n}")
            rows = Counter(json.dumps(d, sort_keys=True) for _, d in events)
            result.duplicated += sum(n - 1 for n in rows.values() if n > 1)
            listening = True
            for t, d in events:
                name = d.get("name")
                if t == "user":
                    if not listening:
                        result.interleaved += 1
                        result.examples.append(f"interleaved: {sender} user « {d.get('text')} » inside a turn")
                    listening = False
                elif t == "action" and name == "action_listen":
                    listening = True
                elif listening and (t == "bot" or (t == "action" and name != "action_session_start")):
                    result.interleaved += 1
                    result.examples.append(f"interleaved: {sender} {t} {name or ''} outside any turn")
            stamps = [d.get("timestamp") or 0 for _, d in events]
            result.out_of_order += sum(1 for a, b in zip(stamps, stamps[1:]) if b < a)
            if ordered:
                answered = [r.text for r in sent if r.answered]
                kept = [u for u in users if u in set(answered)]
                if kept != answered[: len(kept)] and sorted(kept) == sorted(answered):
                    result.out_of_order += 1
                    result.examples.append(f"out of order: {sender}")
    finally:
        engine.dispose()
    return result


def count_events(database_url: str, sender: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        return len(stored_events(engine, sender))
    finally:
        engine.dispose()


def stock_endpoints(folder: Path) -> Path:
    """endpoints.cluster.yml with Rasa's own RedisLockStore (to see the hole the project closes)."""
    text = (REPO / "endpoints.cluster.yml").read_text(encoding="utf-8")
    text = text.replace("type: rasa_server.lock_store.AtomicRedisLockStore", "type: redis")
    assert "type: redis" in text
    path = folder / "endpoints.stock.yml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
