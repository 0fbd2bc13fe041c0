"""Per-client rate limits for the two public channels (REST and socket.io).

A token bucket per client address: ``burst`` requests at once, then ``per_minute`` a minute.
Why not a library: ``limits`` (the maintained one, behind Flask-Limiter) needs packaging>=21 and
Rasa 3.6 pins packaging<21, so they do not install together; ``sanic-limiter`` is unmaintained
(2017) and Sanic-specific, where the socket.io events need the same limiter outside any route.
This is one small class, in memory, for the single Rasa process Virage runs (several processes
would each count on their own; a Redis-backed limiter would be the next step).

Settings (environment, read when the channels are built):
  VIRAGE_RATE_MESSAGES     "burst/per_minute" for messages, default "20/30"
  VIRAGE_RATE_CONNECTIONS  "burst/per_minute" for new socket.io connections and REST sessions,
                           default "10/20"
  "off" disables one (benchmarks).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from typing import Callable, Optional, Tuple

MESSAGES_ENV = "VIRAGE_RATE_MESSAGES"
CONNECTIONS_ENV = "VIRAGE_RATE_CONNECTIONS"
DEFAULT_MESSAGES = "20/30"
DEFAULT_CONNECTIONS = "10/20"
MAX_CLIENTS = 50_000  # oldest buckets are dropped beyond this (a flood of addresses cannot fill memory)


def parse(value: str) -> Optional[Tuple[float, float]]:
    """ "burst/per_minute" -> (burst, per_second); "off" -> None."""
    value = value.strip().lower()
    if value in ("off", "0", "none", ""):
        return None
    burst, _, per_minute = value.partition("/")
    b, p = float(burst), float(per_minute or burst)
    if b < 1 or p <= 0:
        raise ValueError(f"rate limit '{value}': expected burst/per_minute, both positive")
    return b, p / 60.0


class TokenBucket:
    def __init__(self, burst: float, per_second: float, clock: Callable[[], float] = time.monotonic):
        self.burst, self.per_second, self.clock = burst, per_second, clock
        self._buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.per_second)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > MAX_CLIENTS:
                self._buckets.popitem(last=False)
            return allowed


class Unlimited:
    def allow(self, key: str) -> bool:
        return True


def from_env(env_var: str, default: str):
    setting = parse(os.environ.get(env_var, default))
    return Unlimited() if setting is None else TokenBucket(*setting)


def messages_limiter():
    return from_env(MESSAGES_ENV, DEFAULT_MESSAGES)


def connections_limiter():
    return from_env(CONNECTIONS_ENV, DEFAULT_CONNECTIONS)
