"""The bank's data as SQLAlchemy tables (1.4, used in the 2.0 style).

Times are stored as naive UTC (`DateTime` without zone) so SQLite and PostgreSQL behave the same;
`bot.clock` turns them into the bank's local time for display. Money is `Numeric(18, 2)` and
`Decimal` in Python, never float.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship

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
MONEY = Numeric(18, 2)


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
    manager_id = Column(String(20), ForeignKey("staff.staff_id"), nullable=True, index=True)
    risk_level = Column(String(2), nullable=True)
    risk_assessed_on = Column(Date, nullable=True)
    occupation = Column(String(100), nullable=False, default="")
    branch = relationship(Branch)
    manager = relationship(Staff)
    __table_args__ = (
        CheckConstraint("gender IN ('M', 'F')", name="gender"),
        CheckConstraint(f"risk_level IS NULL OR risk_level IN {RISK_LEVELS}", name="risk_level"),
    )


class CustomerTag(Base):
    __tablename__ = "customer_tags"
    id = Column(Integer, primary_key=True)
    customer_id = Column(
        String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False, index=True
    )
    tag = Column(String(50), nullable=False)
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
    customer_id = Column(
        String(9), ForeignKey("customers.customer_id", ondelete="CASCADE"), nullable=False, index=True
    )
    product_code = Column(String(30), ForeignKey("products.product_code"), nullable=False)
    amount = Column(MONEY, nullable=False)
    start_date = Column(Date, nullable=False)
    maturity_date = Column(Date, nullable=True, index=True)
    product = relationship(Product, lazy="joined")
    __table_args__ = (
        UniqueConstraint("customer_id", "product_code", "start_date", name="uq_holdings_position"),
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
    summary = Column(Text, nullable=False, default="")
    created_at = Column(DateTime, nullable=False)
    staff = relationship(Staff, lazy="joined")
    __table_args__ = (
        CheckConstraint(f"channel IN {CONTACT_CHANNELS}", name="channel"),
        Index("ix_interactions_customer_time", "customer_id", "happened_at"),
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
    # What was shown: 'profile_360', 'holdings', 'interactions', 'candidate_list'.
    shown = Column(String(30), nullable=False)
    channel = Column(String(30), nullable=False, default="")
    detail = Column(String(200), nullable=False, default="")
