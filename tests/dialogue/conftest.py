"""Conversations with the whole bot in one process, as staff have them.

The trained model (models/wangdian.tar.gz: the NLU and the rules, exactly as `make serve` loads
them) reads each message; its one action runs in the same process through rasa-sdk's executor,
against the demo bank on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL. A test writes
what an employee types, checks what the bot answers, and then checks the database: what was
written, and above all what was not.

The clock is frozen on the demo bank's day (Monday 2026-11-30, 10:00 in the bank's time zone);
a test may move it (`clock.frozen`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor
from sqlalchemy import func, select

from bot.clock import to_local
from bot.models import AuditEntry, Customer, CustomerTag, FollowUp, Holding, Interaction, Product, Referral

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "wangdian.tar.gz"

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train`")


class InProcessActions(EndpointConfig):
    """The action endpoint, answered in this process by rasa-sdk's executor: the same request
    and the same response as over HTTP to `rasa run actions`, without the server."""

    def __init__(self) -> None:
        super().__init__(url="http://in-process/webhook")
        self.executor = ActionExecutor()
        self.executor.register_package("actions")

    async def request(self, method: str = "post", subpath: str | None = None, content_type: str | None = None,
                      compress: bool = False, **kwargs: Any) -> Any:
        return await self.executor.run(kwargs["json"])


@pytest.fixture(scope="session")
def agent():
    from rasa.core.agent import Agent

    os.environ.setdefault("SLA_CHECK_INTERVAL_SECONDS", "0")
    return Agent.load(str(MODEL), action_endpoint=InProcessActions())


@pytest.fixture
def chat(agent, bank, monkeypatch):
    """`await chat(chat_id, text)` -> the bot's reply, its messages joined by newlines. Every test
    starts with no conversation at all."""
    monkeypatch.setenv("SLA_CHECK_INTERVAL_SECONDS", "0")  # no digest landing on top of a reply
    store = InMemoryTrackerStore(agent.domain)
    agent.tracker_store = store
    agent.processor.tracker_store = store

    async def say(chat_id: str, text: str) -> str:
        messages = await agent.handle_text(text, sender_id=chat_id) or []
        reply = "\n".join(m.get("text") or "" for m in messages)
        say.log.append((chat_id, text, reply))
        return reply

    say.log = []
    return say


class Records:
    """What the bank's database holds, counted the way a test checks a conversation's writes."""

    def __init__(self, bank) -> None:
        self.bank = bank

    def _count(self, model, *where) -> int:
        with self.bank.unit_of_work() as session:
            return session.execute(select(func.count()).select_from(model).where(*where)).scalar_one()

    def visits(self, customer_id: str | None = None) -> int:
        where = [Interaction.source == "chat"]
        if customer_id:
            where.append(Interaction.customer_id == customer_id)
        return self._count(Interaction, *where)

    def referrals(self, customer_id: str | None = None) -> int:
        return self._count(Referral, *([Referral.customer_id == customer_id] if customer_id else []))

    def follow_ups(self, customer_id: str | None = None, open_only: bool = False) -> int:
        where = [FollowUp.customer_id == customer_id] if customer_id else []
        if open_only:
            where.append(FollowUp.done_at.is_(None))
        return self._count(FollowUp, *where)

    def tags(self, customer_id: str) -> list[str]:
        with self.bank.unit_of_work() as session:
            return list(session.execute(
                select(CustomerTag.tag).where(CustomerTag.customer_id == customer_id).order_by(CustomerTag.id)).scalars())

    def audited(self, customer_id: str) -> int:
        return self._count(AuditEntry, AuditEntry.customer_id == customer_id)

    def latest_referral(self) -> Referral | None:
        with self.bank.unit_of_work() as session:
            row = session.execute(select(Referral).order_by(Referral.created_at.desc(), Referral.referral_no.desc())).scalars().first()
            if row is not None:
                session.expunge(row)
            return row

    def latest_visit(self) -> Interaction | None:
        with self.bank.unit_of_work() as session:
            row = session.execute(select(Interaction).where(Interaction.source == "chat")
                                  .order_by(Interaction.id.desc())).scalars().first()
            if row is not None:
                session.expunge(row)
            return row

    def latest_follow_up(self) -> FollowUp | None:
        """The newest follow-up task, its `due_at` in the bank's local time."""
        with self.bank.unit_of_work() as session:
            row = session.execute(select(FollowUp).order_by(FollowUp.id.desc())).scalars().first()
            if row is not None:
                session.expunge(row)
                row.due_at = to_local(row.due_at)
            return row

    def customer(self, customer_id: str) -> Customer:
        with self.bank.unit_of_work() as session:
            row = session.get(Customer, customer_id)
            session.expunge(row)
            return row

    def customer_holding(self, branch_id: str, product_name: str, *, unique_name: bool = True) -> Customer:
        """A customer of `branch_id` holding the product named `product_name` (the first by
        customer number), whose name nobody else in the bank has when `unique_name`."""
        with self.bank.unit_of_work() as session:
            query = (select(Customer).join(Holding, Holding.customer_id == Customer.customer_id)
                     .join(Product, Product.product_code == Holding.product_code)
                     .where(Customer.branch_id == branch_id, Product.name == product_name)
                     .order_by(Customer.customer_id))
            for row in session.execute(query).scalars():
                if not unique_name or session.execute(
                        select(func.count()).select_from(Customer).where(Customer.name == row.name)).scalar_one() == 1:
                    session.expunge(row)
                    return row
        raise LookupError(f"no customer of {branch_id} holds {product_name}")

    def holdings(self, customer_id: str) -> list[tuple[str, str, object]]:
        """(product name, category, maturity date or None) of what the customer holds."""
        with self.bank.unit_of_work() as session:
            return [tuple(row) for row in session.execute(
                select(Product.name, Product.category, Holding.maturity_date)
                .join(Product, Product.product_code == Holding.product_code)
                .where(Holding.customer_id == customer_id).order_by(Holding.id))]

    def writes(self) -> tuple[int, int, int]:
        """(visits, referrals, follow-ups): compared before and after a conversation."""
        return self.visits(), self.referrals(), self.follow_ups()


@pytest.fixture
def db(bank) -> Records:
    return Records(bank)
