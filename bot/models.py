"""The bank's data as SQLAlchemy tables (1.4, used in the 2.0 style).

One concept over 500 lines: the bank's tables, together so that the schema reads in one place.

Times are stored as naive UTC (`DateTime` without zone) so SQLite and PostgreSQL behave the same;
`bot.clock` turns them into the bank's local time for display. Money is `Numeric(18, 2)` and
`Decimal` in Python, never float.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.privacy import mask_identifiers_in_text

# Named constraints, so Alembic migrations are stable on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)

BRANCH_KINDS = ("self_operated", "agency")
STAFF_ROLES = ("teller", "lobby_manager", "customer_manager", "wealth_manager", "branch_head")
RISK_LEVELS = ("C1", "C2", "C3", "C4", "C5")
PRODUCT_RISKS = ("R1", "R2", "R3", "R4", "R5")
PRODUCT_CATEGORIES = ("存款", "理财", "基金", "保险", "贷款", "信用卡", "贵金属")
CONTACT_CHANNELS = ("上门", "电话", "到店", "微信")
INTERACTION_SOURCES = ("import", "chat")
MONEY = Numeric(18, 2)


# ---------------------------------------------------------------------------- free text, masked
# A column staff type into (a visit note, a referral note, a tag, feedback) or built from such
# text (a notification, an audit detail, the reasons of a suggestion) is declared with one of the
# Masked types below: every phone and ID number in it, in any form typed (bot.privacy), is masked
# when it is bound into any statement, ORM or Core, INSERT, UPDATE or WHERE, and again when it is
# read (rows written before the masking). On mapped classes the attribute itself is masked when
# set (_mask_when_set below), so the object a service returns after a flush shows what the table
# holds. Declared on the column, it is seen where the table is read and no statement skips it;
# only PostgreSQL's COPY does, and the importer masks the rows it copies (bot/importer.py).


def masked_value(value):
    """Strings with phones and ID numbers masked; dicts and lists walked (JSON columns)."""
    if isinstance(value, str):
        return mask_identifiers_in_text(value) if value else value
    if isinstance(value, dict):
        return {key: masked_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [masked_value(item) for item in value]
    return value


class _Masked(TypeDecorator):
    def process_bind_param(self, value, dialect):
        return masked_value(value)

    def process_result_value(self, value, dialect):
        return masked_value(value)


class MaskedText(_Masked):
    """Free text; stored with phones and ID numbers masked."""

    impl = Text
    cache_ok = True


class MaskedString(_Masked):
    """A short free text (MaskedString(50)); masked like MaskedText. Masking never lengthens."""

    impl = String
    cache_ok = True


class MaskedJSON(_Masked):
    """JSON whose strings are masked like MaskedText."""

    impl = JSON
    cache_ok = True


class Branch(Base):
    __tablename__ = "branches"
    branch_id = Column(String(20), primary_key=True)
    name = Column(String(100), nullable=False)
    kind = Column(String(20), nullable=False)
    county = Column(String(100), nullable=False, default="")
    __table_args__ = (CheckConstraint(f"kind IN {BRANCH_KINDS}", name="kind"),)


class Staff(Base):
    __tablename__ = "staff"
    staff_id = Column(String(20), primary_key=True)
    name = Column(String(50), nullable=False)
    role = Column(String(20), nullable=False)
    branch_id = Column(String(20), ForeignKey("branches.branch_id"), nullable=False, index=True)
    # The id the messaging platform gives this person; how the bot knows who is writing.
    chat_id = Column(String(100), unique=True, nullable=True)
    branch = relationship(Branch)
    covers = relationship("StaffCoverage", cascade="all, delete-orphan", lazy="selectin")
    __table_args__ = (CheckConstraint(f"role IN {STAFF_ROLES}", name="role"),)


class StaffCoverage(Base):
    """A branch this person serves besides their own (e.g. a roaming manager of agency branches)."""

    __tablename__ = "staff_coverage"
    staff_id = Column(String(20), ForeignKey("staff.staff_id", ondelete="CASCADE"), primary_key=True)
    branch_id = Column(String(20), ForeignKey("branches.branch_id"), primary_key=True)


class Customer(Base):
    __tablename__ = "customers"
    customer_id = Column(String(9), primary_key=True)
    name = Column(String(50), nullable=False, index=True)
    gender = Column(String(1), nullable=False)
    birth_date = Column(Date, nullable=True)
    phone = Column(String(11), nullable=True, index=True)
    id_number = Column(String(18), nullable=True, unique=True)
    branch_id = Column(String(20), ForeignKey("branches.branch_id"), nullable=False, index=True)
    manager_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=True)
    risk_level = Column(String(2), nullable=True)
    risk_assessed_on = Column(Date, nullable=True)
    occupation = Column(String(100), nullable=False, default="")
    branch = relationship(Branch)
    manager = relationship(Staff)
    __table_args__ = (
        CheckConstraint("gender IN ('M', 'F')", name="gender"),
        CheckConstraint(f"risk_level IS NULL OR risk_level IN {RISK_LEVELS}", name="risk_level"),
        # A manager's customers for the daily list: on PostgreSQL the index carries what the list
        # needs of them (an index-only scan, not a thousand scattered table pages).
        Index("ix_customers_manager", "manager_id", postgresql_include=["customer_id", "name", "branch_id", "birth_date"]),
    )


class CustomerTag(Base):
    __tablename__ = "customer_tags"
    id = Column(Integer, primary_key=True)
    # Found through uq_customer_tags_customer_tag, whose first column it is: no index of its own.
    customer_id = Column(String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False)
    tag = Column(MaskedString(50), nullable=False)
    # Where the tag came from: 'import' (bank data), 'staff' (added in chat), 'visit' (from a visit note).
    source = Column(String(20), nullable=False, default="import")
    created_by = Column(String(20), ForeignKey("staff.staff_id"), nullable=True)
    created_at = Column(DateTime, nullable=False)
    __table_args__ = (UniqueConstraint("customer_id", "tag", name="uq_customer_tags_customer_tag"),)


class Product(Base):
    __tablename__ = "products"
    product_code = Column(String(30), primary_key=True)
    name = Column(String(100), nullable=False)
    category = Column(String(10), nullable=False, index=True)
    risk_rating = Column(String(2), nullable=False)
    min_amount = Column(MONEY, nullable=False, default=0)
    term_days = Column(Integer, nullable=True)
    # ';'-separated branch kinds that may sell it.
    channels = Column(String(50), nullable=False)
    min_age = Column(Integer, nullable=True)
    max_age = Column(Integer, nullable=True)
    on_sale = Column(Boolean, nullable=False, default=True)
    __table_args__ = (
        CheckConstraint(f"category IN {PRODUCT_CATEGORIES}", name="category"),
        CheckConstraint(f"risk_rating IN {PRODUCT_RISKS}", name="risk_rating"),
    )


class Holding(Base):
    __tablename__ = "holdings"
    id = Column(Integer, primary_key=True)
    # Found through uq_holdings_position, which starts with it.
    customer_id = Column(String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False)
    product_code = Column(String(30), ForeignKey("products.product_code"), nullable=False)
    amount = Column(MONEY, nullable=False)
    start_date = Column(Date, nullable=False)
    maturity_date = Column(Date, nullable=True)
    # A copy of the customer's manager (Customer.manager_id), kept by the import, which is the only
    # writer of both: a manager's maturities of the week are one range of ix_holdings_manager_maturity
    # instead of a look into the holdings of each of their (up to thousands of) customers.
    manager_id = Column(String(20), nullable=True)
    product = relationship(Product, lazy="joined")
    __table_args__ = (
        UniqueConstraint("customer_id", "product_code", "start_date", name="uq_holdings_position"),
        # The daily list's maturities; on PostgreSQL read from the index alone.
        Index(
            "ix_holdings_manager_maturity", "manager_id", "maturity_date",
            postgresql_include=["customer_id", "product_code", "amount"],
        ),
    )


class Interaction(Base):
    """A contact with a customer: a visit, a call, a branch visit, a WeChat chat."""

    __tablename__ = "interactions"
    id = Column(Integer, primary_key=True)
    customer_id = Column(
        String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False
    )
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False)
    channel = Column(String(10), nullable=False)
    happened_at = Column(DateTime, nullable=False)
    summary = Column(MaskedText, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    # 'import' (the bank's contact history) or 'chat' (a visit note logged in the chat).
    source = Column(String(10), nullable=False, default="import", server_default="import")
    # What a chat-logged visit note said, structured (bot.visits.notes.results.details_of): products,
    # categories, amounts, events, tags, follow_up. None for imported contacts.
    details = Column(MaskedJSON, nullable=True)
    # The client's key for one "log this visit": the same key twice logs it once.
    request_key = Column(String(100), nullable=True, unique=True)
    staff = relationship(Staff, lazy="joined")
    __table_args__ = (
        CheckConstraint(f"channel IN {CONTACT_CHANNELS}", name="channel"),
        CheckConstraint(f"source IN {INTERACTION_SOURCES}", name="source"),
        Index("ix_interactions_customer_time", "customer_id", "happened_at"),
        # A manager's recent contacts (the daily list leaves out customers just contacted).
        Index("ix_interactions_staff_time", "staff_id", "happened_at"),
        # Importing the same contact twice must not duplicate it.
        UniqueConstraint("customer_id", "staff_id", "happened_at", name="uq_interactions_contact"),
    )


class AuditEntry(Base):
    """One view of a customer's data by a staff member: who saw what, where, when."""

    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    staff_id = Column(String(20), nullable=False, index=True)
    customer_id = Column(String(9), nullable=False, index=True)
    # What was shown: 'profile_360', 'holdings', 'interactions', 'candidate_list', 'referral'.
    shown = Column(String(30), nullable=False)
    channel = Column(String(30), nullable=False, default="")
    detail = Column(MaskedString(200), nullable=False, default="")


