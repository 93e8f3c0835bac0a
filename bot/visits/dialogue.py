"""The conversations of visits and follow-ups: log a visit from one free-text message, tag a
customer, the daily list and "完成第2条", feedback.

Logging a visit: the bot reads the note (bot.visits.notes), shows what it understood and saves
nothing until the user confirms; before that the user can correct a field in plain words
("跟进时间改成下周五", "不是电话,是上门", "不用跟进", "客户写错了,是李秀英") or cancel. The note is
read again at confirmation with the moment it was written, so "明天" means the same day however
late the confirmation comes. The state between messages is a plain dict kept by the chat layer
(bot.dialogue.Draft.state).

Whose visit it is: the customer the note names (or the one picked from a list); a note that names
somebody who is not found is not drafted at all; only a note that names nobody is put on the
customer in context, and its summary says so ("按上下文,客户是…").
"""
from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from bot.access import StaffMember
from bot.clock import clock
from bot.customers import replies as customer_replies
from bot.customers.service import CustomerService, Outcome, PendingChoice, View
from bot.dialogue.message import (
    CHANGE_WORDS,
    QUESTION,
    bare_name,
    cancels,
    corrected_part,
)
from bot.dialogue.waiting import CustomerSource
from bot.visits.notes.kinds import plans_only
from bot.visits.notes.amounts import find_amounts
from bot.visits.notes.results import AmountMention, VisitNote
from bot.visits.notes.times import VISIT_LOOK_BACK
from bot.visits.notes.words import CHANNEL_WORDS
from bot.visits.replies import (
    ASK_CUSTOMER,
    ASK_VISIT_NOTE,
    ASK_WHAT_TO_CHANGE,
    CANCELLED,
    NOT_FOUND_NOTHING_SAVED,
    NOT_FOUND_VISIT_NOT_LOGGED,
    NOT_SAVED_YET,
    customer_not_found,
    follow_up_scheduled,
    one_customer_per_visit,
    render_plan,
    render_understood,
    visit_saved,
)
from bot.visits.results import VisitOutcome
from bot.visits.service import VisitService
from bot.vocabulary.choice import CONFIRM_WORDS, confirms
from bot.vocabulary.numbers import parse_ordinal
from bot.vocabulary.text import has_chinese_words, without_filler
from bot.vocabulary.time_expressions import (
    find_time_expressions,
    moves_a_time,
    rescheduled,
)

CUSTOMER, CONFIRM = "customer", "confirm"
STEPS = (CUSTOMER, CONFIRM)
CHANNELS = ("上门", "电话", "到店", "微信")

NO_FOLLOW_UP = re.compile(r"(不用跟进|不跟进|不用提醒|不要提醒|不需要跟进|取消跟进|没有跟进)")
FOLLOW_UP_WORDS = re.compile(r"(跟进|回访|提醒|再联系|约|下次)")
AMOUNT_WORDS = re.compile(r"金额|钱数|数额|多少钱")
# A correction of when the contact was, said as such ("拜访时间改成昨天"): never the follow-up.
CONTACT_TIME = re.compile(r"(拜访|见面|联系|来访|到店|上门|通话|电话|去的|来的)的?时间")
REMOVE_TAG = re.compile(r"(去掉|删掉|删除|移除|撤掉|拿掉|取消|不要|删了|去了)")
# The tag as written after "标签" and a colon, a space, 是/叫/写 ("打个标签 定期到期客户"), or in
# quotes before it ("打个“定期到期客户”的标签").
TAG_AFTER_COLON = re.compile(r"标签\s*(?:[::]|是|为|叫做?|写上?|——|—|\s)\s*[“\"'「『]?([^\s“”\"'「」『』]+)"
                             r"|[“\"「『]([^“”\"「」『』]+)[”\"」』]\s*(?:的|这个|这样的)?标签")

# What makes a sentence part of a visit note: products, money, times, wishes, refusals, plans.
_NOTE_CONTENT = re.compile(r"[0-9一二三四五六七八九十两]+\s*[万元块千]|想|要|打算|考虑|兴趣|需要|不需要|没兴趣|到期|到账|买|存|取|办|"
                           r"理财|基金|定投|存款|定期|存单|国债|保险|贷款|信用卡|黄金|明天|后天|下周|月底|周[一二三四五六日天]|再[去来谈聊联打]")


