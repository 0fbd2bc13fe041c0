"""The lock store of the cluster (rasa_server/lock_store.py) against a real Redis (scripts/redis.sh).

Two Rasa servers are two processes each with its own lock store object on the same Redis; here
they are two store objects (and, for the real race, two processes). The end-to-end version, with
real Rasa servers and the tracker store checked afterwards, is tests/cluster/test_cluster.py.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import subprocess
import time
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import LockError, RedisLockStore

from rasa_server.lock_store import AtomicRedisLockStore

REPO = Path(__file__).resolve().parents[2]
PORT = 6392  # this helper's test range (6391-6394)


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("redis")
    env = dict(os.environ, VIRAGE_REDIS_PORT=str(PORT), VIRAGE_REDIS_DIR=str(folder / "r"))
    out = subprocess.run(["bash", "scripts/redis.sh", "start"], cwd=REPO, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    password = (folder / "r.password").read_text().strip()
    yield {"port": PORT, "password": password, "env": env}
    subprocess.run(["bash", "scripts/redis.sh", "stop"], cwd=REPO, env=env, capture_output=True)


def atomic(server, **kw) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host="127.0.0.1", port=server["port"], password=server["password"], **kw)


def stock(server) -> RedisLockStore:
    return RedisLockStore(host="127.0.0.1", port=server["port"], password=server["password"], db=1)


def test_redis_wants_its_password_and_listens_on_loopback_only(redis_server):
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=PORT).ping()
    out = subprocess.run(["ss", "-ltn"], capture_output=True, text=True).stdout
    listening = [
        line.split()[3] for line in out.splitlines() if line.split()[3:4] and line.split()[3].endswith(f":{PORT}")
    ]
    assert listening == [f"127.0.0.1:{PORT}"]


def test_stock_redis_lock_store_gives_two_servers_the_same_ticket(redis_server):
    """The hole, step by step: server A reads the lock, server B issues its ticket, A writes its
    copy back. Both hold ticket 0, so both are 'served' at once (the read-modify-write of
    RedisLockStore.issue_ticket is not atomic)."""
    a, b = stock(redis_server), stock(redis_server)
    conv = "stock-race"
    a.delete_lock(conv)
    seen_by_a = a.get_or_create_lock(conv)  # A: GET (nothing yet)
    ticket_b = b.issue_ticket(conv)  # B: GET, add ticket, SET
    ticket_a = seen_by_a.issue_ticket(60)  # A: adds its ticket to what it read…
    a.save_lock(seen_by_a)  # … and SETs it, over B's
    assert ticket_a == ticket_b == 0
    lock = a.get_lock(conv)
    assert not lock.is_locked(ticket_a) and not lock.is_locked(ticket_b)  # both may proceed
    a.delete_lock(conv)


def test_atomic_store_serves_tickets_in_order_and_cleans_up(redis_server):
    a, b = atomic(redis_server), atomic(redis_server)
    conv = "order"
    order = []

    async def turn(store, name, hold):
        async with store.lock(conv):
            order.append(f"{name}+")
            await asyncio.sleep(hold)
            order.append(f"{name}-")

    async def main():
        first = asyncio.create_task(turn(a, "A", 0.2))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(turn(b, "B", 0.0))
        await asyncio.sleep(0.01)
        third = asyncio.create_task(turn(a, "C", 0.0))
        await asyncio.gather(first, second, third)

    asyncio.run(main())
    assert order == ["A+", "A-", "B+", "B-", "C+", "C-"]
    assert a.red.keys(f"{a.prefix}*") == []  # nothing left behind


def test_a_dead_holder_blocks_its_conversation_for_one_lifetime_at_most(redis_server):
    """A Rasa server killed in the middle of a turn never releases its ticket: it expires."""
    store = atomic(redis_server, lock_lifetime=1)
    conv = "dead-holder"
    store.issue_ticket(conv, lock_lifetime=1)  # issued, never released (the holder died)

    async def next_message():
        started = time.monotonic()
        async with store.lock(conv):
            return time.monotonic() - started

    waited = asyncio.run(next_message())
    assert 0.8 <= waited < 4  # one lifetime (1 s), plus a loaded machine's slack


def test_redis_down_is_a_lock_error(redis_server):
    store = AtomicRedisLockStore(host="127.0.0.1", port=6393, password="x")  # nothing listens there

    async def message():
        async with store.lock("anyone"):
            pass

    with pytest.raises(LockError):
        asyncio.run(message())


def _hammer(port, password, conv, turns, store_kind, result):
    """One 'Rasa server': `turns` turns of one conversation; counts the times it found another
    server inside the same conversation's turn."""
    if store_kind == "atomic":
        store = AtomicRedisLockStore(host="127.0.0.1", port=port, password=password)
    else:
        store = RedisLockStore(host="127.0.0.1", port=port, password=password, db=1)
    red = redis.Redis(port=port, password=password)
    overlaps = errors = 0

    async def run():
        nonlocal overlaps, errors
        for _ in range(turns):
            try:
                async with store.lock(conv, wait_time_in_seconds=0.001):
                    if red.incr(f"inside:{conv}") != 1:
                        overlaps += 1
                    await asyncio.sleep(0.001)
                    red.decr(f"inside:{conv}")
            except LockError:
                errors += 1

    asyncio.run(run())
    result.put((overlaps, errors))


def race(server, store_kind, turns=150):
    ctx = multiprocessing.get_context("fork")
    result = ctx.Queue()
    procs = [
        ctx.Process(
            target=_hammer, args=(server["port"], server["password"], f"race-{store_kind}", turns, store_kind, result)
        )
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    totals = [result.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(10)
    return sum(t[0] for t in totals), sum(t[1] for t in totals)


def test_two_processes_never_hold_one_conversation_at_once(redis_server):
    overlaps, errors = race(redis_server, "atomic")
    assert (overlaps, errors) == (0, 0)


def test_a_restarted_redis_costs_no_message_on_connections_opened_before(redis_server):
    """After Redis restarts, every pooled connection of a Rasa server is dead; each one's first
    command used to fail (LockError, the visitor's apology), long after Redis was back (CI, stop
    25: a visitor's last turn apologised). Such a command is tried once more on a new connection."""
    store = atomic(redis_server)
    script = lambda action: subprocess.run(  # noqa: E731
        ["bash", "scripts/redis.sh", action], cwd=REPO, env=redis_server["env"], capture_output=True, text=True
    )

    async def turns(n):
        async def one(i):
            async with store.lock(f"restart-{i}"):
                await asyncio.sleep(0.05)

        await asyncio.gather(*(one(i) for i in range(n)))

    async def main():
        await turns(6)  # six connections in the pool
        assert script("stop").returncode == 0
        assert script("start").returncode == 0
        failures = 0
        for _ in range(3):
            try:
                await turns(6)
            except LockError:
                failures += 1
        return failures

    assert asyncio.run(main()) == 0
