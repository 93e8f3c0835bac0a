"""Identifiers as people type them (issue #23, 6): phones with spaces or dashes, +86/86 prefixes
and full-width digits; the old 15-digit ID numbers; customer numbers in lower case or full width:
as lookups, inside visit notes and referrals. Replies never show a phone or an ID number in full
(no run of 11 or more digits, however it was typed), and a number that is none gets the right
explanation in Chinese and writes nothing, on nobody.
"""
from __future__ import annotations

import re

WANG, WANG_YOUNGER, LI, CHEN = "C00000001", "C00000002", "C00000004", "C00000005"
# A phone or an ID number in full, however it was typed: 11+ digits once blanks, dashes and the
# +86 prefix are gone; full-width digits count as digits.
_TYPED_DIGITS = re.compile(r"[0-9０-９](?:[\s\-‐–—]*[0-9０-９]){10,}")


def shows_a_full_number(reply: str) -> bool:
    return bool(_TYPED_DIGITS.search(reply))


def old_id_number(id_number: str) -> str:
    """The 15-digit form issued before 1999: no century, no check character."""
    return id_number[:6] + id_number[8:17]


async def test_a_phone_in_groups_with_spaces(chat, db):
    audited = db.audited(CHEN)
    reply = await chat("zhangli", "查一下137 0000 5555")
    assert reply.startswith("【陈美玲】") and "137****5555" in reply and not shows_a_full_number(reply)
    assert db.audited(CHEN) > audited


async def test_a_phone_with_dashes_then_one_fact(chat, db):
    reply = await chat("zhangli", "帮我查下 139-1234-5678")
    assert reply.startswith("【王建国】") and "客户号 C00000001" in reply
    reply = await chat("zhangli", "他手机号多少")
    assert reply == "王建国的手机:139****5678"


async def test_a_phone_with_the_country_code_and_spaces(chat, db):
    reply = await chat("zhangli", "+86 135 8765 4321 这个客户查一下")
    assert reply.startswith("【王建国】") and "客户号 C00000002" in reply and not shows_a_full_number(reply)


async def test_a_phone_with_86_glued_in_front(chat, db):
    reply = await chat("wangfang", "查8613700005555")
    assert reply.startswith("【陈美玲】") and not shows_a_full_number(reply)


async def test_a_phone_in_full_width_digits(chat, db):
    reply = await chat("wangfang", "查一下１３７００００５５５５")
    assert reply.startswith("【陈美玲】") and not shows_a_full_number(reply)


async def test_an_old_fifteen_digit_id_number(chat, db):
    old = old_id_number(db.customer(CHEN).id_number)
    reply = await chat("zhangli", f"查身份证{old}")
    assert reply.startswith("【陈美玲】") and old not in reply and not shows_a_full_number(reply)


async def test_customer_numbers_in_lower_case_and_full_width(chat, db):
    reply = await chat("zhangli", "查c00000005")
    assert reply.startswith("【陈美玲】")
    reply = await chat("zhangli", "Ｃ０００００００１呢")
    assert reply.startswith("【王建国】") and "客户号 C00000001" in reply


async def test_a_customer_number_in_lower_case_of_another_branch_is_not_found(chat, db):
    reply = await chat("suntao", "查c00000001")
    assert "没有找到" in reply and "王建国" not in reply
    assert db.audited(WANG) == 0


async def test_mistyped_numbers_get_the_right_explanation_and_find_nobody(chat, db):
    reply = await chat("zhangli", "查一下1370000555")
    assert "手机号应该是11位" in reply
    reply = await chat("zhangli", "查下11010119790715042X")
    assert "身份证号校验位不对" in reply and "11010119790715042X" not in reply
    reply = await chat("zhangli", "查一下c0000005")
    assert "客户号的格式是C加8位数字" in reply
    assert db.audited(CHEN) == 0


async def test_a_visit_note_with_a_spaced_prefixed_phone_is_on_that_customer_and_shown_masked(chat, db):
    reply = await chat("wangfang", "今天上门拜访了+86 137 0000 5555,她想买大额存单")
    assert "客户:陈美玲" in reply and "按上下文" not in reply and not shows_a_full_number(reply)
    assert "已记录:陈美玲" in await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1
    reply = await chat("wangfang", "最近谁联系过她")
    assert "陈美玲" in reply and "137****5555" in reply and not shows_a_full_number(reply)


