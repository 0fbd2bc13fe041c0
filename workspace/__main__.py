"""Command line of the workspace.

    python -m workspace serve [--host 127.0.0.1] [--port 8090]
    python -m workspace advisor-add --email X --role conseiller|administrateur [--regions a,b]
    python -m workspace import (--in CHEMIN | --from-tracker) [--job N]
    python -m workspace bench [--n 10000]          (make bench-workspace)

Exit codes: 0 done, 1 the import failed (the job row says why), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import List, Optional


def _err(message: str) -> int:
    print(f"Erreur : {message}", file=sys.stderr)
    return 2


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from workspace.app import create_app

    uvicorn.run(
        create_app(),
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        proxy_headers=False,
        ws="none",
    )
    return 0


def cmd_advisor_add(args: argparse.Namespace) -> int:
    from workspace.auth import AccountError, create_account

    try:
        account_id, password = create_account(args.email, args.role, args.regions or "")
    except AccountError as exc:
        return _err(str(exc))
    print(f"Compte n° {account_id} créé pour {args.email.strip().lower()}.")
    print(f"Mot de passe (affiché une seule fois, à transmettre de façon sûre) : {password}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from workspace.importer import run_import

    if not args.from_tracker and not args.in_path:
        return _err("indiquez --in CHEMIN ou --from-tracker.")
    in_path = Path(args.in_path) if args.in_path else None
    if in_path is not None and not in_path.exists():
        return _err(f"entrée introuvable : {in_path}")
    return run_import(args.job, in_path, args.from_tracker, args.model)


def cmd_bench(args: argparse.Namespace) -> int:
    from workspace.bench import main as bench_main

    return bench_main(n=args.n, requests_count=args.requests)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workspace", description="Espace des conseillers.")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="démarrer l'espace des conseillers")
    s.add_argument("--host", default=os.environ.get("VIRAGE_WORKSPACE_HOST", "127.0.0.1"))
    s.add_argument("--port", type=int, default=int(os.environ.get("VIRAGE_WORKSPACE_PORT", "8090")))
    s.set_defaults(func=cmd_serve)
    a = sub.add_parser("advisor-add", help="créer un compte ; le mot de passe est affiché une fois")
    a.add_argument("--email", required=True)
    a.add_argument("--role", default="conseiller", help="conseiller (défaut) ou administrateur")
    a.add_argument("--regions", help="régions vues par un conseiller (identifiants, séparés par des virgules)")
    a.set_defaults(func=cmd_advisor_add)
    i = sub.add_parser("import", help="lire des fichiers ou les conversations du bot en fiches")
    i.add_argument("--in", dest="in_path")
    i.add_argument("--from-tracker", action="store_true")
    i.add_argument("--job", type=int)
    i.add_argument("--model")
    i.set_defaults(func=cmd_import)
    b = sub.add_parser("bench", help="temps de la liste des pistes avec N pistes (p50, p95)")
    b.add_argument("--n", type=int, default=10000)
    b.add_argument("--requests", type=int, default=200)
    b.set_defaults(func=cmd_bench)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    from common import logging_privacy

    logging_privacy.install()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
