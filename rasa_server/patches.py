"""A fix to Rasa 3.6 itself, applied when the model's custom components are imported.

Every reply of the action server is checked by `RemoteAction._validate_action_result`, which
calls `jsonschema.validate(result, schema)`. That function first validates the *schema*
against the JSON-Schema meta-schema, on every call; with Rasa's large events schema and
jsonschema 4.17 this took about 110 ms per custom action here (cProfile of 120 turns of
`bench/messages.py`: 13.4 s of 22.7 s inside `check_schema`), more than NLU and the action
itself together. The replacement checks the schema once, keeps the compiled validator and
validates each reply against it, with Rasa's own error message.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

_APPLIED = False


@lru_cache(maxsize=1)
def action_result_validator() -> Any:
    """A validator for the action server's reply format, its schema checked once."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def apply() -> None:
    """Installs the fix once per process."""
    global _APPLIED
    if _APPLIED:
        return
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    _APPLIED = True
