"""Command line of the pre-screening.

    python -m prescreen --in FICHIER_OU_DOSSIER --out DOSSIER   # transcripts, exports
    python -m prescreen --out DOSSIER                           # the tracker store
    python -m prescreen bench [--n 1000] [--runs 3]

Exit codes: 0 done (even if some inputs were rejected: they are listed), 2 cannot run
(no model, knowledge base not built, input missing, bad arguments).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from pathlib import Path
from typing import List, Optional


def _quiet() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    warnings.filterwarnings("ignore")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("rasa", "tensorflow", "absl", "dask", "h5py", "matplotlib", "urllib3"):
        logging.getLogger(name).setLevel(logging.ERROR)
    from common import logging_privacy

    logging_privacy.install()


def _err(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 2


def cmd_run(args: argparse.Namespace) -> int:
    from prescreen import knowledge_glue as kg
    from prescreen.nlu import ModelMissing, NluParser
    from prescreen.pipeline import run

    in_path = Path(args.in_path) if args.in_path else None
    if in_path is not None and not in_path.exists():
        return _err(f"entrée introuvable : {in_path}")
    try:
        kg.check_ready()
    except kg.KnowledgeNotBuilt as exc:
        return _err(f"{exc} (base de connaissances : lancez `make kb`).")
    try:
        parser = NluParser(args.model)
    except ModelMissing as exc:
        return _err(str(exc))
    try:
        report = run(
            in_path,
            Path(args.out),
            parser,
            from_tracker=args.from_tracker,
            max_bytes=args.max_bytes,
            tracker_url=args.tracker_url,
        )
    finally:
        parser.close()
    for rejected in report.rejected:
        print(f"  ignoré — {rejected.id} : {rejected.message}", file=sys.stderr)
    print(
        f"{len(report.cards)} fiche(s) produite(s), {len(report.rejected)} entrée(s) non traitée(s), "
        f"en {report.seconds:.1f} s ({report.unique_units} phrases distinctes lues par le modèle)."
    )
    for kind, path in report.paths.items():
        print(f"  {kind.upper():4} {path}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from prescreen.bench import main as bench_main

    return bench_main(n=args.n, runs=args.runs, model=args.model, keep=args.keep)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m prescreen",
        description="Pré-qualification des organisations : fiches classées et expliquées pour les conseillers.",
    )
    sub = parser.add_subparsers(dest="command")

    def run_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--in",
            dest="in_path",
            help="fichier ou dossier (transcriptions, courriels, notes d'appel, "
            "exports JSON de tracker) ; sans --in : le tracker store",
        )
        p.add_argument("--out", required=True, help="dossier de sortie (leads.json, leads.csv, leads.html)")
        p.add_argument("--from-tracker", action="store_true", help="lire les conversations du tracker store")
        p.add_argument("--tracker-url", help="URL SQLAlchemy du tracker store (défaut : DATABASE_URL)")
        p.add_argument("--model", help="modèle Rasa (.tar.gz ou dossier ; défaut : le plus récent de models/)")
        p.add_argument(
            "--max-octets",
            dest="max_bytes",
            type=int,
            default=256 * 1024,
            help="taille maximale d'une entrée (défaut 262144)",
        )
        p.set_defaults(func=cmd_run)

    run_args(sub.add_parser("run", help="produire les fiches (commande par défaut)"))
    b = sub.add_parser("bench", help="débit de la pré-qualification sur des transcriptions générées")
    b.add_argument("--n", type=int, default=1000)
    b.add_argument("--runs", type=int, default=3)
    b.add_argument("--model")
    b.add_argument("--keep", help="garder les transcriptions générées dans ce dossier")
    b.set_defaults(func=cmd_bench)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("run", "bench", "-h", "--help"):
        argv = ["run"] + argv  # `python -m prescreen --in X --out Y`
    args = build_parser().parse_args(argv)
    _quiet()
    return args.func(args)
