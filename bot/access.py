"""Who may see what: staff see the customers of their own branch and of the branches they cover.

A customer outside those branches is treated exactly like one that does not exist, so that not
even a customer's existence leaks across branches.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from bot.models import Branch, Staff, StaffCoverage

ROLE_NAMES = {
    "teller": "柜员",
    "lobby_manager": "大堂经理",
    "customer_manager": "客户经理",
    "wealth_manager": "理财经理",
    "branch_head": "网点负责人",
}


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    name: str
    role: str
    branch_id: str
    branch_name: str
    served_branch_ids: frozenset[str]

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


# Built once: asked with nearly every message, and building a statement (and its cache key) costs
# more Python than running it (docs/performance.md, the action server's profile).
_STAFF_BY_CHAT_ID = (
    select(Staff.staff_id, Staff.name, Staff.role, Staff.branch_id, Branch.name, StaffCoverage.branch_id)
    .join(Branch, Staff.branch_id == Branch.branch_id)
    .outerjoin(StaffCoverage, StaffCoverage.staff_id == Staff.staff_id)
    .where(Staff.chat_id == bindparam("chat_id"))
)


def identify_staff(session: Session, chat_id: str | None) -> StaffMember | None:
    """The staff member behind a chat id, or None for a stranger.

    One statement (every message of the chat asks it): a row per branch the person covers, or
    one row with no covered branch.
    """
    if not chat_id:
        return None
    rows = session.execute(_STAFF_BY_CHAT_ID, {"chat_id": chat_id}).all()
    if not rows:
        return None
    staff_id, name, role, branch_id, branch_name, _covered = rows[0]
    return StaffMember(
        staff_id=staff_id,
        name=name,
        role=role,
        branch_id=branch_id,
        branch_name=branch_name,
        served_branch_ids=frozenset({branch_id} | {covered for *_rest, covered in rows if covered}),
    )


def may_see(staff: StaffMember, customer_branch_id: str) -> bool:
    return customer_branch_id in staff.served_branch_ids
