"""Rasa's REST channel behind rasa_server.guard, still served at /webhooks/rest/webhook.

credentials.yml::

    rasa_server.rest_channel.VirageRestInput:
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from rasa_server.guard import guarded
from rasa_server.memory import release_after_model_load


class VirageRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(guarded(on_new_message))
        # Once the model is loaded, give back the heap its loading freed (rasa_server/memory.py).
        blueprint.listener("after_server_start")(release_after_model_load)
        return blueprint
