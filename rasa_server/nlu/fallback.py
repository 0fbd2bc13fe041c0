"""Rasa's FallbackClassifier, with a higher bar for the intents whose action cannot be undone.

`restart_conversation` forgets every screening answer; `request_data_deletion` deletes the
visitor's contact record and the conversation (Law 25). Keyboard mash ("qqwrw mv",
"jhlhjlj acn") reached them with a confidence of 0.41 to 0.50, above the general threshold
(then 0.30): the visitor lost their answers for a typo. Below its own threshold such an intent becomes
`nlu_fallback` like any unsure reading, and the two-stage fallback offers it as a button
(actions/fallback.py): one click confirms, a typo erases nothing. The thresholds are data in
config.yml (`intent_thresholds`); other intents keep the general one.
"""

from __future__ import annotations

from typing import Any, Dict, Text, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.fallback_classifier import THRESHOLD_KEY, FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

INTENT_THRESHOLDS_KEY = "intent_thresholds"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentFallbackClassifier(FallbackClassifier):
    """Falls back below `threshold`, or below the predicted intent's own entry in `intent_thresholds`."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**FallbackClassifier.get_default_config(), INTENT_THRESHOLDS_KEY: {}}

    def _nlu_confidence_below_threshold(self, message: Message) -> Tuple[bool, float]:
        intent = message.data[INTENT]
        confidence = intent.get(PREDICTED_CONFIDENCE_KEY)
        own = (self.component_config.get(INTENT_THRESHOLDS_KEY) or {}).get(intent.get(INTENT_NAME_KEY))
        threshold = max(self.component_config[THRESHOLD_KEY], own or 0.0)
        return confidence < threshold, confidence