# ---------------------------------------------------------------------------- referrals (转介)

REFERRAL_STATUSES = ("new", "accepted", "contacted", "converted", "lost", "cancelled")
OPEN_REFERRAL_STATUSES = ("new", "accepted", "contacted")


class Referral(Base):
    """A customer lead handed from one staff member (the referrer) to another (the receiver).

    The referrer and their branch are copied at creation: credit and branch rankings stay with
    them even after a transfer. `sla_due_at` is fixed at creation, so changing the SLA setting
    applies to new referrals only.
    """

    __tablename__ = "referrals"
    id = Column(Integer, primary_key=True)
    # 'ZJ' + local date + '-' + sequence of the day, e.g. ZJ20261130-0001.
    referral_no = Column(String(20), nullable=False, unique=True)
    # The client's key for one "create": the same key twice gives the same referral.
    request_key = Column(String(100), nullable=False, unique=True)
    customer_id = Column(String(9), ForeignKey("customers.customer_id"), nullable=False, index=True)
    product_word = Column(MaskedString(50), nullable=False)
    product_category = Column(String(10), nullable=False)
    referrer_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False, index=True)
    referrer_branch_id = Column(String(20), ForeignKey("branches.branch_id"), nullable=False, index=True)
    receiver_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False, index=True)
    # How the receiver was chosen: 'named', 'role', 'category_default', 'branch_head_fallback'.
    routed_by = Column(String(30), nullable=False)
    status = Column(String(20), nullable=False, default="new", index=True)
    note = Column(MaskedText, nullable=False, default="")
    created_at = Column(DateTime, nullable=False, index=True)
    updated_at = Column(DateTime, nullable=False)
    sla_due_at = Column(DateTime, nullable=False)
    contacted_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    reminded_at = Column(DateTime, nullable=True)
    escalated_at = Column(DateTime, nullable=True)
    converted_product_word = Column(MaskedString(50), nullable=True)
    converted_category = Column(String(10), nullable=True)
    converted_amount = Column(MONEY, nullable=True)
    __table_args__ = (
        CheckConstraint(f"status IN {REFERRAL_STATUSES}", name="status"),
        CheckConstraint(f"product_category IN {PRODUCT_CATEGORIES}", name="product_category"),
    )


