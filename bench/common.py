"""Shared helpers for `make bench`: statistics, paths, child processes, ports, memory.

The pure functions (percentile, median, ratio, accuracy/macro-F1) are unit-tested in
tests/test_bench_helpers.py. Nothing here imports Rasa: the bench driver stays light and
every Rasa/TensorFlow process is a child we start, watch and kill.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "results"
VENV_BIN = Path(sys.executable).parent  # the venv's bin/ when run as .venv/bin/python -m bench


def shared_dir() -> Path:
    """`$VIRAGE_SHARED`, else `<repo>/../shared` (where the seeds and benchmarks live)."""
    env = os.environ.get("VIRAGE_SHARED")
    return Path(env).resolve() if env else (REPO.parent / "shared").resolve()


def rasa_bin() -> str:
    candidate = VENV_BIN / "rasa"
    return str(candidate) if candidate.exists() else "rasa"


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], q: float) -> float:
    """q-th percentile (0..100) with linear interpolation between closest ranks.

    Same definition as numpy.percentile's default ("linear"), so p50 is the median.
    """
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be in [0, 100], got {q}")
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * fraction)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def ratio(numerator: Optional[float], denominator: Optional[float]) -> Optional[float]:
    if numerator is None or denominator in (None, 0):
        return None
    return numerator / denominator


def classification_scores(gold: Sequence[str], predicted: Sequence[str]) -> Dict[str, object]:
    """Accuracy and macro-F1 over the intents present in `gold`.

    A prediction outside the gold label set (e.g. `nlu_fallback`) is simply a miss: it lowers
    the recall of the true intent and adds no class of its own to the macro average.
    """
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    if not gold:
        raise ValueError("no examples")
    labels = sorted(set(gold))
    per_intent = {}
    f1s = []
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
        f1s.append(f1)
    correct = sum(1 for g, p in zip(gold, predicted) if g == p)
    return {
        "n": len(gold),
        "accuracy": correct / len(gold),
        "macro_f1": sum(f1s) / len(f1s),
        "per_intent": per_intent,
    }


def mcnemar_p(only_first: int, only_second: int) -> float:
    """Exact two-sided McNemar p-value from the two discordant counts.

    `only_first`: items the first model got right and the second wrong; `only_second` the
    reverse. Under "the two are equally good" each discordant item is a fair coin toss.
    """
    n = only_first + only_second
    if n == 0:
        return 1.0
    low = min(only_first, only_second)
    tail = sum(math.comb(n, i) for i in range(low + 1)) / 2**n
    return min(1.0, 2 * tail)


def paired_comparison(texts: Sequence[str], gold: Sequence[str], first: Sequence[str], second: Sequence[str]) -> dict:
    """Two models' predictions on the same sentences: correct counts, the sentences only one of
    them got right, and the McNemar p-value of that split."""
    if not len(texts) == len(gold) == len(first) == len(second):
        raise ValueError("texts, gold and predictions differ in length")
    only_first, only_second = [], []
    for text, g, a, b in zip(texts, gold, first, second):
        if (a == g) != (b == g):
            item = {"text": text, "gold": g, "first": a, "second": b}
            (only_first if a == g else only_second).append(item)
    return {
        "n": len(gold),
        "first_correct": sum(1 for g, a in zip(gold, first) if a == g),
        "second_correct": sum(1 for g, b in zip(gold, second) if b == g),
        "only_first": only_first,
        "only_second": only_second,
        "p_value": mcnemar_p(len(only_first), len(only_second)),
    }


# Components whose training draws random numbers (Rasa's own and the project's).
_SEEDED_COMPONENTS = {"DIETClassifier", "ResponseSelector", "rasa_server.nlu.intent_ensemble.IntentEnsemble"}


def with_seed(pipeline: List[dict], seed: int) -> List[dict]:
    """The pipeline with `random_seed: seed` on every component that draws random numbers."""
    return [
        dict(component, random_seed=seed)
        if component.get("name") in _SEEDED_COMPONENTS or "random_seed" in component
        else dict(component)
        for component in pipeline
    ]


# --------------------------------------------------------------------------- output


def log(message: str) -> None:
    """Progress line on stderr, so stdout keeps only the tables."""
    try:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
    except OSError:  # a closed stderr (e.g. piped into `head`) must not abort a measurement
        pass


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)


class NotReady(Exception):
    """An input of the benchmark is not there yet (model, held-out set, data)."""


# --------------------------------------------------------------------------- child processes


def _set_parent_death_signal() -> None:  # pragma: no cover - runs in the child
    """Linux: have the kernel SIGTERM the child if the bench process dies (even kill -9)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def child_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(REPO), env.get("PYTHONPATH", "")] if p)
    # progress bars of Rasa/TF go to the log files; keep them from being enormous
    env.setdefault("TQDM_DISABLE", "1")
    if extra:
        env.update(extra)
    return env


