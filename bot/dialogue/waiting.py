"""What waits between turns: a draft (its step, its customer and how that customer was chosen)
or a numbered choice, and what the last answer was about (`Waiting.topic`). Kept in one slot
(`Waiting.to_dict`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import Enum

DRAFT_TTL = timedelta(minutes=30)

REFERRAL, VISIT, CAMPAIGN = "referral", "visit", "campaign"
SUGGESTIONS, TASKS, HOLDINGS, REFERRAL_UPDATED, FIGURES = "suggestions", "tasks", "holdings", "referral_updated", "figures"
CONTACTS = "contacts"  # her own contacts were listed: "上个月呢" asks for that month's
SEGMENT = "segment"  # a segment was listed: "更多" pages on, "改成10万以上" corrects it
TOPICS = (SUGGESTIONS, TASKS, HOLDINGS, REFERRAL_UPDATED, FIGURES, CONTACTS, SEGMENT)
SEGMENT_TTL = timedelta(hours=2)
MAX_SEGMENT_IDS = 200


class Step(str, Enum):
    """What a draft asked last, so the next message is read as its answer."""

    CUSTOMER = "customer"  # which customer (a name, a number, or a pick from the list shown)
    PRODUCT = "product"  # which product the customer is interested in (referrals)
    RECEIVER = "receiver"  # which colleague takes it (referrals)
    DUPLICATE = "duplicate"  # add to the open referral, or create another
    CONFIRM = "confirm"  # the summary is shown: 确认, 取消, or a correction


class CustomerSource(str, Enum):
    """How a draft's customer was chosen; a draft on a customer taken from context says so."""

    NAMED = "named"  # the employee named the customer (name, phone, customer or ID number)
    PICKED = "picked"  # the employee picked one of a list of namesakes
    CONTEXT = "context"  # nobody named: the customer the conversation was about




@dataclass
class Draft:
    kind: str  # REFERRAL, VISIT or CAMPAIGN
    step: str  # a Step value
    since: str  # ISO time the bot last asked: the draft expires DRAFT_TTL after it
    customer_id: str | None = None
    customer_name: str | None = None
    customer_source: str | None = None  # a CustomerSource value
    state: dict = field(default_factory=dict)  # the capability's own state

    def expired(self, now: datetime) -> bool:
        try:
            since = datetime.fromisoformat(self.since)
        except (TypeError, ValueError):
            return True
        return now - since > DRAFT_TTL

    @property
    def what(self) -> str:
        """The draft in a few words, for one-line notices: "给王建国的转介", "王建国的拜访记录",
        "转介" before its customer is known."""
        name = self.customer_name
        if self.kind == CAMPAIGN:
            return "营销活动草稿"
        if self.kind == REFERRAL:
            product = self.state.get("product_word")
            head = f"给{name}的转介" if name else "转介"
            return head + (f"({product})" if product else "")
        return f"{name}的拜访记录" if name else "拜访记录"


@dataclass
class Choice:
    """A numbered list of customers shown, and what the employee asked about them."""

    candidate_ids: list[str]
    request: dict  # {"kind": "view", "view": ...} | {"kind": "tag", ...} | {"kind": "suggest", ...}


@dataclass
class ShownSegment:
    """The segment (客群) last listed: its conditions (bot.segments.conditions.Segment.as_dict),
    the customers shown so far in their order (the numbers of every page), the saved list it was
    opened from, and when. Kept until another segment replaces it or SEGMENT_TTL passes, so that
    "保存为名单:…" can follow a look at one of its customers."""

    conditions: dict
    shown_ids: list[str] = field(default_factory=list)
    since: str = ""
    saved_name: str | None = None

    def expired(self, now: datetime) -> bool:
        try:
            return now - datetime.fromisoformat(self.since) > SEGMENT_TTL
        except (TypeError, ValueError):
            return True


@dataclass
class Waiting:
    draft: Draft | None = None
    choice: Choice | None = None
    # What the last answer was about, when a short follow-up depends on it: SUGGESTIONS after a
    # list of suggestions or a "may she buy" answer ("那X呢" then asks about X); TASKS after the
    # daily list ("明天呢" then asks for tomorrow's); HOLDINGS after a customer's holdings
    # ("大额存单呢" then asks for that kind of hers).
    topic: str | None = None
    segment: ShownSegment | None = None  # the segment last listed

    def to_dict(self) -> dict | None:
        if self.draft is None and self.choice is None and self.topic is None and self.segment is None:
            return None
        return {"draft": asdict(self.draft) if self.draft else None,
                "choice": asdict(self.choice) if self.choice else None,
                "topic": self.topic,
                **({"segment": asdict(self.segment)} if self.segment else {})}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Waiting":
        """What the slot holds; anything malformed (an old or tampered slot) waits for nothing."""
        if not isinstance(data, dict):
            return cls()
        draft = choice = None
        raw = data.get("draft")
        if isinstance(raw, dict) and raw.get("kind") in (REFERRAL, VISIT, CAMPAIGN) and raw.get("step") in {s.value for s in Step}:
            known = {k: v for k, v in raw.items() if k in Draft.__dataclass_fields__}
            draft = Draft(**known)
            if not isinstance(draft.state, dict):
                draft.state = {}
        raw = data.get("choice")
        if isinstance(raw, dict) and isinstance(raw.get("candidate_ids"), list) and raw["candidate_ids"]:
            choice = Choice([str(c) for c in raw["candidate_ids"]], dict(raw.get("request") or {}))
        topic = data.get("topic") if data.get("topic") in TOPICS else None
        return cls(draft, choice, topic, _shown_segment(data.get("segment")))


def _shown_segment(raw) -> ShownSegment | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("conditions"), dict):
        return None
    ids = raw.get("shown_ids")
    ids = [str(i) for i in ids][:MAX_SEGMENT_IDS] if isinstance(ids, list) else []
    name = raw.get("saved_name")
    return ShownSegment(dict(raw["conditions"]), ids, str(raw.get("since") or ""),
                        name if isinstance(name, str) else None)
