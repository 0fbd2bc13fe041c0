"""Child process of the NLU benches: (optionally) train an NLU model, load it, parse test sets.

Runs inside the venv with Rasa imported, so the bench driver never imports TensorFlow itself
and a stuck training can be killed as a whole process group.

    python -m bench.nlu_worker --out result.json \
        [--config cfg.yml --nlu train.yml --model-dir DIR | --model model.tar.gz] \
        --test clean=clean.json --test typos=typos.json --test heldout=tests/nlu/heldout.yml

A test set is either a JSON list of {"text", "intent"} or any Rasa NLU training-data file
(read with Rasa's own loader, so entity markup and synonyms are handled as in training).
The result holds, per test set, gold, predicted (as served: nlu_fallback included), the
best non-fallback intent and the two best non-fallback intents with their confidences (from
which bench/nlu_cv.py recomputes the fallback at other thresholds), plus training and
Agent.load wall times.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Dict, List


def _load_examples(path: Path) -> List[Dict[str, str]]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    import rasa.shared.data
    from rasa.shared.nlu.training_data.loading import load_data

    if path.is_dir():  # a data/ directory also holds stories and rules: keep the NLU files
        files = sorted(rasa.shared.data.get_data_files([str(path)], rasa.shared.data.is_nlu_file))
    else:
        files = [str(path)]
    examples = []
    for file in files:
        for message in load_data(file).intent_examples:
            text = message.get("text")
            intent = message.get("intent")
            if text and intent:
                examples.append({"text": text, "intent": intent})
    return examples


async def _parse_all(agent, examples: List[Dict[str, str]]) -> Dict[str, list]:
    predicted, best_non_fallback, confidence, top_two = [], [], [], []
    for example in examples:
        parsed = await agent.parse_message(example["text"])
        intent = (parsed.get("intent") or {}).get("name")
        predicted.append(intent)
        confidence.append((parsed.get("intent") or {}).get("confidence"))
        ranking = [(r.get("name"), r.get("confidence")) for r in parsed.get("intent_ranking") or []]
        ranking = [(name, score) for name, score in ranking if name and name != "nlu_fallback"]
        best_non_fallback.append(ranking[0][0] if ranking else intent)
        top_two.append(ranking[:2])
    return {
        "texts": [e["text"] for e in examples],
        "gold": [e["intent"] for e in examples],
        "predicted": predicted,
        "best_non_fallback": best_non_fallback,
        "confidence": confidence,
        "ranking": top_two,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--config")
    parser.add_argument("--nlu")
    parser.add_argument("--model-dir")
    parser.add_argument("--model")
    parser.add_argument("--test", action="append", default=[], help="name=path")
    parser.add_argument("--corpus", help="NLU data (file or dir) whose texts are only listed, not parsed")
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING)
    result: Dict[str, object] = {}

    if args.corpus:
        result["corpus_texts"] = [e["text"] for e in _load_examples(Path(args.corpus))]

    model_path = args.model
    if args.config:
        import rasa.model_training

        started = time.monotonic()
        model_path = rasa.model_training.train_nlu(
            config=args.config,
            nlu_data=args.nlu,
            output=args.model_dir,
            fixed_model_name="bench-nlu",
        )
        result["train_seconds"] = time.monotonic() - started
        if not model_path:
            raise SystemExit("training produced no model")
    if not model_path:
        raise SystemExit("give --model or --config/--nlu/--model-dir")

    from rasa.core.agent import Agent

    started = time.monotonic()
    agent = Agent.load(model_path)
    result["agent_load_seconds"] = time.monotonic() - started
    result["model"] = str(model_path)

    async def parse_sets() -> Dict[str, dict]:
        tests = {}
        for spec in args.test:
            name, _, path = spec.partition("=")
            examples = _load_examples(Path(path))
            started = time.monotonic()
            tests[name] = await _parse_all(agent, examples)
            tests[name]["parse_seconds"] = time.monotonic() - started
        return tests

    result["tests"] = asyncio.run(parse_sets())
    Path(args.out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
