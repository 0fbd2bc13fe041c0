"""REST latency, load time and memory of the project's Rasa server vs Rasa's starter bot.

Both bots are measured in the same run on the same machine, the project with its action
server, the starter (`rasa init --no-prompt` in a temp dir) without one. Everything listens on
127.0.0.1 on free ports (5105/5155/5106 preferred, never a developer's 5005/5055).

1. Load time: each server is started `load_repeats` times, alternating project/starter; we
   time process start → `GET /` answers (Rasa loads the model before it opens the port) and
   the first REST reply after that (cold first message). Medians are reported.
2. Warm-up: a few messages per bot, not measured; then RSS (server + children).
3. Latency: N messages serially, then N under `concurrency` clients, each split into rounds
   that alternate project/starter (ABBA…) so background load on a shared machine hits both
   alike. Every message has its own sender id. p50/p95 per mode, pooled over rounds.
4. RSS after the load, and the peak seen by a sampler during the load.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bench import messages as message_lists
from bench.common import (
    REPO,
    Children,
    NotReady,
    child_env,
    http_get_ok,
    http_post_json,
    log,
    median,
    mib,
    percentile,
    pick_port,
    port_owned_by,
    rasa_bin,
    ratio,
    rss_bytes,
    tail,
)

READY_TIMEOUT = 300.0
REQUEST_TIMEOUT = 60.0
MAX_ERRORS_PER_ROUND = 20
# The project's action server refuses calls without it (actions/server.py); one per bench run.
ACTION_SECRET = secrets.token_hex(16)
LOAD_BUDGET = 360.0  # seconds for the repeated starts of the load-time measurement


@dataclass
class Bot:
    name: str
    cwd: Path
    model: Path
    credentials: Path
    endpoints: Optional[Path]
    port: int
    messages: List[str]
    log_dir: Path
    proc: Optional[subprocess.Popen] = None
    load_up: List[float] = field(default_factory=list)
    first_reply: List[float] = field(default_factory=list)
    rss: Dict[str, Optional[float]] = field(default_factory=dict)
    peak_rss: float = 0.0
    # mode → message text → seconds of each reply to it
    latencies: Dict[str, Dict[str, List[float]]] = field(default_factory=lambda: {"serial": {}, "concurrent": {}})
    wall: Dict[str, float] = field(default_factory=lambda: {"serial": 0.0, "concurrent": 0.0})
    errors: Dict[str, int] = field(default_factory=lambda: {"serial": 0, "concurrent": 0})
    empty_replies: Dict[str, int] = field(default_factory=lambda: {"serial": 0, "concurrent": 0})
    starts: int = 0
    cursor: int = 0
    samples: Dict[str, List[str]] = field(default_factory=dict)  # message → reply texts (sanity check)

    def all_latencies(self, mode: str) -> List[float]:
        return [seconds for per_text in self.latencies[mode].values() for seconds in per_text]

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def next_messages(self, count: int) -> List[str]:
        out = [self.messages[(self.cursor + i) % len(self.messages)] for i in range(count)]
        self.cursor += count
        return out


# --------------------------------------------------------------------------- set-up


def latest_project_model(models_dir: Path) -> Path:
    candidates = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not candidates:
        raise NotReady(f"no trained model in {models_dir} yet (run `make train`)")
    return candidates[-1]


def bench_endpoints(
    source: Path, target: Path, action_port: Optional[int], scratch: Optional[Path] = None
) -> List[str]:
    """Copy of endpoints.yml pointing at our action server, never at a developer's stores.

    An SQL tracker store is kept (it is part of the real latency) but pointed at a fresh
    SQLite file in `scratch`; other stores, event brokers and model servers are dropped.
    Returns notes on what was changed, for the report.
    """
    notes = []
    config = {}
    if source.exists():
        config = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    store = config.get("tracker_store")
    if isinstance(store, dict) and scratch is not None:
        kind = str(store.get("type", ""))
        db_file = scratch / "bench-trackers.sqlite3"
        if kind.lower() == "sql":
            store.update({"dialect": "sqlite", "db": str(db_file)})
            for key in ("url", "host", "port", "username", "password", "login_db", "query"):
                store.pop(key, None)
        elif "." in kind and "sql" in kind.lower():  # a custom SQL store taking a URL (rasa_server.tracker_store)
            store["url"] = f"sqlite:///{db_file}"
        else:
            store = None
        if store is not None:
            notes.append(f"tracker store {kind} kept, on a temp SQLite file (not the developer's database)")
    if store is None or scratch is None:
        if config.pop("tracker_store", None) is not None:
            notes.append("tracker_store from endpoints.yml dropped (bench uses Rasa's in-memory default)")
    else:
        config["tracker_store"] = store
    for key in ("event_broker", "lock_store", "models"):
        if config.pop(key, None) is not None:
            notes.append(f"{key} from endpoints.yml dropped for the bench")
    if action_port is not None:
        config["action_endpoint"] = {
            "url": f"http://127.0.0.1:{action_port}/webhook",
            "headers": {"Authorization": f"Bearer {ACTION_SECRET}"},
        }
    else:
        config.pop("action_endpoint", None)
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return notes


def has_actions(actions_dir: Path) -> bool:
    return any(p.stat().st_size > 0 for p in actions_dir.glob("*.py")) if actions_dir.is_dir() else False


def newest_model(directory: Path) -> Path:
    models = sorted((directory / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise RuntimeError(f"no model in {directory / 'models'}")
    return models[-1]


# --------------------------------------------------------------------------- processes


def start_bot(children: Children, bot: Bot) -> None:
    bot.starts += 1
    log_path = bot.log_dir / f"{bot.name}-rasa-{bot.starts}.log"
    args = [
        rasa_bin(),
        "run",
        "-m",
        str(bot.model),
        "--credentials",
        str(bot.credentials),
        "-p",
        str(bot.port),
        "-i",
        "127.0.0.1",
        "--enable-api",
    ]
    if bot.endpoints:
        args += ["--endpoints", str(bot.endpoints)]
    started = time.monotonic()
    # 10 clients on one address would trip the per-client limits (rasa_server/ratelimit.py): raised
    # far out of reach, not turned off, so their cost stays in the measured latency.
    env = child_env({"VIRAGE_RATE_MESSAGES": "1000000/60000000", "VIRAGE_RATE_CONNECTIONS": "1000000/60000000"})
    bot.proc = children.start(args, cwd=bot.cwd, log_path=log_path, env=env)
    deadline = started + READY_TIMEOUT
    while time.monotonic() < deadline:
        if bot.proc.poll() is not None:
            raise RuntimeError(
                f"{bot.name} Rasa server exited ({bot.proc.returncode}); log {log_path}:\n" + tail(log_path)
            )
        if http_get_ok(f"http://127.0.0.1:{bot.port}/", timeout=1.0):
            if port_owned_by(bot.port, bot.proc.pid) is False:
                # someone else's server took the port between our pick and our bind: not ours to measure
                if bot.proc.poll() is not None or time.monotonic() > started + 5:
                    raise RuntimeError(f"{bot.name}: port {bot.port} answers, but not from the server we started")
                time.sleep(0.2)
                continue
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(
            f"{bot.name} Rasa server not up after {READY_TIMEOUT:.0f} s; log {log_path}:\n" + tail(log_path)
        )
    up = time.monotonic() - started
    first = bot.messages[0]
    t0 = time.monotonic()
    http_post_json(
        bot.webhook, {"sender": f"bench-{bot.name}-cold-{bot.starts}", "message": first}, timeout=REQUEST_TIMEOUT
    )
    bot.load_up.append(up)
    bot.first_reply.append(time.monotonic() - t0)
    log(f"{bot.name}: server up in {up:.1f} s, first reply {bot.first_reply[-1] * 1000:.0f} ms")


def start_action_server(children: Children, log_dir: Path, port: int) -> subprocess.Popen:
    log_path = log_dir / "project-actions.log"
    proc = children.start(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=REPO,
        log_path=log_path,
        env=child_env({"VIRAGE_ACTION_SECRET": ACTION_SECRET}),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"action server exited ({proc.returncode}); log {log_path}:\n" + tail(log_path))
        if http_get_ok(f"http://127.0.0.1:{port}/health", timeout=1.0):
            return proc
        time.sleep(0.2)
    raise RuntimeError(f"action server not up after 120 s; log {log_path}:\n" + tail(log_path))


class RssSampler(threading.Thread):
    """Polls the RSS of the running servers; keeps each one's peak."""

    def __init__(self, bots: List[Bot], interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.bots, self.interval, self._halt = bots, interval, threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for bot in self.bots:
                if bot.proc and bot.proc.poll() is None:
                    value = rss_bytes(bot.proc.pid) or 0
                    bot.peak_rss = max(bot.peak_rss, value)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


# --------------------------------------------------------------------------- load


async def _send_round(bot: Bot, texts: List[str], concurrency: int, tag: str, mode: str) -> None:
    import aiohttp

    queue: asyncio.Queue = asyncio.Queue()
    for index, text in enumerate(texts):
        queue.put_nowait((index, text))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=concurrency)
    errors: List[str] = []

    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def client() -> None:
            while True:
                try:
                    index, text = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                payload = {"sender": f"bench-{bot.name}-{tag}-{index}", "message": text}
                started = time.perf_counter()
                try:
                    async with session.post(bot.webhook, json=payload) as response:
                        body = await response.json(content_type=None)
                        elapsed = time.perf_counter() - started
                        if response.status != 200:
                            errors.append(f"HTTP {response.status}")
                            continue
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                    errors.append(type(exc).__name__)
                    if len(errors) > MAX_ERRORS_PER_ROUND:
                        raise RuntimeError(f"{bot.name}: too many failed requests ({errors[-3:]})") from exc
                    continue
                bot.latencies[mode].setdefault(text, []).append(elapsed)
                if not body:
                    bot.empty_replies[mode] += 1
                if text not in bot.samples and len(bot.samples) < 60:
                    bot.samples[text] = [
                        (reply.get("text") or ("[buttons]" if reply.get("buttons") else str(reply)))[:160]
                        for reply in (body if isinstance(body, list) else [])
                    ]

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        bot.wall[mode] += time.perf_counter() - started
    bot.errors[mode] += len(errors)


