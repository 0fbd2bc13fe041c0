"""`make bench-answers`: the bot's answers judged end to end, through the real servers.

    python -m bench answers [--bank dev|dev2|…|dev11|sealed|sealed2|…|sealed10|all] [--limit N] [--extra-turns 12] [--model M] [--budget S]
    python -m bench.answers  (same options)

The question banks are bench/answer_bank/dev*.yml and sealed*.yml, written blind by other people
(format: the docstring of bench/answers_scoring.py and the bank files themselves). One Rasa server
and its action server are started on loopback ports (bench.server's machinery: 5105/5155 preferred,
never 5005/5055), on a private copy of the SQLite database (knowledge base, leads and trackers:
nothing is written to the developer's var/). Requests are sent one at a time, each with a 30 s
timeout; a single question gets a fresh sender id, a conversation one sender id for all its turns.

Scoring (bench/answers_scoring.py): each single question is right / incomplete / wrong_fact /
invented / misunderstood / dialogue_failure; each conversation right or failed with its reasons;
"KB reach" is the share of knowledge-base records whose distinctive values (case names, statistic
label + value, glossary term + definition, partner names…) appear in at least one bot answer.

The sealed part is the figure that counts, and nobody working on the bot should see its
questions: for it, nothing but ids, kinds, styles and verdicts is printed or written to
results/bench-answers.json (no question text, no answer, no regex, no failure detail).
The last line sums it up:
    answers: dev_right=R/N … dev11_right=R/N sealed_right=R/N … sealed10_right=R/N invented=I conversations_sealed=C/M …
(invented: single questions judged invented, over the parts that ran).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import socket
import sqlite3
import sys
import tempfile
import time
import urllib.error
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import yaml

from bench import answers_scoring as scoring
from bench.common import (
    REPO,
    RESULTS_DIR,
    Children,
    NotReady,
    http_post_json,
    install_signal_handlers,
    log,
    tail,
    write_json,
)
from bench.server import Bot, bench_endpoints, has_actions, latest_project_model, start_action_server, start_bot

BANK_DIR = REPO / "bench" / "answer_bank"
PARTS = (
    "dev",
    "dev2",
    "dev3",
    "dev4",
    "dev5",
    "dev6",
    "dev7",
    "dev8",
    "dev9",
    "dev10",
    "dev11",
    "sealed",
    "sealed2",
    "sealed3",
    "sealed4",
    "sealed5",
    "sealed6",
    "sealed7",
    "sealed8",
    "sealed9",
    "sealed10",
)
# sealed.yml (written before any tuning, 2026-11) and sealed2.yml (a second blind writer, 2026-12,
# written after sealed.yml had been run several times), sealed3.yml (a third, written with
# dev4.yml on 2026-12-02 by another writer), sealed4.yml (a fourth, written with dev5.yml later
# that day), sealed5.yml (a fifth, written with dev6.yml in the evening), sealed6.yml (a sixth,
# written with dev7.yml on 2026-12-03), sealed7.yml (a seventh, written with dev8.yml on
# 2026-12-03 in the morning), sealed8.yml (an eighth, written with dev9.yml on 2026-12-03 at
# noon), sealed9.yml (a ninth, written with dev10.yml on 2026-12-03 in the afternoon) and
# sealed10.yml (a tenth, written with dev11.yml on 2026-12-03 at the end of the day): all sealed,
# nobody reads them. dev*.yml are read.


def is_sealed(part: str) -> bool:
    return part.startswith("sealed")


REQUEST_TIMEOUT = 30.0
EXTRA_TURNS = 12  # screening: answers given after the scripted turns, at most
MAX_RESUMES = 2  # screening: times the persona resumes a questionnaire a side question paused
DEFAULT_BUDGET = 25 * 60.0  # seconds of requests; items left after that are reported "not_run"
RASA_PORT, ACTION_PORT = 5105, 5155  # bench.server's preferred ports; the next free ones otherwise
OUT = RESULTS_DIR / "bench-answers.json"


# --------------------------------------------------------------------------- banks


def load_bank(path: Path) -> Dict[str, Any]:
    """The bank as written, with its regex errors collected (`errors`: "id: message") so that one
    broken pattern costs one item, not the run."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: not a mapping")
    singles = [s for s in data.get("singles") or [] if isinstance(s, dict)]
    conversations = [c for c in data.get("conversations") or [] if isinstance(c, dict)]
    errors = []
    for index, s in enumerate(singles):
        s.setdefault("id", f"single-{index + 1}")
        errors += [
            f"{s['id']}: {e}" for e in scoring.check_regexes(list(s.get("must") or []) + list(s.get("must_not") or []))
        ]
    for index, c in enumerate(conversations):
        c.setdefault("id", f"conversation-{index + 1}")
        patterns = [p for t in c.get("turns") or [] for p in list(t.get("must") or []) + list(t.get("must_not") or [])]
        expect = c.get("expect") or {}
        patterns += list(expect.get("must") or []) + list(expect.get("must_not") or [])
        errors += [f"{c['id']}: {e}" for e in scoring.check_regexes(patterns)]
    return {
        "version": data.get("version"),
        "writer": data.get("writer"),
        "singles": singles,
        "conversations": conversations,
        "errors": errors,
    }


