"""`make bench-nlu-cv`: the project's NLU pipeline by K-fold cross-validation on data/nlu.

A way to choose between pipelines (or to find the intents the data covers badly) without
looking at the test sets in tests/nlu/: every training sentence is scored once, by a model
trained on the other folds (DIET and the regression included). That is ten times the sentences
of tests/nlu/heldout.yml. It flatters a pipeline that memorises, because the data is written in
clusters of paraphrases; the test sets stay the judge (docs/experiments.md).

Each fold keeps all the lookup tables, synonyms and regexes; only intent examples are split, by a
checksum of their text without entity markup (identical sentences stay in the same fold).

Confidence is compared at equal rejection of keyboard mash: the bench also parses MASH_COUNT
seeded random strings with every fold's model. The fallback decision is recomputed from the
two best intents (`fallback_decision`, the rule of rasa_server/nlu/fallback.py), so one training per
fold gives the scores at any threshold. With `--against other.yml`, that config is trained on
the same folds with the same seed; it is scored at its own threshold and at the threshold that
rejects as much mash as config.yml does, and the two are compared sentence by sentence
(McNemar's exact test).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import yaml

from bench.common import (
    REPO,
    Children,
    NotReady,
    child_env,
    classification_scores,
    log,
    median,
    paired_comparison,
    with_seed,
)
from bench.nlu import strip_annotations
from knowledge.text import fold_words

FOLDS = 5
TRAINING_SEED = 42
MASH_COUNT = 300
MASH_SEED = 20261123
FALLBACK = "nlu_fallback"
FALLBACK_COMPONENT = "rasa_server.nlu.fallback.IntentFallbackClassifier"
# Threshold grid searched for "the lowest bar that rejects as much mash as the reference".
THRESHOLD_GRID = [round(0.2 + 0.0025 * i, 4) for i in range(241)]  # 0.2 … 0.8
_KEYBOARD = "azertyuiopqsdfghjklmwxcvbn"


# --------------------------------------------------------------------------- pure parts


def fold_of(example: str, folds: int) -> int:
    """The fold of an example: a checksum of its normalised plain text (order- and hash-seed-free)."""
    return zlib.crc32(fold_words(strip_annotations(example)).encode("utf-8")) % folds


def _example_lines(block: str) -> List[str]:
    return [line[2:] for line in (raw.strip() for raw in block.splitlines()) if line.startswith("- ")]


def split_nlu_file(document: dict, fold: int, folds: int) -> Tuple[dict, dict]:
    """(training, held-out) versions of one Rasa NLU YAML document for fold `fold`.

    Items without `intent` (lookup, synonym, regex) go to training whole; an intent item's
    examples are split by `fold_of`. Items left with no example are dropped from that side.
    """
    train_items, test_items = [], []
    for item in document.get("nlu") or []:
        if "intent" not in item:
            train_items.append(item)
            continue
        examples = _example_lines(item.get("examples", ""))
        kept = [e for e in examples if fold_of(e, folds) != fold]
        held = [e for e in examples if fold_of(e, folds) == fold]
        for side, chosen in ((train_items, kept), (test_items, held)):
            if chosen:
                side.append({**item, "examples": "".join(f"- {e}\n" for e in chosen)})
    version = document.get("version", "3.1")
    return {"version": version, "nlu": train_items}, {"version": version, "nlu": test_items}


def keyboard_mash(count: int = MASH_COUNT, seed: int = MASH_SEED) -> List[str]:
    """`count` seeded strings of 1 to 3 runs of 2 to 8 random letters ("qsdkfj", "zeo xvbw")."""
    rng = random.Random(seed)
    return [
        " ".join("".join(rng.choice(_KEYBOARD) for _ in range(rng.randint(2, 8))) for _ in range(rng.randint(1, 3)))
        for _ in range(count)
    ]


def fallback_settings(config: dict) -> dict:
    """threshold, ambiguity_threshold and intent_thresholds of the config's fallback component."""
    for component in config.get("pipeline") or []:
        if component.get("name") in (FALLBACK_COMPONENT, "FallbackClassifier"):
            return {
                "threshold": float(component.get("threshold", 0.3)),
                "ambiguity_threshold": float(component.get("ambiguity_threshold", 0.1)),
                "intent_thresholds": dict(component.get("intent_thresholds") or {}),
            }
    return {"threshold": 0.0, "ambiguity_threshold": 0.0, "intent_thresholds": {}}


