"""How long Python's full garbage collection stops a server process, before and after gc.freeze().

    python -m bench.gc_pause                                # the action server's process
    python -m bench.gc_pause --model models/wangdian.tar.gz # a Rasa server's, the model loaded

A full (generation 2) collection walks every object the process tracks and holds the GIL while it
does: every request in flight waits. A server's heap is mostly what it loaded at start (libraries,
models, dictionaries), which lives as long as the process; `gc.freeze()` moves it out of the
collector's sight. This builds the process's heap as the server does (the action server: the
action modules and their warm-up, which freezes at its end; Rasa: the model loaded, which the
channels freeze once the server has started) and times `gc.collect()` with and without.
"""
from __future__ import annotations

import argparse
import gc
import statistics
import threading
import time


def _full_collection_ms(times: int = 3) -> float:
    elapsed = []
    for _ in range(times):
        started = time.perf_counter()
        gc.collect()
        elapsed.append((time.perf_counter() - started) * 1000)
    return statistics.median(elapsed)


def _action_server_heap() -> None:
    import rasa_sdk.endpoint  # noqa: F401  what `rasa run actions` imports

    import actions  # noqa: F401  starts the warm-up thread, which freezes when it ends
    import actions.customers  # noqa: E401,F401

    for thread in threading.enumerate():
        if thread.name == "warm-up":
            thread.join()


def _rasa_heap(model: str) -> None:
    import asyncio

    from rasa.core.agent import load_agent

    asyncio.run(load_agent(model_path=model))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="time a Rasa server's process with this model loaded instead")
    args = parser.parse_args()

    if args.model:
        _rasa_heap(args.model)
        loaded = len(gc.get_objects())
        before = _full_collection_ms()
        gc.freeze()
        after = _full_collection_ms()
        print(f"rasa with its model: {loaded} objects tracked; full collection {before:.1f} ms, {after:.1f} ms after gc.freeze()")
        return
    _action_server_heap()
    frozen = gc.get_freeze_count()
    after = _full_collection_ms()
    gc.unfreeze()
    before = _full_collection_ms()
    print(f"action server: {frozen} objects frozen at warm-up; full collection {before:.1f} ms without, {after:.1f} ms with")


if __name__ == "__main__":
    main()