class Children:
    """Every process the bench starts, each in its own process group; all killed on exit.

    Used as a context manager around each phase, and registered with signal handlers so that
    Ctrl-C, SIGTERM or an exception still stops servers and trainings.
    """

    _all: List["Children"] = []

    def __init__(self) -> None:
        self.procs: List[subprocess.Popen] = []
        Children._all.append(self)

    def start(
        self, args: List[str], *, cwd: Path, log_path: Path, env: Optional[Dict[str, str]] = None
    ) -> subprocess.Popen:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log_path, "ab")
        proc = subprocess.Popen(
            args,
            cwd=str(cwd),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env or child_env(),
            start_new_session=True,
            preexec_fn=_set_parent_death_signal if sys.platform.startswith("linux") else None,
        )
        log_file.close()
        self.procs.append(proc)
        return proc

    def run(
        self, args: List[str], *, cwd: Path, log_path: Path, timeout: float, env: Optional[Dict[str, str]] = None
    ) -> float:
        """Run to completion (killed after `timeout` s); returns wall time; raises on failure."""
        started = time.monotonic()
        proc = self.start(args, cwd=cwd, log_path=log_path, env=env)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.stop(proc)
            raise RuntimeError(f"{' '.join(args[:3])}… exceeded {timeout:.0f} s; log: {log_path}") from exc
        finally:
            if proc in self.procs and proc.poll() is not None:
                self.procs.remove(proc)
        elapsed = time.monotonic() - started
        if code != 0:
            raise RuntimeError(
                f"{' '.join(args[:4])}… failed (exit {code}); last lines of {log_path}:\n" + tail(log_path)
            )
        return elapsed

    @staticmethod
    def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
        if proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)  # the group we created for this child, nothing else
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def stop_all(self) -> None:
        while self.procs:
            self.stop(self.procs.pop())

    def __enter__(self) -> "Children":
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()
        if self in Children._all:
            Children._all.remove(self)

    @classmethod
    def stop_everything(cls) -> None:
        for group in list(cls._all):
            group.stop_all()


def install_signal_handlers() -> None:
    """SIGINT/SIGTERM/SIGHUP become KeyboardInterrupt so the `with Children()` blocks unwind."""

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(Exception):
            signal.signal(sig, handler)
    # Ctrl-C too, even when started with SIGINT ignored (e.g. `cmd &` from a script)
    with contextlib.suppress(Exception):
        signal.signal(signal.SIGINT, signal.default_int_handler)


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no log)"
    # tqdm writes carriage returns; keep the last state of each line
    cleaned = [line.split("\r")[-1] for line in text.splitlines()]
    return "\n".join("    " + line for line in cleaned[-lines:])


# --------------------------------------------------------------------------- ports and HTTP


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    # also refuse a port where something already answers on another interface
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def pick_port(preferred: int, taken: Iterable[int] = ()) -> int:
    taken = set(taken)
    if preferred not in taken and port_is_free(preferred):
        return preferred
    for candidate in range(preferred + 1, preferred + 200):
        if candidate not in taken and port_is_free(candidate):
            return candidate
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening_inodes(port: int) -> set:
    """Inodes of the sockets listening on `port` (IPv4 and IPv6), from /proc/net; empty without /proc."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def _process_tree(pid: int) -> set:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
    tree, grew = {pid}, True
    while grew:
        grew = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grew = True
    return tree


def port_owned_by(port: int, pid: int) -> Optional[bool]:
    """Whether the socket listening on `port` belongs to `pid` or one of its descendants; None when
    it cannot be told (no /proc). Another server on the port (two benches picking the same free port
    at once) must not be measured in place of ours."""
    inodes = _listening_inodes(port)
    if not Path("/proc/net/tcp").exists():
        return None
    for p in _process_tree(pid):
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{p}/fd").iterdir():
                with contextlib.suppress(OSError):
                    link = os.readlink(fd)
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        return True
    return False


def http_get_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (127.0.0.1)
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def http_post_json(url: str, payload: dict, timeout: float = 30.0):
    data = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (127.0.0.1)
        return json.loads(response.read().decode("utf-8"))


# --------------------------------------------------------------------------- memory


def _children_map() -> Dict[int, List[int]]:
    tree: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read().decode("utf-8", "replace")
        except OSError:
            continue
        # field 4 (ppid) comes after the parenthesised command, which may contain spaces
        after = stat.rsplit(")", 1)[-1].split()
        tree.setdefault(int(after[1]), []).append(int(entry))
    return tree


def _rss_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> Optional[int]:
    """Resident set size of `pid` and all its descendants (psutil if present, else /proc)."""
    try:
        import psutil  # type: ignore
    except ImportError:
        psutil = None
    if psutil is not None:
        try:
            proc = psutil.Process(pid)
            members = [proc] + proc.children(recursive=True)
            total = 0
            for member in members:
                with contextlib.suppress(psutil.Error):
                    total += member.memory_info().rss
            return total
        except psutil.Error:
            return None
    if not os.path.isdir("/proc"):
        return None
    tree = _children_map()
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_of(current)
        stack.extend(tree.get(current, []))
    return total or None


def mib(value: Optional[float]) -> Optional[float]:
    return None if value is None else value / (1024 * 1024)
