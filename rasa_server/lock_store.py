"""A Redis lock store whose tickets are issued atomically, for several Rasa servers.

Why: every Rasa server takes a per-conversation lock before it handles a message, so that two
messages of one visitor are handled one after the other. Rasa Open Source 3.6's
``RedisLockStore`` keeps the lock as one JSON value and changes it by read-modify-write from the
Rasa process: ``GET`` the value, add a ticket in Python, ``SET`` it back. Two servers receiving a
message of the same visitor at the same moment both read "no lock", both take ticket 0 and both
handle their message at once: each loads the same tracker, and the second save overwrites or
drops the first one's events (RasaHQ/rasa#11256 added a concurrent lock store for this, #11428
reverted it; it survives only in Rasa Pro). tests/cluster/ shows it happen with the stock class.

Here every change of a lock is one Lua script run by Redis, so it is atomic whatever the number
of servers:

* ``{prefix}{<conversation>}:n`` a counter: ``INCR`` gives each message a ticket number, never the
  same twice while the conversation has a queue;
* ``{prefix}{<conversation>}:q`` a sorted set of the tickets waiting or being served, by number;
  the lowest is served (first come, first served: a visitor's messages keep their order);
* ``{prefix}{<conversation>}:x`` a hash ticket -> expiry (milliseconds, Redis's own clock, so the
  servers' clocks need not agree).

A ticket lives ``lock_lifetime`` seconds (default 10) and is renewed while it waits and, every
third of that, while its turn is handled: a Rasa server that dies in the middle of a turn blocks
its visitor for at most that long (Rasa's stock lifetime, 60 s, is not renewed, so it has to
cover the longest turn). A turn that finds its ticket gone (Redis restarted, or the server was
frozen longer than the lifetime) raises ``LockError``: the channel's guard then answers with the
French apology rather than risk two turns at once. All keys of a conversation share one hash tag,
so the scripts also run on a Redis Cluster. The waiting loop polls every ``poll_interval``
seconds (default 0.02; Rasa's stock loop sleeps a whole second between tries).

endpoints.cluster.yml::

    lock_store:
      type: rasa_server.lock_store.AtomicRedisLockStore
      url: 127.0.0.1
      port: ${VIRAGE_REDIS_PORT}
      password: ${VIRAGE_REDIS_PASSWORD}
      db: 1
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator, Optional, Text

import redis
import redis.asyncio as aioredis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, LockStore

logger = logging.getLogger(__name__)

DEFAULT_PREFIX = "virage:lock:"
DEFAULT_LIFETIME_S = 10.0
DEFAULT_POLL_S = 0.02
DEFAULT_SOCKET_TIMEOUT_S = 5.0

# Drops the tickets whose expiry has passed. KEYS: queue, expiries. Returns Redis's time (ms).
_DROP_EXPIRED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local exp = redis.call('HGETALL', KEYS[2])
for i = 1, #exp, 2 do
  if tonumber(exp[i + 1]) < now then
    redis.call('ZREM', KEYS[1], exp[i])
    redis.call('HDEL', KEYS[2], exp[i])
  end
end
"""

# KEYS: queue, expiries, counter. ARGV: lifetime (ms). Returns the new ticket's number.
ISSUE = (
    _DROP_EXPIRED
    + """
local life = tonumber(ARGV[1])
local n = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], n, n)
redis.call('HSET', KEYS[2], n, now + life)
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], life * 2) end
return n
"""
)

# KEYS: queue, expiries, counter. ARGV: ticket, lifetime (ms). Renews the ticket; returns 1 when it
# is served now, 0 when others come first, -1 when the ticket is gone (expired or Redis restarted).
POLL = (
    _DROP_EXPIRED
    + """
local life = tonumber(ARGV[2])
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return -1 end
redis.call('HSET', KEYS[2], ARGV[1], now + life)
for k = 1, 3 do redis.call('PEXPIRE', KEYS[k], life * 2) end
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if first[1] == ARGV[1] then return 1 end
return 0
"""
)

# KEYS: queue, expiries, counter. ARGV: ticket. Ends the ticket's turn; the keys go with the last.
RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


def _setting(kwargs: dict, key: str, env: str, default: Any) -> Any:
    value = kwargs.get(key)
    if value in (None, ""):
        value = os.environ.get(env, "") or default
    return value


