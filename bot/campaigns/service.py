"""CampaignService: marketing campaigns (营销活动) made from a segment, each use case one unit of
work with the turn's `StaffMember`.

* `plan`: what "做个活动,推大额存单,按客户经理分,月底前" would make: how many customers, how many
  the suitability rules and the scope leave out, who gets how many (nothing written);
* `create`: the same plan, made on "确认": the campaign, one target per customer in its
  assignee's daily list, a history row each, one notification per assignee; idempotent by the
  confirmation's request key;
* `record_outcome`: "第3个已联系,有意向", "王建国 成交10万": a target moved on, with its history row;
* `progress`: "活动进度": contacted, interested, converted, amount, overdue, per person and in
  total (a branch head sees everyone's, anybody else her own);
* `reassign`: "把马骏没联系的转给王芳" (branch heads);
* `report_rows`: `python -m bot campaigns report`.

Who may make one: branch heads, customer managers and wealth managers. Rules of targeting and
assignment: bot.campaigns.targets.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, or_, select
from sqlalchemy.orm import Session

from bot import outbox
from bot.access import StaffMember
from bot.campaigns import replies, targets
from bot.campaigns.reading import Assignment
from bot.campaigns.results import (
    AssigneeCount,
    CampaignCreated,
    CampaignPlan,
    CampaignProgress,
    OutcomeRecorded,
    OutcomeResult,
    PersonProgress,
    PlanOutcome,
    Reassigned,
)
from bot.clock import clock, to_storage
from bot.db import Database, for_update
from bot.customers.lookup import pronoun_fits
from bot.dialogue.message import PRONOUN
from bot.models import (
    OPEN_CAMPAIGN_TARGET_STATUSES,
    Campaign,
    CampaignEvent,
    CampaignTarget,
    Customer,
    Staff,
    StaffCoverage,
)
from bot.segments import search
from bot.segments.conditions import Segment
from bot.settings import Settings
from bot.vocabulary.products import category_of_word

MAKERS = ("branch_head", "customer_manager", "wealth_manager")
DEFAULT_DAYS = 30
# How far each outcome goes; a target never moves back (已成交 stays 已成交).
_STEP = {"open": 0, "contacted": 1, "interested": 2, "converted": 3, "declined": 3}
CLOSED = ("converted", "declined")
_SEVERAL = "several"


def colleagues_serving(session: Session, staff: StaffMember) -> dict[str, str]:
    """Name -> staff id of everyone who serves one of her branches (herself included)."""
    branches = sorted(staff.served_branch_ids)
    covering = select(StaffCoverage.staff_id).where(StaffCoverage.branch_id.in_(branches))
    return {name: staff_id for staff_id, name in session.execute(
        select(Staff.staff_id, Staff.name).where(or_(Staff.branch_id.in_(branches), Staff.staff_id.in_(covering)))
        .order_by(Staff.staff_id))}


class CampaignService:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    # ------------------------------------------------------------------ making one

    def colleague_names(self, staff: StaffMember) -> list[str]:
        with self.db.unit_of_work() as session:
            return list(colleagues_serving(session, staff))

    def plan(self, staff: StaffMember, segment: Segment | None, product_word: str | None, assignment: str | None,
             colleagues: tuple[str, ...] = (), deadline: date | None = None, name: str | None = None) -> CampaignPlan:
        with self.db.unit_of_work() as session:
            plan, _found = self._plan(session, staff, segment, product_word, assignment, colleagues, deadline, name)
        return plan

    def _plan(self, session: Session, staff: StaffMember, segment, product_word, assignment, colleagues, deadline, name):
        today = clock.today()
        if staff.role not in MAKERS:
            return CampaignPlan(PlanOutcome.NOT_ALLOWED), None
        if segment is None or segment.is_empty:
            return CampaignPlan(PlanOutcome.NO_SEGMENT), None
        assignment = assignment or (Assignment.BY_MANAGER.value if staff.role == "branch_head" else Assignment.TO_ME.value)
        deadline = deadline or today + timedelta(days=DEFAULT_DAYS)
        base = CampaignPlan(PlanOutcome.READY, segment, product_word, assignment, deadline,
                            name or replies.default_name(product_word, segment),
                            colleagues=tuple(colleagues) if assignment == Assignment.EVENLY.value else ())
        if not product_word or category_of_word(product_word) is None:
            return replace(base, outcome=PlanOutcome.NO_PRODUCT), None
        if not targets.on_sale_products(session, product_word):
            return replace(base, outcome=PlanOutcome.NOT_ON_SALE), None
        named = colleagues_serving(session, staff)
        colleague_ids = []
        if assignment == Assignment.EVENLY.value:
            for colleague in colleagues:
                if colleague not in named:
                    return replace(base, outcome=PlanOutcome.UNKNOWN_COLLEAGUE, unknown=colleague), None
                colleague_ids.append(named[colleague])
            if not colleague_ids:
                base = replace(base, assignment=Assignment.TO_ME.value)
        valid_days = self.settings.risk_assessment_valid_days
        segments_total = search.count(session, staff, segment, today, valid_days)
        if segments_total > targets.MAX_TARGETS:
            return replace(base, outcome=PlanOutcome.TOO_MANY, segment_total=segments_total), None
        found = targets.target(session, staff, segment, product_word, base.assignment, colleague_ids, today, valid_days)
        names = {staff_id: name for name, staff_id in named.items()}
        names.update(self._names(session, {t.assignee_id for t in found.targets} - set(names)))
        counts: dict[str, int] = {}
        for one in found.targets:
            counts[one.assignee_id] = counts.get(one.assignee_id, 0) + 1
        assignees = tuple(AssigneeCount(staff_id, names.get(staff_id, staff_id), count)
                          for staff_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        total = len(found.targets)
        plan = replace(base, segment_total=found.segment_total, targets=total, unsuitable=found.unsuitable,
                       out_of_scope=found.out_of_scope, assignees=assignees,
                       outcome=PlanOutcome.READY if total else PlanOutcome.NO_ONE)
        return plan, found

    @staticmethod
    def _names(session: Session, staff_ids: set[str]) -> dict[str, str]:
        if not staff_ids:
            return {}
        return dict(session.execute(select(Staff.staff_id, Staff.name).where(Staff.staff_id.in_(sorted(staff_ids)))).all())

    def create(self, staff: StaffMember, segment: Segment | None, product_word: str | None, assignment: str | None,
               colleagues: tuple[str, ...], deadline: date | None, name: str | None, request_key: str) -> CampaignCreated:
        """The plan made (see `plan`), in one transaction; the same request key twice makes one."""
        with self.db.unit_of_work() as session:
            existing = session.execute(select(Campaign).where(Campaign.request_key == request_key)).scalars().first()
            if existing is not None:
                plan, _ = self._plan(session, staff, segment, product_word, assignment, colleagues, deadline, name)
                return CampaignCreated(plan, existing.campaign_no, created=False)
            plan, found = self._plan(session, staff, segment, product_word, assignment, colleagues, deadline, name)
            if plan.outcome is not PlanOutcome.READY:
                return CampaignCreated(plan, "", created=False)
            now = to_storage(clock.now())
            number = self._next_number(session)
            campaign = Campaign(campaign_no=number, request_key=request_key, name=plan.name, product_word=product_word,
                                product_category=category_of_word(product_word), created_by=staff.staff_id,
                                branch_id=staff.branch_id, deadline=plan.deadline, conditions=segment.as_dict(),
                                created_at=now)
            session.add(campaign)
            session.flush()
            assets = targets.assets_of(session, [t.customer_id for t in found.targets]) \
                if not segment.maturing and segment.birthday_from is None else {}
            session.execute(insert(CampaignTarget), [
                {"campaign_id": campaign.id, "customer_id": t.customer_id, "assignee_id": t.assignee_id,
                 "reason": replies.target_reason(t, segment, assets.get(t.customer_id), clock.today())[:200],
                 "status": "open", "updated_at": now}
                for t in found.targets])
            ids = session.execute(select(CampaignTarget.id).where(CampaignTarget.campaign_id == campaign.id)).scalars().all()
            session.execute(insert(CampaignEvent), [
                {"target_id": target_id, "staff_id": staff.staff_id, "at": now, "kind": "created",
                 "from_status": None, "to_status": "open", "note": number} for target_id in ids])
            for assignee in plan.assignees:
                if assignee.staff_id != staff.staff_id:
                    outbox.enqueue(session, assignee.staff_id, replies.assigned_notice(plan, staff.name, assignee.count),
                                   "campaign", f"campaign:{number}:{assignee.staff_id}")
        return CampaignCreated(plan, number)

    @staticmethod
    def _next_number(session: Session) -> str:
        prefix = f"HD{clock.today():%Y%m%d}-"
        count = session.execute(select(func.count()).select_from(Campaign)
                                .where(Campaign.campaign_no.like(f"{prefix}%"))).scalar_one()
        return f"{prefix}{count + 1:02d}"

    # ------------------------------------------------------------------ working one

    def record_outcome(self, staff: StaffMember, status: str | None, amount: Decimal | None = None,
                       item_ref: str | None = None, customer_id: str | None = None, said: str = "",
                       named: tuple[str, ...] = ()) -> OutcomeRecorded:
        """An outcome of one of her campaign's customers: by the daily list's item ("campaign:12"),
        by a customer named in `said` or `named` among her open ones, or by `customer_id` (the
        customer in context); a target never moves back, and a closed one stays closed."""
        if status is None:
            return OutcomeRecorded(OutcomeResult.NO_STATUS)
        if item_ref is not None and not item_ref.startswith("campaign:"):
            return OutcomeRecorded(OutcomeResult.NOT_A_CAMPAIGN_ITEM)
        with self.db.unit_of_work() as session:
            query = select(CampaignTarget).where(CampaignTarget.assignee_id == staff.staff_id)
            if item_ref is not None:
                query = query.where(CampaignTarget.id == int(item_ref.partition(":")[2]))
            else:
                # The customer in context only for "她"/"他" that fits her: a name of nobody is not
                # found, never her; "她" with a man in context is nobody (bot.customers.lookup).
                context = customer_id if PRONOUN.search(said) and not named else None
                if context is not None:
                    gender = session.execute(select(Customer.gender).where(Customer.customer_id == context)).scalar()
                    context = context if pronoun_fits(said, gender) else None
                customer_id = self._named_target(session, staff, said, named) or context
                if customer_id in (None, _SEVERAL):
                    return OutcomeRecorded(OutcomeResult.AMBIGUOUS if customer_id == _SEVERAL else OutcomeResult.NOT_FOUND)
                query = query.where(CampaignTarget.customer_id == customer_id,
                                    CampaignTarget.status.in_(OPEN_CAMPAIGN_TARGET_STATUSES)).order_by(CampaignTarget.id.desc())
            target = session.execute(for_update(session, query.limit(1))).scalars().first()
            if target is None:
                return OutcomeRecorded(OutcomeResult.NOT_FOUND)
            customer = session.get(Customer, target.customer_id)
            if customer is None or customer.branch_id not in staff.served_branch_ids:
                return OutcomeRecorded(OutcomeResult.NOT_FOUND)
            campaign = session.get(Campaign, target.campaign_id)
            before = target.status
            known = dict(customer_name=customer.name, customer_id=customer.customer_id, campaign_name=campaign.name,
                         from_status=before)
            if before in CLOSED:
                return OutcomeRecorded(OutcomeResult.CLOSED, **known, to_status=before, amount=target.amount)
            after = status if _STEP[status] >= _STEP[before] else before
            now = to_storage(clock.now())
            target.status, target.updated_at = after, now
            if target.contacted_at is None:
                target.contacted_at = now
            if after in CLOSED:
                target.closed_at = now
            if after == "converted" and amount is not None:
                target.amount = amount
            session.add(CampaignEvent(target_id=target.id, staff_id=staff.staff_id, at=now, kind="outcome",
                                      from_status=before, to_status=after, note=said[:200]))
            return OutcomeRecorded(OutcomeResult.RECORDED, **known, to_status=after, amount=target.amount)

    @staticmethod
    def _named_target(session: Session, staff: StaffMember, said: str, named: tuple[str, ...]) -> str | None:
        """The one customer of her open campaign items the message names (by name or number);
        _SEVERAL when namesakes are open; None when none is named."""
        if not said and not named:
            return None
        found = {customer_id for customer_id, name in session.execute(
            select(Customer.customer_id, Customer.name).join(CampaignTarget, CampaignTarget.customer_id == Customer.customer_id)
            .where(CampaignTarget.assignee_id == staff.staff_id, CampaignTarget.status.in_(OPEN_CAMPAIGN_TARGET_STATUSES)))
            if name in said or name in named or customer_id in named or customer_id in said.upper()}
        if len(found) > 1:
            return _SEVERAL
        return next(iter(found), None)

    # ------------------------------------------------------------------ following one

    def _visible(self, session: Session, staff: StaffMember):
        query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
        if staff.role == "branch_head":
            return query.where(Campaign.branch_id.in_(sorted(staff.served_branch_ids)))
        mine = select(CampaignTarget.campaign_id).where(CampaignTarget.assignee_id == staff.staff_id)
        return query.where(or_(Campaign.created_by == staff.staff_id, Campaign.id.in_(mine)))

    def _chosen(self, session: Session, staff: StaffMember, text: str) -> tuple[Campaign | None, list[Campaign]]:
        """The campaign a message names (its number, its name, a part of its name, its product),
        else her newest one."""
        campaigns = list(session.execute(self._visible(session, staff).limit(50)).scalars())
        text = text or ""

        def named(campaign: Campaign) -> int:
            if campaign.campaign_no in text.upper() or campaign.name in text:
                return 3
            if any(len(part) >= 2 and part in text for part in campaign.name.replace("推", "·").split("·")):
                return 2
            return 1 if campaign.product_word and campaign.product_word in text else 0

        best = max(campaigns, key=named, default=None)  # ties: the newest (campaigns are newest first)
        if best is not None and named(best) == 0:
            best = campaigns[0]
        return best, campaigns

    def progress(self, staff: StaffMember, text: str) -> CampaignProgress:
        with self.db.unit_of_work() as session:
            campaign, campaigns = self._chosen(session, staff, text)
            if campaign is None:
                return CampaignProgress(False)
            sees_all = staff.role == "branch_head" or campaign.created_by == staff.staff_id
            others = tuple(c.name for c in campaigns if c.id != campaign.id)[:5]
            return self._progress_of(session, campaign, None if sees_all else staff.staff_id, others)

    def reassign(self, staff: StaffMember, from_name: str, to_name: str, text: str) -> Reassigned:
        """"把马骏没联系的转给王芳": her not-yet-contacted customers of the campaign to a colleague
        who serves their branch (branch heads only)."""
        if staff.role != "branch_head":
            return Reassigned(False, problem="not_head")
        with self.db.unit_of_work() as session:
            campaign, _ = self._chosen(session, staff, text)
            if campaign is None:
                return Reassigned(False, problem="no_campaign")
            named = colleagues_serving(session, staff)
            if from_name not in named or to_name not in named:
                return Reassigned(False, campaign.name, problem="unknown_colleague",
                                  from_name=from_name, to_name=to_name)
            to_id = named[to_name]
            served = targets.served_branches(session, {to_id}).get(to_id, set())
            rows = session.execute(for_update(session, select(CampaignTarget, Customer.branch_id)
                                   .join(Customer, Customer.customer_id == CampaignTarget.customer_id)
                                   .where(CampaignTarget.campaign_id == campaign.id,
                                          CampaignTarget.assignee_id == named[from_name],
                                          CampaignTarget.status == "open"))).all()
            now, moved, kept = to_storage(clock.now()), 0, 0
            for target, branch_id in rows:
                if branch_id not in served:
                    kept += 1
                    continue
                target.assignee_id, target.updated_at = to_id, now
                session.add(CampaignEvent(target_id=target.id, staff_id=staff.staff_id, at=now, kind="reassigned",
                                          from_status="open", to_status="open", note=f"{from_name}→{to_name}"))
                moved += 1
            if moved:
                outbox.enqueue(session, to_id, replies.reassigned_notice(campaign.name, from_name, moved, staff.name),
                               "campaign", f"campaign:{campaign.campaign_no}:reassign:{to_id}:{now.isoformat()}")
            return Reassigned(True, campaign.name, moved, kept, from_name, to_name)

    def report(self, campaign_ref: str) -> CampaignProgress:
        """Per person figures of one campaign, by its number or id, for the command line."""
        with self.db.unit_of_work() as session:
            campaign = session.execute(select(Campaign).where(or_(
                Campaign.campaign_no == campaign_ref.strip().upper(),
                Campaign.id == (int(campaign_ref) if campaign_ref.strip().isdigit() else -1)))).scalars().first()
            if campaign is None:
                return CampaignProgress(False)
            return self._progress_of(session, campaign, None, ())

    def _progress_of(self, session: Session, campaign: Campaign, only: str | None, others: tuple[str, ...]) -> CampaignProgress:
        query = (select(CampaignTarget.assignee_id, Staff.name, CampaignTarget.status, CampaignTarget.amount)
                 .join(Staff, Staff.staff_id == CampaignTarget.assignee_id)
                 .where(CampaignTarget.campaign_id == campaign.id))
        if only is not None:
            query = query.where(CampaignTarget.assignee_id == only)
        people: dict[str, list] = {}
        for assignee_id, name, status, amount in session.execute(query):
            people.setdefault(assignee_id, [name, []])[1].append((status, amount))
        overdue_day = campaign.deadline < clock.today()
        rows = tuple(sorted((_figures(staff_id, name, items, overdue_day) for staff_id, (name, items) in people.items()),
                            key=lambda p: (-p.converted, -p.contacted, p.staff_id)))
        total = _figures("", "合计", [item for _name, items in people.values() for item in items], overdue_day)
        return CampaignProgress(True, campaign.campaign_no, campaign.name, campaign.product_word, campaign.deadline,
                                rows, total, others)


def _figures(staff_id: str, name: str, items: list[tuple[str, Decimal | None]], overdue_day: bool) -> PersonProgress:
    statuses = [status for status, _amount in items]
    return PersonProgress(
        staff_id=staff_id, name=name, targets=len(items),
        contacted=sum(1 for s in statuses if s != "open"),
        interested=sum(1 for s in statuses if s in ("interested", "converted")),
        converted=statuses.count("converted"),
        declined=statuses.count("declined"),
        amount=sum((Decimal(a) for s, a in items if s == "converted" and a is not None), Decimal(0)),
        overdue=statuses.count("open") if overdue_day else 0,
    )
