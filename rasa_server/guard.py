"""Every user turn gets a French answer, whatever happens behind the Rasa server.

Wraps a channel's `on_new_message`:
  * empty or oversized messages are answered without being processed;
  * if processing raises (tracker store or database down, bug) the user gets an apology;
  * if processing sends nothing (Rasa swallows a dead action server) the user gets an apology.
The user's text is never logged here.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
EMPTY_TEXT = (
    "Votre message est vide. Posez-moi une question sur le programme, par exemple : "
    "« c'est quoi le volet 2 ? » ou « un OBNL est-il admissible ? »"
)
TOO_LONG_TEXT = (
    "Votre message est très long ({n} caractères). Pouvez-vous le résumer en quelques phrases "
    "(moins de {max} caractères) ?"
)
# Said when the action server (which reads the knowledge base) does not answer: like
# actions.kb.KB_DOWN_MESSAGE, it names no organisation, since who to contact comes from the records.
UNAVAILABLE_TEXT = (
    "Désolé, je n'ai pas pu préparer ma réponse : un de mes services ne répond pas pour le moment. "
    "Réessayez dans un instant."
)


async def _say(message: UserMessage, text: str) -> None:
    await message.output_channel.send_response(message.sender_id, {"text": text})


def guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> None:
        text = message.text or ""
        if not text.strip():
            await _say(message, EMPTY_TEXT)
            return
        if len(text) > MAX_MESSAGE_CHARS:
            logger.info("message refused: %d characters", len(text))
            await _say(
                message,
                TOO_LONG_TEXT.format(
                    n=f"{len(text):,}".replace(",", " "), max=f"{MAX_MESSAGE_CHARS:,}".replace(",", " ")
                ),
            )
            return
        out = message.output_channel
        sent: Dict[str, int] = {"n": 0}
        original = out.send_response

        async def counting(recipient_id: str, msg: Dict[str, Any]) -> None:
            sent["n"] += 1
            await original(recipient_id, msg)

        out.send_response = counting  # type: ignore[method-assign]
        try:
            await on_new_message(message)
        except Exception as exc:  # noqa: BLE001 - the server must stay up and answer
            logger.error("turn failed: %s", exc.__class__.__name__, exc_info=True)
            sent["n"] = 0
        finally:
            out.send_response = original  # type: ignore[method-assign]
        if sent["n"] == 0:
            await _say(message, UNAVAILABLE_TEXT)

    return handle
