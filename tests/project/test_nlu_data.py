"""Sanity checks on the NLU training data (data/nlu) and the test sets (tests/nlu/heldout.yml, blind.yml, blind2.yml, blind3.yml).

(a) every intent of domain/core.yml has enough training and held-out examples;
(b) no heldout.yml example is a copy of a training example (after normalisation); the blind sets,
    written without seeing data/, may share common phrases with it (the bench leaves those out);
(c) every entity label used in an annotation is declared in domain/core.yml;
(d) the held-out file lives outside data/, so `rasa train` never sees it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from bench.nlu import ANNOTATION, strip_annotations
from knowledge.text import fold_words

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "domain" / "core.yml"  # the NLU contract: intents that need examples
DOMAIN_DIR = ROOT / "domain"  # every domain file (others may declare more intents/entities)
TRAIN_DIR = ROOT / "data" / "nlu"
HELDOUT = ROOT / "tests" / "nlu" / "heldout.yml"
BLIND = ROOT / "tests" / "nlu" / "blind.yml"  # written without seeing data/nlu nor heldout.yml
BLIND2 = ROOT / "tests" / "nlu" / "blind2.yml"  # same, later; never read during development
BLIND3 = ROOT / "tests" / "nlu" / "blind3.yml"  # same, fourth session; never read either

MIN_TRAIN = 15
MIN_HELDOUT = 8

JSON_ENTITY = re.compile(r'"entity"\s*:\s*"(?P<label>[^"]+)"')


def entity_labels(example: str) -> list[str]:
    labels = []
    for m in ANNOTATION.finditer(example):
        if m.group("label") is not None:
            labels.append(m.group("label").split(":")[0].strip())
        else:
            j = JSON_ENTITY.search(m.group("json") or "")
            if j:
                labels.append(j.group("label"))
    return labels


def normalise(text: str) -> str:
    """The key `make bench` uses to leave training sentences out of its scores, markup removed."""
    return fold_words(strip_annotations(text))


def read_examples(path: Path) -> dict[str, list[str]]:
    """intent -> raw example lines (annotations kept) for one Rasa 3 NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[str, list[str]] = defaultdict(list)
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue  # synonyms, regexes, lookup tables
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                out[block["intent"]].append(line[2:].strip())
    return out


def merge(*dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for d in dicts:
        for k, v in d.items():
            out[k].extend(v)
    return out


def find_copies(train: dict[str, list[str]], heldout: dict[str, list[str]]) -> list[tuple[str, str]]:
    seen = {normalise(ex) for exs in train.values() for ex in exs}
    return [(intent, ex) for intent, exs in heldout.items() for ex in exs if normalise(ex) in seen]


@pytest.fixture(scope="module")
def domain() -> dict:
    return yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def full_domain() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"intents": set(), "entities": set()}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in out:
            out[key].update(_names(data.get(key)))
    return out


@pytest.fixture(scope="module")
def training() -> dict[str, list[str]]:
    files = sorted(TRAIN_DIR.glob("*.yml"))
    assert files, f"no training file in {TRAIN_DIR}"
    return merge(*(read_examples(f) for f in files))


@pytest.fixture(scope="module", params=[HELDOUT, BLIND, BLIND2, BLIND3], ids=["heldout", "blind", "blind2", "blind3"])
def heldout(request) -> dict[str, list[str]]:
    """Each test set in turn: all must stay out of data/ and use only known intents and labels."""
    assert request.param.is_file(), request.param
    return read_examples(request.param)


def _names(items) -> list[str]:
    return [next(iter(i)) if isinstance(i, dict) else str(i) for i in items or []]


def test_every_intent_has_enough_examples(domain, training, heldout):
    problems = []
    for intent in _names(domain["intents"]):
        if len(training.get(intent, [])) < MIN_TRAIN:
            problems.append(f"{intent}: {len(training.get(intent, []))} training examples (< {MIN_TRAIN})")
        if len(heldout.get(intent, [])) < MIN_HELDOUT:
            problems.append(f"{intent}: {len(heldout.get(intent, []))} held-out examples (< {MIN_HELDOUT})")
    assert not problems, "\n".join(problems)


def test_no_unknown_intent(full_domain, training, heldout):
    declared = full_domain["intents"]
    unknown = (set(training) | set(heldout)) - declared
    assert not unknown, f"intents not in domain/core.yml: {sorted(unknown)}"


def test_heldout_is_not_a_copy_of_training(training):
    # Only heldout.yml: blind.yml shares common phrases ("merci") with data/, as real users
    # would; the benchmark leaves those out of its scores (bench/nlu.py, score_heldout).
    copies = find_copies(training, read_examples(HELDOUT))
    assert not copies, "held-out examples also in training:\n" + "\n".join(f"{i}: {e}" for i, e in copies)


def test_copy_detection_can_fail():
    """The check above must catch a copy that differs only by case, accents, punctuation and spaces."""
    train = {"ask_definition": ["C'est quoi un [CRM](term) ?"]}
    held = {"ask_definition": ["c est   QUOI un crm"], "greet": ["allo"]}
    assert find_copies(train, held) == [("ask_definition", "c est   QUOI un crm")]
    assert normalise("Éligibilité, ça?") == "eligibilite ca"


def test_entity_labels_are_declared(domain, training, heldout):
    declared = set(_names(domain["entities"]))  # labels must come from core.yml, as briefed
    used = defaultdict(set)
    for source, data in (("data/nlu", training), ("heldout", heldout)):
        for exs in data.values():
            for ex in exs:
                for label in entity_labels(ex):
                    used[label].add(source)
    unknown = {label: sorted(src) for label, src in used.items() if label not in declared}
    assert not unknown, f"entity labels not declared in domain/core.yml: {unknown}"


def test_annotations_are_well_formed(training, heldout):
    """A stray bracket usually means a broken annotation that Rasa would read as plain text."""
    bad = [
        ex
        for data in (training, heldout)
        for exs in data.values()
        for ex in exs
        if "[" in strip_annotations(ex) or "](" in strip_annotations(ex)
    ]
    assert not bad, "malformed annotations:\n" + "\n".join(bad)


def test_heldout_is_outside_data():
    data_dir = (ROOT / "data").resolve()
    assert data_dir not in HELDOUT.resolve().parents
    copies_under_data = [p for p in data_dir.rglob("heldout*.yml")]
    assert not copies_under_data, copies_under_data
