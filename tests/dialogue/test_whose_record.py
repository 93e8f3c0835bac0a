"""Never on the wrong customer (issue #23, 1): a message that names a customer is about that
customer or nobody; a name that finds nobody is "not found", never the customer in context; the
customer in context is used only when the message names nobody, and a draft built on it says so.

Each conversation is checked in the database afterwards: what was written, and on whom.
"""
from __future__ import annotations

WANG, WANG_YOUNGER, WANG_HEXI, LI, CHEN = "C00000001", "C00000002", "C00000003", "C00000004", "C00000005"


async def test_a_visit_about_a_customer_who_does_not_exist_is_not_put_on_the_one_in_context(chat, db):
    await chat("wangfang", "查一下陈美玲")
    before = db.writes()
    reply = await chat("wangfang", "今天上门拜访了张翠花,聊了理财,她挺感兴趣")
    assert "没有找到" in reply and "陈美玲" not in reply
    assert await chat("wangfang", "确认")  # whatever it says, nothing waits to be saved
    assert db.writes() == before and db.visits(CHEN) == 0


async def test_a_visit_about_another_branchs_customer_is_not_put_on_the_one_in_context(chat, db):
    await chat("wangfang", "查下C00000005")
    reply = await chat("wangfang", "刚给李秀英打了电话,她想存个定期")  # 李秀英 is an agency branch's
    assert "没有找到" in reply and "陈美玲" not in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 0 and db.visits(LI) == 0


async def test_a_phone_that_finds_nobody_writes_nothing_on_the_customer_in_context(chat, db):
    await chat("wangfang", "查下C00000005")
    reply = await chat("wangfang", "13800001111刚来过网点,想买理财,帮我记一下")
    assert "没有找到" in reply and "陈美玲" not in reply
    await chat("wangfang", "确认")
    assert db.visits() == 0


async def test_a_follow_up_of_the_customer_in_context_stays_open_when_the_note_names_someone_else(chat, db):
    await chat("wangfang", "今天电话联系了陈美玲,她对大额存单有兴趣,约了下周二再谈")
    assert "已记录" in await chat("wangfang", "确认")
    assert db.follow_ups(CHEN, open_only=True) == 1
    reply = await chat("wangfang", "今天上门看了王大锤,他说下周来办卡")
    assert "没有找到" in reply
    await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and db.follow_ups(CHEN, open_only=True) == 1


async def test_a_compound_surname_alone_never_shows_the_customer_in_context(chat):
    await chat("zhangli", "查下C00000001")
    for text in ("欧阳呢", "查一下欧阳", "欧阳的定期什么时候到期"):
        reply = await chat("zhangli", text)
        assert "王建国" not in reply and "姓欧阳" in reply, text


async def test_a_surname_with_a_title_is_asked_about_never_the_customer_in_context(chat, db):
    await chat("wangfang", "查下C00000005")
    reply = await chat("wangfang", "帮我把李阿姨转给理财经理,她想了解理财")
    assert "陈美玲" not in reply and "姓李" in reply
    await chat("wangfang", "确认")
    assert db.referrals() == 0


async def test_a_tag_for_a_name_of_nobody_is_not_put_on_the_customer_in_context(chat, db):
    await chat("wangfang", "查下C00000005")
    tags = db.tags(CHEN)
    reply = await chat("wangfang", "给张翠花加个标签:有房贷需求")
    assert "没有找到" in reply and "陈美玲" not in reply
    assert db.tags(CHEN) == tags


async def test_suggestions_for_a_name_of_nobody_are_not_the_context_customers(chat):
    await chat("wangfang", "查下C00000005")
    reply = await chat("wangfang", "给张翠花推荐点产品")
    assert "没有找到" in reply and "陈美玲" not in reply and "推荐" not in reply.split("\n")[0][:6]


async def test_a_customer_of_another_branch_by_number_is_not_found_for_a_visit(chat, db):
    await chat("suntao", "查一下王建国")  # 孙涛 of 河西支行 sees only the one there
    reply = await chat("suntao", "刚才上门拜访了C00000001,聊了理财")
    assert "没有找到" in reply
    await chat("suntao", "确认")
    assert db.visits(WANG) == 0 and db.visits(WANG_HEXI) == 0


