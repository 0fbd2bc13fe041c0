"""Masking of personal data on the test corpus: rates and per-message time (`make bench-pii`).

Reads ``tests/data/pii/personal.txt`` (personal data typed the way people type it in Québec,
``[[…]]`` around what must not be kept) and ``tests/data/pii/ordinary.txt`` (questions about the
programme with no personal data), masks each line with ``common.pii.mask`` (what the tracker
store applies to a user message without consent) and prints:

* the share of personal data masked (a datum counts as masked when none of its words of three
  characters or more, nor its digits, is left in the masked text);
* the share of ordinary questions left untouched;
* the masking time per message, median and p95, after a warm-up (engines built once).
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from knowledge.paths import REPO_ROOT

CORPUS_DIR = REPO_ROOT / "tests" / "data" / "pii"
_MARK = re.compile(r"\[\[(.+?)\]\]")


@dataclass(frozen=True)
class Sample:
    text: str  # as sent
    secrets: Tuple[str, ...]  # what must not survive


def _lines(path: Path) -> List[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]


def personal_samples(path: Path = CORPUS_DIR / "personal.txt") -> List[Sample]:
    return [Sample(_MARK.sub(r"\1", ln), tuple(_MARK.findall(ln))) for ln in _lines(path)]


def ordinary_samples(path: Path = CORPUS_DIR / "ordinary.txt") -> List[str]:
    return _lines(path)


# words of a datum that say its shape, not the person ("rue", "Est", "point")
_NOT_SECRET = {
    "at",
    "dot",
    "point",
    "arobase",
    "arobas",
    "chez",
    "rue",
    "avenue",
    "boulevard",
    "boul",
    "est",
    "ouest",
    "nord",
    "sud",
    "des",
    "les",
    "chemin",
    "rang",
    "route",
    "place",
    "montée",
    "côte",
    "poste",
    "com",
}


def leaked(masked: str, secret: str) -> List[str]:
    """The parts of ``secret`` still readable in ``masked``: its digits run together, and each
    of its words of three letters or more (case and accents as typed)."""
    out = []
    digits = re.sub(r"\D", "", secret)
    if len(digits) >= 4 and digits in re.sub(r"\D", "", masked):
        out.append(digits)
    for word in re.findall(r"[^\W\d_]{3,}", secret):
        if word.lower() in _NOT_SECRET:
            continue
        if re.search(r"(?<![^\W\d_])" + re.escape(word) + r"(?![^\W\d_])", masked, re.IGNORECASE):
            out.append(word)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus for the timing")
    args = parser.parse_args(argv)
    from common import pii

    t0 = time.perf_counter()
    pii.warm_up()
    load = time.perf_counter() - t0
    personal, ordinary = personal_samples(), ordinary_samples()
    missed = []
    for s in personal:
        masked = pii.mask(s.text)
        left = [p for secret in s.secrets for p in leaked(masked, secret)]
        if left:
            missed.append((s.text, masked, left))
    wrong = [(q, pii.mask(q)) for q in ordinary if pii.mask(q) != q]
    times = []
    for _ in range(args.repeat):
        for text in [s.text for s in personal] + ordinary:
            t = time.perf_counter()
            pii.mask(text)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(
        f"données personnelles masquées : {len(personal) - len(missed)}/{len(personal)} "
        f"({100 * (len(personal) - len(missed)) / len(personal):.1f} %)"
    )
    print(
        f"questions ordinaires intactes : {len(ordinary) - len(wrong)}/{len(ordinary)} "
        f"({100 * (len(ordinary) - len(wrong)) / len(ordinary):.1f} %)"
    )
    print(
        f"masquage par message : médiane {statistics.median(times):.2f} ms, p95 {p95:.2f} ms "
        f"({len(times)} mesures) ; chargement (Presidio + spaCy) {load:.1f} s"
    )
    for text, masked, left in missed:
        print(f"  non masqué : {text!r} -> {masked!r} (reste {left})")
    for text, masked in wrong:
        print(f"  masqué à tort : {text!r} -> {masked!r}")
    return 0 if not missed and not wrong else 1


if __name__ == "__main__":
    raise SystemExit(main())
