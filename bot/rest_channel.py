"""Rasa's REST channel behind bot.guard, still served at /webhooks/rest/webhook.

credentials.yml::

    bot.rest_channel.VirageRestInput:
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bot.guard import guarded
from bot.memory import release_after_model_load


class VirageRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(guarded(on_new_message))
        # Once the model is loaded, give back the heap its loading freed (bot/memory.py).
        blueprint.listener("after_server_start")(release_after_model_load)
        return blueprint