async def test_new_referral_on_the_customer_in_context_says_whose_it_is(chat, db):
    await chat("zhangli", "查一下陈美玲")
    reply = await chat("zhangli", "新建转介")
    assert "按上下文,客户是陈美玲" in reply
    reply = await chat("zhangli", "理财")
    assert "陈美玲(C00000005)" in reply and "请确认这条转介" in reply
    assert "已保存" in await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1


async def test_the_customers_name_typed_after_new_referral_is_the_customer_not_a_product(chat, db):
    await chat("zhangli", "查一下王建国")
    await chat("zhangli", "1")
    reply = await chat("zhangli", "新建转介")
    assert "按上下文,客户是王建国" in reply
    reply = await chat("zhangli", "陈美玲")
    assert "陈美玲" in reply and "没认出" not in reply
    reply = await chat("zhangli", "基金")
    assert "陈美玲(C00000005)" in reply and "王建国" not in reply
    assert "已保存" in await chat("zhangli", "确认")
    assert db.referrals(CHEN) == 1 and db.referrals(WANG) == 0


async def test_a_visit_with_no_name_on_the_customer_in_context_says_so_and_saves_there(chat, db):
    await chat("wangfang", "查下C00000001")
    reply = await chat("wangfang", "今天上门拜访了他,他对基金定投有兴趣,约了下周三再谈")
    assert "按上下文,客户是王建国" in reply and "客户:王建国" in reply
    assert "已记录:王建国" in await chat("wangfang", "确认")
    assert db.visits(WANG) == 1


async def test_a_namesake_in_context_is_the_one_a_visit_note_means(chat, db):
    await chat("wangfang", "查一下王建国")
    await chat("wangfang", "2")  # the younger one, 38
    reply = await chat("wangfang", "刚给王建国打了电话,他想了解下理财")
    assert "客户:王建国" in reply and "按上下文" in reply  # of the two, the one being talked about
    await chat("wangfang", "确认")
    assert db.visits(WANG_YOUNGER) == 1 and db.visits(WANG) == 0


async def test_a_stranger_gets_nothing_and_writes_nothing(chat, db):
    before = db.writes()
    for text in ("查一下王建国", "今天拜访了陈美玲,聊了理财", "确认", "新建转介"):
        reply = await chat("nobody", text)
        assert "没有查到您的员工登记信息" in reply and "王建国" not in reply.replace("查一下王建国", "")
    assert db.writes() == before


async def test_a_surname_in_a_visit_note_asks_among_that_surname_never_the_one_in_context(chat, db):
    await chat("wangfang", "查下陈美玲")
    reply = await chat("wangfang", "今天拜访了老王,聊了理财")
    assert "姓王的客户" in reply and "陈美玲" not in reply
    await chat("wangfang", "1")
    reply = await chat("wangfang", "确认")
    assert "已记录:王建国" in reply
    assert db.visits(WANG) == 1 and db.visits(CHEN) == 0


async def test_a_tag_is_the_phrase_written_not_a_word_the_nlu_cut_from_it(chat, db):
    await chat("wangfang", "给王建国加个标签:爱打太极")
    await chat("wangfang", "2")
    assert "爱打太极" in db.tags(WANG_YOUNGER) and "爱" not in db.tags(WANG_YOUNGER)
    await chat("wangfang", "把爱打太极去掉")
    assert db.tags(WANG_YOUNGER) == []


async def test_after_a_name_that_finds_nobody_her_is_nobody_in_particular(chat):
    await chat("hexiaoyan", "查一下李秀英")
    reply = await chat("hexiaoyan", "查一下陈美玲")  # another branch's customer
    assert "没有找到" in reply
    reply = await chat("hexiaoyan", "她的定期哪天到期")
    assert "李秀英" not in reply and "哪位客户" in reply