class AtomicRedisLockStore(LockStore):
    """Per-conversation ticket lock in Redis, every change made by one Lua script (see module)."""

    def __init__(self, endpoint_config=None, **kwargs: Any) -> None:
        options = dict(getattr(endpoint_config, "kwargs", None) or {})
        options.update(kwargs)
        if endpoint_config is not None and getattr(endpoint_config, "url", None):
            options.setdefault("host", endpoint_config.url)
        host = _setting(options, "host", "VIRAGE_REDIS_HOST", "127.0.0.1")
        port = int(_setting(options, "port", "VIRAGE_REDIS_PORT", 6380))
        password = _setting(options, "password", "VIRAGE_REDIS_PASSWORD", None)
        db = int(options.get("db") or 1)
        timeout = float(options.get("socket_timeout") or DEFAULT_SOCKET_TIMEOUT_S)
        self.prefix = str(options.get("key_prefix") or DEFAULT_PREFIX)
        self.lifetime_s = float(_setting(options, "lock_lifetime", "VIRAGE_LOCK_LIFETIME", DEFAULT_LIFETIME_S))
        self.poll_s = float(options.get("poll_interval") or DEFAULT_POLL_S)
        common = dict(host=host, port=port, db=db, password=password, socket_timeout=timeout)
        common["socket_connect_timeout"] = timeout
        # After a Redis restart every pooled connection is dead and would fail its next command,
        # however long after: such a command is sent once more on a new connection (a ConnectionError
        # means it did not run, or, for a reply lost in between, ISSUE leaves one extra ticket that
        # expires within a lifetime; POLL and RELEASE can run twice). Timeouts are not retried.
        common["retry_on_error"] = [redis.ConnectionError]
        self.red = redis.Redis(**common)
        self.ared = aioredis.Redis(**common)
        self._issue = self.ared.register_script(ISSUE)
        self._poll = self.ared.register_script(POLL)
        self._release = self.ared.register_script(RELEASE)
        self._sync_release = self.red.register_script(RELEASE)
        super().__init__()

    # -- keys -----------------------------------------------------------------------------------
    def _keys(self, conversation_id: Text):
        base = f"{self.prefix}{{{conversation_id}}}"
        return [f"{base}:q", f"{base}:x", f"{base}:n"]

    # -- what Rasa uses: ``async with lock_store.lock(sender_id)`` ----------------------------
    @asynccontextmanager
    async def lock(
        self, conversation_id: Text, lock_lifetime: float = 0, wait_time_in_seconds: float = 0
    ) -> AsyncGenerator[TicketLock, None]:
        """Waits for this message's turn in the conversation, holds it while the body runs.

        ``lock_lifetime`` and ``wait_time_in_seconds`` (Rasa's defaults, 60 s and 1 s) are
        ignored: the ticket is renewed, so this store's own shorter lifetime applies.
        """
        keys = self._keys(conversation_id)
        life_ms = int(self.lifetime_s * 1000)
        try:
            ticket = int(await self._issue(keys=keys, args=[life_ms]))
        except redis.RedisError as exc:
            raise LockError(f"Lock store unavailable ({type(exc).__name__}).") from exc
        renewing: Optional[asyncio.Task] = None
        try:
            while True:
                try:
                    state = int(await self._poll(keys=keys, args=[ticket, life_ms]))
                except redis.RedisError as exc:
                    raise LockError(f"Lock store unavailable ({type(exc).__name__}).") from exc
                if state == 1:
                    break
                if state == -1:
                    raise LockError(f"Lock ticket {ticket} of a conversation expired while waiting.")
                await asyncio.sleep(self.poll_s)
            renewing = asyncio.create_task(self._renew(keys, ticket, life_ms))
            yield TicketLock(conversation_id, deque([Ticket(ticket, 0.0)]))
        finally:
            if renewing is not None:
                renewing.cancel()
            try:
                await self._release(keys=keys, args=[ticket])
            except redis.RedisError as exc:  # its ticket expires by itself
                logger.warning("Lock store: release failed (%s); the ticket will expire.", type(exc).__name__)

    async def _renew(self, keys, ticket: int, life_ms: int) -> None:
        while True:
            await asyncio.sleep(self.lifetime_s / 3)
            try:
                if int(await self._poll(keys=keys, args=[ticket, life_ms])) == -1:
                    logger.warning("Lock store: a ticket expired while its turn ran (server frozen?).")
                    return
            except redis.RedisError:
                pass  # tried again in a third of the lifetime

    # -- Rasa's LockStore interface (synchronous), for anything else that reads locks ----------
    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        queue, expiries, _ = self._keys(conversation_id)
        numbers = [int(n) for n in self.red.zrange(queue, 0, -1)]
        if not numbers:
            return None
        expiry = {int(k): int(v) / 1000.0 for k, v in self.red.hgetall(expiries).items()}
        return TicketLock(conversation_id, deque(Ticket(n, expiry.get(n, 0.0)) for n in numbers))

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = DEFAULT_LIFETIME_S) -> int:
        try:
            script = self.red.register_script(ISSUE)
            return int(script(keys=self._keys(conversation_id), args=[int(lock_lifetime * 1000)]))
        except redis.RedisError as exc:
            raise LockError(f"Lock store unavailable ({type(exc).__name__}).") from exc

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._sync_release(keys=self._keys(conversation_id), args=[ticket_number])

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        self.finish_serving(conversation_id, ticket_number)

    def update_lock(self, conversation_id: Text) -> None:
        """Expired tickets are dropped by every script; nothing to do here."""

    def delete_lock(self, conversation_id: Text) -> None:
        self.red.delete(*self._keys(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("AtomicRedisLockStore changes locks only through its scripts.")
