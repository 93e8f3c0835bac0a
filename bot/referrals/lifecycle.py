"""A referral's statuses, the words staff use for them and which step may follow which.

The rules are bot.referrals.service's (its docstring); this module holds them as data.
"""
from __future__ import annotations

from enum import Enum

from bot.models import (
    OPEN_REFERRAL_STATUSES,
)
from bot.vocabulary.statuses import REFERRAL_STATUS_WORDS, referral_status_of


class Status(str, Enum):
    NEW = "new"
    ACCEPTED = "accepted"
    CONTACTED = "contacted"
    CONVERTED = "converted"
    LOST = "lost"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self.value in OPEN_REFERRAL_STATUSES


CLOSED = (Status.CONVERTED, Status.LOST, Status.CANCELLED)
_FORWARD = {Status.NEW: 0, Status.ACCEPTED: 1, Status.CONTACTED: 2, Status.CONVERTED: 3}


class RoutedBy(str, Enum):
    NAMED = "named"
    ROLE = "role"
    CATEGORY_DEFAULT = "category_default"
    BRANCH_HEAD_FALLBACK = "branch_head_fallback"

# Status word -> Status (bot.vocabulary.statuses has the words, as the NLU contract has them).
STATUS_WORDS: dict[str, Status] = {word: Status(value) for word, value in REFERRAL_STATUS_WORDS.items()}


def status_from_word(word: str | None) -> Status | None:
    """A status word as written or as the NLU's canonical value -> the status, or None."""
    value = referral_status_of(word)
    return Status(value) if value else None


class TransitionProblem(str, Enum):
    NOT_RECEIVER = "not_receiver"
    ONLY_REFERRER_CANCELS = "only_referrer_cancels"
    CANCEL_ONLY_WHILE_NEW = "cancel_only_while_new"
    ALREADY_CLOSED = "already_closed"
    ALREADY_IN_STATUS = "already_in_status"
    BACKWARDS = "backwards"
    UNKNOWN_STATUS = "unknown_status"
    BAD_AMOUNT = "bad_amount"


def transition_problem(current: Status, target: Status, is_referrer: bool, may_work: bool) -> TransitionProblem | None:
    """Whether this person may move a referral from `current` to `target`; None if allowed."""
    if current in CLOSED:
        return TransitionProblem.ALREADY_CLOSED
    if target is Status.CANCELLED:
        if not is_referrer:
            return TransitionProblem.ONLY_REFERRER_CANCELS
        if current is not Status.NEW:
            return TransitionProblem.CANCEL_ONLY_WHILE_NEW
        return None
    if not may_work:
        return TransitionProblem.NOT_RECEIVER
    if target is current:
        return TransitionProblem.ALREADY_IN_STATUS
    if target is Status.LOST:
        return None
    if target is Status.NEW or _FORWARD[target] < _FORWARD[current]:
        return TransitionProblem.BACKWARDS
    return None
