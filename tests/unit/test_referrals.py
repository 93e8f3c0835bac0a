"""Referrals: routing, creating, duplicates, idempotency and status changes, on a real database."""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot.models import AuditEntry, Notification, Referral, ReferralEvent
from bot.referrals.lifecycle import RoutedBy, Status, TransitionProblem, status_from_word
from bot.referrals.results import CreateOutcome, DraftOutcome, TransitionOutcome
from bot.referrals.service import ReferralService
from bot.settings import Settings
from bot.vocabulary.numbers import parse_amount
from tests.bank_fixtures import as_staff


@pytest.fixture
def service(bank):
    return ReferralService(bank, Settings(database_url=bank.url))


def create(service, chat_id="zhangli", customer="C00000001", product="理财", receiver="S0003", key=None, force=False, note="想了解"):
    key = key or f"{chat_id}-{customer}-{product}-{receiver}-{force}"
    return service.create(as_staff(chat_id), customer, product, receiver, note, key, force=force)


def rows(database, model, *where):
    with database.unit_of_work() as session:
        return list(session.execute(select(model).where(*where).order_by(model.id)).scalars())


# ------------------------------------------------------------------ words


@pytest.mark.parametrize(
    "word,status",
    [
        ("接受", Status.ACCEPTED), ("已接受", Status.ACCEPTED), ("接了", Status.ACCEPTED), ("accepted", Status.ACCEPTED),
        ("已联系", Status.CONTACTED), ("联系了", Status.CONTACTED), ("联系上", Status.CONTACTED),
        ("成交", Status.CONVERTED), ("已成交", Status.CONVERTED), ("买了", Status.CONVERTED),
        ("未成交", Status.LOST), ("没成", Status.LOST), ("丢了", Status.LOST), ("联系不上", Status.LOST),
        ("关闭", Status.CANCELLED), ("取消", Status.CANCELLED), ("cancelled", Status.CANCELLED),
        ("随便", None), ("", None),
    ],
)
def test_status_words(word, status):
    assert status_from_word(word) is status


@pytest.mark.parametrize(
    "text,amount",
    [("20万", "200000"), ("1.5万", "15000"), ("3000元", "3000"), ("五十万", "500000"), ("两千块", "2000"),
     ("1,000", "1000"), ("十二万五千", "125000"), ("很多", None)],
)
def test_amounts_as_staff_write_them(text, amount):
    assert parse_amount(text) == (Decimal(amount) if amount else None)


# ------------------------------------------------------------------ routing (draft)


def test_named_receiver_who_serves_the_branch(service, bank):
    draft = service.draft(as_staff("zhangli"), "C00000001", "基金定投", receiver_name="王芳", note="想了解定投")
    assert draft.outcome is DraftOutcome.READY
    assert (draft.customer.name, draft.category, draft.product_word) == ("王建国", "基金", "基金定投")
    assert draft.receiver.staff_id == "S0003" and draft.routed_by is RoutedBy.NAMED
    assert draft.reason == "王芳,网点客户经理,当前待办0条"
    assert rows(bank, Referral) == []  # a draft writes nothing


def test_named_receiver_of_another_branch_gets_alternatives(service):
    draft = service.draft(as_staff("zhangli"), "C00000001", "理财", receiver_name="孙涛")
    assert draft.outcome is DraftOutcome.RECEIVER_CANNOT_SERVE
    assert "河西支行" in draft.reason and "城关支行" in draft.reason
    assert draft.receiver is None
    # Everyone offered serves B001; customer managers (孙涛's role) first; never the referrer.
    ids = [a.staff_id for a in draft.alternatives]
    assert ids[:2] == ["S0003", "S0008"]
    assert set(ids) <= {"S0002", "S0003", "S0004", "S0005", "S0008"}
    assert all(a.role_name for a in draft.alternatives)


def test_unknown_receiver_name_is_said_with_alternatives(service):
    draft = service.draft(as_staff("zhangli"), "C00000001", "理财", receiver_name="司马光")
    assert draft.outcome is DraftOutcome.RECEIVER_UNKNOWN
    assert "司马光" in draft.reason and draft.alternatives


def test_role_routes_to_least_busy_of_that_role(service):
    first = service.draft(as_staff("zhangli"), "C00000001", "房贷", receiver_role="客户经理")
    assert first.routed_by is RoutedBy.ROLE and first.receiver.staff_id == "S0003"  # tie: lower staff id
    assert create(service, receiver="S0003", product="房贷").outcome is CreateOutcome.CREATED
    second = service.draft(as_staff("zhangli"), "C00000002", "房贷", receiver_role="客户经理")
    assert second.receiver.staff_id == "S0008"  # 王芳 has one open referral now, 马骏 none
    assert second.receiver.open_count == 0