def fallback_decision(
    ranking: Sequence[Sequence],
    threshold: float,
    ambiguity_threshold: float,
    intent_thresholds: Optional[Dict[str, float]] = None,
) -> str:
    """The intent served for a ranking of (intent, confidence), best first, without nlu_fallback.

    Rasa's FallbackClassifier rule as rasa_server/nlu/fallback.py extends it: below the bar (the general
    threshold, or the intent's own if higher), or too close to the second intent, it falls back.
    """
    if not ranking:
        return FALLBACK
    top, confidence = ranking[0][0], float(ranking[0][1])
    bar = max(threshold, (intent_thresholds or {}).get(top) or 0.0)
    if confidence < bar:
        return FALLBACK
    if len(ranking) > 1 and confidence - float(ranking[1][1]) < ambiguity_threshold:
        return FALLBACK
    return top


def served(rankings: Iterable[Sequence[Sequence]], settings: dict, threshold: Optional[float] = None) -> List[str]:
    """`fallback_decision` over many rankings, at `threshold` instead of the config's if given."""
    return [
        fallback_decision(
            r,
            settings["threshold"] if threshold is None else threshold,
            settings["ambiguity_threshold"],
            settings["intent_thresholds"],
        )
        for r in rankings
    ]


def rejection(rankings: Sequence[Sequence[Sequence]], settings: dict, threshold: Optional[float] = None) -> float:
    """Share of the rankings (keyboard mash) that fall back."""
    decisions = served(rankings, settings, threshold)
    return sum(1 for d in decisions if d == FALLBACK) / max(1, len(decisions))


def threshold_for_rejection(rankings: Sequence[Sequence[Sequence]], settings: dict, target: float) -> float:
    """The lowest threshold of THRESHOLD_GRID that rejects at least `target` of the mash rankings."""
    for threshold in THRESHOLD_GRID:
        if rejection(rankings, settings, threshold) >= target - 1e-9:
            return threshold
    return THRESHOLD_GRID[-1]


