"""Reads chat and Québec spoken forms as the written French the rest of the pipeline knows.

Placed right after the tokenizer. For each token of the message text it sets the token's
`lemma` (which `CountVectorsFeaturizer` reads instead of the raw text, `use_lemma: true` by
default) to a normal form: folded (lower case, no accents), stretched letters shrunk
("merciiii" -> "merci"), a glued "je" split ("jveux" -> "je veux"), then chat forms expanded from `chat_forms.yml` ("jsp" ->
"je sais pas", "cmb" -> "combien"). Token text and character offsets are not touched, so
entity annotations in the training data stay valid and entities are still read from what
the user typed.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge.text import fold

FORMS_FILE = Path(__file__).with_name("chat_forms.yml")
_STRETCHED = re.compile(r"([a-z])\1{2,}")
# "jveux", "jme", "jrentre": spoken "je" glued to the next word. No French word starts with
# j + consonant, so the split is safe.
_GLUED_JE = re.compile(r"^j([bcdfghklmnpqrstvwxz][a-z]+)$")


def load_forms(path: Path = FORMS_FILE) -> Dict[Text, Text]:
    """The chat forms table; every key must be one folded token, written once."""
    with open(path, encoding="utf-8") as handle:
        # BaseLoader keeps every scalar a string: YAML 1.1 would read the key `yes` as True.
        raw = yaml.load(handle, Loader=yaml.BaseLoader) or {}
    forms = raw.get("forms") or {}
    if not isinstance(forms, dict):
        raise ValueError(f"{path}: `forms` must map a chat form to its written French.")
    table: Dict[Text, Text] = {}
    for key, value in forms.items():
        if fold(key) != key or " " in key:
            raise ValueError(f"{path}: key « {key} » must be one folded token (e.g. « {fold(key)} »).")
        if not value or fold(value) != value:
            raise ValueError(f"{path}: the form of « {key} » must be folded text, not « {value} ».")
        table[key] = value
    return table


def normal_form(token_text: Text, forms: Dict[Text, Text]) -> Text:
    """The written form of one token: folded, shrunk, then looked up in `forms`."""
    folded = fold(token_text)
    if not folded:
        return token_text.lower()
    if "'" in token_text or "’" in token_text:
        return folded  # an elided word ("c'", "qu'"): already written French
    if folded in forms:
        return forms[folded]
    shrunk = _STRETCHED.sub(r"\1", folded)
    if shrunk in forms:
        return forms[shrunk]
    glued = _GLUED_JE.match(shrunk)
    if glued:
        return "je " + forms.get(glued.group(1), glued.group(1))
    return shrunk


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ChatNormalizer(GraphComponent):
    """Sets each text token's lemma to its written-French normal form."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"forms_file": str(FORMS_FILE)}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        # Retrain (no cached features) when the table changes, not only when the code does.
        path = Path(config.get("forms_file") or FORMS_FILE)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    def __init__(self, forms: Dict[Text, Text]) -> None:
        self._forms = forms

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ChatNormalizer":
        return cls(load_forms(Path(config.get("forms_file") or FORMS_FILE)))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            for token in message.get(TOKENS_NAMES[TEXT]) or []:
                token.lemma = normal_form(token.text, self._forms)
        return messages
