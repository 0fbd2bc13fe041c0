"""Locust visitors for `make bench-scale` (bench/scale.py runs it headless).

Each simulated user is one visitor (its own sender id) asking the questions of
bench.cluster.QUESTIONS in turn over REST, with no pause between an answer and the next
question (closed loop: the number of users is the number of messages in flight). A reply that
is not HTTP 200, is empty, or is the French apology counts as a Locust failure. Every message
is written to VIRAGE_SCALE_LOG (JSON lines: sender, text, status, texts) so that bench/scale.py
can check the tracker store afterwards.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid

from locust import HttpUser, constant, events, task

from bench.cluster import APOLOGY_STARTS, QUESTIONS

LOG_PATH = os.environ.get("VIRAGE_SCALE_LOG", "")
TAG = os.environ.get("VIRAGE_SCALE_TAG", "lc")
_log = open(LOG_PATH, "a", encoding="utf-8") if LOG_PATH else None


@events.quitting.add_listener
def _close(environment, **_kw):
    if _log:
        _log.close()


class Visitor(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.sender = f"{TAG}-{uuid.uuid4().hex[:10]}"
        self.questions = itertools.cycle(QUESTIONS)

    @task
    def ask(self):
        text = next(self.questions)
        with self.client.post(
            "/webhooks/rest/webhook", json={"sender": self.sender, "message": text}, name="message", catch_response=True
        ) as r:
            texts = []
            if r.status_code == 200:
                try:
                    texts = [m.get("text") or "" for m in r.json()]
                except ValueError:
                    texts = []
            if _log:
                _log.write(
                    json.dumps({"sender": self.sender, "text": text, "status": r.status_code, "texts": texts}) + "\n"
                )
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
            elif not texts:
                r.failure("réponse vide")
            elif any(t.startswith(APOLOGY_STARTS) for t in texts):
                r.failure("excuses")
            else:
                r.success()
