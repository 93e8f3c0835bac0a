"""The action server's periodic SLA job: started by the first action, it reminds and escalates
overdue referrals without anybody running cron."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import select

from actions import scheduler
from bot.clock import clock
from bot.models import Notification
from bot.referrals.results import CreateOutcome
from bot.referrals.service import ReferralService
from tests.bank_fixtures import as_staff


async def test_first_action_starts_the_job_and_it_escalates(talk, bank, monkeypatch):
    service = ReferralService(bank)
    created = service.create(as_staff("zhangli"), "C00000005", "房贷", "S0003", None, request_key="sla-job-1")
    assert created.outcome is CreateOutcome.CREATED
    monkeypatch.setenv("SLA_CHECK_INTERVAL_SECONDS", "0.05")
    with clock.frozen(datetime(2026, 11, 30, 10, 0) + timedelta(hours=49)):
        await talk("zhangli", "帮助", "help")  # any action starts the job
        for _ in range(100):
            await asyncio.sleep(0.05)
            with bank.unit_of_work() as session:
                kinds = set(session.execute(select(Notification.kind)).scalars())
            if "sla_escalation" in kinds:
                break
    scheduler._task.cancel()
    await asyncio.sleep(0)
    assert "sla_escalation" in kinds
