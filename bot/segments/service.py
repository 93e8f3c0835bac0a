"""SegmentService: segments (客群) in chat, each use case one unit of work with the turn's
`StaffMember`.

* `find`: a segment's count and one page of its customers, each customer shown audited
  (AUDIT_SEGMENT), phones masked;
* `save`, `saved_lists`: her saved lists (bot.segments.saved).

What a message asks is read in bot.segments.reading and bot.segments.saved; the text of the
answers is bot.segments.replies.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot import audit
from bot.access import StaffMember
from bot.clock import age_on, clock, next_birthday
from bot.db import Database
from bot.privacy import mask_phone
from bot.segments import saved as saved_lists
from bot.segments import search
from bot.segments.conditions import Scene, Segment
from bot.segments.reading import read_segment
from bot.segments.results import (
    SavedListLine,
    SavedListsAnswer,
    SaveOutcome,
    SegmentLine,
    SegmentOutcome,
    SegmentPage,
    SegmentSaved,
)
from bot.settings import Settings

PAGE_SIZE = 10
AUDIT_SEGMENT = "segment"


def _birthday(birth: date | None, first: date | None) -> date | None:
    return next_birthday(birth, first) if birth is not None and first is not None else None


class SegmentService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def read(self, text: str, product_words: list[str] | tuple[str, ...] = (),
             shown: Segment | None = None) -> Segment:
        """The segment a message asks for; with `shown` (the segment just listed), the message
        read as its correction ("改成10万以上", "只要代理网点的")."""
        words = read_segment(text, clock.today(), product_words, correcting=shown)
        if shown is None:
            return words.segment
        return shown.corrected(words.segment, words.cleared)

    def find(self, staff: StaffMember, segment: Segment | None, channel: str, offset: int = 0,
             saved_name: str | None = None) -> SegmentPage:
        if segment is None:
            return SegmentPage(SegmentOutcome.NO_SEGMENT)
        if segment.is_empty:
            return SegmentPage(SegmentOutcome.NO_CONDITION, segment)
        if segment.scene == Scene.POTENTIAL.value or segment.likely_category:
            return SegmentPage(SegmentOutcome.NOT_BUILT, segment)
        today = clock.today()
        valid_days = self.settings.risk_assessment_valid_days
        with self.db.unit_of_work() as session:
            total = search.count(session, staff, segment, today, valid_days)
            if total == 0:
                return SegmentPage(SegmentOutcome.EMPTY, segment, saved_name=saved_name)
            if offset >= total:
                return SegmentPage(SegmentOutcome.NOTHING_MORE, segment, total, saved_name=saved_name)
            found = search.page(session, staff, segment, today, valid_days, offset, PAGE_SIZE)
            lines = []
            for number, customer in enumerate(found, start=offset + 1):
                audit.record_view(session, staff.staff_id, customer.customer_id, AUDIT_SEGMENT, channel,
                                  f"客群第{number}/{total}位")
                maturing = customer.maturing
                lines.append(SegmentLine(
                    number=number, customer_id=customer.customer_id, name=customer.name,
                    phone=mask_phone(customer.phone), branch_name=customer.branch_name,
                    manager_name=customer.manager_name, assets=customer.assets,
                    age=age_on(customer.birth_date, today),
                    birthday=_birthday(customer.birth_date, segment.birthday_from),
                    risk_assessed_on=customer.risk_assessed_on,
                    maturing_product=maturing.product_name if maturing else None,
                    maturing_amount=maturing.amount if maturing else None,
                    maturing_on=maturing.maturity_date if maturing else None,
                    last_contact=customer.last_contact,
                ))
        return SegmentPage(SegmentOutcome.FOUND, segment, total, tuple(lines),
                           several_branches=len(staff.served_branch_ids) > 1, saved_name=saved_name)

    def save(self, staff: StaffMember, name: str | None, segment: Segment | None) -> SegmentSaved:
        if segment is None or segment.is_empty:
            return SegmentSaved(SaveOutcome.NO_SEGMENT)
        if not name:
            return SegmentSaved(SaveOutcome.NO_NAME, segment=segment)
        today = clock.today()
        with self.db.unit_of_work() as session:
            stored, replaced = saved_lists.save(session, staff.staff_id, name, segment, today)
            if not stored:
                return SegmentSaved(SaveOutcome.TOO_MANY, name, segment)
            total = search.count(session, staff, segment, today, self.settings.risk_assessment_valid_days)
        return SegmentSaved(SaveOutcome.REPLACED if replaced else SaveOutcome.SAVED, name, segment, total)

    def save_asked(self, staff: StaffMember, text: str, segment: Segment | None) -> SegmentSaved:
        """"保存为名单:下月到期": the segment last shown (None: none shown) under the name written."""
        return self.save(staff, saved_lists.save_name_asked(text), segment)

    def saved_lists(self, staff: StaffMember, text: str, channel: str) -> SavedListsAnswer:
        """"我的名单", "打开名单1", "删除名单:下月到期"."""
        asked, which = saved_lists.saved_list_asked(text)
        today = clock.today()
        if asked == "open":
            with self.db.unit_of_work() as session:
                chosen = saved_lists.find_saved(session, staff.staff_id, which, today)
            if chosen is None:
                return replace(self.saved_lists(staff, "我的名单", channel), asked="open", found=False, name=which)
            name, segment = chosen
            return SavedListsAnswer("open", page=self.find(staff, segment, channel, saved_name=name), name=name)
        with self.db.unit_of_work() as session:
            if asked == "delete":
                chosen = saved_lists.find_saved(session, staff.staff_id, which, today)
                if chosen is None:
                    return SavedListsAnswer("delete", name=which, found=False)
                saved_lists.delete_saved(session, staff.staff_id, chosen[0])
                return SavedListsAnswer("delete", name=chosen[0])
            lines = tuple(
                SavedListLine(number, name, segment, search.count(
                    session, staff, segment, today, self.settings.risk_assessment_valid_days))
                for number, (name, segment) in enumerate(saved_lists.saved_segments(session, staff.staff_id, today), 1)
            )
        return SavedListsAnswer("list", lines)
