"""`python -m bench [all|nlu|snips|server|report] [options]` — see mk/bench.mk.

all     the three parts below, one results/bench.json and one table
nlu     one timed full training of the project + held-out intent accuracy/macro-F1
snips   config.yml vs Rasa's default pipeline on SNIPS-FR (clean and misspelt)
snips-cv  the same two by cross-validation on SNIPS-FR's training part (not part of `all`)
nlu-cv  config.yml by cross-validation on data/nlu, optionally against another config (not part of `all`)
server  REST latency p50/p95 (serial, concurrent), load time and RSS vs the starter bot
report  re-print the table of the last results/bench.json
answers the bot's answers to the question banks, judged end to end (own options: `python -m bench answers -h`;
        not part of `all`)

A part whose input is not there yet (no model, no held-out set) is reported as such and the
command exits 1 after the others have run; missed aims do not change the exit code.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import time
import traceback
from importlib import metadata
from pathlib import Path

from bench import report
from bench.common import REPO, RESULTS_DIR, Children, NotReady, install_signal_handlers, log, write_json

PARTS = ("nlu", "snips", "server")


def _commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "config.yml", "domain", "data", "actions", "bot", "knowledge"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        return (commit or "none") + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def _loadavg() -> str:
    try:
        return "{:.1f}".format(os.getloadavg()[0])
    except OSError:
        return "?"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["answers"]:  # its own options, output and table (bench/answers.py)
        from bench import answers

        return answers.main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("part", nargs="?", default="all", choices=("all",) + PARTS + ("snips-cv", "nlu-cv", "report"))
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 5 epochs on SNIPS, 60 messages, 1 start (figures not comparable)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="nlu: score this model instead of training; server: serve this model (default: newest models/*.tar.gz)",
    )
    parser.add_argument(
        "--starter-dir", type=Path, help="server: reuse an existing `rasa init` project instead of creating one"
    )
    parser.add_argument("--starter-only", action="store_true", help="server: measure the starter bot only")
    parser.add_argument(
        "--snips-runs", type=int, help="snips: trainings per pipeline, seeds 1..N (default 3; 1 with --quick)"
    )
    parser.add_argument("--folds", type=int, help="snips-cv, nlu-cv: cross-validation folds (default 5)")
    parser.add_argument(
        "--against", type=Path, help="nlu-cv: another config trained on the same folds and compared with config.yml"
    )
    parser.add_argument("--messages", type=int, default=300, help="server: messages per mode and bot")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--load-repeats", type=int, help="server: starts per bot for the load time (3)")
    parser.add_argument("--out", type=Path, help="JSON output (default results/bench.json, or bench-<part>.json)")
    args = parser.parse_args(argv)

    if args.part == "report":
        import json

        path = args.out or RESULTS_DIR / "bench.json"
        print(report.render(json.loads(path.read_text(encoding="utf-8"))))
        return 0

    install_signal_handlers()
    parts = PARTS if args.part == "all" else (args.part,)
    out = args.out or RESULTS_DIR / ("bench.json" if args.part == "all" else f"bench-{args.part}.json")
    started = time.monotonic()
    results: dict = {
        "meta": {
            "started": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "commit": _commit(),
            "cpus": os.cpu_count(),
            "loadavg_start": _loadavg(),
            "python": sys.version.split()[0],
            "rasa": _version("rasa"),
            "rasa_sdk": _version("rasa-sdk"),
            "spacy": _version("spacy"),
            "quick": args.quick,
        },
        "parts": list(parts),
        "json_path": str(out.relative_to(REPO)) if out.is_relative_to(REPO) else str(out),
    }
    failed = []
    try:
        for part in parts:
            part_started = time.monotonic()
            log(f"=== {part} ===")
            try:
                if part == "nlu":
                    results["nlu"] = __import__("bench.nlu", fromlist=["run"]).run(quick=args.quick, model=args.model)
                elif part == "snips":
                    snips = __import__("bench.snips", fromlist=["run", "RUNS"])
                    runs = args.snips_runs or (1 if args.quick else snips.RUNS)
                    results["snips"] = snips.run(quick=args.quick, runs=runs)
                elif part == "snips-cv":
                    snips = __import__("bench.snips", fromlist=["cross_validate", "FOLDS"])
                    results[part] = snips.cross_validate(folds=args.folds or snips.FOLDS, quick=args.quick)
                elif part == "nlu-cv":
                    nlu_cv = __import__("bench.nlu_cv", fromlist=["run", "FOLDS"])
                    results[part] = nlu_cv.run(against=args.against, folds=args.folds or nlu_cv.FOLDS)
                elif part == "server":
                    results["server"] = __import__("bench.server", fromlist=["run"]).run(
                        quick=args.quick,
                        model=args.model,
                        starter_dir=args.starter_dir,
                        messages=args.messages,
                        concurrency=args.concurrency,
                        load_repeats=args.load_repeats,
                        starter_only=args.starter_only,
                    )
                    if "project_skipped" in results["server"]:
                        failed.append(part)
            except NotReady as exc:
                results[part] = {"error": f"not there yet: {exc}"}
                failed.append(part)
                log(f"{part}: not there yet: {exc}")
            except Exception as exc:  # one part failing must not hide the others' figures
                results[part] = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
                failed.append(part)
                log(f"{part} failed: {exc}")
            if isinstance(results.get(part), dict):
                results[part]["elapsed_seconds"] = time.monotonic() - part_started
    except KeyboardInterrupt:
        Children.stop_everything()
        log("interrupted: every process started by the bench has been stopped")
        return 130
    results["meta"]["elapsed_seconds"] = time.monotonic() - started
    results["meta"]["loadavg_end"] = _loadavg()
    results["failed_parts"] = failed
    write_json(out, results)
    print(report.render(results), flush=True)
    if failed:
        print(f"\nIncomplete: {', '.join(failed)} (see above). Exit 1.", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
