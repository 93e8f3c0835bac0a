"""The conversation that moves a referral on: "ZJ20261130-0001 已联系", "王建国那个转介成交了10万",
"第2条联系不上" -> which referral, which status, the note.
"""
from __future__ import annotations

import re

from bot.access import StaffMember
from bot.referrals import replies as referral_replies
from bot.referrals.dialogue import ReferralChat, ReferralTurn
from bot.referrals.people import first_entity

REFERRAL_NO = re.compile(r"ZJ\d{8}-\d{4}", re.IGNORECASE)


def _status_in_text(text: str):
    """A status word written in the message, longest first ("未成交" before "成交")."""
    from bot.referrals.lifecycle import STATUS_WORDS

    for word in sorted((w for w in STATUS_WORDS if not w.isascii()), key=len, reverse=True):
        if word in text:
            return STATUS_WORDS[word]
    return None


class ReferralUpdates(ReferralChat):
    """update_referral: "王建国的转介已联系", "那个转介成交了,买了20万理财", "ZJ20261130-0001 接了"."""

    def update(
        self,
        staff: StaffMember,
        entities: dict[str, list[str]],
        text: str,
        referral_in_context: str | None,
        channel: str,
    ) -> ReferralTurn:
        from bot.referrals.lifecycle import Status, status_from_word
        from bot.referrals.results import TransitionOutcome

        status = status_from_word(first_entity(entities, "referral_status")) or _status_in_text(text)
        if status is None:
            return ReferralTurn(referral_replies.ASK_STATUS, None, referral_no=referral_in_context)
        targets = self._targets(staff, entities, text, referral_in_context, as_referrer=status is Status.CANCELLED)
        if not targets:
            return ReferralTurn(referral_replies.no_open_referral(cancelling=status is Status.CANCELLED), None)
        if len(targets) > 1:
            return ReferralTurn(referral_replies.which_referral(targets), None)
        target = targets[0]
        product = first_entity(entities, "product") if status is Status.CONVERTED else None
        amount = first_entity(entities, "amount") if status is Status.CONVERTED else None
        result = self.referrals.transition(
            staff, target.referral_no, status, product_word=product, amount=amount, note=text, channel=channel
        )
        if result.outcome is TransitionOutcome.NOT_FOUND:
            return ReferralTurn(referral_replies.REFERRAL_NOT_FOUND, None)
        if result.outcome is TransitionOutcome.REFUSED:
            return ReferralTurn(referral_replies.update_refused(target, result.reason), None,
                                referral_no=target.referral_no)
        done = result.referral
        return ReferralTurn(referral_replies.updated(result, amount), None, customer_id=done.customer_id,
                            referral_no=done.referral_no, saved=True)

    def _targets(self, staff, entities, text, referral_in_context, as_referrer: bool):
        numbers = REFERRAL_NO.findall(text)
        if numbers:
            return self.referrals.find_for_update(staff, referral_no=numbers[0].upper(), as_referrer=as_referrer)
        name = first_entity(entities, "customer_name")
        if name:
            return self.referrals.find_for_update(staff, customer_name=name, as_referrer=as_referrer)
        customer_id = first_entity(entities, "customer_id")
        if customer_id:
            return self.referrals.find_for_update(staff, customer_id=customer_id.upper(), as_referrer=as_referrer)
        if referral_in_context:
            found = self.referrals.find_for_update(staff, referral_no=referral_in_context, as_referrer=as_referrer)
            if found:
                return found
        return self.referrals.find_for_update(staff, as_referrer=as_referrer)