async def test_a_phone_typed_in_a_note_is_masked_on_the_card_and_in_the_daily_list(chat, db):
    reply = await chat("wangfang", "今天给１３９ １２３４ ５６７８打了电话,聊了理财,后天再联系")
    assert "客户:王建国" in reply
    await chat("wangfang", "确认")
    assert db.visits(WANG) == 1
    reply = await chat("wangfang", "查下C00000001")
    assert "最近联系:2026-11-30" in reply and not shows_a_full_number(reply)
    reply = await chat("wangfang", "后天的待办")
    assert "王建国" in reply and not shows_a_full_number(reply)


async def test_an_id_number_in_a_visit_note_is_that_customer_not_the_one_in_context(chat, db):
    id_number = db.customer(WANG).id_number
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", f"今天拜访了身份证号{id_number}的客户,聊了理财")
    assert "客户:王建国" in reply and "陈美玲" not in reply and id_number not in reply
    assert "已记录:王建国" in await chat("wangfang", "确认")
    assert db.visits(WANG) == 1 and db.visits(CHEN) == 0
    reply = await chat("wangfang", "查下C00000001")
    assert not shows_a_full_number(reply)


async def test_an_id_number_of_another_branchs_customer_in_a_visit_writes_nothing(chat, db):
    id_number = db.customer(LI).id_number
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", f"刚才身份证{id_number}的客户来网点了,想存定期")
    assert "没有找到" in reply and "陈美玲" not in reply and not shows_a_full_number(reply)
    await chat("wangfang", "确认")
    assert db.visits() == 0


async def test_a_mistyped_phone_in_a_visit_note_is_not_put_on_the_customer_in_context(chat, db):
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", "今天给1370000555打了电话,聊了理财")
    assert "陈美玲" not in reply and ("没有找到" in reply or "手机号应该是11位" in reply)
    await chat("wangfang", "确认")
    assert db.visits() == 0


async def test_her_husbands_phone_in_a_note_does_not_make_him_the_customer(chat, db):
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", "今天上门拜访了她,她老公手机13912345678,聊了理财")
    assert "客户:陈美玲" in reply and "王建国" not in reply and not shows_a_full_number(reply)
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and db.visits(WANG) == 0


async def test_a_referral_by_a_spaced_phone(chat, db):
    reply = await chat("zhangli", "把手机号137 0000 5555的客户转给理财经理,想买基金")
    assert "转介客户:陈美玲(C00000005)" in reply and not shows_a_full_number(reply)
    assert "已保存" in await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1


async def test_a_referral_by_an_old_id_number(chat, db):
    old = old_id_number(db.customer(CHEN).id_number)
    reply = await chat("zhangli", f"把身份证{old}的客户转给理财经理,想了解保险")
    assert "转介客户:陈美玲(C00000005)" in reply and old not in reply
    assert "已保存" in await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1 and db.latest_referral().product_category == "保险"


async def test_a_referral_by_a_phone_of_nobody_is_not_the_customer_in_context(chat, db):
    await chat("zhangli", "查下陈美玲")
    reply = await chat("zhangli", "把138-0000-1111转给理财经理,想买理财")
    assert "陈美玲" not in reply and not shows_a_full_number(reply)
    await chat("zhangli", "确认")
    assert db.referrals() == 0


async def test_a_bare_phone_in_groups_is_looked_up(chat, db):
    reply = await chat("majun", "158 3333 4444")
    assert reply.startswith("【李秀英】") and not shows_a_full_number(reply)


async def test_a_phone_in_a_referral_is_no_amount(chat, db):
    id_number = db.customer(CHEN).id_number
    grouped = f"{id_number[:6]} {id_number[6:14]} {id_number[14:]}"  # 6-8-4, as on the card
    reply = await chat("zhangli", f"把身份证{grouped}的客户转给理财经理,想了解保险,她电话137 0000 5555")
    assert "转介客户:陈美玲(C00000005)" in reply and "金额" not in reply and not shows_a_full_number(reply)
    await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1 and "137" not in (db.latest_referral().note or "")
