"""The real actions, run through rasa-sdk's executor (as the action server runs them) against a
real database loaded with the demo bank."""
from __future__ import annotations

import re

from bot.dialogue.replies import NOT_STAFF
from tests.actions.conftest import SLOTS, draft_of, listed  # noqa: F401


def no_full_identifiers(text: str) -> bool:
    return re.search(r"\d{11,}", text) is None


async def test_lookup_lists_namesakes_then_number_picks_one(talk):
    replies, slots = await talk("zhangli", "查一下王建国", "lookup_customer", [("customer_name", "王建国")])
    assert "找到2位叫王建国的客户" in replies[0]
    assert "139****5678" in replies[0] and "135****4321" in replies[0]
    assert listed(slots) == ["C00000001", "C00000002"]
    # Buttons that answer with the number, as if typed.
    assert talk.responses[0]["buttons"] == [{"title": "王建国 139****5678", "payload": "1"},
                                            {"title": "王建国 135****4321", "payload": "2"}]

    replies, slots = await talk("zhangli", "2", "inform", **slots)
    assert "【王建国】男 38岁" in replies[0]
    assert talk.responses[0]["buttons"] == []
    assert "C00000002" in replies[0]
    assert slots["current_customer_id"] == "C00000002"
    assert listed(slots) is None


async def test_profile_shows_the_360_summary_masked(talk):
    replies, _ = await talk("zhangli", "13912345678是谁", "lookup_customer", [("phone", "13912345678")])
    text = replies[0]
    for part in ["【王建国】男 60岁 · 白金客户", "139****5678", "资产合计 75万", "风险等级 C3", "最近到期:", "还有9天", "意向:基金", "客户经理:王芳", "最近联系:"]:
        assert part in text
    assert no_full_identifiers(text)


async def test_holdings_follow_up_uses_context(talk):
    replies, _ = await talk("zhangli", "她的房贷", "ask_holdings", [("product", "房贷")], current_customer_id="C00000005")
    assert replies[0].startswith("陈美玲名下的房贷(1笔)")


async def test_interactions_of_named_customer(talk):
    replies, slots = await talk("majun", "李秀英最近谁联系过", "ask_interactions", [("customer_name", "李秀英")])
    assert replies[0].startswith("李秀英")
    assert slots["current_customer_id"] == "C00000004"


async def test_other_branch_customer_gets_not_found(talk):
    hidden, _ = await talk("suntao", "查13912345678", "lookup_customer")
    nobody, _ = await talk("suntao", "查13000000000", "lookup_customer")
    assert hidden == [nobody[0]] and "没有找到这个手机号对应的客户" in hidden[0]


async def test_bad_id_checksum_is_explained(talk):
    replies, _ = await talk("zhangli", "查110105194912310021", "lookup_customer")
    assert "校验位不对" in replies[0]


async def test_stranger_is_refused_everywhere(talk, bank):
    # Whoever is not registered staff gets the one refusal and nothing else, whatever she wrote:
    # no greeting, no customer, no draft opened, no slot set, nothing audited.
    messages = [
        ("查一下王建国", "lookup_customer", [("customer_name", "王建国")]),
        ("你好", "greet", []),
        ("给他推荐点产品", "suggest_products", []),
        ("王建国想买理财,转给王芳", "record_referral", [("customer_name", "王建国"), ("staff_name", "王芳")]),
        ("今天给王建国打了电话,下周三再联系", "log_visit", [("customer_name", "王建国")]),
        ("我的待办", "list_tasks", []),
        ("我的转介", "list_referrals", []),
        ("提个建议:加个提醒", "give_feedback", []),
    ]
    for text, intent, entities in messages:
        replies, slots = await talk("nobody", text, intent, entities)
        assert replies == [NOT_STAFF] and slots == {}, text
    assert audited_views(bank) == []


async def test_staff_get_the_static_reply(talk):
    replies, _ = await talk("zhangli", "你能干啥", "help")
    assert replies == ["utter_help"]


async def test_bare_answer_with_nothing_pending(talk):
    replies, _ = await talk("zhangli", "2", "inform")
    assert replies[0].startswith("没明白您指的是哪位客户")


def audited_views(bank) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from bot.models import AuditEntry

    with bank.unit_of_work() as session:
        return [(a.customer_id, a.shown) for a in session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()]


