"""A second opinion for DIET: a linear model over the same features, sparse ones tf-idf weighted.

Placed right after `DIETClassifier`. It learns, in seconds, a logistic regression on the
sentence-level features the pipeline already computed: the sparse ones (the two
CountVectorsFeaturizers' word and character n-gram counts over ChatNormalizer's normal forms,
and the lookup-table matches), weighted as tf-idf, next to the spaCy sentence vector scaled to
unit length. For each message it averages its intent probabilities with DIET's ranking and sets
the intent and ranking that the fallback classifier and the policies read.

Why: on 2 cores DIET gets 40 epochs and no hidden layer (a full `rasa train` must stay under
5 minutes); it then misses short and English sentences that plain n-gram overlap catches, while
the linear model misses sentences that need the spaCy vectors. Their average beat both on
`tests/nlu/` (docs/experiments.md). It touches intents only: entities come from
CRFEntityExtractor.

The spaCy vector and C = 300 were chosen by 5-fold cross-validation on data/nlu at the same
rejection of keyboard mash (`make bench-nlu-cv`; docs/experiments.md).

It keeps no vocabulary of its own (the featurizers have it): its state is one idf weight per
sparse feature, the width of the dense part, and the coefficients, stored as arrays (no pickle).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text, Tuple

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.featurizer import Featurizer
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression

ARRAYS_FILE = "intent_ensemble.npz"
META_FILE = "intent_ensemble.json"


def sentence_features(messages: List[Message]) -> Tuple[List[Message], Optional[sp.csr_matrix], Optional[np.ndarray]]:
    """The messages that carry sentence-level sparse features, with those features (one row each)
    and their sentence-level dense features (unit length; None if no message has any).

    The featurizers and this component are trained together, so every row has the trained width.
    A message without features (empty text) is left out: there is nothing to classify.
    """
    kept, rows, dense = [], [], []
    for message in messages:
        sentence = message.get_sparse_features(TEXT)[1]
        if sentence is not None:
            kept.append(message)
            rows.append(sp.csr_matrix(sentence.features))
            vector = message.get_dense_features(TEXT)[1]
            dense.append(None if vector is None else np.asarray(vector.features, dtype=np.float32).ravel())
    if not rows:
        return kept, None, None
    counts = sp.vstack(rows).tocsr().astype(np.float32)
    width = max((len(v) for v in dense if v is not None), default=0)
    if not width:
        return kept, counts, None
    vectors = np.vstack([v if v is not None else np.zeros(width, np.float32) for v in dense])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return kept, counts, vectors / norms


def fit_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency of each column (scikit-learn's formula)."""
    present = (counts > 0).astype(np.float32)
    document_frequency = np.asarray(present.sum(axis=0)).ravel()
    n = counts.shape[0]
    return (np.log((1.0 + n) / (1.0 + document_frequency)) + 1.0).astype(np.float32)


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear term frequency (1 + log count) times idf, rows scaled to unit length."""
    weighted = counts.tocsr(copy=True).astype(np.float32)
    positive = weighted.data > 0
    weighted.data[positive] = 1.0 + np.log(weighted.data[positive])
    weighted = (weighted @ sp.diags(idf)).tocsr()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
    norms[norms == 0.0] = 1.0
    return (sp.diags(1.0 / norms) @ weighted).tocsr()


def design(counts: sp.csr_matrix, dense: Optional[np.ndarray], idf: np.ndarray, dense_width: int) -> sp.csr_matrix:
    """tf-idf of the counts, then the dense vector (zeros where a message has none)."""
    matrix = tfidf(counts, idf)
    if not dense_width:
        return matrix
    if dense is None:
        dense = np.zeros((counts.shape[0], dense_width), dtype=np.float32)
    return sp.hstack([matrix, sp.csr_matrix(dense)]).tocsr()


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def blend(
    diet_ranking: List[Dict[Text, Any]], linear: Dict[Text, float], diet_weight: float
) -> List[Tuple[Text, float]]:
    """Weighted mean of DIET's confidences and the linear model's, best first.

    An intent missing from DIET's (truncated) ranking counts as 0 there. Without a DIET ranking
    the linear model decides alone.
    """
    diet = {
        r[INTENT_NAME_KEY]: float(r[PREDICTED_CONFIDENCE_KEY]) for r in diet_ranking or [] if r.get(INTENT_NAME_KEY)
    }
    weight = diet_weight if diet else 0.0
    names = set(linear) | set(diet)
    mixed = {name: weight * diet.get(name, 0.0) + (1.0 - weight) * linear.get(name, 0.0) for name in names}
    return sorted(mixed.items(), key=lambda item: (-item[1], item[0]))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentEnsemble(IntentClassifier, GraphComponent):
    """Logistic regression on tf-idf weighted sparse features, averaged with DIET's ranking."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Featurizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "diet_weight": 0.5,  # share of DIET in the average; 0 = linear model alone
            "C": 300.0,  # inverse regularisation of the logistic regression
            "ranking_length": 10,
            "random_seed": 42,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        idf: Optional[np.ndarray] = None,
        classes: Optional[List[Text]] = None,
        coef: Optional[np.ndarray] = None,
        intercept: Optional[np.ndarray] = None,
        dense_width: int = 0,
    ) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.idf = idf
        self.classes = classes or []
        self.coef = coef
        self.intercept = intercept
        self.dense_width = dense_width

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "IntentEnsemble":
        return cls(config, model_storage, resource)

    @property
    def trained(self) -> bool:
        return self.idf is not None and self.coef is not None and len(self.classes) > 1

    def train(self, training_data: TrainingData) -> Resource:
        examples, counts, dense = sentence_features(
            [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        )
        labels = [e.get(INTENT) for e in examples]
        if len(set(labels)) < 2:  # nothing to learn: process() leaves DIET's answer alone
            return self._resource
        self.idf = fit_idf(counts)
        self.dense_width = 0 if dense is None else dense.shape[1]
        matrix = design(counts, dense, self.idf, self.dense_width)
        # newton-cg in float64 reaches the default lbfgs's optimum (probabilities within 3e-4 on
        # data/nlu, sparse features only) in 15-18 iterations instead of 158: ~5 s instead of
        # ~13-19 s of the 5-minute training then; the spaCy vector's 300 dense columns and C = 300
        # bring it to ~26 s. In float32 its line search fails near the optimum, hence the cast.
        model = LogisticRegression(
            C=float(self.config["C"]),
            max_iter=3000,
            solver="newton-cg",
            tol=1e-3,
            random_state=self.config["random_seed"],
        )
        model.fit(matrix.astype(np.float64), labels)
        self.classes = [str(c) for c in model.classes_]
        coef, intercept = model.coef_, model.intercept_
        if len(self.classes) == 2:  # binary sklearn models keep one row: make it two-sided
            coef, intercept = np.vstack([-coef, coef]) / 2, np.hstack([-intercept, intercept]) / 2
        self.coef = coef.astype(np.float32)
        self.intercept = intercept.astype(np.float32)
        self.persist()
        return self._resource

    def probabilities(self, messages: List[Message]) -> np.ndarray:
        """One row of intent probabilities (columns: `self.classes`) per featurized message."""
        return self._probabilities(*sentence_features(messages)[1:])

    def _probabilities(self, counts: Optional[sp.csr_matrix], dense: Optional[np.ndarray]) -> np.ndarray:
        if counts is None:
            return np.empty((0, len(self.classes)), dtype=np.float32)
        matrix = design(counts, dense, self.idf, self.dense_width)
        return softmax_rows(np.asarray(matrix @ self.coef.T) + self.intercept)

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.trained:
            return messages
        todo, counts, dense = sentence_features(messages)
        if not todo:
            return messages
        rows = self._probabilities(counts, dense)
        length = int(self.config["ranking_length"]) or len(self.classes)
        for message, row in zip(todo, rows):
            linear = dict(zip(self.classes, row.tolist()))
            ranking = blend(message.get(INTENT_RANKING_KEY), linear, float(self.config["diet_weight"]))
            best_name, best_confidence = ranking[0]
            message.set(
                INTENT, {INTENT_NAME_KEY: best_name, PREDICTED_CONFIDENCE_KEY: best_confidence}, add_to_output=True
            )
            message.set(
                INTENT_RANKING_KEY,
                [{INTENT_NAME_KEY: n, PREDICTED_CONFIDENCE_KEY: c} for n, c in ranking[:length]],
                add_to_output=True,
            )
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / ARRAYS_FILE, coef=self.coef, intercept=self.intercept, idf=self.idf)
            meta = {"classes": self.classes, "dense_width": self.dense_width}
            (directory / META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "IntentEnsemble":
        try:
            with model_storage.read_from(resource) as directory:
                meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
                with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
                    coef, intercept, idf = arrays["coef"], arrays["intercept"], arrays["idf"]
        except (ValueError, FileNotFoundError):
            # Nothing was persisted (no intents to learn): the component passes DIET's answer on.
            return cls.create(config, model_storage, resource, execution_context)
        return cls(config, model_storage, resource, idf, meta["classes"], coef, intercept, meta["dense_width"])