@dataclass
class VisitDraftState:
    step: str = CONFIRM
    request_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    text: str = ""
    entities: dict = field(default_factory=dict)
    written_at: str = ""  # ISO, when the note was sent: relative times count from it
    customer_id: str | None = None
    customer_name: str = ""
    customer_source: str | None = None  # bot.dialogue.CustomerSource: named, picked or context
    candidate_ids: list[str] = field(default_factory=list)
    channel: str | None = None  # a correction; None: as read from the note
    follow_up_at: str | None = None  # a correction (ISO); "none" for no follow-up; None: as read
    happened_at: str | None = None  # a correction (ISO) of when the contact was; None: as read
    # A correction of the amount ("金额是50万", "不是30万,是50万"): [as written, yuan]; None: as read.
    amount: list[str] | None = None
    also_named: list[str] = field(default_factory=list)  # other customers the note names
    # The message only plans a contact ("帮他约个回访,下周二上午"): a follow-up task is made on
    # "确认", and no contact is recorded (none happened).
    plan_only: bool = False

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "VisitDraftState | None":
        if not data or data.get("step") not in STEPS:
            return None
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class VisitTurn:
    reply: str
    state: VisitDraftState | None
    customer_id: str | None = None
    saved: bool = False  # this turn saved the visit or the follow-up (committed)

    @property
    def awaiting_confirmation(self) -> bool:
        """The summary was shown and the answer is 确认 or 取消 (or a change)."""
        return self.state is not None and self.state.step == CONFIRM


def _corrected(note: VisitNote, state: VisitDraftState) -> VisitNote:
    changes = {}
    if state.channel:
        changes.update(channel=state.channel, channel_given=True)
    if state.follow_up_at == "none":
        changes.update(follow_up_at=None, follow_up_text=None)
    elif state.follow_up_at:
        changes.update(follow_up_at=datetime.fromisoformat(state.follow_up_at))
    if state.happened_at:
        changes.update(happened_at=datetime.fromisoformat(state.happened_at), happened_given=True)
    if state.amount:
        written, yuan = state.amount
        changes.update(amounts=(AmountMention(written, Decimal(yuan), 0, 0),))
    return replace(note, **changes) if changes else note