async def test_a_bare_customer_name_the_nlu_missed_is_still_a_lookup(talk, bank):
    # The NLU read "陈美玲" as nothing it knew (nlu_fallback): the name is a customer's all the same.
    replies, slots = await talk("zhangli", "陈美玲", "nlu_fallback", [("product", "陈美玲")])
    assert replies[0].startswith("【陈美玲】女") and slots["current_customer_id"] == "C00000005"
    replies, slots = await talk("zhangli", "王建国呢?", "nlu_fallback")
    assert "找到2位叫王建国的客户" in replies[0] and listed(slots) == ["C00000001", "C00000002"]


async def test_a_bare_name_read_as_small_talk_is_a_lookup(talk, bank):
    # CI's model of a0a0532 read 马骏's "李秀英" as affirm: "好的。还有要查的客户…" before.
    for intent in ("affirm", "thanks", "out_of_scope"):
        replies, slots = await talk("majun", "李秀英", intent)
        assert replies[0].startswith("【李秀英】") and slots["current_customer_id"] == "C00000004", intent
    replies, _ = await talk("majun", "好的", "affirm")
    assert replies == ["utter_acknowledge_affirm"]
    replies, _ = await talk("nobody", "李秀英", "affirm")
    assert replies == [NOT_STAFF]


async def test_a_bare_name_read_as_an_answer_with_nothing_asked_is_a_lookup(talk, bank):
    # One training read 马骏's "李秀英" as inform with no entity: "没明白您指的是哪位客户" before.
    replies, slots = await talk("majun", "李秀英", "inform")
    assert replies[0].startswith("【李秀英】") and slots["current_customer_id"] == "C00000004"
    replies, _ = await talk("zhangli", "李秀英", "inform")  # not her branch: a name of nobody she serves
    assert replies[0].startswith("在您服务的网点里没有找到「李秀英」")


async def test_a_message_that_is_no_customers_name_is_still_asked_to_rephrase(talk, bank):
    before = audited_views(bank)
    for text in ("谢谢了", "周末", "查一下王建国的那个东西吧"):
        replies, slots = await talk("zhangli", text, "nlu_fallback")
        assert replies == ["utter_ask_rephrase"] and slots == {}, text
    # What reads as a person's name but is nobody she serves (李秀英 is another branch's; 陈美 is
    # nobody's) is "not found", never a customer shown.
    for text in ("陈美", "李秀英"):
        replies, slots = await talk("zhangli", text, "nlu_fallback")
        assert replies == [f"在您服务的网点里没有找到「{text}」对应的客户。可以试试发手机号或客户号,或核对一下姓名的写法。"], text
        assert not slots.get("current_customer_id"), text
    assert audited_views(bank) == before  # nothing looked at, nothing in the audit log



async def test_a_lookup_writes_nothing_but_its_audit_row(talk, bank):
    """Every message also asks whether notifications wait for the sender. With none waiting that
    is a read: a lookup's one write is its audit row, and small talk writes nothing (on SQLite a
    write takes the database-wide lock that every action thread would queue behind)."""
    from sqlalchemy import event

    async def statements(text, intent, entities=()):
        executed = []
        listener = lambda *args: executed.append(args[2].split()[0].upper())  # noqa: E731
        event.listen(bank.engine, "before_cursor_execute", listener)
        try:
            replies, _ = await talk("zhangli", text, intent, entities)
        finally:
            event.remove(bank.engine, "before_cursor_execute", listener)
        return replies, [kind for kind in executed if kind != "SELECT"]

    replies, writes = await statements("查一下陈美玲", "lookup_customer",
                                       [("customer_name", "陈美玲")])
    assert replies[-1].startswith("【陈美玲】") and writes == ["INSERT"]
    replies, writes = await statements("谢谢", "thanks")
    assert replies == ["utter_thanks"] and writes == []


async def test_changing_a_customers_risk_level_is_refused_with_the_reason_and_nothing_shown(talk, bank):
    # "帮我把王建国的风险等级改成C4" got the namesakes list, as if it were a lookup.
    replies, slots = await talk("zhangli", "帮我把王建国的风险等级改成C4", "lookup_customer", [("customer_name", "王建国")])
    assert replies[-1].startswith("客户资料(风险等级") and "重新做风险测评" in replies[-1]
    assert "current_customer_id" not in slots
