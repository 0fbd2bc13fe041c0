"""Law 25 commands on the leads and the conversations they came from.

    python -m leads forget --email X | --phone Y | --sender-id Z   (make forget FORGET_EMAIL=…)
    python -m leads purge                                          (make purge-leads)

`forget` deletes everything about one person: their leads, consents and conversations in the
tracker store. `purge` deletes the leads whose retention period is over. Both print what they
deleted (`--json` for a machine-readable report), never the personal data itself beyond the
criteria given. Exit codes: 0 done (even when nothing matched), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional


def _err(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 2


def _print(report, as_json: bool) -> None:
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if as_json else report.to_text())


def cmd_forget(args: argparse.Namespace) -> int:
    from leads.store import forget

    if not (args.email or args.phone or args.sender_id):
        return _err("indiquez --email, --phone ou --sender-id.")
    try:
        report = forget(email=args.email, phone=args.phone, sender_id=args.sender_id)
    except ValueError as exc:
        return _err(str(exc))
    _print(report, args.json)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from leads.store import purge_expired

    _print(purge_expired(), args.json)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m leads", description="Données personnelles des pistes : effacement et purge (Loi 25)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("forget", help="supprimer tout ce qui concerne une personne")
    f.add_argument("--email")
    f.add_argument("--phone")
    f.add_argument("--sender-id")
    f.add_argument("--json", action="store_true")
    f.set_defaults(func=cmd_forget)
    p = sub.add_parser("purge", help="supprimer les fiches dont la durée de conservation est échue")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_purge)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    from common import logging_privacy

    logging_privacy.install()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