def test_category_default_roles(service):
    assert service.draft(as_staff("zhangli"), "C00000001", "理财").receiver.staff_id == "S0004"  # wealth manager
    loan = service.draft(as_staff("zhangli"), "C00000001", "贷款")
    assert loan.routed_by is RoutedBy.CATEGORY_DEFAULT and loan.receiver.role == "customer_manager"


def test_roaming_manager_receives_for_agency_branch(service):
    draft = service.draft(as_staff("hexiaoyan"), "C00000004", "基金")
    assert draft.outcome is DraftOutcome.READY
    assert draft.receiver.staff_id == "S0008" and not draft.receiver.at_customer_branch
    assert draft.reason.endswith("马骏,城关支行(负责该网点)客户经理,当前待办0条")


def test_nobody_of_the_role_falls_back_to_branch_head(service):
    draft = service.draft(as_staff("suntao"), "C00000003", "基金", receiver_role="理财经理")  # B002 has no wealth manager
    assert draft.outcome is DraftOutcome.READY
    assert draft.receiver.staff_id == "S0010" and draft.fell_back_to_branch_head
    assert "网点负责人" in draft.reason and "理财经理" in draft.reason


def test_no_branch_head_either_is_a_problem_not_a_referral(service):
    draft = service.draft(as_staff("hexiaoyan"), "C00000004", "基金", receiver_role="理财经理")
    assert draft.outcome is DraftOutcome.NO_RECEIVER and draft.receiver is None
    assert [a.staff_id for a in draft.alternatives] == ["S0008"]


def test_product_words_resolve_to_categories(service):
    words = {"基金定投": "基金", "房贷": "贷款", "大额存单": "存款", "稳享理财90天": "理财", "积存金": "贵金属", "养老金": "保险"}
    for word, category in words.items():
        draft = service.draft(as_staff("zhangli"), "C00000001", word)
        assert (draft.product_word, draft.category) == (word, category)


def test_unknown_product_word(service):
    assert service.draft(as_staff("zhangli"), "C00000001", "火箭票").outcome is DraftOutcome.UNKNOWN_PRODUCT


def test_invisible_customers(service):
    elsewhere = service.draft(as_staff("suntao"), "C00000001", "理财")
    nobody = service.draft(as_staff("suntao"), "C99999999", "理财")
    assert elsewhere.outcome is nobody.outcome is DraftOutcome.CUSTOMER_NOT_VISIBLE
    assert elsewhere.customer is None
    assert create(service, chat_id="suntao", receiver="S0006").outcome is CreateOutcome.CUSTOMER_NOT_VISIBLE


# ------------------------------------------------------------------ creating


def test_create_writes_referral_history_notification_and_audit(service, bank):
    created = create(service, product="基金定投", note="有兴趣")
    assert created.outcome is CreateOutcome.CREATED and not created.repeated
    referral = created.referral
    assert referral.referral_no == "ZJ20261130-0001"
    assert (referral.customer_name, referral.category, referral.status) == ("王建国", "基金", Status.NEW)
    assert (referral.referrer_id, referral.receiver_name) == ("S0001", "王芳")
    assert referral.sla_due_at.day == 2 and referral.sla_due_at.hour == 10  # 48 hours after 30 Nov 10:00
    assert created.receiver.open_count == 1
    events = rows(bank, ReferralEvent)
    assert [(e.staff_id, e.kind, e.from_status, e.to_status) for e in events] == [("S0001", "created", None, "new")]
    notes = rows(bank, Notification)
    assert [(n.staff_id, n.kind) for n in notes] == [("S0003", "referral_arrived")]
    assert "张丽" in notes[0].text and "王建国" in notes[0].text and "ZJ20261130-0001" in notes[0].text
    audit = rows(bank, AuditEntry, AuditEntry.shown == "referral")
    assert [(a.staff_id, a.customer_id) for a in audit] == [("S0001", "C00000001")]
    assert create(service, customer="C00000002").referral.referral_no == "ZJ20261130-0002"


def test_same_request_key_gives_the_same_referral(service, bank):
    first = create(service, key="k-1")
    again = create(service, key="k-1")
    assert again.outcome is CreateOutcome.CREATED and again.repeated
    assert again.referral.id == first.referral.id
    assert len(rows(bank, Referral)) == 1 and len(rows(bank, Notification)) == 1


