"""Knowledge-engine latency: median and p95 per engine, beside a reference measured in the same run.

Reference: fetching one case by primary key through SQLAlchemy (`session.get`), the cheapest
query the database can answer. Each engine call opens its own session, as the action server does.

    python -m knowledge.bench [--runs 300]
"""

from __future__ import annotations

import argparse
import json
import statistics as stats
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List

from knowledge import cases, db, deadlines, eligibility, lookup, models, retrieval, statistics, vocabulary


def _timed(fn: Callable[[], object], runs: int) -> List[float]:
    fn()  # warm the cache once: we measure steady state, as a running server sees it
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p95(xs: List[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Latence des moteurs de la base de connaissances")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--json", type=Path, default=None, help="écrire aussi les chiffres dans ce fichier")
    args = parser.parse_args(argv)

    engine = db.get_engine()
    with db.session_scope(engine) as s:
        first_case = s.query(models.CaseRow.id).first()
    if first_case is None:
        print("Base vide : lancez `make kb`.", file=sys.stderr)
        return 2
    case_id = first_case[0]

    def reference():
        with db.session_scope(engine) as s:
            s.get(models.CaseRow, case_id)

    def with_session(fn):
        def call():
            with db.session_scope(engine) as s:
                fn(s)

        return call

    partial = {"legal_form": "coop", "org_category": "none", "region": "Saguenay"}
    engines: Dict[str, Callable[[], object]] = {
        "référence (session.get d'un cas)": reference,
        "éligibilité (profil partiel)": with_session(lambda s: eligibility.evaluate(partial, session=s)),
        "échéances (prochaine)": with_session(lambda s: deadlines.next_deadline(session=s)),
        "études de cas (recherche texte)": with_session(
            lambda s: cases.search(text="des exemples de coop en alimentation", session=s)
        ),
        "études de cas (profil semblable)": with_session(
            lambda s: cases.similar_to({"legal_form": "nonprofit", "sector": "culture"}, session=s)
        ),
        "statistiques (question)": with_session(lambda s: statistics.find(text="combien vendent en ligne", session=s)),
        "statistiques (comparaison)": with_session(
            lambda s: statistics.compare({"sector": "culture", "employees": 8}, "medias sociaux", session=s)
        ),
        "glossaire": with_session(lambda s: lookup.define("c koi un crm", session=s)),
        "vocabulaire (normalisation)": with_session(lambda s: vocabulary.normalize("regions", "a saguenay", session=s)),
        # One query of the BM25 index over every record and facet (built once per KB build).
        "recherche (une question, tout l'index)": with_session(
            lambda s: retrieval.search("combien demployes chez groupe taq", session=s)
        ),
        "recherche (ce que les sources taisent)": with_session(
            lambda s: retrieval.search(
                "l'autoexamen ça prend combien de temps", kinds=retrieval.OPT_IN_KINDS, session=s
            )
        ),
    }
    results = {}
    for name, fn in engines.items():
        xs = _timed(fn, args.runs)
        results[name] = {"median_ms": stats.median(xs), "p95_ms": _p95(xs)}
    ref = results["référence (session.get d'un cas)"]["median_ms"]
    print(f"Latence des moteurs ({args.runs} appels chacun, {db.database_url().split('@')[-1]}) :")
    print(f"  {'moteur':38} {'médiane':>9} {'p95':>9} {'× réf.':>7}")
    for name, r in results.items():
        r["ratio_to_reference"] = r["median_ms"] / ref if ref else None
        print(f"  {name:38} {r['median_ms']:8.3f}ms {r['p95_ms']:8.3f}ms {r['ratio_to_reference']:7.1f}")
    worst = max(r["p95_ms"] for r in results.values())
    print(f"  p95 le plus élevé : {worst:.2f} ms (objectif < 5 ms ; recherche < 10 ms)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