class VisitConversation:
    def __init__(self, customers: CustomerService, visits: VisitService) -> None:
        self.customers = customers
        self.visits = visits

    def start(self, staff, entities, text, customer_in_context, channel) -> VisitTurn:
        now = clock.now()
        draft = self.visits.draft_visit(staff, text, entities, customer_in_context, channel, now=now)
        state = VisitDraftState(text=text, entities=entities, written_at=now.isoformat(), plan_only=plans_only(text))
        if draft.outcome is VisitOutcome.EMPTY_NOTE:
            return VisitTurn(ASK_VISIT_NOTE, None)
        if draft.outcome is VisitOutcome.NOT_FOUND:
            state.step = CUSTOMER  # "是陈美玲" next puts the note on her, after the summary is shown
            return VisitTurn(customer_not_found(draft.named), state)
        if draft.outcome is VisitOutcome.NO_CUSTOMER_GIVEN:
            state.step = CUSTOMER
            return VisitTurn(ASK_CUSTOMER, state)
        if draft.outcome is VisitOutcome.CHOOSE:
            state.step, state.candidate_ids = CUSTOMER, [c.customer_id for c in draft.candidates]
            return VisitTurn(customer_replies.render_candidates(draft.candidates, False, surname=draft.surname), state)
        state.customer_id, state.customer_name = draft.customer_id, draft.customer_name
        state.also_named = list(draft.also_named)
        state.customer_source = (CustomerSource.CONTEXT if draft.from_context else CustomerSource.NAMED).value
        return self._show(staff, state)

    def resume(self, staff, state: VisitDraftState, intent, entities, text, channel) -> VisitTurn:
        text = text.strip()
        if cancels(text) or (intent == "deny" and not entities and state.step == CUSTOMER):
            return VisitTurn(CANCELLED, None)
        if state.step == CUSTOMER:
            return self._pick_customer(staff, state, entities, text, channel)
        if confirms(text, intent, entities, lambda text: self.customers.is_customer_name(staff, text)):
            return self._save(staff, state, channel)
        changed = corrected_part(text)
        named = {k: [v for v in vs if v in changed] for k, vs in entities.items()}
        named = {k: vs for k, vs in named.items() if vs}
        names_one = _names_customer(named) or (
            bare_name(changed) is not None and self.customers.is_customer_name(staff, changed))
        if ("客户" in text and (names_one or bare_name(changed))) or (CHANGE_WORDS.search(text) and names_one):
            # "客户写错了,是李秀英", "客户改成C00000005": the note's customer, corrected.
            state.candidate_ids = []
            return self._pick_customer(staff, state, named, changed, channel)
        if self._correct(state, text, staff):
            return self._show(staff, state)
        if adds_to_the_note(text) and not CHANGE_WORDS.search(text) and intent != "deny":
            # "她想买点国债,下周一下午再去": more about the same visit. The note is read again
            # with it, from the moment it was first written.
            state.text = state.text.rstrip("。.,, ") + "。" + text
            for name, values in entities.items():
                state.entities[name] = [*state.entities.get(name, []), *(v for v in values if v not in state.entities.get(name, []))]
            return self._show(staff, state)
        if intent == "deny" or CHANGE_WORDS.search(text):
            return VisitTurn(ASK_WHAT_TO_CHANGE, state, customer_id=state.customer_id)
        return VisitTurn(NOT_SAVED_YET, state, customer_id=state.customer_id)

    def _pick_customer(self, staff, state, entities, text, channel) -> VisitTurn:
        """The customer named (or picked from the list shown) for this note; a name that finds
        nobody is said so, and the note waits for a customer (none is kept)."""
        pending = PendingChoice(state.candidate_ids, View.PICK) if state.candidate_ids else None
        if pending and len(state.candidate_ids) == 1 and CONFIRM_WORDS.match(text):
            text = "1"  # "找到1位姓欧阳的客户,是这位吗?" "是"
        answer = self.customers.handle(staff, View.PICK if not pending else None, entities, text, None, pending, channel)
        if answer.outcome is not Outcome.SHOWN:
            state.step, state.customer_id, state.customer_name, state.customer_source = CUSTOMER, None, "", None
            if answer.outcome in (Outcome.CHOOSE, Outcome.BAD_CHOICE):
                state.candidate_ids = [c.customer_id for c in answer.candidates]
                return VisitTurn(customer_replies.render(answer, clock.today()), state)
            state.candidate_ids = []
            if answer.outcome in (Outcome.NO_CUSTOMER_GIVEN, Outcome.NOT_UNDERSTOOD):
                return VisitTurn(ASK_CUSTOMER, state)
            return VisitTurn(customer_replies.render(answer, clock.today()) + "\n" + ASK_CUSTOMER, state)
        source = CustomerSource.PICKED if answer.query is None else CustomerSource.NAMED
        state.step, state.customer_id, state.candidate_ids = CONFIRM, answer.customer_id, []
        state.customer_source = source.value
        state.customer_name = self.visits.customer_name(staff, answer.customer_id) or answer.customer_id
        return self._show(staff, state)

    def _correct(self, state: VisitDraftState, text: str, staff: StaffMember | None = None) -> bool:
        """Apply a correction in plain words; False when the message corrects nothing.
        A time with a follow-up word or moving wording ("跟进时间改成下周五", "推到下个月初",
        "不是下周三,是下周四") is the new follow-up; what it leaves out (the time of day, or the
        day) is kept from the follow-up shown (`staff` reads it; without it, the last correction)."""
        changed = False
        if NO_FOLLOW_UP.search(text):
            state.follow_up_at, changed = "none", True
        else:
            now, hour = clock.now(), self.visits.settings.follow_up_default_hour
            if (FOLLOW_UP_WORDS.search(text) or moves_a_time(text)) and not CONTACT_TIME.search(text) \
                    and find_time_expressions(text, now):
                shown = self._note(staff, state) if staff else None
                previous = shown.follow_up_at if shown else (
                    datetime.fromisoformat(state.follow_up_at) if state.follow_up_at not in (None, "none") else None)
                moved = rescheduled(text, now, previous, default_hour=hour)
                if moved is not None:
                    state.follow_up_at, changed = moved.isoformat(), True
        if not changed and not FOLLOW_UP_WORDS.search(text) and (CHANGE_WORDS.search(text) or "时间" in text):
            # "时间写错了,是上午", "不是今天,是昨天下午": when the contact was.
            moment = self._contact_time(state, text, staff)
            if moment is not None:
                state.happened_at, changed = moment.isoformat(), True
        # "金额是50万", "不是30万,是50万": the one amount named last is the note's amount.
        amounts = find_amounts(corrected_part(text))
        if amounts and (AMOUNT_WORDS.search(text) or CHANGE_WORDS.search(text)):
            state.amount, changed = [amounts[-1].text, str(amounts[-1].amount)], True
        # "不是电话,是上门", "是微信": the last channel word named is the right one ("拜访时间" names
        # none). Only said as a correction or alone: "她说下周三来网点" reports, it corrects nothing.
        text = CONTACT_TIME.sub(" ", text)
        named = [(text.rfind(word), CHANNEL_WORDS.get(word, word)) for word in CHANNEL_WORDS if word in text]
        named = [(at, ch) for at, ch in named if ch in CHANNELS]
        if named and (CHANGE_WORDS.search(text) or len(without_filler(text)) <= 5):
            state.channel, changed = max(named)[1], True
        return changed

    def _contact_time(self, state: VisitDraftState, text: str, staff: StaffMember | None) -> datetime | None:
        """The contact's time a correction gives, or None: a day keeps the time of day shown, a
        time of day alone keeps the day shown ("上午" is 09:00, "下午" 14:00); never later than
        when the note was written, nor over a month before it."""
        written = datetime.fromisoformat(state.written_at) if state.written_at else clock.now()
        spans = find_time_expressions(corrected_part(text), written)
        if not spans:
            return None
        span = spans[-1]
        shown = self._note(staff, state) if staff else None
        before = shown.happened_at.astimezone(clock.tz) if shown else written.astimezone(clock.tz)
        at = (span.usual_at or span.begins).astimezone(clock.tz)
        if not span.has_time_of_day:
            at = datetime.combine(at.date(), before.timetz())
        elif not span.dated:
            at = datetime.combine(before.date(), at.timetz())
        if at > written or written - at > VISIT_LOOK_BACK:
            return None
        return at

    def _note(self, staff: StaffMember, state: VisitDraftState) -> VisitNote:
        return _corrected(self.visits.read_note(staff, state.text, state.entities,
                                                datetime.fromisoformat(state.written_at), state.customer_id), state)

    def _show(self, staff: StaffMember, state: VisitDraftState) -> VisitTurn:
        note = self._note(staff, state)
        from_context = state.customer_source == CustomerSource.CONTEXT.value
        if state.plan_only and note.follow_up_at:
            return VisitTurn(render_plan(state.customer_name, note, from_context), state, customer_id=state.customer_id)
        effects = self.visits.visit_effects(staff, state.customer_id, note)
        reply = render_understood(state.customer_name, note, from_context, effects)
        others = [n for n in state.also_named if n != state.customer_name]
        if others:
            reply = one_customer_per_visit(state.customer_name, others) + "\n" + reply
        return VisitTurn(reply, state, customer_id=state.customer_id)

    def _save(self, staff: StaffMember, state: VisitDraftState, channel: str) -> VisitTurn:
        note = self._note(staff, state)
        if state.plan_only and note.follow_up_at:
            planned = self.visits.schedule_follow_up(staff, state.customer_id, note, state.request_key, channel)
            if planned is None:
                return VisitTurn(NOT_FOUND_NOTHING_SAVED, None)
            return VisitTurn(follow_up_scheduled(planned.customer_name, planned.due_at),
                             None, customer_id=planned.customer_id, saved=True)
        logged = self.visits.log_visit(staff, state.customer_id, note, state.request_key, channel)
        if logged.outcome is not VisitOutcome.LOGGED:
            return VisitTurn(NOT_FOUND_VISIT_NOT_LOGGED, None)
        return VisitTurn(visit_saved(logged), None, customer_id=logged.customer_id, saved=True)


