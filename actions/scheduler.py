"""The action server's periodic jobs: the referral SLA check (reminders and escalations) and
the morning digest (each person's daily list into the outbox on working days, once a day).

Started by the first action the server runs (rasa-sdk gives no start-up hook), then every
`SLA_CHECK_INTERVAL_SECONDS` (default 300; 0 turns it off, e.g. when cron runs
`python -m bot sla-check` instead). Several action-server workers may each run it: the check
locks the rows it works on and records each reminder and escalation, so each happens once.
"""
from __future__ import annotations

import asyncio
import logging

from actions.runtime import in_thread, referral_service, visit_service
from bot.settings import Settings

logger = logging.getLogger(__name__)
_task: asyncio.Task | None = None


async def _every(seconds: float) -> None:
    while True:
        try:
            report = await in_thread(referral_service().sla_check)
            if report.reminders or report.escalations:
                logger.info("SLA check: %d reminders, %d escalations", len(report.reminders), len(report.escalations))
        except Exception:  # a failed run must not stop the next one
            logger.exception("SLA check failed")
        try:
            digest = await in_thread(visit_service().morning_digest)
            if digest.sent:
                logger.info("Morning digest: %d lists sent", len(digest.sent))
        except Exception:
            logger.exception("Morning digest failed")
        await asyncio.sleep(seconds)


def ensure_started() -> None:
    global _task
    if _task is not None and not _task.done():
        return
    seconds = Settings.from_env().sla_check_interval_seconds
    if seconds <= 0:
        return
    _task = asyncio.get_running_loop().create_task(_every(seconds))