def measure(bots: List[Bot], mode: str, total: int, rounds: int, concurrency: int) -> None:
    per_round = max(1, total // rounds)
    for round_index in range(rounds):
        order = bots if round_index % 4 in (0, 3) else list(reversed(bots))  # ABBA
        for bot in order:
            texts = bot.next_messages(per_round)
            asyncio.run(_send_round(bot, texts, concurrency, f"{mode}-{round_index}", mode))
    for bot in bots:
        lat = bot.all_latencies(mode)
        if lat:
            log(
                f"{bot.name} {mode}: n={len(lat)} p50 {percentile(lat, 50) * 1000:.0f} ms, "
                f"p95 {percentile(lat, 95) * 1000:.0f} ms"
            )


def slowest(by_text: Dict[str, List[float]], count: int = 5) -> List[dict]:
    """The messages with the highest median latency: where a p95 comes from."""
    ranked = sorted(by_text.items(), key=lambda item: (-median(item[1]), item[0]))
    return [{"text": text, "median_ms": median(values) * 1000, "n": len(values)} for text, values in ranked[:count]]


def _summary(bot: Bot, concurrency: int) -> dict:
    def lat(mode: str) -> dict:
        values = bot.all_latencies(mode)
        if not values:
            return {"n": 0, "errors": bot.errors[mode]}
        return {
            "n": len(values),
            "p50_ms": percentile(values, 50) * 1000,
            "p95_ms": percentile(values, 95) * 1000,
            "max_ms": max(values) * 1000,
            "throughput_msg_s": len(values) / bot.wall[mode] if bot.wall[mode] else None,
            "errors": bot.errors[mode],
            "empty_replies": bot.empty_replies[mode],
            "slowest": slowest(bot.latencies[mode]),
        }

    return {
        "model": str(bot.model),
        "port": bot.port,
        "load_seconds_median": percentile(bot.load_up, 50) if bot.load_up else None,
        "load_seconds_all": bot.load_up,
        "starts": len(bot.load_up),
        "first_reply_ms_median": percentile(bot.first_reply, 50) * 1000 if bot.first_reply else None,
        "serial": lat("serial"),
        "concurrent": dict(lat("concurrent"), clients=concurrency),
        "rss_mib": {k: mib(v) for k, v in bot.rss.items()},
        "rss_peak_mib": mib(bot.peak_rss) if bot.peak_rss else None,
        "reply_samples": bot.samples,
    }


# --------------------------------------------------------------------------- entry point


def run(
    quick: bool = False,
    model: Optional[Path] = None,
    starter_dir: Optional[Path] = None,
    messages: int = 300,
    concurrency: int = 10,
    load_repeats: Optional[int] = None,
    starter_only: bool = False,
) -> dict:
    if quick:
        messages = min(messages, 60)
    load_repeats = load_repeats or (1 if quick else 3)
    rounds = 2 if quick else 4
    warmup = 10 if quick else 20
    result: dict = {
        "messages_per_mode": messages,
        "concurrency": concurrency,
        "rounds": rounds,
        "load_repeats": load_repeats,
        "notes": [],
    }

    project_model = None
    if not starter_only:
        try:
            project_model = Path(model) if model else latest_project_model(REPO / "models")
            if not project_model.exists():
                raise NotReady(f"model {project_model} not found")
        except NotReady as exc:
            result["project_skipped"] = str(exc)
            result["notes"].append(f"project not measured: {exc}")
            log(f"project server bench skipped: {exc}")

    with tempfile.TemporaryDirectory(prefix="virage-bench-server-") as tmp, Children() as children:
        tmpdir = Path(tmp)
        log_dir = tmpdir / "logs"
        taken: List[int] = []

        def port(preferred: int) -> int:
            chosen = pick_port(preferred, taken)
            taken.append(chosen)
            return chosen

        # --- the reference: Rasa's starter bot, created and trained in this run
        if starter_dir:
            starter_root = Path(starter_dir).resolve()
            result["starter_train_seconds"] = None
            result["notes"].append(f"starter bot reused from {starter_root} (not re-created)")
        else:
            starter_root = tmpdir / "starter"
            starter_root.mkdir()  # `rasa init --init-dir` refuses a directory that does not exist
            log("creating and training the starter bot (rasa init --no-prompt)…")
            result["starter_train_seconds"] = children.run(
                [rasa_bin(), "init", "--no-prompt", "--init-dir", str(starter_root)],
                cwd=tmpdir,
                log_path=log_dir / "starter-init.log",
                timeout=900,
                env=child_env({"RASA_CACHE_DIRECTORY": str(tmpdir / ".rasa-cache")}),
            )
        starter_endpoints = tmpdir / "starter-endpoints.yml"
        bench_endpoints(starter_root / "endpoints.yml", starter_endpoints, None)
        bots: List[Bot] = []
        starter = Bot(
            "starter",
            starter_root,
            newest_model(starter_root),
            starter_root / "credentials.yml",
            starter_endpoints,
            port(5106),
            message_lists.STARTER,
            log_dir,
        )

        # --- the project, with its action server
        project = None
        action_proc = None
        if project_model is not None:
            action_port = port(5155) if has_actions(REPO / "actions") else None
            endpoints = tmpdir / "project-endpoints.yml"
            result["notes"] += bench_endpoints(REPO / "endpoints.yml", endpoints, action_port, tmpdir)
            if action_port is not None:
                log(f"starting the project's action server on 127.0.0.1:{action_port}…")
                action_proc = start_action_server(children, log_dir, action_port)
            else:
                result["notes"].append("actions/ has no Python code yet: project measured without action server")
            project = Bot(
                "project",
                REPO,
                project_model,
                REPO / "credentials.yml",
                endpoints,
                port(5105),
                message_lists.PROJECT,
                log_dir,
            )
            bots.append(project)
        bots.append(starter)

        try:
            # 1. load time, alternating starts; the last start of each stays up. Extra starts
            #    only while they fit in LOAD_BUDGET (a busy 2-core machine can take minutes each).
            phase_started = time.monotonic()
            for repeat in range(load_repeats):
                round_started = time.monotonic()
                for bot in bots:
                    start_bot(children, bot)
                last_round = time.monotonic() - round_started
                if repeat == load_repeats - 1:
                    break
                if time.monotonic() - phase_started + 1.2 * last_round > LOAD_BUDGET:
                    result["notes"].append(
                        f"load time from {repeat + 1} start(s) per bot, not {load_repeats}: "
                        f"starts took {last_round:.0f} s a round (budget {LOAD_BUDGET:.0f} s)"
                    )
                    break
                for bot in bots:
                    Children.stop(bot.proc)
                    children.procs.remove(bot.proc)
            for bot in bots:
                bot.rss["idle"] = rss_bytes(bot.proc.pid)

            # 2. warm-up
            for bot in bots:
                asyncio.run(_send_round(bot, bot.next_messages(warmup), 1, "warmup", "serial"))
                bot.latencies["serial"].clear()
                bot.wall["serial"] = 0.0
                bot.errors["serial"] = bot.empty_replies["serial"] = 0
                bot.rss["after_warmup"] = rss_bytes(bot.proc.pid)

            # 3. latency, serial then concurrent, rounds alternating between bots
            sampler = RssSampler(bots)
            sampler.start()
            try:
                log(f"serial: {messages} messages per bot in {rounds} alternating rounds…")
                measure(bots, "serial", messages, rounds, 1)
                log(f"concurrent: {messages} messages per bot, {concurrency} clients…")
                measure(bots, "concurrent", messages, rounds, concurrency)
            finally:
                sampler.stop()
            for bot in bots:
                bot.rss["after_load"] = rss_bytes(bot.proc.pid)
            if action_proc is not None:
                result["action_server_rss_mib"] = mib(rss_bytes(action_proc.pid))
        except BaseException:
            result["logs"] = {p.name: tail(p, 15) for p in sorted(log_dir.glob("*.log"))}
            raise
        finally:
            children.stop_all()

        result["starter"] = _summary(starter, concurrency)
        if project is not None:
            result["project"] = _summary(project, concurrency)
            result["ratios"] = _ratios(result["project"], result["starter"])
        if not starter_dir:
            shutil.rmtree(starter_root, ignore_errors=True)
    return result


def _ratios(project: dict, starter: dict) -> dict:
    return {
        "serial_p50": ratio(project["serial"].get("p50_ms"), starter["serial"].get("p50_ms")),
        "serial_p95": ratio(project["serial"].get("p95_ms"), starter["serial"].get("p95_ms")),
        "concurrent_p50": ratio(project["concurrent"].get("p50_ms"), starter["concurrent"].get("p50_ms")),
        "concurrent_p95": ratio(project["concurrent"].get("p95_ms"), starter["concurrent"].get("p95_ms")),
        "rss_after_load": ratio(project["rss_mib"].get("after_load"), starter["rss_mib"].get("after_load")),
        "rss_peak": ratio(project.get("rss_peak_mib"), starter.get("rss_peak_mib")),
        "load_time": ratio(project.get("load_seconds_median"), starter.get("load_seconds_median")),
    }