class ReferralEvent(Base):
    """One change of a referral: created, a status change, a note, an SLA reminder or escalation."""

    __tablename__ = "referral_events"
    id = Column(Integer, primary_key=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, index=True)
    # Who made the change; None for the system (SLA reminders and escalations).
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=True)
    at = Column(DateTime, nullable=False)
    # 'created', 'status', 'note', 'sla_reminder', 'sla_escalation'.
    kind = Column(String(20), nullable=False)
    from_status = Column(String(20), nullable=True)
    to_status = Column(String(20), nullable=True)
    note = Column(MaskedText, nullable=False, default="")


class Notification(Base):
    """The outbox: a message for one staff member, written in the same transaction as its cause.

    `dedupe_key` is unique, so one event never enqueues twice; `delivered_at` is set once it has
    reached the person: the reply that showed it was handed to the channel, or the platform
    accepted its push. Until then a reply or a pusher holds a `claim` on it (bot/outbox.py).
    """

    __tablename__ = "notifications"
    id = Column(Integer, primary_key=True)
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False)
    text = Column(MaskedText, nullable=False)
    kind = Column(String(30), nullable=False)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=True, index=True)
    dedupe_key = Column(String(120), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False)
    delivered_at = Column(DateTime, nullable=True)
    delivered_via = Column(String(30), nullable=True)
    # A push the platform refused waits before the next attempt, longer each time (bot/outbox.py).
    push_attempts = Column(Integer, nullable=False, default=0, server_default="0")
    push_after = Column(DateTime, nullable=True)
    # Who is delivering it now: 'reply:<attempt>' or '<platform>:<attempt>' (a push), and since when.
    claim = Column(String(60), nullable=True)
    claimed_at = Column(DateTime, nullable=True)
    # A push ended without a clear answer (a timeout after the request went out): it may have
    # arrived, so it is not pushed again unless the platform dedupes by key (bot/push.py).
    push_unsure_since = Column(DateTime, nullable=True)
    push_unsure_via = Column(String(30), nullable=True)
    __table_args__ = (Index("ix_notifications_pending", "staff_id", "delivered_at"),)