async def test_after_a_name_that_finds_nobody_she_is_nobody_until_named(chat, db):
    """The lookup of a name nobody has is not-found; the next "她" is not the customer seen before."""
    await chat("zhaoqiang", "查一下陈美玲")
    reply = await chat("zhaoqiang", "查一下李四光")
    assert "没有找到" in reply
    reply = await chat("zhaoqiang", "她买过基金吗")
    assert "陈美玲" not in reply and "哪位客户" in reply
    reply = await chat("zhaoqiang", "给她加个标签:喜欢短期产品")
    assert "陈美玲" not in reply
    assert "喜欢短期产品" not in db.tags("C00000005")


async def test_a_visit_on_namesakes_goes_on_as_a_visit_once_picked(chat, db):
    reply = await chat("wangfang", "拜访了王建国")
    assert "王建国" in reply and "1." in reply
    reply = await chat("wangfang", "1")
    assert "拜访记录" in reply and "王建国" in reply and "【王建国】" not in reply
    assert db.visits("C00000001") == 0
    assert "已记录:王建国" in await chat("wangfang", "确认")
    assert db.visits("C00000001") == 1 and db.visits("C00000002") == 0


async def test_a_name_in_no_branch_she_serves_is_not_found_not_acknowledged(chat, db):
    # 李秀英 is a customer of the agency branch B101; 周敏 serves B002 only.
    reply = await chat("zhoumin", "李秀英")
    assert "没有找到「李秀英」" in reply
    assert "好的" not in reply and "李家庄" not in reply


async def test_a_visit_whose_name_finds_nobody_waits_for_the_right_customer(chat, db):
    # A typo in the name: not found, and the note is kept until she says whom she meant.
    reply = await chat("wangfang", "今天电话联系了陈美龄,她想买国债")
    assert "没有找到" in reply and "陈美龄" in reply and "还没有记录" in reply
    assert db.visits() == 0
    reply = await chat("wangfang", "是陈美玲")
    assert "我理解的拜访记录" in reply and "客户:陈美玲" in reply and "国债" in reply
    assert db.visits() == 0
    assert "已记录:陈美玲" in await chat("wangfang", "确认")
    assert db.visits(CHEN) == 1 and db.visits() == 1


async def test_she_after_switching_to_a_man_is_asked_about_never_answered_with_him(chat, db):
    """陈美玲, then 王建国 (a man): "她" is not him. Nothing of his is shown or written; naming her
    goes on."""
    await chat("wangfang", "查一下陈美玲")
    reply = await chat("wangfang", "C00000001")
    assert "【王建国】" in reply
    audited = db.audited(WANG)
    reply = await chat("wangfang", "她的理财什么时候到期")
    assert "“她”是指哪位客户" in reply and "王建国(男客户)" in reply
    assert db.audited(WANG) == audited
    reply = await chat("wangfang", "给她加个标签:喜欢短期产品")
    assert "“她”是指哪位客户" in reply and "喜欢短期产品" not in db.tags(WANG)
    reply = await chat("wangfang", "陈美玲的理财什么时候到期")
    assert "陈美玲" in reply and "王建国" not in reply
    reply = await chat("wangfang", "他的定期呢")  # 他 fits anybody: the customer in context
    assert "陈美玲" in reply


async def test_a_namesake_is_picked_by_his_occupation(chat, db):
    reply = await chat("zhangli", "王建国")
    assert "1." in reply and "2." in reply
    reply = await chat("zhangli", "是退休教师那个")
    assert "【王建国】" in reply and "退休教师" in reply
    reply = await chat("zhangli", "他的定期什么时候到期")
    assert "邮享定期1年" in reply  # C00000001's, not the engineer's


async def test_a_visit_or_referral_about_her_with_a_man_in_context_asks_whom(chat, db):
    await chat("wangfang", "查一下陈美玲")
    await chat("wangfang", "C00000001")  # 王建国, a man
    reply = await chat("wangfang", "刚给她打了电话,她想买国债")
    assert "王建国" not in reply and "哪位客户" in reply
    await chat("wangfang", "确认")
    assert db.visits(WANG) == 0
    reply = await chat("wangfang", "取消")
    reply = await chat("wangfang", "给她转个单,想了解理财")
    assert "按上下文" not in reply and "王建国" not in reply and "哪位客户" in reply
    await chat("wangfang", "确认")
    assert db.referrals(WANG) == 0