# --------------------------------------------------------------------------- servers


@contextlib.contextmanager
def private_database(tmpdir: Path):
    """DATABASE_URL → a copy of the SQLite database in `tmpdir` for our process and the servers we
    start (they inherit os.environ): leads captured by a conversation, trackers and anything else
    the bot writes stay out of the developer's var/. A non-SQLite DATABASE_URL is left as it is."""
    from knowledge.db import database_url

    url = database_url()
    previous = os.environ.get("DATABASE_URL")
    if not url.startswith("sqlite:///"):
        yield url, [f"DATABASE_URL is not SQLite: the bot ran on it as configured ({url.split('://')[0]})"]
        return
    source = Path(url[len("sqlite:///") :])
    if not source.exists():
        raise NotReady(f"no database at {source} (run `make kb`)")
    copy = tmpdir / "virage-bench.sqlite3"
    with contextlib.closing(sqlite3.connect(str(source))) as src, contextlib.closing(sqlite3.connect(str(copy))) as dst:
        src.backup(dst)
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"
    try:
        yield os.environ["DATABASE_URL"], ["bot run on a temporary copy of the SQLite database"]
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


class Servers:
    """The project's Rasa server and action server, restarted once each if one dies."""

    def __init__(self, children: Children, model: Path, tmpdir: Path) -> None:
        self.children, self.model, self.tmpdir = children, model, tmpdir
        self.log_dir = tmpdir / "logs"
        self.notes: List[str] = []
        self.restarts = 0
        taken: List[int] = []
        self.action_port = None
        if has_actions(REPO / "actions"):
            self.action_port = _pick(ACTION_PORT, taken)
        self.endpoints = tmpdir / "endpoints.yml"
        self.notes += bench_endpoints(REPO / "endpoints.yml", self.endpoints, self.action_port, tmpdir)
        self.bot = Bot(
            "project",
            REPO,
            model,
            REPO / "credentials.yml",
            self.endpoints,
            _pick(RASA_PORT, taken),
            ["bonjour"],
            self.log_dir,
        )
        self.action_proc = None

    def start(self) -> None:
        if self.action_port is not None:
            log(f"action server on 127.0.0.1:{self.action_port}…")
            self.action_proc = start_action_server(self.children, self.log_dir, self.action_port)
        log(f"Rasa server on 127.0.0.1:{self.bot.port} with {self.model.name}…")
        start_bot(self.children, self.bot)

    def alive(self) -> bool:
        return (
            self.bot.proc is not None
            and self.bot.proc.poll() is None
            and (self.action_proc is None or self.action_proc.poll() is None)
        )

    def revive(self) -> bool:
        """Restart what died (at most twice in a run); False when it cannot be."""
        if self.alive():
            return True
        if self.restarts >= 2:
            return False
        self.restarts += 1
        self.notes.append("a server died during the run and was restarted")
        log("a server died: restarting it")
        try:
            if self.action_proc is not None and self.action_proc.poll() is not None:
                self.action_proc = start_action_server(self.children, self.log_dir, self.action_port)
            if self.bot.proc is None or self.bot.proc.poll() is not None:
                start_bot(self.children, self.bot)
        except RuntimeError as exc:
            log(f"restart failed: {str(exc).splitlines()[0]}")
            return False
        return self.alive()

    def send(self, sender: str, message: str) -> Tuple[List[Dict[str, Any]], Optional[str], float]:
        """(replies, error, seconds) of one message."""
        if not self.alive() and not self.revive():
            return [], "server down", 0.0
        started = time.monotonic()
        try:
            body = http_post_json(self.bot.webhook, {"sender": sender, "message": message}, timeout=REQUEST_TIMEOUT)
        except urllib.error.HTTPError as exc:
            return [], f"HTTP {exc.code}", time.monotonic() - started
        except (socket.timeout, TimeoutError):
            return [], f"timeout ({REQUEST_TIMEOUT:.0f} s)", time.monotonic() - started
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (socket.timeout, TimeoutError)):
                return [], f"timeout ({REQUEST_TIMEOUT:.0f} s)", time.monotonic() - started
            return [], f"{type(exc).__name__}", time.monotonic() - started
        replies = [r for r in body if isinstance(r, dict)] if isinstance(body, list) else []
        return replies, None, time.monotonic() - started


