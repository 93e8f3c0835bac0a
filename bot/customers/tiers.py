"""Customer tiers (客户等级) by total assets under management."""
from __future__ import annotations

from decimal import Decimal

# Categories that are the bank's money lent out or a credit line, not the customer's assets.
LIABILITY_CATEGORIES = frozenset({"贷款", "信用卡"})


def tier_for(total_assets: Decimal, tiers: tuple[tuple[str, Decimal], ...]) -> str:
    """The highest tier whose threshold the assets reach; tiers are sorted, lowest first."""
    chosen = tiers[0][0]
    for name, threshold in tiers:
        if total_assets >= threshold:
            chosen = name
    return chosen
