"""The two Virage channels on a Sanic app with an echo bot instead of Rasa's agent (no model).

Run as ``python tests/rasa_server/channel_server.py PORT``; tests/rasa_server/test_channels.py starts
it in a subprocess. Each turn answers ``<sender_id>|<text>`` (and, for metadata, its keys), so a
test sees which conversation a message reached and what text Rasa would have received.
"""

from __future__ import annotations

import sys

from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from rasa_server.channels import VirageSocketIO
from rasa_server.rest_channel import VirageRestInput


async def echo(message: UserMessage) -> None:
    keys = ",".join(sorted((message.metadata or {}).keys()))
    text = f"{message.sender_id}|{message.text}|{keys}"
    await message.output_channel.send_response(message.sender_id, {"text": text})


def build() -> Sanic:
    app = Sanic("virage_channels_test")
    rest = VirageRestInput()
    app.blueprint(rest.blueprint(echo), url_prefix="/webhooks/rest")
    sio = VirageSocketIO.from_credentials(
        {"user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True}
    )
    app.blueprint(sio.blueprint(echo), url_prefix="/webhooks/socketio")
    return app


if __name__ == "__main__":
    build().run("127.0.0.1", int(sys.argv[1]), access_log=False)
