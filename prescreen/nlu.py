"""The trained Rasa NLU model, loaded once and run on batches of user messages.

Only the NLU part of the model's prediction graph runs (no dialogue policies), node by node in
the graph's own order, on batches of messages:

* each unique text is parsed once (cache), texts are sorted by length before batching (less
  padding);
* spaCy runs with ``nlp.pipe`` over the batch, without its parser and NER (no Rasa component
  of this pipeline reads dependencies or spaCy entities: tokens, lemmas, vectors are the same);
* the count-vector featurizers run one scikit-learn ``transform`` per batch instead of two
  per message (rows are independent: the same features come out);
* DIET runs one TensorFlow inference per batch instead of one per message, then each
  message's intent (and its entities, if DIET extracts any) is decoded exactly as
  ``DIETClassifier.process`` does;
* every other component runs unchanged (``component.process(messages)``).

``NluParser(..., fast=False)`` runs the plain Rasa graph instead (used by the tests to check
that both give the same intents and entities).
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence

from knowledge import paths

logger = logging.getLogger(__name__)

REPO_ROOT = paths.REPO_ROOT
ENV_MODEL = "VIRAGE_MODEL"


class ModelMissing(RuntimeError):
    pass


def find_model(explicit: Optional[str] = None) -> Path:
    """explicit path > $VIRAGE_MODEL > newest models/*.tar.gz."""
    candidate = explicit or os.environ.get(ENV_MODEL)
    if candidate:
        path = Path(candidate)
        if path.is_dir():
            found = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
            if found:
                return found[-1]
        elif path.is_file():
            return path
        raise ModelMissing(f"Modèle introuvable : {candidate}")
    found = sorted(glob.glob(str(REPO_ROOT / "models" / "*.tar.gz")), key=os.path.getmtime)
    if not found:
        raise ModelMissing("Aucun modèle entraîné dans models/ : lancez `make train`.")
    return Path(found[-1])


@contextlib.contextmanager
def _fast_tf_model_load(enabled: bool = True):
    """Load DIET's weights without Rasa's one-step ``fit``.

    ``RasaModel.load`` trains one step on one example only to create the variables, which
    traces the whole training graph (most of the loading time on 2 cores). For inference the
    variables can be created by the first prediction instead: the checkpoint is restored
    lazily, as each variable is created (TensorFlow's deferred restoration), and the
    optimizer's slots, useless here, are left out. Same weights, same predictions (checked in
    tests/test_prescreen.py against a model loaded Rasa's way).
    """
    if not enabled:
        yield
        return
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel.__dict__["load"]

    def load(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False, *args, **kwargs):
        if finetune_mode or predict_data_example is None:
            return original.__func__(
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        model = cls(*args, **kwargs)
        model.load_weights(model_file_name).expect_partial()
        model.run_inference(predict_data_example)  # creates (and restores) the variables, traces predict
        return model

    RasaModel.load = classmethod(load)
    try:
        yield
    finally:
        RasaModel.load = original


class NluParser:
    """parse_many(texts) -> [{"text", "intent": {"name", "confidence"}, "entities": [...]}]"""

    def __init__(
        self, model_path: Optional[str] = None, batch_size: int = 64, fast: bool = True, fast_load: bool = True
    ) -> None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        from rasa.core.channels.channel import UserMessage  # noqa: F401 - heavy imports here
        from rasa.engine.graph import ExecutionContext
        from rasa.engine.runner.dask import DaskGraphRunner
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        self.model_path = find_model(model_path)
        self.batch_size = batch_size
        self._tmp = tempfile.mkdtemp(prefix="virage-nlu-")
        storage, self.metadata = LocalModelStorage.from_model_archive(Path(self._tmp), self.model_path)
        self.target = self.metadata.nlu_target
        # Only the NLU nodes are instantiated: the dialogue policies are never loaded.
        nlu_schema = self.metadata.predict_schema.minimal_graph_schema([self.target])
        with _fast_tf_model_load(fast_load):
            self.runner = DaskGraphRunner.create(
                graph_schema=nlu_schema,
                model_storage=storage,
                execution_context=ExecutionContext(graph_schema=nlu_schema, model_id=self.metadata.model_id),
            )
        self.cache: Dict[str, Dict[str, Any]] = {}
        self.parsed_count = 0
        self.fast = fast
        self._schema = nlu_schema
        self._order = self._topological_order()
        self._nodes = self.runner._instantiated_nodes
        self._run(["bonjour"])  # loads lazy components (and warms TensorFlow up)

    def _topological_order(self) -> List[str]:
        order: List[str] = []
        seen = set()

        def visit(name: str) -> None:
            if name in seen or name not in self._schema.nodes:
                return
            seen.add(name)
            for parent in self._schema.nodes[name].needs.values():
                visit(parent)
            order.append(name)

        visit(self.target)
        return order

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __del__(self) -> None:  # pragma: no cover
        try:
            self.close()
        except Exception:
            pass

    def _run(self, texts: Sequence[str]) -> List[Dict[str, Any]]:
        from rasa.core.channels.channel import UserMessage
        from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
        from rasa.shared.core.trackers import DialogueStateTracker

        messages = [UserMessage(text) for text in texts]
        inputs = {PLACEHOLDER_MESSAGE: messages, PLACEHOLDER_TRACKER: DialogueStateTracker("prescreen", [])}
        if self.fast:
            parsed = self._run_nodes(inputs)
        else:
            parsed = self.runner.run(inputs=inputs, targets=[self.target])[self.target]
        out = []
        for text, message in zip(texts, parsed):
            data = message.as_dict(only_output_properties=True)
            intent = data.get("intent") or {}
            out.append(
                {
                    "text": text,
                    "intent": {"name": intent.get("name"), "confidence": float(intent.get("confidence") or 0.0)},
                    "entities": [
                        {
                            k: e.get(k)
                            for k in ("entity", "value", "start", "end", "extractor", "confidence_entity", "role")
                        }
                        for e in data.get("entities") or []
                    ],
                }
            )
        self.parsed_count += len(out)
        return out

    # -- the graph, node by node, with batched spaCy and DIET ------------------------------
    def _run_nodes(self, inputs: Dict[str, Any]) -> List[Any]:
        from rasa.nlu.classifiers.diet_classifier import DIETClassifier
        from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        results: Dict[str, Any] = {name: (name, value) for name, value in inputs.items()}
        for name in self._order:
            node = self._nodes[name]
            args = [results[parent] for parent in self._schema.nodes[name].needs.values()]
            component = getattr(node, "_component", None)
            if isinstance(component, SpacyNLP) and node._fn_name == "process":
                kwargs = dict(zip(self._schema.nodes[name].needs.keys(), (a[1] for a in args)))
                results[name] = (name, self._spacy(component, kwargs["messages"], kwargs["model"]))
            elif type(component) is CountVectorsFeaturizer and node._fn_name == "process":
                kwargs = dict(zip(self._schema.nodes[name].needs.keys(), (a[1] for a in args)))
                results[name] = (name, self._count_vectors(component, kwargs["messages"]))
            elif isinstance(component, DIETClassifier) and node._fn_name == "process":
                kwargs = dict(zip(self._schema.nodes[name].needs.keys(), (a[1] for a in args)))
                results[name] = (name, self._diet(component, kwargs["messages"]))
            else:
                results[name] = node(*args)
        return results[self.target][1]

    @staticmethod
    def _spacy(component, messages, model):
        from rasa.nlu.constants import SPACY_DOCS
        from rasa.shared.nlu.constants import TEXT

        todo = [m for m in messages if m.get(TEXT)]
        texts = [component._preprocess_text(m.get(TEXT)) for m in todo]
        for message, doc in zip(todo, model.model.pipe(texts, batch_size=64, disable=["parser", "ner"])):
            message.set(SPACY_DOCS[TEXT], doc)
        return messages

    @staticmethod
    def _count_vectors(component, messages):
        from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES

        if component.vectorizers is None:
            return component.process(messages)
        for attribute in component._attributes:
            vectorizer = component.vectorizers.get(attribute)
            tokens = [component._get_processed_message_tokens_by_attribute(m, attribute) for m in messages]
            if not vectorizer or component._get_attribute_vocabulary(attribute) is None or not any(tokens):
                for message, toks in zip(messages, tokens):  # exactly what process() does
                    seq, sent = component._create_features(attribute, [toks])
                    component.add_features_to_message(seq[0], sent[0], attribute, message)
                continue
            sequences = vectorizer.transform([t for toks in tokens for t in toks]).tocsr()
            sentences = vectorizer.transform([" ".join(toks) for toks in tokens if toks]).tocsr()
            row = sent_row = 0
            for message, toks in zip(messages, tokens):
                if not toks:
                    component.add_features_to_message(None, None, attribute, message)
                    continue
                seq = sequences[row : row + len(toks)]
                seq.sort_indices()
                row += len(toks)
                sent = None
                if attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
                    sent = sentences[sent_row : sent_row + 1]
                    sent.sort_indices()
                    sent = sent.tocoo()
                sent_row += 1
                component.add_features_to_message(seq.tocoo(), sent, attribute, message)
        return messages

    @staticmethod
    def _diet(component, messages):
        import numpy as np
        from rasa.shared.nlu.constants import ENTITIES, INTENT
        from rasa.utils.tensorflow.constants import ENTITY_RECOGNITION, INTENT_CLASSIFICATION

        if component.model is None:
            return component.process(messages)
        model_data = component._create_model_data(messages, training=False)
        if model_data.is_empty() or model_data.number_of_examples() != len(messages):
            return component.process(messages)
        out = component.model.run_inference(model_data, batch_size=len(messages))
        for i, message in enumerate(messages):
            one = {k: v[i : i + 1] for k, v in out.items() if isinstance(v, np.ndarray)}
            if component.component_config[INTENT_CLASSIFICATION]:
                label, ranking = component._predict_label(one)
                message.set(INTENT, label, add_to_output=True)
                message.set("intent_ranking", ranking, add_to_output=True)
            if component.component_config[ENTITY_RECOGNITION]:
                message.set(ENTITIES, component._predict_entities(one, message), add_to_output=True)
        return messages

    def parse_many(self, texts: Iterable[str]) -> List[Dict[str, Any]]:
        texts = list(texts)
        todo = sorted(set(t for t in texts if t not in self.cache), key=len)
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            for text, parsed in zip(chunk, self._run(chunk)):
                self.cache[text] = parsed
        return [self.cache[t] for t in texts]

    def parse(self, text: str) -> Dict[str, Any]:
        return self.parse_many([text])[0]