def _pick(preferred: int, taken: List[int]) -> int:
    from bench.common import pick_port

    port = pick_port(preferred, taken)
    taken.append(port)
    return port


def _sender(part: str, item_id: str) -> str:
    return f"bench-answers-{part}-{item_id}-{uuid.uuid4().hex[:8]}"


# --------------------------------------------------------------------------- playing the bank


def _reply_view(replies: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    out = []
    for r in replies:
        view: Dict[str, Any] = {"text": r.get("text")}
        if r.get("buttons"):
            view["buttons"] = [b.get("title") for b in r["buttons"]]
        out.append(view)
    return out


def run_single(servers: Servers, part: str, item: Mapping[str, Any], seeds, fallbacks) -> Dict[str, Any]:
    replies, error, seconds = servers.send(_sender(part, str(item["id"])), str(item.get("text") or ""))
    judged = scoring.classify_single(item, replies, seeds, fallbacks, error=error)
    return {
        "id": item["id"],
        "kind": item.get("kind", "other"),
        "style": item.get("style", "?"),
        "silent": bool(item.get("silent")),
        "text": item.get("text"),
        "verdict": judged["verdict"],
        "reason": judged["reason"],
        "missing": judged["missing"],
        "matched_must_not": judged["matched_must_not"],
        "invented": judged["invented"],
        "admitted": judged["admitted"],
        "cited": judged["cited"],
        "answer": judged["answer"],
        "replies": _reply_view(replies),
        "seconds": round(seconds, 3),
        "source": item.get("source"),
    }


def play_conversation(
    servers: Servers, part: str, conv: Mapping[str, Any], vocab, extra_turns: int = EXTRA_TURNS
) -> Dict[str, Any]:
    sender = _sender(part, str(conv["id"]))
    transcript: List[Dict[str, Any]] = []
    turn_failures: List[List[str]] = []
    bot_texts: List[str] = []
    last: List[Dict[str, Any]] = []
    seen_topic = False

    def send(message: str, scripted: bool, turn: Optional[Mapping[str, Any]] = None) -> None:
        nonlocal last, seen_topic
        replies, error, seconds = servers.send(sender, message)
        transcript.append(
            {
                "user": message,
                "scripted": scripted,
                "bot": _reply_view(replies),
                "error": error,
                "seconds": round(seconds, 3),
            }
        )
        if turn is not None:
            turn_failures.append(scoring.check_turn(turn, replies, error))
        bot_texts.extend(str(r["text"]) for r in replies if r.get("text"))
        last = replies
        question = scoring.pending_question(replies)
        if question is not None and scoring.map_topic(str(question.get("text") or "")):
            seen_topic = True

    for turn in conv.get("turns") or []:
        send(str(turn.get("user") or ""), True, turn)

    extra, clicked, previous, attempt, resumed = 0, False, None, 0, 0
    if str(conv.get("kind")) == "screening":
        answers = conv.get("answers") or {}
        while extra < extra_turns and last:
            text = scoring.answer_text(last)
            concluded = scoring.is_verdict_turn(text)
            question = scoring.pending_question(last)
            topic = scoring.map_topic(str(question.get("text") or "")) if question is not None else None
            button = scoring.start_screening_button(last)
            if concluded and (seen_topic or clicked or not button):
                break
            if topic is not None and not concluded:
                attempt = attempt + 1 if topic == previous else 0
                previous = topic
                message = scoring.choose_answer(topic, answers, vocab=vocab, attempt=attempt)
            elif button and not clicked and not seen_topic:
                message, clicked, previous = button, True, None
            elif button and seen_topic and not concluded and resumed < MAX_RESUMES:
                # a side question paused the questionnaire: the person clicks « Reprendre le
                # questionnaire », as anyone who wants the verdict would
                message, previous, resumed = button, None, resumed + 1
            elif question is not None and question.get("buttons") and not concluded:
                attempt = attempt + 1 if previous == "?" else 0
                previous = "?"
                message = scoring.choose_answer(None, answers, attempt=attempt)
            else:
                break
            send(message, False)
            extra += 1
    judged = scoring.evaluate_conversation(conv, turn_failures, bot_texts)
    return {
        "id": conv["id"],
        "kind": conv.get("kind", "?"),
        "persona": conv.get("persona"),
        "right": judged["right"],
        "reasons": judged["reasons"],
        "verdicts": judged["verdicts"],
        "expected": (conv.get("expect") or {}).get("verdict"),
        "extra_turns": extra,
        "transcript": transcript,
        "bot_texts": bot_texts,
        "source": conv.get("source"),
    }


def run_part(
    servers: Servers,
    part: str,
    bank: Mapping[str, Any],
    seeds,
    fallbacks,
    vocab,
    signatures,
    deadline: float,
    limit: Optional[int],
    extra_turns: int = EXTRA_TURNS,
) -> Dict[str, Any]:
    singles = list(bank["singles"])[: limit if limit else None]
    conversations = list(bank["conversations"])[: limit if limit else None]
    sealed = is_sealed(part)
    done_singles: List[Dict[str, Any]] = []
    done_convs: List[Dict[str, Any]] = []
    not_run = {"singles": 0, "conversations": 0}
    started = time.monotonic()
    log(f"{part}: {len(singles)} single questions, {len(conversations)} conversations")
    for index, item in enumerate(singles, 1):
        if time.monotonic() > deadline:
            not_run["singles"] = len(singles) - index + 1
            break
        done_singles.append(run_single(servers, part, item, seeds, fallbacks))
        if index % 25 == 0 or index == len(singles):
            counts = Counter(d["verdict"] for d in done_singles)
            log(
                f"{part} singles {index}/{len(singles)} ({time.monotonic() - started:.0f} s): "
                f"right {counts['right']}, invented {counts['invented']}, failures {counts['dialogue_failure']}"
            )
    for index, conv in enumerate(conversations, 1):
        if time.monotonic() > deadline:
            not_run["conversations"] = len(conversations) - index + 1
            break
        done_convs.append(play_conversation(servers, part, conv, vocab, extra_turns))
        log(
            f"{part} conversation {index}/{len(conversations)} {conv['id']}: "
            f"{'right' if done_convs[-1]['right'] else 'failed'}"
        )
    texts = [t for d in done_singles for t in (r.get("text") for r in d["replies"]) if t]
    texts += [t for c in done_convs for t in c["bot_texts"]]
    reach = scoring.kb_reach(signatures, texts)
    summary = summarise(done_singles, done_convs)
    result = {
        "part": part,
        "writer": bank.get("writer"),
        "bank_errors": len(bank["errors"]) if sealed else bank["errors"],
        "summary": summary,
        "kb_reach": reach,
        "not_run": not_run,
        "elapsed_seconds": round(time.monotonic() - started, 1),
    }
    if sealed:  # ids, kinds and verdicts only: nobody working on the bot sees the sealed questions
        result["singles"] = [
            {"id": d["id"], "kind": d["kind"], "style": d["style"], "verdict": d["verdict"]} for d in done_singles
        ]
        result["conversations"] = [
            {
                "id": c["id"],
                "kind": c["kind"],
                "verdict": "right" if c["right"] else "failed",
                "failed_checks": sorted({cat for cat, _ in c["reasons"]}),
            }
            for c in done_convs
        ]
    else:
        result["singles"] = done_singles
        for c in done_convs:
            c.pop("bot_texts", None)
            c["reasons"] = [f"{cat}: {detail}" for cat, detail in c["reasons"]]
        result["conversations"] = done_convs
    return result


# --------------------------------------------------------------------------- summary and table


def _counts(rows: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    c = Counter(r["verdict"] for r in rows)
    return {"n": len(rows), **{v: c.get(v, 0) for v in scoring.VERDICTS}}


def summarise(singles: Sequence[Mapping[str, Any]], conversations: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    by_kind: Dict[str, List[Mapping[str, Any]]] = {}
    by_style: Dict[str, List[Mapping[str, Any]]] = {}
    for s in singles:
        by_kind.setdefault(str(s["kind"]), []).append(s)
        by_style.setdefault(str(s["style"]), []).append(s)
    reasons = Counter(cat for c in conversations for cat in sorted({cat for cat, _ in c["reasons"]}))
    return {
        "singles": _counts(singles),
        "by_kind": {k: _counts(v) for k, v in sorted(by_kind.items())},
        "by_style": {k: _counts(v) for k, v in sorted(by_style.items())},
        "conversations": {
            "n": len(conversations),
            "right": sum(1 for c in conversations if c["right"]),
            "failed_by_check": dict(sorted(reasons.items())),
        },
        "conversations_by_kind": {
            k: {
                "n": sum(1 for c in conversations if c["kind"] == k),
                "right": sum(1 for c in conversations if c["kind"] == k and c["right"]),
            }
            for k in sorted({str(c["kind"]) for c in conversations})
        },
    }


_SHORT = {
    "right": "right",
    "incomplete": "incompl",
    "wrong_fact": "wrong",
    "invented": "invent",
    "misunderstood": "misund",
    "dialogue_failure": "failure",
}


def _row(label: str, counts: Mapping[str, Any]) -> str:
    n = counts["n"]
    cells = []
    for v in scoring.VERDICTS:
        k = counts.get(v, 0)
        cells.append(f"{k:>4} {100 * k / n:>3.0f}%" if n else f"{k:>4}   -")
    return f"  {label:<22}{n:>5}  " + "  ".join(cells)


def render_part(result: Mapping[str, Any]) -> str:
    s = result["summary"]
    sealed = is_sealed(result["part"])
    lines = [
        f"== answers: {result['part']} bank ({s['singles']['n']} single questions, "
        f"{s['conversations']['n']} conversations, {result['elapsed_seconds']:.0f} s) =="
    ]
    if result["not_run"]["singles"] or result["not_run"]["conversations"]:
        lines.append(
            f"  NOT RUN (time budget): {result['not_run']['singles']} singles, "
            f"{result['not_run']['conversations']} conversations"
        )
    errors = result["bank_errors"]
    if errors:
        if sealed:
            lines.append(f"  bank: {errors} invalid regex(es) (never match)")
        else:
            lines += ["  bank: invalid regexes (never match):"] + [f"    {e}" for e in errors[:10]]
    header = "  " + " " * 22 + "    n  " + "  ".join(f"{_SHORT[v]:>9}" for v in scoring.VERDICTS)
    lines += [header, _row("all", s["singles"])]
    lines += [_row(f"kind {k}", v) for k, v in s["by_kind"].items()]
    lines += [_row(f"style {k}", v) for k, v in s["by_style"].items()]
    conv = s["conversations"]
    failed = ", ".join(f"{k} {v}" for k, v in conv["failed_by_check"].items()) or "none"
    lines.append(f"  conversations: {conv['right']}/{conv['n']} right; failed checks: {failed}")
    for kind, v in s["conversations_by_kind"].items():
        lines.append(f"    {kind:<12} {v['right']}/{v['n']} right")
    if not sealed:
        for c in result["conversations"]:
            if not c["right"]:
                lines.append(
                    f"    {c['id']} failed: "
                    + " | ".join(c["reasons"][:4])
                    + (f" | (+{len(c['reasons']) - 4})" if len(c["reasons"]) > 4 else "")
                )
    reach = result["kb_reach"]
    if reach["records"]:
        per = ", ".join(f"{k} {v['reached']}/{v['records']}" for k, v in reach["per_kind"].items())
        lines.append(
            f"  KB reach: {reach['reached']}/{reach['records']} records "
            f"({100 * reach['share']:.0f}%; mean over kinds {100 * reach['macro_share']:.0f}%)"
        )
        lines.append(f"    {per}")
    return "\n".join(lines)


def last_line(parts: Mapping[str, Mapping[str, Any]]) -> str:
    def frac(part: str, key: str) -> str:
        if part not in parts:
            return "-"
        s = parts[part]["summary"]
        if key == "singles":
            return f"{s['singles']['right']}/{s['singles']['n']}"
        return f"{s['conversations']['right']}/{s['conversations']['n']}"

    invented = sum(p["summary"]["singles"]["invented"] for p in parts.values())
    rights = " ".join(f"{part}_right={frac(part, 'singles')}" for part in PARTS)
    conversations = " ".join(f"conversations_{part}={frac(part, 'conversations')}" for part in PARTS if is_sealed(part))
    return f"answers: {rights} invented={invented} {conversations}"


# --------------------------------------------------------------------------- entry point


def _kb_inputs(url: str):
    """Vocabulary forms for the screening persona, and reach signatures, from the knowledge base."""
    from knowledge import store
    from knowledge.db import get_engine

    try:
        snap = store.snapshot(engine=get_engine(url))
    except store.KnowledgeNotBuilt as exc:
        raise NotReady(f"knowledge base not built ({exc}); run `make kb`") from exc
    vocab = {
        kind: {row["id"]: list(row["forms"]) for row in rows if row["id"] != "none"}
        for kind, rows in snap["index"]["vocab"].items()
    }
    return vocab, scoring.reach_signatures(snap)


def run(
    bank: str = "all",
    limit: Optional[int] = None,
    model: Optional[Path] = None,
    budget: float = DEFAULT_BUDGET,
    extra_turns: int = EXTRA_TURNS,
) -> Dict[str, Any]:
    from knowledge.paths import seeds_dir

    wanted = PARTS if bank == "all" else (bank,)
    banks: Dict[str, Dict[str, Any]] = {}
    missing = []
    for part in wanted:
        path = BANK_DIR / f"{part}.yml"
        if not path.exists():
            missing.append(part)
            log(f"{part}: no bank at {path.relative_to(REPO)} yet")
            continue
        try:
            banks[part] = load_bank(path)
        except (yaml.YAMLError, ValueError) as exc:  # never print a sealed bank's content
            detail = type(exc).__name__ if is_sealed(part) else str(exc)
            raise NotReady(f"{part} bank unreadable: {detail}") from None
    if not banks:
        raise NotReady("no question bank in bench/answer_bank/ (dev.yml, sealed.yml)")
    model = Path(model) if model else latest_project_model(REPO / "models")
    if not model.exists():
        raise NotReady(f"model {model} not found")
    seeds = scoring.SeedFacts.from_dir(seeds_dir())
    fallbacks = scoring.Fallbacks.from_domain(REPO / "domain")
    result: Dict[str, Any] = {
        "meta": {
            "started": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "model": str(model),
            "model_mtime": datetime.datetime.fromtimestamp(model.stat().st_mtime).strftime("%Y-%m-%d %H:%M"),
            "limit": limit,
            "extra_turns": extra_turns,
            "request_timeout_s": REQUEST_TIMEOUT,
            "missing_banks": missing,
        },
        "parts": {},
    }
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="virage-bench-answers-") as tmp, Children() as children:
        tmpdir = Path(tmp)
        with private_database(tmpdir) as (url, notes):
            vocab, signatures = _kb_inputs(url)
            servers = Servers(children, model, tmpdir)
            servers.notes += notes
            try:
                servers.start()
            except RuntimeError as exc:
                raise RuntimeError(f"servers did not start: {exc}") from None
            deadline = time.monotonic() + budget
            try:
                for part in PARTS:
                    if part not in banks:
                        continue
                    try:
                        result["parts"][part] = run_part(
                            servers,
                            part,
                            banks[part],
                            seeds,
                            fallbacks,
                            vocab,
                            signatures,
                            deadline,
                            limit,
                            extra_turns,
                        )
                    except (KeyboardInterrupt, NotReady):
                        raise
                    except Exception as exc:
                        if not is_sealed(part):
                            raise
                        # no traceback: its frames' values could hold a sealed question
                        raise RuntimeError(f"{part} part failed: {type(exc).__name__}") from None
            finally:
                result["meta"]["server_notes"] = servers.notes
                if servers.restarts and not any(is_sealed(p) for p in banks):  # a sealed run never keeps its logs
                    result["meta"]["logs"] = {p.name: tail(p, 15) for p in sorted(servers.log_dir.glob("*.log"))}
                children.stop_all()
    result["meta"]["elapsed_seconds"] = round(time.monotonic() - started, 1)
    return result


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench answers", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bank", choices=PARTS + ("all",), default="all")
    parser.add_argument("--limit", type=int, help="at most N single questions and N conversations per bank")
    parser.add_argument("--model", type=Path, help="model to serve (default: newest models/*.tar.gz)")
    parser.add_argument(
        "--budget",
        type=float,
        default=DEFAULT_BUDGET,
        help=f"seconds of requests before the rest is reported not run (default {DEFAULT_BUDGET:.0f})",
    )
    parser.add_argument(
        "--extra-turns",
        type=int,
        default=EXTRA_TURNS,
        help=f"screening: answers given after the scripted turns, at most (default {EXTRA_TURNS})",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    install_signal_handlers()
    try:
        result = run(
            bank=args.bank, limit=args.limit, model=args.model, budget=args.budget, extra_turns=args.extra_turns
        )
    except NotReady as exc:
        log(f"answers: not there yet: {exc}")
        print(f"answers: not run ({exc})")
        return 1
    except RuntimeError as exc:
        log(f"answers failed: {exc}")
        print(f"answers: failed ({str(exc).splitlines()[0]})")
        return 1
    except KeyboardInterrupt:
        Children.stop_everything()
        log("interrupted: every process started by the bench has been stopped")
        return 130
    write_json(args.out, result)
    for part in PARTS:
        if part in result["parts"]:
            print(render_part(result["parts"][part]), flush=True)
            print()
    for part in result["meta"]["missing_banks"]:
        print(f"note: no {part} bank yet (bench/answer_bank/{part}.yml)")
    rel = args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out
    print(f"details: {rel}")
    print(last_line(result["parts"]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
