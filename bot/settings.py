"""Settings read from the environment, in one place.

Everything a bank's IT team may want to change without touching code lives here. The other
readers of os.environ are the clock (BANK_TIMEZONE, and BOT_FROZEN_NOW for end-to-end tests) and
the channels' rate limits (REDIS_HOST, bot/channels/limits.py).
"""
from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'bank.sqlite3'}"

# Tier names and the total assets (yuan) from which each starts, lowest first.
DEFAULT_TIERS = "普通:0,金卡:50000,白金:500000,钻石:6000000"

# A follow-up given only a day ("下周三", "月底") is scheduled at this hour of that day.
DEFAULT_FOLLOW_UP_HOUR = 9


def parse_tiers(text: str) -> tuple[tuple[str, Decimal], ...]:
    """'普通:0,金卡:50000' -> (('普通', 0), ('金卡', 50000)), sorted by threshold."""
    tiers = []
    for part in text.split(","):
        name, _, threshold = part.strip().partition(":")
        if not name or not threshold:
            raise ValueError(f"CUSTOMER_TIERS 格式应为 名称:金额,名称:金额 ,收到 {text!r}")
        tiers.append((name.strip(), Decimal(threshold.strip())))
    tiers.sort(key=lambda t: t[1])
    if tiers[0][1] != 0:
        raise ValueError("CUSTOMER_TIERS 的最低一档必须从 0 开始")
    return tuple(tiers)


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError(f"REFERRAL_SLA_REMIND_AT 应为 0 到 1 之间的比例(如 0.8),收到 {text!r}")
    return value


def _hour(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 23:
        raise ValueError(f"FOLLOW_UP_DEFAULT_HOUR 应为 0 到 23 之间的整点,收到 {text!r}")
    return value


def _clock_time(text: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"DIGEST_TIME 应为 时:分(如 08:30),收到 {text!r}") from None


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    tiers: tuple[tuple[str, Decimal], ...] = field(default_factory=lambda: parse_tiers(DEFAULT_TIERS))
    # A risk questionnaire is valid this many days (one year).
    risk_assessment_valid_days: int = 365
    # How many candidates a lookup lists before asking the user to be more precise.
    max_candidates: int = 5
    # Threads for database work in the action server (never block the event loop).
    db_threads: int = 8
    # A referral's receiver must have contacted the customer within this many hours.
    referral_sla_hours: int = 48
    # The receiver is reminded once this share of the SLA time has passed without contact
    # (0.8 of 48 hours: after 38.4 hours); the branch head is told when it has all passed.
    referral_sla_remind_at: float = 0.8
    # How often the action server runs the SLA check; 0 turns it off (cron runs
    # `python -m bot sla-check` instead).
    sla_check_interval_seconds: float = 300
    # The morning digest (daily list into the outbox) goes out on working days from this local
    # time on; `python -m bot digest` run by cron before it does nothing.
    digest_time: time = time(8, 30)
    # Maturities and birthdays this many days ahead are on the daily list.
    daily_list_days: int = 7
    # The hour at which a follow-up given only a day ("下周三") is due (bot.vocabulary.time_expressions).
    follow_up_default_hour: int = DEFAULT_FOLLOW_UP_HOUR
    # Product suggestions: holdings maturing within this many days count as money the customer
    # has available, and a term deposit or 理财 maturing within it may be suggested again (renewal).
    suggestion_maturity_days: int = 30

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        """The settings the environment (or `env`) gives. Asked several times per message by the
        action server: the variables are read each time (a change takes effect), and parsed once
        per distinct set of values."""
        source = os.environ if env is None else env
        return _settings_for(tuple(source.get(name) for name in _VARIABLES))


# The environment variables Settings reads, in the order _settings_for takes their values.
_VARIABLES = (
    "DATABASE_URL", "BANK_TIMEZONE", "CUSTOMER_TIERS", "RISK_ASSESSMENT_VALID_DAYS", "LOOKUP_MAX_CANDIDATES",
    "DB_THREADS", "REFERRAL_SLA_HOURS", "REFERRAL_SLA_REMIND_AT", "SLA_CHECK_INTERVAL_SECONDS", "DIGEST_TIME",
    "DAILY_LIST_DAYS", "FOLLOW_UP_DEFAULT_HOUR", "SUGGESTION_MATURITY_DAYS",
)


@functools.lru_cache(maxsize=64)
def _settings_for(values: tuple[str | None, ...]) -> Settings:
    """Settings from the values of _VARIABLES (None: not set). A value that does not parse raises
    ValueError, which is not cached."""
    env = {name: value for name, value in zip(_VARIABLES, values) if value is not None}
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        timezone=env.get("BANK_TIMEZONE", "Asia/Shanghai"),
        tiers=parse_tiers(env.get("CUSTOMER_TIERS", DEFAULT_TIERS)),
        risk_assessment_valid_days=int(env.get("RISK_ASSESSMENT_VALID_DAYS", "365")),
        max_candidates=int(env.get("LOOKUP_MAX_CANDIDATES", "5")),
        db_threads=int(env.get("DB_THREADS", "8")),
        referral_sla_hours=int(env.get("REFERRAL_SLA_HOURS", "48")),
        referral_sla_remind_at=_fraction(env.get("REFERRAL_SLA_REMIND_AT", "0.8")),
        sla_check_interval_seconds=float(env.get("SLA_CHECK_INTERVAL_SECONDS", "300")),
        digest_time=_clock_time(env.get("DIGEST_TIME", "08:30")),
        daily_list_days=int(env.get("DAILY_LIST_DAYS", "7")),
        follow_up_default_hour=_hour(env.get("FOLLOW_UP_DEFAULT_HOUR", str(DEFAULT_FOLLOW_UP_HOUR))),
        suggestion_maturity_days=int(env.get("SUGGESTION_MATURITY_DAYS", "30")),
    )
