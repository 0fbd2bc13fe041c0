"""Throughput of the pre-screening on generated transcripts (``make bench-prescreen``).

Generates N varied French transcripts of every text kind (chat, e-mail, call notes, prose,
Rasa tracker exports) from the vocabulary, loads the NLU model once, then runs the whole
batch (read → NLU → cards → leads.json/csv/html) ``runs`` times with an empty parse cache
each time, and prints transcripts per second for each run and their median.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Optional

import yaml

from knowledge import paths
from prescreen import pipeline
from prescreen.nlu import NluParser

VOCAB = paths.SOURCES_DIR / "vocabulary.yml"
FIRST = ["Marie", "Luc", "Sophie", "Jean", "Nadia", "Éric", "Julie", "Pierre", "Amélie", "Karim", "Chloé", "Simon"]
LAST = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Pelletier"]
ORG = [
    "du Fjord",
    "des Moulins",
    "Horizon",
    "du Quartier",
    "Solidaire",
    "des Îles",
    "Boréale",
    "du Vieux-Port",
    "La Ruche",
    "Le Rivage",
    "Équinoxe",
    "des Trois-Rivières",
    "Mosaïque",
    "L'Envol",
]
LEGAL = [
    "une coop",
    "une coopérative de travail",
    "un OBNL",
    "un organisme à but non lucratif",
    "une mutuelle",
    "une coop de solidarité",
    "une entreprise privée",
    "un OSBL",
    "une coopérative de consommateurs",
]


def _load_vocab():
    data = yaml.safe_load(VOCAB.read_text(encoding="utf-8"))
    pick = lambda kind: [e["synonyms"][0] for e in data[kind] if e.get("synonyms")]  # noqa: E731
    return pick("sectors"), [e["label"] for e in data["regions"]], pick("needs")


def generate(folder: Path, n: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    sectors, regions, needs = _load_vocab()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        name = f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"
        org = f"{rnd.choice(['Coop', 'Centre', 'Maison', 'Regroupement', 'Atelier'])} {rnd.choice(ORG)} {i}"
        legal, sector, region = rnd.choice(LEGAL), rnd.choice(sectors), rnd.choice(regions)
        emp, need1, need2 = (
            rnd.choice([2, 3, 4, 6, 8, 11, 14, 17, 22, 35, 60, 120]),
            rnd.choice(needs),
            rnd.choice(needs),
        )
        extra = rnd.randint(1, 900)
        facts = [
            f"on est {legal} en {sector} à {region}",
            f"on a {emp} employés et environ {extra % 60 + 5} bénévoles",
            f"on voudrait travailler sur la {need1} et aussi la {need2}",
            f"on existe depuis {1970 + extra % 50} et on sert {extra * 3} membres",
        ]
        kind = i % 5
        if kind == 0:
            lines = ["Visiteur : bonjour"] + [
                f"Assistant : {q}\nVisiteur : {f}"
                for q, f in zip(
                    [
                        "Parlez-moi de votre organisation.",
                        "Combien êtes-vous ?",
                        "Quels sont vos besoins ?",
                        "Depuis quand existez-vous ?",
                    ],
                    facts,
                )
            ]
            lines.append(f"Visiteur : {rnd.choice(['merci', 'rappelez-moi svp', 'ok je vais y penser'])}")
            (folder / f"{i:04d}_chat.txt").write_text("\n".join(lines), encoding="utf-8")
        elif kind == 1:
            body = ". ".join(f[0].upper() + f[1:] for f in facts)
            text = (
                f"De : {name} <{name.split()[0].lower()}{i}@exemple.org>\nÀ : info@programme.example\n"
                f"Objet : Programme numérique — {org}\n\nBonjour,\n\n{body}.\n\nMerci,\n{name}\n"
            )
            (folder / f"{i:04d}_courriel.txt").write_text(text, encoding="utf-8")
        elif kind == 2:
            text = (
                f"Notes d'appel\nContact : {name}\nOrganisme : {org}\nTéléphone : 514 555-{1000 + i % 9000:04d}\n"
                f"Consentement : {rnd.choice(['oui', 'non'])}\n\n" + "\n".join(f"- {f}" for f in facts)
            )
            (folder / f"{i:04d}_notes.txt").write_text(text, encoding="utf-8")
        elif kind == 3:
            text = " ".join(f[0].upper() + f[1:] + "." for f in facts)
            (folder / f"{i:04d}_texte.txt").write_text(text, encoding="utf-8")
        else:
            events, t = [], 1_700_000_000.0 + i * 1000
            for q, f in zip(
                [
                    "Bonjour ! Parlez-moi de votre organisation.",
                    "Combien êtes-vous ?",
                    "Quels sont vos besoins ?",
                    "Autre chose ?",
                ],
                facts,
            ):
                events += [
                    {"event": "bot", "text": q, "timestamp": t},
                    {"event": "action", "name": "action_listen", "timestamp": t + 1},
                    {"event": "user", "text": f, "timestamp": t + 2, "parse_data": {}},
                ]
                t += 10
            (folder / f"{i:04d}_tracker.json").write_text(
                json.dumps({"sender_id": f"bench-{i}", "events": events}, ensure_ascii=False), encoding="utf-8"
            )


def main(n: int = 1000, runs: int = 3, model: Optional[str] = None, keep: Optional[str] = None) -> int:
    runs = max(3, runs)
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="virage-bench-prescreen-"))
    inputs, out = work / "transcriptions", work / "sortie"
    try:
        if inputs.exists():
            shutil.rmtree(inputs)
        generate(inputs, n)
        t0 = time.perf_counter()
        parser = NluParser(model)
        load = time.perf_counter() - t0
        print(f"Modèle {parser.model_path.name} chargé en {load:.1f} s ; {n} transcriptions générées dans {inputs}.")
        rates, durations = [], []
        for r in range(1, runs + 1):
            parser.cache.clear()
            report = pipeline.run(inputs, out, parser)
            durations.append(report.seconds)
            rates.append(len(report.cards) / report.seconds if report.seconds else 0.0)
            print(
                f"  passe {r} : {len(report.cards)} fiches en {report.seconds:.1f} s "
                f"(NLU {report.parse_seconds:.1f} s, {report.unique_units} phrases distinctes) "
                f"→ {rates[-1]:.1f} transcriptions/s"
            )
        med_rate, med_time = statistics.median(rates), statistics.median(durations)
        verdict = "objectif atteint" if med_time < 60 else "objectif NON atteint"
        print(
            f"Débit médian : {med_rate:.1f} transcriptions/s — lot de {n} en {med_time:.1f} s "
            f"(+ {load:.1f} s de chargement du modèle) ; objectif < 60 s : {verdict}."
        )
        parser.close()
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0