def outcome(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    """Right, wrong (another intent served) and fallback counts and shares."""
    n = len(gold)
    right = sum(1 for g, p in zip(gold, predicted) if g == p)
    fallback = sum(1 for g, p in zip(gold, predicted) if p == FALLBACK and g != FALLBACK)
    wrong = n - right - fallback
    return {
        "n": n,
        "right": right,
        "wrong": wrong,
        "fallback": fallback,
        "accuracy": right / max(1, n),
        "wrong_rate": wrong / max(1, n),
        "fallback_rate": fallback / max(1, n),
    }


def weakest_intents(gold: Sequence[str], predicted: Sequence[str], count: int = 10) -> List[dict]:
    """The intents with the lowest recall, with what their missed sentences became."""
    rows = []
    for intent, scores in classification_scores(gold, predicted)["per_intent"].items():
        missed: Dict[str, int] = {}
        for g, p in zip(gold, predicted):
            if g == intent and p != intent:
                missed[p] = missed.get(p, 0) + 1
        rows.append(
            {
                "intent": intent,
                "recall": scores["recall"],
                "precision": scores["precision"],
                "support": scores["support"],
                "missed_as": dict(sorted(missed.items(), key=lambda kv: -kv[1])[:3]),
            }
        )
    return sorted(rows, key=lambda r: (r["recall"], -r["support"]))[:count]


# --------------------------------------------------------------------------- run


def _load_config(path: Path) -> dict:
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not config.get("pipeline"):
        raise NotReady(f"{path} has no NLU pipeline")
    return config


def _nlu_documents(data_dir: Path) -> Dict[str, dict]:
    documents = {}
    for path in sorted(data_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if document.get("nlu"):
            documents[path.name] = document
    if not documents:
        raise NotReady(f"no NLU data in {data_dir}")
    return documents


def _write_fold(workdir: Path, documents: Dict[str, dict], fold: int, folds: int) -> None:
    (workdir / "train").mkdir(parents=True)
    held_items, version = [], "3.1"
    for name, document in documents.items():
        train, held = split_nlu_file(document, fold, folds)
        version = train["version"]
        (workdir / "train" / name).write_text(
            yaml.safe_dump(train, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8"
        )
        held_items += held["nlu"]
    (workdir / "heldout.yml").write_text(
        yaml.safe_dump({"version": version, "nlu": held_items}, allow_unicode=True, sort_keys=False, width=10_000),
        encoding="utf-8",
    )
    (workdir / "mash.json").write_text(
        json.dumps([{"text": t, "intent": FALLBACK} for t in keyboard_mash()], ensure_ascii=False), encoding="utf-8"
    )


def _cross_validate_one(
    children: Children,
    tmp: Path,
    label: str,
    config: dict,
    documents: Dict[str, dict],
    folds: int,
    seed: int,
    timeout: float,
) -> dict:
    """Train `config` once per fold; the held-out sentences and the mash, as rankings."""
    seeded = {key: value for key, value in config.items() if key != "policies"}
    seeded["pipeline"] = with_seed(config["pipeline"], seed)
    texts, gold, rankings, mash, seconds = [], [], [], [], []
    for fold in range(folds):
        workdir = tmp / f"{label}-{fold + 1}"
        _write_fold(workdir, documents, fold, folds)
        (workdir / "config.yml").write_text(
            yaml.safe_dump(seeded, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        log(f"NLU cross-validation: {label}, fold {fold + 1}/{folds}…")
        out = workdir / "result.json"
        children.run(
            [
                sys.executable,
                "-m",
                "bench.nlu_worker",
                "--out",
                str(out),
                "--config",
                str(workdir / "config.yml"),
                "--nlu",
                str(workdir / "train"),
                "--model-dir",
                str(workdir / "models"),
                "--test",
                f"heldout={workdir / 'heldout.yml'}",
                "--test",
                f"mash={workdir / 'mash.json'}",
            ],
            cwd=REPO,
            log_path=workdir / "worker.log",
            timeout=timeout,
            env=child_env({"RASA_CACHE_DIRECTORY": str(workdir / ".rasa-cache")}),
        )
        worker = json.loads(out.read_text(encoding="utf-8"))
        seconds.append(worker.get("train_seconds") or 0.0)
        held = worker["tests"]["heldout"]
        texts += held["texts"]
        gold += held["gold"]
        rankings += held["ranking"]
        mash += worker["tests"]["mash"]["ranking"]
    return {
        "texts": texts,
        "gold": gold,
        "rankings": rankings,
        "mash": mash,
        "train_seconds": median(seconds),
        "settings": fallback_settings(config),
    }


def _scores(raw: dict, threshold: Optional[float] = None) -> Tuple[dict, List[str]]:
    predicted = served(raw["rankings"], raw["settings"], threshold)
    used = raw["settings"]["threshold"] if threshold is None else threshold
    scores = {
        "threshold": used,
        **outcome(raw["gold"], predicted),
        "mash_rejection": rejection(raw["mash"], raw["settings"], threshold),
    }
    return scores, predicted


def _raw_rows(raw: dict) -> dict:
    """What the JSON keeps to replay other thresholds offline: each sentence's gold intent and its
    two best intents, and the mash rankings."""
    return {
        "sentences": [[t, g, r] for t, g, r in zip(raw["texts"], raw["gold"], raw["rankings"])],
        "mash": raw["mash"],
        "settings": raw["settings"],
    }


def run(against: Optional[Path] = None, folds: int = FOLDS, seed: int = TRAINING_SEED, timeout: float = 1500.0) -> dict:
    config_path = REPO / "config.yml"
    configs = {"project": _load_config(config_path)}
    if against is not None:
        configs["against"] = _load_config(against)
    documents = _nlu_documents(REPO / "data" / "nlu")
    result: dict = {
        "folds": folds,
        "training_seed": seed,
        "mash": {"count": MASH_COUNT, "seed": MASH_SEED},
        "configs": {"project": str(config_path.relative_to(REPO))},
    }
    raw = {}
    with tempfile.TemporaryDirectory(prefix="virage-bench-nlu-cv-") as tmp, Children() as children:
        for label, config in configs.items():
            raw[label] = _cross_validate_one(children, Path(tmp), label, config, documents, folds, seed, timeout)
    project_scores, project_predicted = _scores(raw["project"])
    result["project"] = {
        **project_scores,
        "train_seconds": raw["project"]["train_seconds"],
        "weakest_intents": weakest_intents(raw["project"]["gold"], project_predicted),
        "raw": _raw_rows(raw["project"]),
    }
    result["intents"] = len(set(raw["project"]["gold"]))
    if against is not None:
        result["configs"]["against"] = str(against)
        other = raw["against"]
        own, own_predicted = _scores(other)
        target = project_scores["mash_rejection"]
        equal_threshold = threshold_for_rejection(other["mash"], other["settings"], target)
        equal, equal_predicted = _scores(other, equal_threshold)
        result["against"] = {
            "own_threshold": own,
            "equal_mash": equal,
            "train_seconds": other["train_seconds"],
            "weakest_intents": weakest_intents(other["gold"], equal_predicted),
            "raw": _raw_rows(other),
        }
        if other["texts"] != raw["project"]["texts"]:
            raise RuntimeError("the two configs were not scored on the same sentences")
        result["comparison"] = {
            label: paired_comparison(raw["project"]["texts"], raw["project"]["gold"], project_predicted, predicted)
            for label, predicted in (("own_threshold", own_predicted), ("equal_mash", equal_predicted))
        }
    log(
        f"NLU cross-validation: project right {project_scores['right']}/{project_scores['n']}, "
        f"mash rejected {project_scores['mash_rejection']:.2f}"
    )
    return result
