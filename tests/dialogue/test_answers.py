"""An answer is read as an answer (issue #23, 2): while the bot waits for which customer, which
product, which colleague or a confirmation, the next message is first read as that answer, and
corrections at a confirmation apply, including the ones the bot suggests."""
from __future__ import annotations

WANG, WANG_YOUNGER, LI, CHEN = "C00000001", "C00000002", "C00000004", "C00000005"


async def test_a_product_answer_that_sounds_like_a_visit_is_the_product(chat, db):
    await chat("zhangli", "新建转介")
    await chat("zhangli", "陈美玲")
    reply = await chat("zhangli", "到期了想续存")
    assert "请确认这条转介" in reply and "存款" in reply and "拜访记录" not in reply
    assert "已保存" in await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1 and db.visits() == 0
    assert db.latest_referral().product_category == "存款"


async def test_buy_some_treasury_bonds_is_the_product(chat, db):
    await chat("zhangli", "查C00000005")
    await chat("zhangli", "帮她转个介")
    reply = await chat("zhangli", "买点国债吧")
    assert "请确认这条转介" in reply and "国债" in reply
    await chat("zhangli", "确认")
    assert db.latest_referral().customer_id == CHEN and db.latest_referral().product_word == "国债"


async def test_transfer_to_a_colleague_at_the_confirmation_changes_the_receiver(chat, db):
    reply = await chat("zhangli", "把陈美玲转给客户经理,想了解理财")
    assert "请确认这条转介" in reply
    reply = await chat("zhangli", "转给陈静")
    assert "接收人:陈静" in reply and "我的转介" not in reply
    await chat("zhangli", "确认")
    assert db.latest_referral().receiver_id == "S0004"


async def test_product_changed_at_the_confirmation(chat, db):
    await chat("zhangli", "把陈美玲转介给理财经理,想了解理财")
    reply = await chat("zhangli", "产品改成基金定投")
    assert "意向产品:基金定投" in reply and "名下没有" not in reply
    await chat("zhangli", "确认")
    assert db.latest_referral().product_word == "基金定投"


async def test_customer_corrected_at_a_referrals_confirmation(chat, db):
    await chat("zhangli", "把C00000001转给理财经理,想了解基金")
    reply = await chat("zhangli", "客户写错了,是陈美玲")
    assert "陈美玲(C00000005)" in reply and "王建国" not in reply
    await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1 and db.referrals(WANG) == 0


async def test_customer_corrected_at_a_visits_confirmation(chat, db):
    await chat("wangfang", "今天上门拜访了C00000001,聊了基金定投")
    reply = await chat("wangfang", "客户写错了,是陈美玲")
    assert "客户:陈美玲" in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and db.visits(WANG) == 0


async def test_namesakes_in_a_referral_are_picked_by_number(chat, db):
    reply = await chat("zhangli", "把王建国转给理财经理,想了解理财")
    assert "找到2位叫王建国的客户" in reply
    reply = await chat("zhangli", "2")
    assert "王建国(C00000002)" in reply
    await chat("zhangli", "确认")
    assert db.referrals(WANG_YOUNGER) == 1 and db.referrals(WANG) == 0


async def test_namesakes_in_a_visit_note_are_picked_by_phone_tail(chat, db):
    reply = await chat("wangfang", "今天电话回访了王建国,他想了解理财")
    assert "找到2位叫王建国的客户" in reply
    reply = await chat("wangfang", "尾号4321")
    assert "客户:王建国" in reply and "按上下文" not in reply
    await chat("wangfang", "确认")
    assert db.visits(WANG_YOUNGER) == 1


async def test_a_visit_note_without_a_customer_asks_and_takes_the_answer(chat, db):
    reply = await chat("wangfang", "今天上门拜访了一位老客户,聊了大额存单,她挺感兴趣")
    assert "哪位客户" in reply
    reply = await chat("wangfang", "陈美玲")
    assert "客户:陈美玲" in reply and "大额存单" in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1


async def test_a_colleague_who_cannot_take_it_is_replaced_by_a_number_from_the_offer(chat, db):
    reply = await chat("zhangli", "把陈美玲转给孙涛,想办房贷")
    assert "孙涛" in reply and "可以转给" in reply
    reply = await chat("zhangli", "1")
    assert "请确认这条转介" in reply
    await chat("zhangli", "确认")
    referral = db.latest_referral()
    assert referral.customer_id == CHEN and referral.receiver_id != "S0006"


async def test_confirm_before_a_receiver_is_settled_saves_nothing(chat, db):
    await chat("majun", "把李秀英转给孙涛,想了解理财")
    reply = await chat("majun", "确认")
    assert "还不能保存" in reply or "请确认" not in reply
    assert db.referrals() == 0


async def test_cancel_at_any_step_writes_nothing(chat, db):
    await chat("zhangli", "新建转介")
    await chat("zhangli", "陈美玲")
    assert "取消" in await chat("zhangli", "算了不转了")
    await chat("wangfang", "今天上门拜访了陈美玲,聊了理财")
    await chat("wangfang", "不记了")
    assert db.writes() == (0, 0, 0)


async def test_a_follow_up_time_corrected_keeps_the_rest(chat, db):
    await chat("wangfang", "刚给陈美玲打了电话,她对大额存单有兴趣,约了下周三再谈")
    reply = await chat("wangfang", "跟进时间改成下周五")
    assert "下次跟进:12月11日" in reply and "大额存单" in reply
    await chat("wangfang", "确认")
    assert db.follow_ups(CHEN) == 1


async def test_a_namesake_picked_by_how_she_describes_him(chat, db):
    await chat("liuwei", "王建国的情况")
    reply = await chat("liuwei", "不对,是年轻的那个")
    assert "【王建国】男 38岁" in reply
    reply = await chat("liuwei", "他最近谁联系过")
    assert "王建国" in reply and "哪位客户" not in reply


async def test_handing_the_customer_on_the_card_to_a_role_starts_a_referral_of_her(chat, db):
    await chat("zhoumin", "王建国")  # 河西支行's only 王建国, C00000003
    reply = await chat("zhoumin", "转给客户经理")
    assert "王建国" in reply and ("什么产品" in reply or "请确认这条转介" in reply)
    assert db.referrals() == 0
    reply = await chat("zhoumin", "他想买理财")
    assert "请确认这条转介" in reply and "C00000003" in reply and "理财" in reply
    assert "已保存" in await chat("zhoumin", "确认")
    assert db.referrals("C00000003") == 1 and db.referrals() == 1


async def test_handing_on_with_nobody_in_context_asks_whom(chat, db):
    reply = await chat("zhoumin", "转给客户经理")
    assert "哪位客户" in reply and db.referrals() == 0
