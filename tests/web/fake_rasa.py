"""A scripted stand-in for Rasa's socket.io channel, inside the browser.

Playwright's ``page.route_web_socket`` answers the widget's WebSocket itself
(Engine.IO v4 / Socket.IO v5 frames, same events as Rasa 3.6), so tests can make
the "server" do what the real bot never does on purpose: send HTML, stay silent,
refuse connections for a while.  The real bot is used for everything else.
"""

from __future__ import annotations

import json
import re
from typing import Callable, Dict, List, Optional

OPEN = '0{"sid":"fake-eio","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}'
SOCKET_URL = re.compile(r".*/socket\.io/.*")

Reply = Dict[str, object]


class FakeRasa:
    """Install with ``FakeRasa(replies).install(page)`` before ``page.goto``.

    replies(message) -> list of bot_uttered payloads ({"text", "quick_replies"}).
    refuse_first: number of connection attempts closed straight away (outage).
    handshake: False = accept the WebSocket but never send the Engine.IO open
    packet (a server that is up but too slow to answer).
    """

    def __init__(
        self,
        replies: Optional[Callable[[str], List[Reply]]] = None,
        refuse_first: int = 0,
        handshake: bool = True,
    ):
        self.replies = replies or (lambda message: [])
        self.refuse_first = refuse_first
        self.handshake = handshake
        self.attempts = 0
        self.received: List[str] = []
        self.session_ids: List[str] = []

    def install(self, page) -> "FakeRasa":
        page.route_web_socket(SOCKET_URL, self._handle)
        return self

    def _handle(self, ws) -> None:
        self.attempts += 1
        if self.attempts <= self.refuse_first:
            ws.close(code=1011, reason="indisponible")
            return
        if not self.handshake:
            return

        def emit(event: str, data) -> None:
            ws.send("42" + json.dumps([event, data], ensure_ascii=False))

        def on_message(frame) -> None:
            if isinstance(frame, bytes):
                return
            if frame == "40":
                ws.send('40{"sid":"fake-sio"}')
            elif frame.startswith("3"):
                pass  # pong
            elif frame.startswith("42"):
                event, data = json.loads(frame[2:])
                if event == "session_request":
                    sid = (data or {}).get("session_id") or "fake-session"
                    self.session_ids.append(sid)
                    emit("session_confirm", sid)
                elif event == "user_uttered":
                    message = data.get("message", "")
                    self.received.append(message)
                    for reply in self.replies(message):
                        emit("bot_uttered", reply)

        ws.on_message(on_message)
        ws.send(OPEN)


GREETING = {
    "text": "Bonjour ! Je suis Virage, l'assistant du Programme pour la transformation numérique des "
    "entreprises collectives. Je peux vous expliquer le programme, vérifier votre admissibilité, "
    "vous donner des exemples ou vous orienter vers un conseiller.",
    "quick_replies": [
        {"content_type": "text", "title": "Le programme en bref", "payload": "/ask_programme"},
        {"content_type": "text", "title": "Suis-je admissible ?", "payload": "/start_screening"},
        {"content_type": "text", "title": "Des exemples", "payload": "/ask_cases"},
    ],
}


def french_demo_replies(message: str) -> List[Reply]:
    """Plausible answers, shaped like the real bot's (for widget-only tests)."""
    if message == "/greet":
        return [GREETING]
    if message in ("/ask_programme",) or "programme" in message.lower():
        return [
            {
                "text": "Le programme aide les entreprises collectives (coopératives, mutuelles, OBNL "
                "marchands) à financer leur transformation numérique, du diagnostic au projet.\n"
                "Source : Guide du programme, section 1",
                "quick_replies": [
                    {"content_type": "text", "title": "Vérifier mon admissibilité", "payload": "/start_screening"},
                    {"content_type": "text", "title": "Les 3 volets", "payload": "/ask_volets"},
                ],
            }
        ]
    return [{"text": "Je n'ai pas bien compris. Pouvez-vous reformuler ?"}]
