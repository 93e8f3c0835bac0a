"""What the channels share: a per-sender rate limit and a seen-once set (in memory), and the
check of credentials.yml's required settings.

Both live in one process's memory. With several Sanic workers or several Rasa servers behind a
load balancer each process keeps its own counts (a sender gets N times the rate, a WeCom retry
landing on another process is processed twice); such a deployment needs Redis for these two.
"""
from __future__ import annotations

import time
from collections import OrderedDict, deque
from typing import Any, Callable, Deque, Dict, Type

Clock = Callable[[], float]


def required(credentials: Dict[str, Any], key: str, channel: str, error: Type[Exception] = ValueError) -> str:
    """A setting the channel cannot start without, stripped; a clear error at start otherwise."""
    value = credentials.get(key)
    if value is None or str(value).strip() == "":
        raise error(f"credentials.yml 中 {channel} 渠道缺少 {key}")
    return str(value).strip()


class SlidingWindowLimiter:
    """At most `limit` events per sender in any `window_seconds`; `limit` <= 0 turns it off."""

    def __init__(self, limit: int, window_seconds: float = 60.0, clock: Clock = time.monotonic,
                 max_senders: int = 100_000) -> None:
        self.limit = int(limit)
        self.window_seconds = float(window_seconds)
        self._clock = clock
        self._max_senders = max_senders
        self._events: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def allow(self, sender: str) -> bool:
        if self.limit <= 0:
            return True
        now = self._clock()
        events = self._events.pop(sender, None) or deque()
        while events and events[0] <= now - self.window_seconds:
            events.popleft()
        allowed = len(events) < self.limit
        if allowed:
            events.append(now)
        self._events[sender] = events  # most recently active last
        while len(self._events) > self._max_senders:
            self._events.popitem(last=False)
        return allowed


class SeenOnce:
    """Remembers keys for `ttl_seconds` (at most `max_size`, oldest dropped first)."""

    def __init__(self, ttl_seconds: float = 600.0, max_size: int = 10_000,
                 clock: Clock = time.monotonic) -> None:
        self.ttl_seconds = float(ttl_seconds)
        self.max_size = max_size
        self._clock = clock
        self._seen: Dict[str, float] = OrderedDict()

    def first_time(self, key: str) -> bool:
        """True the first time `key` is offered within the TTL, False for a repeat."""
        now = self._clock()
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if at > now - self.ttl_seconds and len(self._seen) < self.max_size:
                break
            self._seen.pop(oldest)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True