def test_receiver_who_cannot_serve_is_refused_at_create(service, bank):
    created = create(service, receiver="S0006")
    assert created.outcome is CreateOutcome.RECEIVER_CANNOT_SERVE and "河西支行" in created.reason
    assert create(service, receiver="S0001").outcome is CreateOutcome.RECEIVER_IS_SELF
    assert rows(bank, Referral) == []


def test_open_referral_of_same_customer_and_category_is_a_duplicate(service, bank):
    first = create(service, product="基金定投")
    draft = service.draft(as_staff("zhaoqiang"), "C00000001", "基金", receiver_name="陈静")
    assert [d.referral_no for d in draft.duplicates] == [first.referral.referral_no]
    dup = create(service, chat_id="zhaoqiang", product="基金", receiver="S0004")
    assert dup.outcome is CreateOutcome.DUPLICATE and dup.referral is None
    assert dup.duplicates[0].receiver_name == "王芳"
    # Another category is no duplicate; forcing creates a second one anyway.
    assert create(service, chat_id="zhaoqiang", product="贷款", receiver="S0003").outcome is CreateOutcome.CREATED
    forced = create(service, chat_id="zhaoqiang", product="基金", receiver="S0004", force=True)
    assert forced.outcome is CreateOutcome.CREATED
    assert len(rows(bank, Referral)) == 3


def test_note_instead_of_a_duplicate_is_history(service, bank):
    first = create(service)
    noted = service.add_note(as_staff("suntao"), first.referral.referral_no, "客户也想了解保险")
    assert noted.outcome is TransitionOutcome.NOT_FOUND  # another branch: the customer is invisible
    noted = service.add_note(as_staff("zhaoqiang"), first.referral.referral_no, "客户也想了解保险")
    assert noted.outcome is TransitionOutcome.DONE  # a colleague of the branch, instead of a duplicate
    noted = service.add_note(as_staff("zhangli"), first.referral.referral_no, "客户下午三点后有空")
    assert noted.outcome is TransitionOutcome.DONE and "三点" in noted.referral.note
    events = rows(bank, ReferralEvent, ReferralEvent.kind == "note")
    assert [(e.staff_id, e.note) for e in events] == [("S0002", "客户也想了解保险"), ("S0001", "客户下午三点后有空")]