class CreditRule(Base):
    """Points a referrer earns for a conversion of a category within an amount band.

    min_amount inclusive, max_amount exclusive (None: no upper bound); valid_from and valid_to
    are local dates, both inclusive (valid_to None: open-ended). Change rules by closing a row
    (valid_to) and adding a new one; the ledger keeps what was earned under the old one.
    """

    __tablename__ = "credit_rules"
    id = Column(Integer, primary_key=True)
    category = Column(String(10), nullable=False, index=True)
    min_amount = Column(MONEY, nullable=False, default=0)
    max_amount = Column(MONEY, nullable=True)
    points = Column(Integer, nullable=False)
    valid_from = Column(Date, nullable=False)
    valid_to = Column(Date, nullable=True)
    __table_args__ = (CheckConstraint(f"category IN {PRODUCT_CATEGORIES}", name="category"),)


class CreditEntry(Base):
    """Points earned by a referrer for one converted referral; never changed afterwards."""

    __tablename__ = "credit_ledger"
    id = Column(Integer, primary_key=True)
    referral_id = Column(Integer, ForeignKey("referrals.id", ondelete="CASCADE"), nullable=False, unique=True)
    # The referrer and their branch as at the referral's creation.
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False, index=True)
    branch_id = Column(String(20), ForeignKey("branches.branch_id"), nullable=False, index=True)
    points = Column(Integer, nullable=False)
    rule_id = Column(Integer, ForeignKey("credit_rules.id"), nullable=True)
    category = Column(String(10), nullable=False)
    amount = Column(MONEY, nullable=True)
    created_at = Column(DateTime, nullable=False, index=True)


# ---------------------------------------------------------------------------- visits (拜访) and tasks


class FollowUp(Base):
    """A follow-up task (待办): contact this customer again by `due_at`.

    Made from a visit note's follow-up time; closed when the owner logs another contact with the
    customer (done_reason 'visit', done_by_interaction_id) or says it is done ('completed').
    """

    __tablename__ = "follow_ups"
    id = Column(Integer, primary_key=True)
    customer_id = Column(String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False, index=True)
    # Who owns the task.
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False)
    due_at = Column(DateTime, nullable=False)
    note = Column(MaskedText, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    created_from_interaction_id = Column(Integer, ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True)
    done_at = Column(DateTime, nullable=True)
    # 'visit' (closed by a later contact), 'completed' (the owner said so).
    done_reason = Column(String(20), nullable=True)
    done_by_interaction_id = Column(Integer, ForeignKey("interactions.id", ondelete="SET NULL"), nullable=True)
    __table_args__ = (Index("ix_follow_ups_open", "staff_id", "done_at", "due_at"),)


class Feedback(Base):
    """What a staff member said about the bot ("这个不对", "建议…"), for the team to read."""

    __tablename__ = "feedback"
    id = Column(Integer, primary_key=True)
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=True, index=True)
    at = Column(DateTime, nullable=False, index=True)
    text = Column(MaskedText, nullable=False)
    last_intent = Column(String(100), nullable=False, default="")
    channel = Column(String(30), nullable=False, default="")


