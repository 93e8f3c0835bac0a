"""End to end: the action server and `rasa run` with the REST channel, as `make serve` runs them,
talked to over HTTP by two staff members of different branches and by a stranger.

Needs the trained model (models/wangdian.tar.gz; `make test` trains it first). Runs on SQLite
and, when TEST_DATABASE_URL is set, on PostgreSQL too (one Rasa server, one action server per
database).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.audit import audit_trail
from bot.channels.answering import NO_ANSWER_REPLY
from bot.models import Customer
from tests.servers import MODEL, RASA, REPO, action_endpoint_yaml, bank_env, free_port, stop, wait_for

FULL_IDENTIFIER = re.compile(r"\d{11,}")

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make train`")


@pytest.fixture(scope="module")
def action_port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def rasa_server(tmp_path_factory, action_port):
    directory = tmp_path_factory.mktemp("rasa")
    endpoints = directory / "endpoints.yml"
    endpoints.write_text(action_endpoint_yaml(f"http://127.0.0.1:{action_port}/webhook"))
    port = free_port()
    log = directory / "rasa.log"
    process = subprocess.Popen(
        [RASA, "run", "-m", str(MODEL), "--interface", "127.0.0.1", "--port", str(port), "--endpoints", str(endpoints),
         "--credentials", str(REPO / "credentials.yml"), "--log-file", str(directory / "rasa-file.log")],
        cwd=REPO, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", process, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        stop(process)


@pytest.fixture
def action_server(bank, action_port, tmp_path):
    log = tmp_path / "actions.log"
    env = bank_env(bank.url)
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--actions", "actions", "--port", str(action_port)],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{action_port}/health", process, log, timeout=120)
        yield log
    finally:
        stop(process)


def say(server: str, sender: str, message: str) -> str:
    request = urllib.request.Request(
        f"{server}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        replies = json.loads(response.read())
    return "\n".join(reply.get("text", "") for reply in replies)


def test_two_staff_members_and_a_stranger_over_rest(rasa_server, action_server, bank):
    server, rasa_log = rasa_server
    teller = "zhangli"
    # The Rasa server outlives one database's test: start each conversation afresh.
    for sender in (teller, "suntao", "somebody-else"):
        say(server, sender, "/restart")

    listing = say(server, teller, "查一下王建国")
    assert "找到2位叫王建国的客户" in listing
    assert "139****5678" in listing and "135****4321" in listing

    chosen = say(server, teller, "2")
    assert "【王建国】男 38岁" in chosen and "C00000002" in chosen

    holdings = say(server, teller, "他名下有哪些产品")
    assert holdings.startswith("王建国名下的产品") and "活期" in holdings

    switched = say(server, teller, "查下C00000005")
    assert "【陈美玲】" in switched and "已过期" in switched

    loan = say(server, teller, "她办没办过房贷")
    assert "住房" in loan

    # A customer manager of another branch: 王建国 there is a different person; ours is invisible.
    other = say(server, "suntao", "查一下王建国")
    assert "C00000003" in other and "找到" not in other
    assert say(server, "suntao", "13912345678") == say(server, "suntao", "13000000000")
    assert "没有找到" in say(server, "suntao", "13912345678")

    refusal = say(server, "somebody-else", "你好")
    assert refusal.startswith("抱歉,没有查到您的员工登记信息")
    assert say(server, "somebody-else", "查一下王建国") .startswith("抱歉")

    suggestions = say(server, teller, "给她推荐点什么产品")
    assert suggestions.startswith("给陈美玲(C00000005)的推荐:") and "1. " in suggestions
    assert "理由" in suggestions and "评估" in suggestions  # her assessment has expired: R1 only

    everything = [listing, chosen, holdings, switched, loan, other, refusal, suggestions]
    assert not any(FULL_IDENTIFIER.search(text) for text in everything)

    with bank.unit_of_work() as session:
        teller_trail = [(a.customer_id, a.shown, a.channel) for a in audit_trail(session, staff_id="S0001")]
        other_trail = [(a.customer_id, a.shown) for a in audit_trail(session, staff_id="S0006")]
        stranger_rows = audit_trail(session, customer_id="C00000001")
    assert teller_trail == [
        ("C00000001", "candidate_list", "rest"),
        ("C00000002", "candidate_list", "rest"),
        ("C00000002", "profile_360", "rest"),
        ("C00000002", "holdings", "rest"),
        ("C00000005", "profile_360", "rest"),
        ("C00000005", "holdings", "rest"),
        ("C00000005", "suggestions", "rest"),
    ]
    assert other_trail == [("C00000003", "profile_360")]
    assert [a.staff_id for a in stranger_rows] == ["S0001"]

    for log in (rasa_log, action_server):
        assert "13912345678" not in log.read_text()


def test_referral_reaches_the_receiver_and_the_referrer_hears_back(rasa_server, action_server, bank):
    server, _ = rasa_server
    for sender in ("zhangli", "chenjing"):
        say(server, sender, "/restart")

    say(server, "zhangli", "查下C00000005")
    summary = say(server, "zhangli", "帮她转介给理财经理,想了解理财")
    # Built on the customer in context ("她"), and it says so first.
    assert summary.startswith("按上下文,客户是陈美玲。") and "请确认这条转介" in summary
    assert "陈美玲(C00000005)" in summary and "陈静" in summary

    saved = say(server, "zhangli", "确认")
    number = re.search(r"转介编号 (ZJ\d{8}-\d{4})", saved).group(1)

    arrived = say(server, "chenjing", "你好")
    assert arrived.startswith("【新转介】张丽转介给您:陈美玲") and number in arrived
    accepted = say(server, "chenjing", f"{number} 接了")
    assert "→ 已接受" in accepted

    heard_back = say(server, "zhangli", "我的转介")
    assert heard_back.startswith("【转介进展】") and "陈静" in heard_back
    assert "我发出的转介(1条)" in heard_back


BAD_MESSAGES = [
    "",
    "   \n\t ",
    "查" * 10_000,
    "😀😀😀 👍",
    "\x00\x07\x1b[31m查一下\x7f",
    "王建国'; DROP TABLE customers; --",
    "<script>alert('x')</script><img src=x onerror=alert(1)>",
    "Ｗang建国 hello 查一下 الاسم",
]


def post(server: str, body: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
    request = urllib.request.Request(f"{server}/webhooks/rest/webhook", data=body, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_bad_input_gets_a_reply_or_a_4xx_never_a_500_or_a_change(rasa_server, action_server, bank):
    server, _ = rasa_server
    say(server, "zhangli", "/restart")
    with bank.unit_of_work() as session:
        before = session.execute(select(func.count()).select_from(Customer)).scalar_one()
    for message in BAD_MESSAGES:
        status, body = post(server, json.dumps({"sender": "zhangli", "message": message}).encode())
        assert status == 200 or status == 413 and len(message) > 2000, (message[:20], status, body[:200])
        texts = [reply.get("text", "") for reply in json.loads(body)]
        if message.strip():
            assert texts and all(texts), message[:20]  # a reply, in words
        assert not any("Traceback" in text or "Error" in text for text in texts)
        assert NO_ANSWER_REPLY not in texts, message[:20]  # blanks crashed the NLU (IntentEnsemble)
    for body, content_type in [
        (b"{not json", "application/json"),
        (b'["sender", "message"]', "application/json"),
        ('{"message": "查一下王建国"}'.encode(), "application/json"),
        (b"sender=zhangli&message=hi", "application/x-www-form-urlencoded"),
    ]:
        status, _ = post(server, body, content_type)
        assert status < 500, (body, status)
    with bank.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(Customer)).scalar_one() == before
    # A garbled message may have opened a draft, depending on the training: with CI's model of
    # e61e98b "<script>…" was read as a referral. The visit flow refuses a message without
    # Chinese words (tests/unit/test_visits.py); the referral flow does not yet.
    say(server, "zhangli", "/restart")
    still = say(server, "zhangli", "查下C00000005")
    assert "【陈美玲】" in still, still  # still answering


def customer_count(bank) -> int:
    with bank.unit_of_work() as session:
        return session.execute(select(func.count()).select_from(Customer)).scalar_one()


@pytest.fixture
def customers_before(bank) -> int:
    return customer_count(bank)


# Words staff type, markup and control characters, glued at random: through the real NLU, dialogue
# and actions. "确认" and the like are left out so that a random turn never confirms a draft.
FUZZ_PIECES = ["查", "一下", "王建国", "陈美玲", "C00000005", "139", "1391234", "110101", "转介", "给理财经理",
               "拜访", "明天", "50万", "推荐", "她", "第二个", "2", "取消", "<b>", "</script>", "'", ";", "--",
               "{", "}", "\\", "😀", "\u200b", "\x1b", "\n", " ", "ＡＢＣ", "١٢٣", "ñ"]


# On SQLite only: the answers do not depend on the database, and each example is a full turn.
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(message=st.one_of(
    st.lists(st.sampled_from(FUZZ_PIECES), min_size=1, max_size=12).map("".join),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=200),
))
def test_fuzzed_messages_always_get_an_answer_and_change_no_customer(rasa_server, action_server, bank, customers_before,
                                                                    message):
    server, _ = rasa_server
    status, body = post(server, json.dumps({"sender": "wangfang", "message": message}).encode())
    assert status == 200, (message, status, body[:200])
    texts = [reply.get("text", "") for reply in json.loads(body)]
    if message.strip() and not message.startswith("/"):
        assert texts and all(texts), message
    assert NO_ANSWER_REPLY not in texts, message  # no action failed on it
    assert customer_count(bank) == customers_before


def test_with_the_action_server_down_the_bot_says_so_instead_of_nothing(rasa_server):
    server, _ = rasa_server  # no action_server fixture: nothing listens on the action port
    status, body = post(server, json.dumps({"sender": "zhangli", "message": "查一下王建国"}).encode())
    assert status == 200
    assert [reply.get("text") for reply in json.loads(body)] == [NO_ANSWER_REPLY]


def test_the_conversations_api_is_not_there_and_the_action_server_wants_its_secret(rasa_server, action_server, action_port,
                                                                                   bank):
    """Issue #24: started as `make serve` starts it, Rasa has no HTTP API to read or post into an
    employee's conversation, and the action server runs nothing for a caller without the secret."""
    server, _ = rasa_server
    say(server, "zhangli", "查一下王建国")
    for method, path in [("GET", "/conversations/zhangli/tracker"), ("POST", "/conversations/zhangli/messages"),
                         ("GET", "/conversations/zhangli/story"), ("PUT", "/model")]:
        request = urllib.request.Request(server + path, method=method, data=b"{}" if method != "GET" else None,
                                         headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code in (404, 405), path
    call = json.dumps({"next_action": "action_respond", "sender_id": "zhangli",
                       "tracker": {"sender_id": "zhangli", "slots": {}, "events": []}}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{action_port}/webhook", data=call,
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401