def _race(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait(timeout=10)
            results[index] = function()
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_two_staff_referring_the_same_customer_at_once_make_one_referral(service, bank):
    """The rule: the duplicate check runs under a lock on the customer, so the second one sees the
    first and gets DUPLICATE (it may then force or add a note)."""
    results = _race([
        lambda: create(service, chat_id="zhangli", product="理财", receiver="S0004", key="a"),
        lambda: create(service, chat_id="zhaoqiang", product="稳享理财90天", receiver="S0003", key="b"),
    ])
    assert sorted(r.outcome.value for r in results) == ["created", "duplicate"]
    winner = next(r for r in results if r.outcome is CreateOutcome.CREATED)
    loser = next(r for r in results if r.outcome is CreateOutcome.DUPLICATE)
    assert [d.id for d in loser.duplicates] == [winner.referral.id]
    assert [r.id for r in rows(bank, Referral)] == [winner.referral.id]
    assert len(rows(bank, Notification)) == 1


def test_same_request_key_twice_at_once_makes_one_referral(service, bank):
    results = _race([lambda: create(service, key="same"), lambda: create(service, key="same")])
    assert {r.outcome for r in results} == {CreateOutcome.CREATED}
    assert results[0].referral.id == results[1].referral.id
    assert sorted(r.repeated for r in results) == [False, True]
    assert len(rows(bank, Referral)) == 1


# ------------------------------------------------------------------ status changes


def test_receiver_moves_it_forward_and_referrer_is_told(service, bank):
    number = create(service).referral.referral_no
    accepted = service.transition(as_staff("wangfang"), number, "接受")
    assert accepted.outcome is TransitionOutcome.DONE
    assert (accepted.from_status, accepted.to_status) == (Status.NEW, Status.ACCEPTED)
    contacted = service.transition(as_staff("wangfang"), number, Status.CONTACTED, note="电话联系,约了周五")
    assert contacted.referral.contacted_at is not None
    events = rows(bank, ReferralEvent, ReferralEvent.kind == "status")
    assert [(e.staff_id, e.from_status, e.to_status, e.note) for e in events] == [
        ("S0003", "new", "accepted", ""),
        ("S0003", "accepted", "contacted", "电话联系,约了周五"),
    ]
    told = rows(bank, Notification, Notification.staff_id == "S0001")
    assert [n.kind for n in told] == ["referral_accepted"] and "王芳" in told[0].text


def test_referrer_cannot_move_it_forward(service):
    number = create(service).referral.referral_no
    result = service.transition(as_staff("zhangli"), number, Status.ACCEPTED)
    assert result.outcome is TransitionOutcome.REFUSED and result.problem is TransitionProblem.NOT_RECEIVER
    assert "接收人或网点负责人" in result.reason
    assert result.referral.status is Status.NEW


def test_staff_not_party_to_it_do_not_see_it(service):
    number = create(service).referral.referral_no
    assert service.transition(as_staff("zhaoqiang"), number, Status.ACCEPTED).outcome is TransitionOutcome.NOT_FOUND
    assert service.transition(as_staff("suntao"), number, Status.ACCEPTED).outcome is TransitionOutcome.NOT_FOUND
    assert service.transition(as_staff("wangfang"), "ZJ20991231-0001", Status.ACCEPTED).outcome is TransitionOutcome.NOT_FOUND


def test_branch_head_may_move_it_forward(service):
    number = create(service).referral.referral_no
    result = service.transition(as_staff("liuwei"), number, "未成交", note="客户资金已另有安排")
    assert result.outcome is TransitionOutcome.DONE and result.referral.status is Status.LOST


def test_disallowed_transitions_say_why(service):
    number = create(service).referral.referral_no
    service.transition(as_staff("wangfang"), number, Status.CONTACTED)  # accepting may be skipped
    back = service.transition(as_staff("wangfang"), number, Status.ACCEPTED)
    assert back.problem is TransitionProblem.BACKWARDS and "已联系" in back.reason
    same = service.transition(as_staff("wangfang"), number, "联系了")
    assert same.problem is TransitionProblem.ALREADY_IN_STATUS
    assert service.transition(as_staff("wangfang"), number, "随便").problem is TransitionProblem.UNKNOWN_STATUS
    assert service.transition(as_staff("wangfang"), number, Status.CONVERTED, amount="很多").problem is TransitionProblem.BAD_AMOUNT
    assert service.transition(as_staff("wangfang"), number, Status.LOST).outcome is TransitionOutcome.DONE
    closed = service.transition(as_staff("wangfang"), number, Status.CONVERTED, amount="20万")
    assert closed.problem is TransitionProblem.ALREADY_CLOSED and "未成交" in closed.reason


def test_cancel_only_by_referrer_only_while_new(service, bank):
    number = create(service).referral.referral_no
    by_receiver = service.cancel(as_staff("wangfang"), number)
    assert by_receiver.problem is TransitionProblem.ONLY_REFERRER_CANCELS
    assert service.cancel(as_staff("zhangli"), number).outcome is TransitionOutcome.DONE
    told = rows(bank, Notification, Notification.staff_id == "S0003", Notification.kind == "referral_cancelled")
    assert len(told) == 1
    later = create(service, customer="C00000002").referral.referral_no
    service.transition(as_staff("wangfang"), later, Status.ACCEPTED)
    too_late = service.cancel(as_staff("zhangli"), later)
    assert too_late.problem is TransitionProblem.CANCEL_ONLY_WHILE_NEW and "未成交" in too_late.reason


def test_find_for_update_lists_what_this_person_may_move(service):
    mine = create(service).referral
    create(service, customer="C00000002", receiver="S0004")
    assert [r.id for r in service.find_for_update(as_staff("wangfang"), customer_id="C00000001")] == [mine.id]
    assert [r.id for r in service.find_for_update(as_staff("wangfang"), customer_name="王建国")] == [mine.id]
    assert service.find_for_update(as_staff("wangfang"), customer_id="C00000002") == []
    assert len(service.find_for_update(as_staff("liuwei"), customer_name="王建国")) == 2  # branch head
    assert len(service.find_for_update(as_staff("zhangli"), as_referrer=True)) == 2


def test_conversion_records_product_amount_and_credit(service, bank):
    number = create(service, product="理财").referral.referral_no
    done = service.transition(as_staff("wangfang"), number, "买了", product_word="稳享理财90天", amount="20万")
    assert done.outcome is TransitionOutcome.DONE
    referral = done.referral
    assert (referral.converted_product_word, referral.converted_category) == ("稳享理财90天", "理财")
    assert referral.converted_amount == Decimal("200000")
    assert done.credit_points == referral.credit_points == 6  # 理财 10万–50万
    told = rows(bank, Notification, Notification.staff_id == "S0001", Notification.kind == "referral_converted")
    assert "20万" in told[0].text and "6分" in told[0].text
