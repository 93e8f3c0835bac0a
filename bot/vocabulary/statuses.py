"""What staff say a referral has come to: 接了, 联系上了, 成交, 没成, 撤销… -> its status.

The statuses are the values of bot.referrals.Status (new, accepted, contacted, converted, lost,
cancelled); the words follow the NLU contract's synonyms (docs/nlu_contract.md), so 联系不上 is
lost, as the NLU maps it. bot.referrals turns a value into its Status.
"""
from __future__ import annotations

from bot.vocabulary.width import to_half_width

REFERRAL_STATUSES = ("new", "accepted", "contacted", "converted", "lost", "cancelled")

REFERRAL_STATUS_WORDS: dict[str, str] = {status: status for status in REFERRAL_STATUSES}
REFERRAL_STATUS_WORDS.update(
    {
        "接受": "accepted", "已接受": "accepted", "接了": "accepted", "收到": "accepted",
        "接收": "accepted", "已接收": "accepted",
        "已联系": "contacted", "联系了": "contacted", "联系上": "contacted",
        "联系上了": "contacted", "联系过了": "contacted",
        "成交": "converted", "已成交": "converted", "买了": "converted", "办了": "converted",
        "签了": "converted", "成了": "converted",
        # 联系不上 is lost, as the NLU contract's synonyms say.
        "未成交": "lost", "没成": "lost", "丢了": "lost", "不买了": "lost",
        "联系不上": "lost", "没联系上": "lost", "不办了": "lost",
        "关闭": "cancelled", "取消": "cancelled", "撤销": "cancelled", "已关闭": "cancelled",
        "撤回": "cancelled",
    }
)


def referral_status_of(word: str | None) -> str | None:
    """A status word as written or as the NLU's canonical value -> the status value, or None."""
    if not word:
        return None
    word = to_half_width(word).strip()
    return REFERRAL_STATUS_WORDS.get(word.lower()) or REFERRAL_STATUS_WORDS.get(word)
