"""`make bench-scale` (`python -m bench.scale`): the scaled deployment under load, on this machine.

1. starts scripts/cluster.sh (2 Rasa servers, 2 action servers, PostgreSQL, Redis, HAProxy) on the
   bench's own loopback ports (LB 5097, actions LB 5098, Rasa 5111-5112, actions 5161-5162,
   PostgreSQL 5452, Redis 6393), and warms it up;
2. Locust, headless (bench/locustfile.py), through the load balancer with ONE Rasa server in
   service (the other disabled in HAProxy), then with TWO, at each of --levels concurrent
   visitors for --duration seconds: messages per second, p95, errors (HTTP error, empty reply,
   apology); the figure kept per phase is the best throughput whose p95 stays under --p95-ms;
3. --bursts same-visitor bursts: two messages of one visitor sent at the same instant, one to
   each Rasa server directly;
4. the tracker store's integrity for every visitor of steps 2 and 3 (bench/cluster.py);
5. with --stock, steps 1, 3 and 4 again with Rasa's own RedisLockStore (what the project's lock
   store prevents), reported on its own line;
6. with --faults, the fault scenarios of tests/cluster/ (pytest, their own cluster).
Figures in results/scale.json; last line:
  scale: replicas=2 throughput_ratio=R p95_ms=P lost=L interleaved=I duplicated=D errors=E
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List

from bench import cluster as lab

REPO = lab.REPO
RESULTS = REPO / "results"


def bench_cluster(folder: Path, endpoints=None) -> lab.Cluster:
    return lab.Cluster(
        folder=folder,
        lb_port=5097,
        actions_port=5098,
        rasa_base=5111,
        actions_base=5161,
        pg_port=5452,
        redis_port=6393,
        endpoints=endpoints,
    )


def locust_level(c: lab.Cluster, users: int, seconds: int, folder: Path, tag: str) -> Dict[str, float]:
    prefix = folder / f"locust-{tag}"
    log = folder / f"messages-{tag}.jsonl"
    log.unlink(missing_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO), VIRAGE_SCALE_LOG=str(log), VIRAGE_SCALE_TAG=tag)
    cmd = [
        str(REPO / ".venv/bin/locust"),
        "-f",
        str(REPO / "bench/locustfile.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{c.lb_port}",
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
    ]
    subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=seconds + 120)
    row = next(r for r in csv.DictReader(open(f"{prefix}_stats.csv")) if r["Name"] == "Aggregated")
    replies = [lab.Reply(**{k: v for k, v in json.loads(line).items()}, seconds=0) for line in open(log)]
    return {
        "users": users,
        "messages": int(row["Request Count"]),
        "errors": int(row["Failure Count"]),
        "empty": sum(1 for r in replies if r.status == 200 and not r.texts),
        "msg_per_s": round(float(row["Requests/s"]), 2),
        "p50_ms": float(row["50%"]),
        "p95_ms": float(row["95%"]),
        "replies": replies,
    }


def phase(c: lab.Cluster, replicas: int, levels: List[int], seconds: int, folder: Path, p95_limit: float):
    for i, _port in enumerate(c.rasa_ports, start=1):
        verb = "enable" if i <= replicas else "disable"
        for backend in ("rasa_rest", "rasa_socketio"):
            c.haproxy(f"{verb} server {backend}/rasa-{i}")
    runs = []
    for users in levels:
        run = locust_level(c, users, seconds, folder, f"r{replicas}u{users}")
        lab_print(
            f"  {replicas} serveur(s) Rasa, {users:>2} visiteurs : {run['msg_per_s']:5.1f} msg/s, "
            f"p50 {run['p50_ms']:.0f} ms, p95 {run['p95_ms']:.0f} ms, erreurs {run['errors']}, vides {run['empty']}"
        )
        runs.append(run)
    under = [r for r in runs if r["p95_ms"] < p95_limit]
    best = max(under, key=lambda r: r["msg_per_s"]) if under else min(runs, key=lambda r: r["p95_ms"])
    return runs, best


def lab_print(text: str) -> None:
    print(text, flush=True)


def run_bursts(c: lab.Cluster, total: int, tag: str):
    visitors = max(1, total // 5)
    # new visitors on every run: the bench's PostgreSQL keeps the conversations of earlier runs
    tag = f"{tag}-{time.strftime('%H%M%S')}"
    started = time.monotonic()
    replies = lab.bursts(tuple(c.rasa_ports[:2]), [f"{tag}-{i}" for i in range(visitors)], 5, parallel=4)
    return replies, time.monotonic() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="2,4,8", help="visitors in flight, comma-separated")
    parser.add_argument("--duration", type=int, default=30, help="seconds per level")
    parser.add_argument("--p95-ms", type=float, default=1000.0)
    parser.add_argument("--bursts", type=int, default=200)
    parser.add_argument("--stock", action="store_true", help="also the bursts with Rasa's RedisLockStore")
    parser.add_argument("--faults", action="store_true", help="also the fault scenarios (tests/cluster)")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    folder = REPO / "var" / "bench-scale"
    RESULTS.mkdir(exist_ok=True)
    results: Dict[str, object] = {"levels": levels, "duration_s": args.duration}

    c = bench_cluster(folder)
    lab_print("bench-scale : démarrage du déploiement (2 serveurs Rasa, 2 serveurs d'actions)…")
    results["start_s"] = round(c.start(), 1)
    try:
        url = c.database_url()
        for port in (*c.rasa_ports, *c.rasa_ports):
            lab.rest(port, "warm-up", "c'est quoi le volet 2 ?")
        lab_print("charge (Locust, sans pause entre une réponse et la question suivante) :")
        runs1, best1 = phase(c, 1, levels, args.duration, folder, args.p95_ms)
        runs2, best2 = phase(c, 2, levels, args.duration, folder, args.p95_ms)
        lab_print(f"rafales : {args.bursts} paires de messages d'un même visiteur, une à chaque serveur Rasa…")
        burst_replies, burst_s = run_bursts(c, args.bursts, "burst")
        load_replies = [r for run in runs1 + runs2 for r in run.pop("replies")]
        integrity = lab.check_integrity(url, load_replies, ordered=True)
        burst_integrity = lab.check_integrity(url, burst_replies)
    finally:
        c.stop()
    burst_errors = sum(1 for r in burst_replies if not r.answered)
    results.update(
        one_replica=runs1,
        two_replicas=runs2,
        best_one=best1,
        best_two=best2,
        load_integrity=integrity.as_dict(),
        bursts={"pairs": len(burst_replies) // 2, "seconds": round(burst_s, 1), "not_answered": burst_errors},
        burst_integrity=burst_integrity.as_dict(),
    )
    lab_print(f"  intégrité (charge)   : {integrity.as_dict()}")
    lab_print(f"  intégrité (rafales)  : {burst_integrity.as_dict()} ; sans réponse : {burst_errors}")

    if args.stock:
        stock = bench_cluster(folder / "stock", endpoints=lab.stock_endpoints(folder))
        lab_print("rafales avec le RedisLockStore de Rasa (type: redis)…")
        stock.start()
        try:
            for port in (*stock.rasa_ports, *stock.rasa_ports):
                lab.rest(port, "warm-up", "c'est quoi le volet 2 ?")
            # bounded: a message whose ticket the stock store lost waits for the lock's 60 s lifetime
            s_replies, s_seconds = run_bursts(stock, min(args.bursts, 60), "stock")
            s_integrity = lab.check_integrity(stock.database_url(), s_replies)
        finally:
            stock.stop()
        s_errors = sum(1 for r in s_replies if not r.answered)
        results["stock"] = {
            "integrity": s_integrity.as_dict(),
            "not_answered": s_errors,
            "seconds": round(s_seconds, 1),
        }
        lab_print(f"  RedisLockStore de Rasa : {s_integrity.as_dict()} ; sans réponse : {s_errors}")

    if args.faults:
        lab_print("pannes (tests/cluster, leur propre déploiement)…")
        out = subprocess.run(
            [str(REPO / ".venv/bin/python"), "-m", "pytest", "tests/cluster", "-q", "-s", "-p", "no:cacheprovider"],
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        seen = [line for line in out.stdout.splitlines() if line.startswith("[")]
        results["faults"] = {"exit": out.returncode, "seen": seen}
        for line in seen:
            lab_print("  " + line)
        lab_print(f"  pannes : {'réussies' if out.returncode == 0 else 'ÉCHEC (voir pytest tests/cluster -s)'}")

    ratio = best2["msg_per_s"] / best1["msg_per_s"] if best1["msg_per_s"] else 0.0
    errors = sum(r["errors"] for r in runs1 + runs2) + burst_errors
    lost = integrity.lost + burst_integrity.lost
    interleaved = integrity.interleaved + burst_integrity.interleaved
    duplicated = integrity.duplicated + burst_integrity.duplicated
    results["summary"] = dict(ratio=round(ratio, 2), p95_ms=best2["p95_ms"], lost=lost, errors=errors)
    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    lab_print(
        f"1 serveur : {best1['msg_per_s']} msg/s à p95 {best1['p95_ms']:.0f} ms ({best1['users']} visiteurs) ; "
        f"2 serveurs : {best2['msg_per_s']} msg/s à p95 {best2['p95_ms']:.0f} ms ({best2['users']} visiteurs). "
        "Détail : results/scale.json"
    )
    lab_print(
        f"scale: replicas=2 throughput_ratio={ratio:.2f} p95_ms={best2['p95_ms']:.0f} lost={lost} "
        f"interleaved={interleaved} duplicated={duplicated} errors={errors}"
    )
    return 0 if lost == interleaved == duplicated == errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
