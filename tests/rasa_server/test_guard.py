"""rasa_server.guard: every turn gets a French answer, even when processing fails or sends nothing."""

from __future__ import annotations

import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from rasa_server import guard


def _turn(text, handler):
    out = CollectingOutputChannel()
    asyncio.run(guard.guarded(handler)(UserMessage(text, out, sender_id="s1")))
    return [m.get("text") for m in out.messages]


async def _answers(message):
    await message.output_channel.send_response(message.sender_id, {"text": "réponse"})


async def _silent(message):
    return None


async def _crashes(message):
    raise ConnectionError("database down")


def test_normal_turn_passes_through():
    assert _turn("bonjour", _answers) == ["réponse"]


def test_silent_turn_gets_an_apology():
    assert _turn("c'est quoi le volet 2", _silent) == [guard.UNAVAILABLE_TEXT]


def test_failing_turn_gets_an_apology_and_does_not_raise():
    assert _turn("bonjour", _crashes) == [guard.UNAVAILABLE_TEXT]


def test_empty_and_blank_messages():
    assert _turn("", _answers) == [guard.EMPTY_TEXT]
    assert _turn("   \n ", _answers) == [guard.EMPTY_TEXT]


def test_huge_message_is_not_processed():
    seen = []

    async def record(message):
        seen.append(message.text)

    answer = _turn("a" * (guard.MAX_MESSAGE_CHARS + 1), record)
    assert seen == [] and answer[0].startswith("Votre message est très long (2 001 caractères)")


def test_output_channel_is_restored():
    out = CollectingOutputChannel()
    original = out.send_response
    asyncio.run(guard.guarded(_answers)(UserMessage("x", out, sender_id="s")))
    assert out.send_response == original