def adds_to_the_note(text: str) -> bool:
    """Whether a message at the confirmation says more about the visit (a statement with
    something to read: a product, a time, an amount, an interest), not a question."""
    return (has_chinese_words(text) and len(text.strip()) >= 4 and not QUESTION.search(text)
            and bool(_NOTE_CONTENT.search(text)))


def _names_customer(entities: dict) -> bool:
    return any(entities.get(name) for name in ("customer_name", "phone", "customer_id", "id_number"))


# ---------------------------------------------------------------------------- tags, list, feedback


# "把爱打太极去掉", "去掉他的沉睡客户标签", "沉睡客户这个标签删了": the tag named around the verb.
_TAG_BEFORE_REMOVAL = re.compile(r"把(?:他|她|客户)?的?(?P<tag>[^,，。]+?)(?:这个|的)?(?:标签)?(?:给)?(?:去掉|删掉|删除|移除|撤掉|拿掉|取消|删了|去了)")
_TAG_AFTER_REMOVAL = re.compile(r"(?:去掉|删掉|删除|移除|撤掉|拿掉)(?:他|她|客户|[\u4e00-\u9fff]{2,4}?)?的?(?P<tag>[^,，。]+?)(?:这个)?标签")
_TAG_THEN_REMOVAL = re.compile(r"^(?P<tag>[^,，。]+?)(?:这个)?标签(?:给)?(?:去掉|删掉|删除|删了|去了|不要了)")


