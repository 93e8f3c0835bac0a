"""Rasa's Redis lock store, with its read-modify-write steps made atomic.

The lock store makes one conversation's messages wait for each other whichever server or worker
receives them. Rasa 3.6's RedisLockStore issues a ticket by reading the lock (GET), adding the
ticket in Python and writing it back (SET); it removes tickets the same way. Two servers issuing
a ticket at the same moment can both read the lock before either writes: the second write erases
the first ticket, both messages run at once, and the tracker store, saving both turns from the
same starting point, loses one of them. tests/e2e/test_two_servers.py caught it: of two messages
sent at the same moment to two servers, both were answered and only one was in the history.

Here every change of a lock is one optimistic Redis transaction (WATCH, read, MULTI, write,
EXEC, again if another process changed the lock meanwhile), and "remove my ticket, delete the
lock if nobody waits" is one transaction too. endpoints.production.yml:

    lock_store:
      type: components.lock_store.AtomicRedisLockStore
      url: ${REDIS_HOST}
      ...
"""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")
DELETE = object()  # a change's verdict: remove the lock


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by module path from its endpoint configuration.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _transact(self, conversation_id: Text,
                  change: Callable[[Optional[TicketLock]], Tuple[T, object]]) -> T:
        """Apply `change(lock) -> (result, lock to save | None to leave | DELETE)` atomically."""
        import redis

        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(raw)) if raw else None
                    result, outcome = change(lock)
                    pipe.multi()
                    if outcome is DELETE:
                        pipe.delete(key)
                    elif outcome is not None:
                        pipe.set(key, outcome.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another process changed this lock between our read and write

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or TicketLock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._transact(conversation_id, issue)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is None:
                return None, None
            lock.remove_expired_tickets()
            return None, lock

        self._transact(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def remove(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return None, lock

        self._transact(conversation_id, remove)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        def remove_and_maybe_delete(lock: Optional[TicketLock]) -> Tuple[None, object]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return None, (lock if lock.is_someone_waiting() else DELETE)

        self._transact(conversation_id, remove_and_maybe_delete)
