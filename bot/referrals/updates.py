"""The conversation that moves a referral on: "ZJ20261130-0001 已联系", "王建国那个转介成交了10万",
"第2条联系不上" -> which referral, which status, the note.
"""
from __future__ import annotations

import re

from bot.customers import replies as customer_replies
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


def _mark(summary) -> str:
    return f"{summary.referral_no}({summary.customer_name or '客户'} {summary.product_word})"


class ReferralUpdates(ReferralChat):
    """update_referral: "王建国的转介已联系", "那个转介成交了,买了20万理财", "ZJ20261130-0001 接了"."""

    def update(
        self,
        chat_id: str,
        entities: dict[str, list[str]],
        text: str,
        referral_in_context: str | None,
        channel: str,
    ) -> ReferralTurn:
        from bot.referrals.lifecycle import Status, status_from_word
        from bot.referrals.results import TransitionOutcome

        status = status_from_word(first_entity(entities, "referral_status")) or _status_in_text(text)
        if status is None:
            return ReferralTurn(
                "要把转介改成什么状态?可以说:接受、已联系、成交(最好带上金额和产品)、未成交,或撤销。",
                None,
                referral_no=referral_in_context,
            )
        targets = self._targets(chat_id, entities, text, referral_in_context, as_referrer=status is Status.CANCELLED)
        if targets is None:
            return ReferralTurn(customer_replies.STRANGER, None, stranger=True)
        if not targets:
            whose = "您发出的" if status is Status.CANCELLED else "您可以更新的(您接收的,或您负责网点的)"
            return ReferralTurn(f"没有找到{whose}未完成转介。发“我的转介”看看全部,或带上转介编号再说一次。", None)
        if len(targets) > 1:
            lines = "\n".join(f"· {_mark(s)} {referral_replies.status_name(s.status)}" for s in targets[:5])
            return ReferralTurn(f"有{len(targets)}条转介可以更新,是哪一条?请带上编号或客户姓名再说一次:\n{lines}", None)
        target = targets[0]
        product = first_entity(entities, "product") if status is Status.CONVERTED else None
        amount = first_entity(entities, "amount") if status is Status.CONVERTED else None
        result = self.referrals.transition(
            chat_id, target.referral_no, status, product_word=product, amount=amount, note=text, channel=channel
        )
        if result.outcome is TransitionOutcome.STRANGER:
            return ReferralTurn(customer_replies.STRANGER, None, stranger=True)
        if result.outcome is TransitionOutcome.NOT_FOUND:
            return ReferralTurn("没有找到这条转介,或者您无权查看。", None)
        if result.outcome is TransitionOutcome.REFUSED:
            return ReferralTurn(f"{_mark(target)}:{result.reason}", None, referral_no=target.referral_no)
        done = result.referral
        reply = f"已更新 {_mark(done)}:{referral_replies.status_name(result.from_status)} → {referral_replies.status_name(result.to_status)}。"
        if result.to_status is Status.CONVERTED:
            reply += f"已记成交{('金额' + amount) if amount else ''},转介人{done.referrer_name}获得积分{result.credit_points or 0}分,已通知对方。"
            if not amount:
                reply += "\n没记到金额,补充金额请说“{} 成交 20万”。".format(done.referral_no)
        elif result.to_status in (Status.ACCEPTED, Status.LOST):
            reply += f"已通知转介人{done.referrer_name}。"
        elif result.to_status is Status.CANCELLED:
            reply += f"已通知接收人{done.receiver_name}。"
        return ReferralTurn(reply, None, customer_id=done.customer_id, referral_no=done.referral_no, saved=True)

    def _targets(self, chat_id, entities, text, referral_in_context, as_referrer: bool):
        if self.referrals_stranger(chat_id):
            return None
        numbers = REFERRAL_NO.findall(text)
        if numbers:
            return self.referrals.find_for_update(chat_id, referral_no=numbers[0].upper(), as_referrer=as_referrer)
        name = first_entity(entities, "customer_name")
        if name:
            return self.referrals.find_for_update(chat_id, customer_name=name, as_referrer=as_referrer)
        customer_id = first_entity(entities, "customer_id")
        if customer_id:
            return self.referrals.find_for_update(chat_id, customer_id=customer_id.upper(), as_referrer=as_referrer)
        if referral_in_context:
            found = self.referrals.find_for_update(chat_id, referral_no=referral_in_context, as_referrer=as_referrer)
            if found:
                return found
        return self.referrals.find_for_update(chat_id, as_referrer=as_referrer)

    def referrals_stranger(self, chat_id: str) -> bool:
        return self.customers.who_is(chat_id) is None