def tag_request(entities: dict[str, list[str]], text: str) -> tuple[str | None, bool]:
    """The tag a message asks to add or remove: ("有房贷需求", False). The words after "标签:" are
    the tag as written; else the words the removal names; else the NLU's tag words, joined when
    they stand together in the message (爱 + 太极 of "爱打太极" is "爱打太极"). A tag must be a
    phrase a manager would write (bot.visits.notes.is_tag_phrase): a stray word is no tag, and
    the bot asks which tag."""
    from bot.visits.notes.tags import is_tag_phrase

    remove = bool(REMOVE_TAG.search(text))
    found = TAG_AFTER_COLON.search(text)
    if found and REMOVE_TAG.match(found.group(1) or ""):
        found, text = None, re.sub(r"(?<=标签)\s+", "", text)  # "把他的沉睡客户标签 去掉": no tag after it
    if found:
        tag = (found.group(1) or found.group(2)).strip("。,,!!")
    elif remove and (_TAG_BEFORE_REMOVAL.search(text) or _TAG_AFTER_REMOVAL.search(text) or _TAG_THEN_REMOVAL.search(text)):
        match = _TAG_BEFORE_REMOVAL.search(text) or _TAG_AFTER_REMOVAL.search(text) or _TAG_THEN_REMOVAL.search(text)
        tag = match.group("tag").strip()
    else:
        tag = _joined_tag_words(entities.get("tag") or [], text)
    return (tag if is_tag_phrase(tag) else None), remove


def _joined_tag_words(values: list[str], text: str) -> str | None:
    """The NLU's tag words as one phrase: from the first to the last where they stand within a
    few characters of each other in the message."""
    spans = sorted((text.find(value), text.find(value) + len(value)) for value in values if value and value in text)
    if not spans:
        return values[0] if values else None
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if next_start - end > 3:
            break
        end = max(end, next_end)
    return text[start:end]


def item_number(text: str) -> int | None:
    """"完成第2条", "第二个办完了", "第十二条", "2" -> the number (bot.vocabulary.numbers)."""
    return parse_ordinal(text)


COMPLETING = ("完成", "办完", "做完", "搞定")


def completion_asked(text: str) -> int | None:
    """"完成第2条", "第3个搞定了": the number of the daily list's item to close; None when the
    message asks for a list ("我的待办", "明天的待办")."""
    if any(word in text for word in COMPLETING):
        return item_number(text)
    return None


def without_tag_words(text: str, entities: dict[str, list[str]], tag_word: str | None) -> str:
    """The message without its tag words, to find the customer in: a tag word is never a
    customer's name ("给王建国加个标签:有房贷需求")."""
    for value in [*(entities.get("tag") or []), *([tag_word] if tag_word else [])]:
        text = text.replace(value, " ")
    return text
