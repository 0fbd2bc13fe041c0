"""External check of the NLU pipeline on SNIPS-FR: the project's config.yml vs Rasa's default.

Data: `$VIRAGE_SHARED/benchmarks/snips-fr/data.tsv` (default `<repo>/../shared`), used only as
a benchmark: it is read from there and the generated training files live in a temp dir.

Protocol: per intent, a seeded 80/20 split (utterances with the same clean text stay in the
same part, so no test sentence is also a training sentence); train on the clean training
part; score on the clean test part and on the misspelt versions of the same test sentences.

Each pipeline is trained several times, with training seeds 1..runs (the same seeds for both),
and compared on its median: on 139 test sentences one training draw moves either pipeline by
a sentence or two (0.007 each), as much as the difference between them.

`cross_validate` (`make bench-snips-cv`) asks the same question on four times as many sentences:
it leaves the test part untouched and scores both pipelines on the 552 training sentences by
K-fold cross-validation, each sentence by a model that did not train on it, and says whether the
sentences one pipeline gets right and the other wrong are too few to tell them apart (McNemar).
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
import tempfile
import zlib
from importlib.util import find_spec
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

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
    shared_dir,
    with_seed,
)

SEED = 20240601
TEST_FRACTION = 0.2
RUNS = 3  # trainings per pipeline, seeds 1..RUNS
FOLDS = 5  # cross-validation folds of the training part
TYPO_MARKUP = re.compile(r"<([^<>|]*)\|\d+>")

# Components whose `epochs` the --quick mode lowers.
_EPOCH_COMPONENTS = {"DIETClassifier", "ResponseSelector", "TEDPolicy", "UnexpecTEDIntentPolicy"}


# --------------------------------------------------------------------------- pure parts


def strip_typo_markup(text: str) -> str:
    """`J’aimerais ajouter <cete|0> piste` → `J’aimerais ajouter cete piste`."""
    return TYPO_MARKUP.sub(r"\1", text)


def load_snips(path: Path) -> List[Dict[str, str]]:
    if not path.exists():
        raise NotReady(f"SNIPS-FR data not found at {path} (set VIRAGE_SHARED)")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = []
        for row in reader:
            rows.append(
                {
                    "id": row["id"],
                    "intent": row["intent"].strip(),
                    "clean": row["old_utterance"].strip(),
                    "typos": strip_typo_markup(row["new_utterance"]).strip(),
                }
            )
    return rows


def stratified_split(
    rows: Iterable[Dict[str, str]], seed: int = SEED, test_fraction: float = TEST_FRACTION
) -> Tuple[List[Dict[str, str]], List[Dict[str, str]]]:
    """Seeded split per intent; rows sharing a clean text are kept on the same side.

    For each intent, round(test_fraction × distinct texts) texts go to the test part.
    The result does not depend on the input order (rows are sorted first).
    """
    by_intent: Dict[str, Dict[str, List[Dict[str, str]]]] = {}
    for row in sorted(rows, key=lambda r: (r["intent"], r["clean"], str(r.get("id", "")))):
        by_intent.setdefault(row["intent"], {}).setdefault(row["clean"], []).append(row)
    rng = random.Random(seed)
    train, test = [], []
    for intent in sorted(by_intent):
        texts = sorted(by_intent[intent])
        rng.shuffle(texts)
        n_test = int(len(texts) * test_fraction + 0.5)
        for index, text in enumerate(texts):
            (test if index < n_test else train).extend(by_intent[intent][text])
    return train, test


def nlu_yaml(rows: Iterable[Dict[str, str]], field: str = "clean") -> str:
    """Rasa 3 NLU training data (no entities) for the given rows."""
    by_intent: Dict[str, List[str]] = {}
    for row in rows:
        by_intent.setdefault(row["intent"], []).append(row[field])
    return yaml.safe_dump(
        {
            "version": "3.1",
            "nlu": [
                {"intent": intent, "examples": "".join(f"- {t}\n" for t in texts)}
                for intent, texts in sorted(by_intent.items())
            ],
        },
        allow_unicode=True,
        sort_keys=False,
        width=10_000,
    )


def default_config_path() -> Path:
    spec = find_spec("rasa")
    if spec is None or spec.origin is None:
        raise NotReady("rasa is not installed in this Python (run `make install`)")
    return Path(spec.origin).parent / "engine" / "recipes" / "config_files" / "default_config.yml"


def _override_epochs(pipeline: List[dict], epochs: Optional[int]) -> List[dict]:
    if epochs is None:
        return pipeline
    out = []
    for component in pipeline:
        component = dict(component)
        if component.get("name") in _EPOCH_COMPONENTS:
            component["epochs"] = epochs
        out.append(component)
    return out


def summarise_runs(runs: List[dict]) -> dict:
    """Median and range over the runs of one pipeline, for the clean and the misspelt tests.

    `runs` holds one `{"clean": scores, "typos": scores}` per training (scores as `_score`).
    """
    summary = {}
    for test in ("clean", "typos"):
        accuracies = [run[test]["accuracy"] for run in runs]
        summary[test] = {
            "n": runs[0][test]["n"],
            "accuracy": median(accuracies),
            "accuracy_min": min(accuracies),
            "accuracy_max": max(accuracies),
            "macro_f1": median([run[test]["macro_f1"] for run in runs]),
            "fallback_rate": median([run[test]["fallback_rate"] for run in runs]),
        }
    summary["typo_drop"] = summary["clean"]["accuracy"] - summary["typos"]["accuracy"]
    return summary


def cv_folds(
    rows: Iterable[Dict[str, str]], folds: int = FOLDS
) -> List[Tuple[List[Dict[str, str]], List[Dict[str, str]]]]:
    """K (train, test) pairs; every row is tested in exactly one fold.

    A row's fold comes from a checksum of its clean text: rows sharing a text stay together and
    the folds do not depend on the input order or on Python's hash seed.
    """
    rows = list(rows)
    fold_of = [zlib.crc32(row["clean"].encode("utf-8")) % folds for row in rows]
    return [
        ([r for r, f in zip(rows, fold_of) if f != k], [r for r, f in zip(rows, fold_of) if f == k])
        for k in range(folds)
    ]


def project_nlu_config(config_path: Path, epochs: Optional[int] = None) -> dict:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    if not config or not config.get("pipeline"):
        raise NotReady(f"{config_path} has no NLU pipeline yet")
    return {
        "recipe": config.get("recipe", "default.v1"),
        "language": config.get("language", "fr"),
        "assistant_id": "bench_snips_project",
        "pipeline": _override_epochs(config["pipeline"], epochs),
    }


def default_nlu_config(language: str, epochs: Optional[int] = None) -> dict:
    """Rasa's default config (what it autoconfigures when there is no `pipeline` key), written out.

    The pipeline is read from Rasa's own default_config.yml and written out so that each run can
    set its training seed (and --quick can lower the epochs); components and settings are Rasa's.
    """
    default = yaml.safe_load(default_config_path().read_text(encoding="utf-8"))
    pipeline = _override_epochs(default["pipeline"], epochs)
    return {"recipe": "default.v1", "language": language, "assistant_id": "bench_snips_default", "pipeline": pipeline}


def describe_pipeline(pipeline: List[dict]) -> str:
    parts = []
    for component in pipeline:
        extras = []
        for key in ("model", "analyzer", "epochs"):
            if key in component:
                extras.append(f"{key}={component[key]}")
        if "min_ngram" in component:
            extras.append(f"ngram={component['min_ngram']}-{component.get('max_ngram')}")
        parts.append(component["name"] + (f"({', '.join(extras)})" if extras else ""))
    return ", ".join(parts)


# --------------------------------------------------------------------------- run


def _score(worker_result: dict, name: str) -> dict:
    data = worker_result["tests"][name]
    served = classification_scores(data["gold"], data["predicted"])
    ranked = classification_scores(data["gold"], data["best_non_fallback"])
    fallback = sum(1 for p in data["predicted"] if p == "nlu_fallback")
    errors = [
        {"text": t, "gold": g, "predicted": p}
        for t, g, p in zip(data["texts"], data["gold"], data["predicted"])
        if g != p
    ]
    return {
        "n": served["n"],
        "accuracy": served["accuracy"],
        "macro_f1": served["macro_f1"],
        "fallback_rate": fallback / served["n"],
        "accuracy_top_non_fallback": ranked["accuracy"],
        "errors_sample": errors[:15],
    }


def _train_and_score(
    children: Children,
    workdir: Path,
    config: dict,
    seed: int,
    train: List[Dict[str, str]],
    test: List[Dict[str, str]],
    timeout: float,
) -> Tuple[dict, float]:
    """Train `config` (with training seed `seed`) on `train` in a child process and parse the
    clean and misspelt versions of `test`; returns the worker's result and the wall time."""
    workdir.mkdir(parents=True)
    (workdir / "train.yml").write_text(nlu_yaml(train), encoding="utf-8")
    for name in ("clean", "typos"):
        (workdir / f"{name}.json").write_text(
            json.dumps([{"text": r[name], "intent": r["intent"]} for r in test], ensure_ascii=False), encoding="utf-8"
        )
    seeded = dict(config, pipeline=with_seed(config["pipeline"], seed))
    (workdir / "config.yml").write_text(yaml.safe_dump(seeded, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = workdir / "result.json"
    elapsed = children.run(
        [
            sys.executable,
            "-m",
            "bench.nlu_worker",
            "--out",
            str(out),
            "--config",
            str(workdir / "config.yml"),
            "--nlu",
            str(workdir / "train.yml"),
            "--model-dir",
            str(workdir / "models"),
            "--test",
            f"clean={workdir / 'clean.json'}",
            "--test",
            f"typos={workdir / 'typos.json'}",
        ],
        cwd=workdir,
        log_path=workdir / "worker.log",
        timeout=timeout,
        env=child_env({"RASA_CACHE_DIRECTORY": str(workdir / ".rasa-cache")}),
    )
    return json.loads(out.read_text(encoding="utf-8")), elapsed


def _pipelines(epochs: Optional[int] = None) -> Tuple[dict, dict]:
    """The project's NLU config and Rasa's default, in the project's language."""
    language = (yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8")) or {}).get("language", "fr")
    return project_nlu_config(REPO / "config.yml", epochs), default_nlu_config(language, epochs)


def run(quick: bool = False, runs: int = RUNS, timeout: float = 1500.0) -> dict:
    data_path = shared_dir() / "benchmarks" / "snips-fr" / "data.tsv"
    rows = load_snips(data_path)
    train, test = stratified_split(rows)
    project_cfg, default_cfg = _pipelines(5 if quick else None)
    seeds = list(range(1, runs + 1))

    result = {
        "data": str(data_path),
        "seed": SEED,
        "split": {
            "train": len(train),
            "test": len(test),
            "test_fraction": TEST_FRACTION,
            "intents": len({r["intent"] for r in rows}),
        },
        "quick": quick,
        "training_seeds": seeds,
        "pipelines": {
            "project": describe_pipeline(project_cfg["pipeline"]),
            "default": describe_pipeline(default_cfg["pipeline"]),
        },
        "default_source": str(default_config_path())
        + (
            " (written out to set the training seed)"
            if not quick
            else " (written out to set the training seed, epochs lowered for --quick)"
        ),
    }
    with tempfile.TemporaryDirectory(prefix="virage-bench-snips-") as tmp, Children() as children:
        for label, config in (("project", project_cfg), ("default", default_cfg)):
            per_run = []
            for seed in seeds:
                log(
                    f"SNIPS-FR: training + scoring the {label} pipeline, seed {seed} "
                    f"({len(train)} train / {len(test)} test)…"
                )
                worker, elapsed = _train_and_score(
                    children, Path(tmp) / f"{label}-{seed}", config, seed, train, test, timeout
                )
                clean, typos = _score(worker, "clean"), _score(worker, "typos")
                per_run.append(
                    {
                        "seed": seed,
                        "clean": clean,
                        "typos": typos,
                        "train_seconds": worker.get("train_seconds"),
                        "process_seconds": elapsed,
                    }
                )
                log(f"SNIPS-FR {label}, seed {seed}: clean {clean['accuracy']:.3f}, typos {typos['accuracy']:.3f}")
            result[label] = {
                **summarise_runs(per_run),
                "runs": per_run,
                "train_seconds": median([r["train_seconds"] or 0.0 for r in per_run]),
            }
    return result


def cross_validate(folds: int = FOLDS, seed: int = 1, quick: bool = False, timeout: float = 1500.0) -> dict:
    """Both pipelines by K-fold cross-validation on the training part of the fixed split.

    The test part of `run` is left out entirely. Each pipeline is trained once per fold with the
    same training seed; every training sentence is scored once, by the model of the fold that
    held it out, and the two pipelines are compared sentence by sentence.
    """
    data_path = shared_dir() / "benchmarks" / "snips-fr" / "data.tsv"
    train, _ = stratified_split(load_snips(data_path))
    project_cfg, default_cfg = _pipelines(5 if quick else None)
    pairs = cv_folds(train, folds)
    scored = [row for _, fold_test in pairs for row in fold_test]  # the order predictions come in
    gold = [row["intent"] for row in scored]
    predictions: Dict[str, Dict[str, List[str]]] = {}
    train_seconds: Dict[str, List[float]] = {}
    with tempfile.TemporaryDirectory(prefix="virage-bench-snips-cv-") as tmp, Children() as children:
        for label, config in (("project", project_cfg), ("default", default_cfg)):
            predictions[label] = {"clean": [], "typos": []}
            for k, (fold_train, fold_test) in enumerate(pairs, start=1):
                log(
                    f"SNIPS-FR cross-validation: {label} pipeline, fold {k}/{folds} "
                    f"({len(fold_train)} train / {len(fold_test)} scored)…"
                )
                worker, _ = _train_and_score(
                    children, Path(tmp) / f"{label}-{k}", config, seed, fold_train, fold_test, timeout
                )
                train_seconds.setdefault(label, []).append(worker.get("train_seconds") or 0.0)
                for test in ("clean", "typos"):
                    predictions[label][test] += worker["tests"][test]["predicted"]
    return {
        "data": str(data_path),
        "split_seed": SEED,
        "folds": folds,
        "training_seed": seed,
        "quick": quick,
        "n": len(gold),
        "pipelines": {
            "project": describe_pipeline(project_cfg["pipeline"]),
            "default": describe_pipeline(default_cfg["pipeline"]),
        },
        "train_seconds": {label: median(values) for label, values in train_seconds.items()},
        **{
            test: paired_comparison(
                [row[test] for row in scored], gold, predictions["project"][test], predictions["default"][test]
            )
            for test in ("clean", "typos")
        },
    }
