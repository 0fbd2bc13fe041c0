"""`make bench-workspace` (python -m workspace bench): the leads list's page time with N leads.

A throw-away database under a temporary VIRAGE_VAR_DIR gets N lead cards shaped like the
pre-screening's (profile with quotes, three volets with reasons, priority, masked contact;
about 4 KB of JSON each), spread over regions, statuses, verdicts and dates; the real server
(`python -m workspace serve`, uvicorn) starts on a free loopback port, an account signs in,
and the list is requested R times with filters, searches, sorts and pages drawn in turn.
Prints p50 / p95 / max of the whole HTTP request (server + transfer) and the aim: p95 < 1 s.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REGIONS = [
    ("montreal", "Montréal"),
    ("capitale_nationale", "Capitale-Nationale"),
    ("estrie", "Estrie"),
    ("saguenay_lac_saint_jean", "Saguenay–Lac-Saint-Jean"),
    ("outaouais", "Outaouais"),
    ("monteregie", "Montérégie"),
    ("bas_saint_laurent", "Bas-Saint-Laurent"),
    ("mauricie", "Mauricie"),
    (None, None),
]
FORMS = ["Coopérative", "Organisme à but non lucratif (OBNL)", "Mutuelle", None]
SECTORS = [
    "Agroalimentaire, ressources naturelles et énergie",
    "Loisirs, tourisme, hébergement, restauration, art et culture",
    "Services à la personne, santé et services sociaux",
    None,
]
VERDICTS = [("eligible", "admissible"), ("unknown", "à confirmer"), ("not_eligible", "non admissible")]
STATUSES = ["new", "callback", "follow_up", "referred", "closed"]
QUERIES = [
    "",
    "region=montreal",
    "statut=callback",
    "volet=2&verdict=eligible",
    "q=coop",
    "q=horaires+saguenay",
    "tri=date&ordre=asc",
    "tri=region",
    "priorite_min=60",
    "du=2026-03-01&au=2026-06-30",
    "page=50",
    "page=150",
    "conseiller=aucun&tri=statut",
]


def synthetic_card(i: int, rng: random.Random) -> dict:
    region, region_label = rng.choice(REGIONS)
    form, sector = rng.choice(FORMS), rng.choice(SECTORS)
    quote = "on est une coop de solidarité en aide à domicile, 45 employés, on aimerait mieux planifier les horaires"
    profile = {
        "legal_form": {
            "value": form and "x",
            "label": form or "inconnu",
            "quote": form and quote,
            "turn": 2,
            "how": "entité lue",
        },
        "region": {
            "value": region,
            "label": region_label or "inconnu",
            "quote": region and quote,
            "turn": 2,
            "how": "entité lue",
        },
        "sector": {
            "value": sector and "x",
            "label": sector or "inconnu",
            "quote": sector and quote,
            "turn": 2,
            "how": "entité lue",
        },
    }
    volets = []
    for n in (1, 2, 3):
        status, label = rng.choice(VERDICTS)
        volets.append(
            {
                "volet": n,
                "name": f"Volet {n}",
                "status": status,
                "status_label": label,
                "reasons": ["Votre forme juridique est celle d'une entreprise collective, visée par le programme."] * 2,
                "criteria": [
                    {
                        "id": f"c{k}",
                        "label": "critère",
                        "status": "pass",
                        "explanation": "explication " * 8,
                        "source": "Programme (document), section Admissibilité",
                    }
                    for k in range(4)
                ],
                "note": None,
            }
        )
    score = rng.randint(0, 100)
    return {
        "id": f"bench-{i:06d}.txt",
        "source": f"bench/{i}.txt",
        "input_kind": "chat",
        "sender_id": None,
        "priority": {"score": score, "explanation": "E=1, C=1, B=1, U=0, J=0"},
        "profile": profile,
        "eligibility": {"volets": volets, "eligible_volets": [], "validation_note": "Pré-évaluation."},
        "unknown": [{"field": "employees", "label": "Taille", "question": "Combien d'employés ?"}],
        "next_step": "Compléter la pré-vérification avec l'organisation.",
        "deadline": None,
        "wants_contact": False,
        "contact": {
            "consent": False,
            "consent_how": "aucun consentement enregistré",
            "name": None,
            "organisation": None,
            "email": "[masqué]",
            "phone": None,
            "masked": True,
        },
        "units_read": 12,
    }


def seed(n: int, engine) -> None:
    import sqlalchemy as sa

    from workspace.importer import store_cards
    from workspace.models import WsLead

    rng = random.Random(21)
    batch = 1000
    for start in range(0, n, batch):
        store_cards([synthetic_card(i, rng) for i in range(start, min(n, start + batch))], engine=engine)
    # spread dates over a year and statuses, as months of use would
    base = dt.datetime(2026, 1, 1)
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.select(WsLead.id))]
        for lead_id in ids:
            conn.execute(
                sa.update(WsLead)
                .where(WsLead.id == lead_id)
                .values(seen_at=base + dt.timedelta(hours=rng.randint(0, 24 * 330)), status=rng.choice(STATUSES))
            )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(n: int = 10000, requests_count: int = 200) -> int:
    from knowledge import paths

    tmp = Path(tempfile.mkdtemp(prefix="virage-ws-bench-"))
    env = {
        **os.environ,
        "VIRAGE_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'virage.sqlite3'}",
        "PYTHONPATH": str(paths.REPO_ROOT),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    os.environ.update({k: env[k] for k in ("VIRAGE_VAR_DIR", "DATABASE_URL")})
    from workspace.auth import create_account
    from workspace.db import get_engine

    t0 = time.perf_counter()
    engine = get_engine(env["DATABASE_URL"])
    seed(n, engine)
    _, password = create_account("bench@virage.example", "administrateur", engine=engine)
    print(f"{n} pistes créées en {time.perf_counter() - t0:.1f} s")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "workspace", "serve", "--port", str(port)],
        env=env,
        cwd=str(paths.REPO_ROOT),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/connexion", timeout=2)
                break
            except Exception:
                time.sleep(0.3)
        import requests

        http = requests.Session()
        r = http.get(base + "/connexion")
        cookie = r.headers["set-cookie"].split(";", 1)[0]
        token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
        r = http.post(
            base + "/connexion",
            data={"email": "bench@virage.example", "password": password, "csrf_token": token},
            headers={"Cookie": cookie},
            allow_redirects=False,
        )
        cookie = r.headers["set-cookie"].split(";", 1)[0]
        http.cookies.clear()
        times = []
        for i in range(requests_count):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            r = http.get(f"{base}/pistes?{q}", headers={"Cookie": cookie}, allow_redirects=False)
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, (q, r.status_code)
        times.sort()
        p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
        print(f"Liste des pistes, {n} pistes, {requests_count} requêtes (filtres, recherche, tris, pages) :")
        print(
            f"  p50 {p50 * 1000:.0f} ms · p95 {p95 * 1000:.0f} ms · max {times[-1] * 1000:.0f} ms "
            f"(objectif p95 < 1000 ms : {'atteint' if p95 < 1 else 'MANQUÉ'})"
        )
    finally:
        proc.terminate()
        proc.wait(10)
        engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
