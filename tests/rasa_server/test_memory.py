"""rasa_server/memory.py: free heap pages go back to the system once the model is loaded."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

import pytest

from rasa_server.memory import release_after_model_load, release_freed_heap


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc and /proc only")
def test_freed_heap_is_returned_to_the_system():
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    # 150 MiB in small blocks (below glibc's mmap threshold, so on the heap), all touched; the
    # last one stays allocated so that the heap's top cannot shrink by itself.
    blocks = [libc.malloc(2048) for _ in range(75_000)]
    for block in blocks:
        libc.memset(block, 1, 2048)
    for block in blocks[:-1]:
        libc.free(block)
    before = _rss_mib()
    assert release_freed_heap() is True
    after = _rss_mib()
    libc.free(blocks[-1])
    assert before - after > 100, (before, after)


def test_the_rest_channel_trims_once_the_server_has_started():
    from rasa_server.rest_channel import VirageRestInput

    async def on_new_message(message):  # never called here
        return None

    blueprint = VirageRestInput().blueprint(on_new_message)
    listeners = [(f.listener, f.event) for f in blueprint._future_listeners]
    # after_server_start: Rasa loads the model in before_server_start, so the load is over.
    assert (release_after_model_load, "after_server_start") in listeners
