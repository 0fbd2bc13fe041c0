"""Command line: `python -m knowledge.cli build` (re)builds the database and prints counts."""

from __future__ import annotations

import argparse
import sys

from knowledge import db, loader

LABELS = {
    "programme": "programme",
    "volets": "volets",
    "facts": "faits du programme",
    "partners": "partenaires",
    "questions": "questions d'admissibilité",
    "criteria": "critères d'admissibilité",
    "deadlines": "échéances",
    "cases": "études de cas",
    "statistics": "statistiques d'enquête",
    "sector_figures": "chiffres du secteur",
    "glossary": "termes du glossaire",
    "advice": "conseils, défis et conditions",
    "digital_uses": "usages numériques",
    "vocabulary": "entrées de vocabulaire",
}


def build(args: argparse.Namespace) -> int:
    try:
        counts = loader.build()
    except loader.SourceError as exc:
        print(f"Sources invalides :\n{exc}", file=sys.stderr)
        return 2
    url = db.database_url()
    shown = url.split("@")[-1] if "@" in url else url
    print(f"Base de connaissances construite ({shown}) :")
    for key, label in LABELS.items():
        print(f"  {counts.get(key, 0):>5}  {label}")
    return 0


def check(args: argparse.Namespace) -> int:
    try:
        loader.load_sources()
    except loader.SourceError as exc:
        print(f"Sources invalides :\n{exc}", file=sys.stderr)
        return 2
    print("Sources valides.")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="knowledge", description="Base de connaissances de Virage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="valider les sources YAML et reconstruire la base").set_defaults(func=build)
    sub.add_parser("check", help="valider les sources YAML sans rien écrire").set_defaults(func=check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
