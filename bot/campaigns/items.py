"""A member of staff's campaign customers still open (未联系, 已联系, 有意向), for the top of her
daily list (bot.visits.daily_list): soonest deadline first, then in the segment's ranking, at
most IN_DAILY_LIST of them (the next come up as outcomes are recorded); a customer no longer in a
branch she serves is left out, so her list never shows a customer she may not see."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.access import StaffMember
from bot.campaigns.results import CampaignItem
from bot.models import OPEN_CAMPAIGN_TARGET_STATUSES, Campaign, CampaignTarget, Customer


IN_DAILY_LIST = 10


def open_items(session: Session, staff: StaffMember, today: date, limit: int | None = IN_DAILY_LIST) -> list[CampaignItem]:
    rows = session.execute(
        select(CampaignTarget.id, Customer.customer_id, Customer.name, Customer.branch_id, Campaign.name,
               Campaign.product_word, CampaignTarget.reason, CampaignTarget.status, Campaign.deadline)
        .join(Campaign, Campaign.id == CampaignTarget.campaign_id)
        .join(Customer, Customer.customer_id == CampaignTarget.customer_id)
        .where(CampaignTarget.assignee_id == staff.staff_id, CampaignTarget.status.in_(OPEN_CAMPAIGN_TARGET_STATUSES),
               Customer.branch_id.in_(sorted(staff.served_branch_ids)))
        .order_by(Campaign.deadline, CampaignTarget.id)
        .limit(limit)
    ).all()
    return [CampaignItem(target_id, customer_id, name, campaign, product, reason, status, deadline,
                         status == "open" and deadline < today)
            for target_id, customer_id, name, _branch_id, campaign, product, reason, status, deadline in rows]
