"""What the channels share: a rate limit per identity and a seen-once set, and the check of
credentials.yml's required settings.

The in-memory ones live in one process: with several Sanic workers or Rasa servers each keeps
its own counts (a sender gets N times the rate). When Redis is configured (`redis_url` in the
channel's credentials, or REDIS_HOST as for the lock store of endpoints.production.yml),
`rate_limiter` gives one limit shared by every process.
"""
from __future__ import annotations

import logging
import os
import time
import urllib.parse
from collections import OrderedDict, deque
from typing import Any, Callable, Deque, Dict, Mapping, Type

logger = logging.getLogger(__name__)

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


def redis_url_from(credentials: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str | None:
    """Where the Redis every process of the deployment shares is: `redis_url` in the channel's
    credentials, else REDIS_HOST (REDIS_PORT, REDIS_DB, REDIS_PASSWORD), the variables
    endpoints.production.yml gives the lock store; None when there is none."""
    url = str(credentials.get("redis_url") or "").strip()
    if url:
        return url
    env = os.environ if environ is None else environ
    host = (env.get("REDIS_HOST") or "").strip()
    if not host:
        return None
    port = (env.get("REDIS_PORT") or "").strip() or "6379"
    db = (env.get("REDIS_DB") or "").strip() or "0"
    password = env.get("REDIS_PASSWORD") or ""
    auth = f":{urllib.parse.quote(password, safe='')}@" if password else ""
    return f"redis://{auth}{host}:{port}/{db}"


def shared_redis(credentials: Mapping[str, Any], env: Mapping[str, str] | None = None):
    """A client of the shared Redis (redis_url_from), or None when there is none."""
    url = redis_url_from(credentials, env)
    if url is None:
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)


class RedisWindowLimiter:
    """At most `limit` events per key in each `window_seconds` window, counted in Redis so that
    every process shares them (a counter per key and window, expiring after two windows). If
    Redis cannot be reached the process's own limiter decides, and that is logged."""

    def __init__(self, client, limit: int, window_seconds: float = 60.0, prefix: str = "wangdian:rate",
                 clock: Clock = time.time) -> None:
        self.client = client
        self.limit = int(limit)
        self.window_seconds = float(window_seconds)
        self.prefix = prefix
        self._clock = clock
        self._fallback = SlidingWindowLimiter(limit, window_seconds)

    def allow(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        window = int(self._clock() // self.window_seconds)
        counter = f"{self.prefix}:{key}:{window}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(counter)
            pipe.expire(counter, max(1, int(self.window_seconds * 2)))
            count, _ = pipe.execute()
        except Exception as e:  # noqa: BLE001 - Redis down: limit in this process rather than not at all
            logger.warning("rate limit: Redis unavailable (%s), limiting in this process", e.__class__.__name__)
            return self._fallback.allow(key)
        return int(count) <= self.limit


def rate_limiter(credentials: Mapping[str, Any], channel: str, limit: int, window_seconds: float = 60.0):
    """The channel's rate limiter: shared through Redis when configured, else this process's."""
    client = shared_redis(credentials)
    if client is None:
        return SlidingWindowLimiter(limit, window_seconds)
    return RedisWindowLimiter(client, limit, window_seconds, prefix=f"wangdian:rate:{channel}")
