"""The campaign draft (营销活动草稿): made from the segment last listed, shown as a summary, saved
on "确认", changed in plain words before that ("截止改成12月31日", "换成理财", "都给我",
"平均分给王芳和马骏"), dropped on "取消". Its state is a plain dict in `Draft.state`.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date

from bot.access import StaffMember
from bot.campaigns import replies
from bot.campaigns.reading import read_campaign
from bot.campaigns.results import PlanOutcome
from bot.campaigns.service import CampaignService
from bot.clock import clock
from bot.dialogue.message import cancels
from bot.dialogue.waiting import Step
from bot.segments.conditions import Segment
from bot.vocabulary.choice import CONFIRM_WORDS


@dataclass
class CampaignDraftState:
    conditions: dict
    request_key: str
    product_word: str | None = None
    assignment: str | None = None
    colleagues: list[str] = field(default_factory=list)
    deadline: str | None = None  # ISO date
    name: str | None = None
    step: str = Step.CONFIRM.value
    # A campaign is about many customers: none of them is the draft's customer.
    customer_id: str | None = None
    customer_name: str | None = None
    customer_source: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "CampaignDraftState | None":
        if not isinstance(data, dict) or not isinstance(data.get("conditions"), dict) or not data.get("request_key"):
            return None
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        try:
            state = cls(**known)
            if state.deadline:
                date.fromisoformat(state.deadline)
        except (TypeError, ValueError):
            return None
        return state

    @property
    def segment(self) -> Segment | None:
        return Segment.from_dict(self.conditions)

    @property
    def deadline_date(self) -> date | None:
        return date.fromisoformat(self.deadline) if self.deadline else None


@dataclass
class CampaignTurn:
    reply: str
    state: CampaignDraftState | None
    saved: bool = False
    awaiting_confirmation: bool = False
    customer_id: str | None = None


class CampaignConversation:
    def __init__(self, campaigns: CampaignService) -> None:
        self.campaigns = campaigns

    def start(self, staff: StaffMember, text: str, segment: Segment | None) -> CampaignTurn:
        words = read_campaign(text, clock.today(), self.campaigns.colleague_names(staff))
        state = CampaignDraftState(
            conditions=segment.as_dict() if segment is not None else {}, request_key=f"campaign-{uuid.uuid4().hex}",
            product_word=words.product_word, assignment=words.assignment.value if words.assignment else None,
            colleagues=list(words.colleagues), deadline=words.deadline.isoformat() if words.deadline else None,
            name=words.name)
        return self._show(staff, state, segment)

    def resume(self, staff: StaffMember, state: CampaignDraftState, intent: str | None, entities: dict,
               text: str, channel: str) -> CampaignTurn:
        if cancels(text) or (intent == "deny" and len(text) <= 6):
            return CampaignTurn(replies.CANCELLED, None)
        segment = state.segment
        if state.step == Step.CONFIRM.value and (CONFIRM_WORDS.match(text.strip()) or intent == "affirm"):
            created = self.campaigns.create(staff, segment, state.product_word, state.assignment,
                                            tuple(state.colleagues), state.deadline_date, state.name, state.request_key)
            if created.campaign_no:
                return CampaignTurn(replies.render_created(created), None, saved=created.created)
            return self._after(created.plan, state)
        words = read_campaign(text, clock.today(), self.campaigns.colleague_names(staff))
        if words.product_word:
            state.product_word = words.product_word
        if words.assignment is not None:
            state.assignment, state.colleagues = words.assignment.value, list(words.colleagues)
        if words.deadline is not None:
            state.deadline = words.deadline.isoformat()
        if words.name:
            state.name = words.name
        return self._show(staff, state, segment)

    def _show(self, staff: StaffMember, state: CampaignDraftState, segment: Segment | None) -> CampaignTurn:
        plan = self.campaigns.plan(staff, segment, state.product_word, state.assignment, tuple(state.colleagues),
                                   state.deadline_date, state.name)
        return self._after(plan, state)

    @staticmethod
    def _after(plan, state: CampaignDraftState) -> CampaignTurn:
        reply = replies.render_plan(plan, clock.today())
        if plan.outcome is PlanOutcome.READY:
            state.step = Step.CONFIRM.value
            state.deadline = plan.deadline.isoformat()
            return CampaignTurn(reply, state, awaiting_confirmation=True)
        if plan.outcome is PlanOutcome.NO_PRODUCT:
            state.step = Step.PRODUCT.value
            return CampaignTurn(reply, state)
        return CampaignTurn(reply, None)  # not made, and said why: nothing waits for a "确认"