# ---------------------------------------------------------------------------- product suggestions (产品推荐)

SUGGESTION_LOG_KINDS = ("suggestion", "purchase_check")


class RecommendationModel(Base):
    """One training of the "what similar customers hold" model (`python -m bot train-recs`).

    Kept in the database, not in a file, so every action server reads the same model; the newest
    row is the one in use. `model_date` is the bank's local date of the holdings it learned from.
    """

    __tablename__ = "recommendation_models"
    id = Column(Integer, primary_key=True)
    model_date = Column(Date, nullable=False)
    trained_at = Column(DateTime, nullable=False)
    customers = Column(Integer, nullable=False)
    holdings = Column(Integer, nullable=False)


class RecommendationCount(Base):
    """The counts a model is made of (bot.suggestions.ranking.CooccurrenceModel):

    * 'product': customers holding `product_code`;
    * 'pair': customers holding both `key` (a product code) and `product_code`;
    * 'segment': customers of the segment `key` (e.g. '东城县|45-59|金卡') holding `product_code`;
    * 'segment_size': customers in the segment `key` (product_code '');
    * 'customers': customers learned from (key and product_code '').
    """

    __tablename__ = "recommendation_counts"
    id = Column(Integer, primary_key=True)
    model_id = Column(Integer, ForeignKey("recommendation_models.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(20), nullable=False)
    key = Column(String(100), nullable=False, default="")
    product_code = Column(String(30), nullable=False, default="")
    count = Column(Integer, nullable=False)
    __table_args__ = (Index("ix_recommendation_counts_model", "model_id", "kind"),)


class SuggestionLogEntry(Base):
    """The compliance trail of suggestions: one row per product shown to a staff member as a
    suggestion (kind 'suggestion', with its rank) or answered in "能买X吗" (kind 'purchase_check'),
    with the reasons given and every eligibility rule checked. Written in the same transaction as
    the audit row; like audit_log it keeps ids, not foreign keys, so it outlives the rows it names."""

    __tablename__ = "suggestion_log"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, index=True)
    staff_id = Column(String(20), nullable=False, index=True)
    customer_id = Column(String(9), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    product_code = Column(String(30), nullable=False)
    rank = Column(Integer, nullable=True)
    score = Column(Float, nullable=True)
    allowed = Column(Boolean, nullable=False)
    # ["50万定期12月3日到期", "同类客户中38%持有"]
    reasons = Column(MaskedJSON, nullable=False)
    # [{"rule": "risk", "passed": true, "reason": "风险等级C3,可购R3及以下", "binding": true}, ...,
    #  {"rule": "min_amount", "passed": true, "reason": "起购20万", "binding": false}]: the minimum
    # purchase is information told to staff, never a refusal (bot.suggestions.eligibility). Rows written before
    # issue #23 have no "binding" and a min_amount that could fail.
    rules = Column(MaskedJSON, nullable=False)
    channel = Column(String(30), nullable=False, default="")
    # The date of the recommendation model that ranked it; None without a model (or for a check).
    model_date = Column(Date, nullable=True)
    __table_args__ = (CheckConstraint(f"kind IN {SUGGESTION_LOG_KINDS}", name="kind"),)


# ---------------------------------------------------------------------------- segments (客群)


class SavedSegment(Base):
    """A segment a member of staff kept under a name ("保存为名单:下月到期"), hers alone.

    `conditions` is the segment (bot.segments.conditions.Segment.as_dict) on `made_on`, the bank's
    local date it was saved: its dates move on with the days when it is opened again (a list of
    "the next 30 days" stays the next 30 days)."""

    __tablename__ = "saved_segments"
    id = Column(Integer, primary_key=True)
    staff_id = Column(String(20), ForeignKey("staff.staff_id", ondelete="CASCADE"), nullable=False)
    name = Column(MaskedString(40), nullable=False)
    conditions = Column(MaskedJSON, nullable=False)
    made_on = Column(Date, nullable=False)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)
    __table_args__ = (UniqueConstraint("staff_id", "name", name="uq_saved_segments_staff_name"),)


# ---------------------------------------------------------------------------- campaigns (营销活动)

CAMPAIGN_TARGET_STATUSES = ("open", "contacted", "interested", "converted", "declined")
OPEN_CAMPAIGN_TARGET_STATUSES = ("open", "contacted", "interested")
CAMPAIGN_EVENT_KINDS = ("created", "outcome", "reassigned")


class Campaign(Base):
    """A marketing campaign (营销活动): a segment's customers offered one product or category, each
    worked by one member of staff until `deadline`. Made from a segment on "确认" (bot.campaigns)."""

    __tablename__ = "campaigns"
    id = Column(Integer, primary_key=True)
    campaign_no = Column(String(20), nullable=False, unique=True)  # HD20261130-01
    request_key = Column(String(100), nullable=False, unique=True)  # one "确认", one campaign
    name = Column(MaskedString(60), nullable=False)
    product_word = Column(MaskedString(50), nullable=False)
    product_category = Column(String(10), nullable=False)
    created_by = Column(String(20), ForeignKey("staff.staff_id"), nullable=False, index=True)
    branch_id = Column(String(20), ForeignKey("branches.branch_id"), nullable=False, index=True)
    deadline = Column(Date, nullable=False)
    # The segment it was made from (bot.segments.conditions.Segment.as_dict), as it was that day.
    conditions = Column(MaskedJSON, nullable=False)
    created_at = Column(DateTime, nullable=False)
    __table_args__ = (CheckConstraint(f"product_category IN {PRODUCT_CATEGORIES}", name="product_category"),)


class CampaignTarget(Base):
    """One customer of a campaign, in one assignee's daily list until an outcome closes it."""

    __tablename__ = "campaign_targets"
    id = Column(Integer, primary_key=True)
    campaign_id = Column(Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False)
    customer_id = Column(String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False, index=True)
    assignee_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=False)
    reason = Column(MaskedString(200), nullable=False, default="")  # why this customer, one line
    status = Column(String(20), nullable=False, default="open")
    amount = Column(MONEY, nullable=True)  # what was bought, when converted
    contacted_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    updated_at = Column(DateTime, nullable=False)
    __table_args__ = (
        CheckConstraint(f"status IN {CAMPAIGN_TARGET_STATUSES}", name="status"),
        UniqueConstraint("campaign_id", "customer_id", name="uq_campaign_targets_campaign_customer"),
        # An assignee's open items (the daily list) and a campaign's progress per person.
        Index("ix_campaign_targets_assignee_status", "assignee_id", "status"),
        Index("ix_campaign_targets_campaign_assignee", "campaign_id", "assignee_id"),
    )


class CampaignEvent(Base):
    """The history of a campaign's target, like a referral's: created, each outcome, reassigned."""

    __tablename__ = "campaign_events"
    id = Column(Integer, primary_key=True)
    target_id = Column(Integer, ForeignKey("campaign_targets.id", ondelete="CASCADE"), nullable=False, index=True)
    staff_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=True)
    at = Column(DateTime, nullable=False)
    kind = Column(String(20), nullable=False)
    from_status = Column(String(20), nullable=True)
    to_status = Column(String(20), nullable=True)
    note = Column(MaskedText, nullable=False, default="")
    __table_args__ = (CheckConstraint(f"kind IN {CAMPAIGN_EVENT_KINDS}", name="kind"),)


# ---------------------------------------------------------------------------- masked when set


def _mask_when_set(_target, value, _old, _initiator):
    return masked_value(value)


for _mapper in Base.registry.mappers:
    for _attribute in _mapper.column_attrs:
        if isinstance(_attribute.columns[0].type, _Masked):
            event.listen(getattr(_mapper.class_, _attribute.key), "set", _mask_when_set, retval=True)
