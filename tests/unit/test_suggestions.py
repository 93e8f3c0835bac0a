"""Product suggestions on a real database (the demo bank, the clock frozen at 2026-11-30 10:00):
suggest, more, "能买X吗", the compliance trail and its audit row, who may see whom, the model
stored in the database, the text, and the offline evaluation."""
from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from sqlalchemy import select, update

from bot import audit
from bot.models import AuditEntry, Customer, Holding, Product, RecommendationModel, SuggestionLogEntry
from bot.settings import Settings
from bot.suggestions.eligibility import RULE_CHANNEL, RULE_CREDIT, RULE_RISK
from bot.suggestions.replies import render_purchase_answer, render_suggestions
from bot.suggestions.service import PurchaseOutcome, SuggestionService, SuggestOutcome
from bot.suggestions.similar_customers import KEEP_MODELS, load_model
from bot.vocabulary.money import format_amount
from tests.bank_fixtures import as_staff

RULES = ["credit_process", "on_sale", "risk", "age", "channel", "min_amount", "not_held"]


@pytest.fixture
def service(bank):
    return SuggestionService(bank, Settings(database_url=bank.url))


def rows(database, model, *where):
    with database.unit_of_work() as session:
        return list(session.execute(select(model).where(*where).order_by(model.id)).scalars())


def ratings(database) -> dict[str, str]:
    with database.unit_of_work() as session:
        return dict(session.execute(select(Product.product_code, Product.risk_rating)).all())


# ------------------------------------------------------------------ suggest


def test_suggestions_for_a_customer_with_money_maturing(service, bank):
    result = service.suggest(as_staff("wangfang"), "C00000001")
    assert result.outcome is SuggestOutcome.SHOWN
    assert (result.customer_id, result.customer_name) == ("C00000001", "王建国")
    assert [s.rank for s in result.suggestions] == [1, 2, 3] and result.has_more and result.notes == ()
    risk = ratings(bank)
    assert all(risk[s.product_code] <= "R3" for s in result.suggestions)  # 王建国 is C3
    assert all(1 <= len(s.reasons) <= 2 for s in result.suggestions)
    # His 50万 one-year deposit matures on 9 December: renewing it comes first, and says why.
    assert result.suggestions[0].product_code == "D-DQ1Y"
    assert result.suggestions[0].reasons[0] == "50万定期12月9日到期,可续存"
    assert sum(any(r.startswith("50万定期12月9日到期") for r in s.reasons) for s in result.suggestions) >= 2
    # He told his manager he wants funds (意向:基金): one of the first three answers that.
    assert any("客户有基金意向" in s.reasons for s in result.suggestions)
    assert result.model_date is None


def test_more_suggestions_continue_the_list(service):
    first = service.suggest(as_staff("wangfang"), "C00000001")
    more = service.suggest(as_staff("wangfang"), "C00000001", offset=3)
    assert [s.rank for s in more.suggestions] == [4, 5, 6]
    assert not {s.product_code for s in first.suggestions} & {s.product_code for s in more.suggestions}
    everything = service.suggest(as_staff("wangfang"), "C00000001", limit=10)
    assert [s.product_code for s in everything.suggestions][:6] == [
        s.product_code for s in first.suggestions + more.suggestions
    ]
    past_the_end = service.suggest(as_staff("wangfang"), "C00000001", offset=50)
    assert past_the_end.suggestions == () and not past_the_end.has_more


def test_expired_assessment_gets_r1_only_and_the_note(service, bank):
    result = service.suggest(as_staff("wangfang"), "C00000005")  # 陈美玲, C4 assessed 400 days ago
    assert result.outcome is SuggestOutcome.SHOWN
    assert any("风险评估已过期" in note and "重新评估" in note for note in result.notes)
    risk = ratings(bank)
    assert result.suggestions and all(risk[s.product_code] == "R1" for s in result.suggestions)


def test_agency_customer_gets_only_what_agencies_sell(service, bank):
    result = service.suggest(as_staff("majun"), "C00000004", limit=10)  # 李秀英, 李家庄代理网点
    with bank.unit_of_work() as session:
        channels = dict(session.execute(select(Product.product_code, Product.channels)).all())
    assert result.suggestions and all("agency" in channels[s.product_code] for s in result.suggestions)
    # Her agency deposit matures in three days: renewing it is suggested, with that reason.
    renewal = next(s for s in result.suggestions if s.product_code == "D-HN1Y")
    assert "10万定期12月3日到期,可续存" in renewal.reasons


def test_product_words_narrow_the_suggestions(service):
    result = service.suggest(as_staff("wangfang"), "C00000001", product_words="理财")
    assert result.suggestions and {s.category for s in result.suggestions} == {"理财"}
    assert result.product_words == "理财"
    loans = service.suggest(as_staff("wangfang"), "C00000001", product_words="房贷")
    assert loans.suggestions == () and any("授信" in note for note in loans.notes)


def test_every_suggestion_shown_is_logged_with_its_audit_row(service, bank):
    result = service.suggest(as_staff("wangfang"), "C00000001", channel="wecom")
    logged = rows(bank, SuggestionLogEntry)
    assert [(e.staff_id, e.customer_id, e.kind, e.rank, e.product_code) for e in logged] == [
        ("S0003", "C00000001", "suggestion", s.rank, s.product_code) for s in result.suggestions
    ]
    for entry, suggestion in zip(logged, result.suggestions):
        assert entry.allowed and entry.channel == "wecom" and entry.reasons == list(suggestion.reasons)
        assert [r["rule"] for r in entry.rules] == RULES and all(r["passed"] for r in entry.rules)
        # The minimum purchase is in the trail as information: it was told, it refused nothing.
        assert [r["rule"] for r in entry.rules if not r["binding"]] == ["min_amount"]
        assert entry.score == pytest.approx(suggestion.score)
    [entry] = rows(bank, AuditEntry, AuditEntry.shown == "suggestions")
    assert (entry.staff_id, entry.customer_id, entry.channel) == ("S0003", "C00000001", "wecom")
    assert all(s.product_code in entry.detail for s in result.suggestions)
    assert entry.at == logged[0].at


def test_log_and_audit_are_one_transaction(service, bank, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record_view", broken)
    with pytest.raises(RuntimeError):
        service.suggest(as_staff("wangfang"), "C00000001")
    assert rows(bank, SuggestionLogEntry) == []


def test_another_branchs_customer_is_answered_like_nobody(service, bank):
    hidden = service.suggest(as_staff("wangfang"), "C00000003")  # 王建国 of 河西支行
    nobody = service.suggest(as_staff("wangfang"), "C09999999")
    assert hidden == nobody and hidden.outcome is SuggestOutcome.NOT_FOUND and hidden.customer_name is None
    assert service.can_buy(as_staff("wangfang"), "C00000003", "大额存单") == service.can_buy(as_staff("wangfang"), "C09999999", "大额存单")
    assert service.can_buy(as_staff("wangfang"), "C00000003", "大额存单").outcome is PurchaseOutcome.NOT_FOUND
    assert rows(bank, SuggestionLogEntry) == [] and rows(bank, AuditEntry, AuditEntry.customer_id == "C00000003") == []
    # His own branch sees him.
    assert service.suggest(as_staff("suntao"), "C00000003").outcome is SuggestOutcome.SHOWN




# ------------------------------------------------------------------ can_buy


def test_can_buy_a_product_with_the_rule_that_decided(service, bank):
    yes = service.can_buy(as_staff("wangfang"), "C00000001", "大额存单")
    assert yes.outcome is PurchaseOutcome.ANSWERED and yes.allowed and yes.rule == RULE_RISK
    assert (yes.product_code, yes.product_name) == ("D-DE3Y", "大额存单3年")
    assert yes.reasons == ("风险等级C3,可购R3及以下", "起购20万")
    no = service.can_buy(as_staff("wangfang"), "C00000001", "科技行业股票基金")
    assert not no.allowed and no.rule == RULE_RISK and no.reasons == ("风险等级C3,可购R3及以下,该产品R5",)
    [check] = rows(bank, SuggestionLogEntry, SuggestionLogEntry.product_code == "F-KJ")
    assert check.kind == "purchase_check" and not check.allowed and check.rank is None
    assert [r["rule"] for r in check.rules] == ["on_sale", "risk", "age", "channel", "min_amount"]
    assert check.rules[-1] == {"rule": "min_amount", "passed": True, "reason": "起购10元", "binding": False}
    assert len(rows(bank, AuditEntry, AuditEntry.shown == "purchase_check")) == 2


def test_an_expired_assessment_still_allows_r1_only_and_says_so(service):
    # 陈美玲: C4 assessed 400 days ago; nothing at hand with us (her money is in 理财 and funds).
    answer = service.can_buy(as_staff("wangfang"), "C00000005", "基金")  # a kind: every fund checked
    assert answer.product_code is None and answer.kind == "基金" and len(answer.products) == 6
    assert answer.allowed and answer.rule == RULE_RISK  # the R1 money-market fund, whatever she has
    assert [p.product_name for p in answer.products if p.allowed] == ["货币基金"]
    assert answer.reasons == ("风险评估已过期,仅可购R1,请先重新评估",)
    text = render_purchase_answer(answer)
    assert text.startswith("可以。基金共6款,陈美玲可以买其中1款:货币基金。\n· 风险评估已过期,仅可购R1,请先重新评估")
    # An R1 product with a minimum far above what she has with us: allowed, the minimum said.
    cd = service.can_buy(as_staff("wangfang"), "C00000005", "大额存单")
    assert cd.allowed and cd.rule == RULE_RISK
    assert cd.reasons == ("风险评估已过期,仅可购R1,请先重新评估", "起购20万")
    assert render_purchase_answer(cd) == "可以。陈美玲可以买大额存单3年。\n· 风险评估已过期,仅可购R1,请先重新评估\n· 起购20万"
    # Her C4 would allow an R4 fund; the expired assessment does not.
    fund = service.can_buy(as_staff("wangfang"), "C00000005", "沪深300指数基金")
    assert not fund.allowed and fund.reasons == ("风险评估已过期,仅可购R1,请先重新评估,该产品R4",)


def test_can_buy_at_an_agency_branch(service):
    answer = service.can_buy(as_staff("majun"), "C00000004", "大额存单")
    assert not answer.allowed and answer.rule == RULE_CHANNEL and answer.reasons[0] == "代理网点不销售该产品"


def test_loans_go_through_the_credit_process_and_unknown_words_are_said(service):
    loan = service.can_buy(as_staff("wangfang"), "C00000001", "房贷")
    assert loan.outcome is PurchaseOutcome.CREDIT_PROCESS and loan.rule == RULE_CREDIT and not loan.allowed
    unknown = service.can_buy(as_staff("wangfang"), "C00000001", "火箭")
    assert unknown.outcome is PurchaseOutcome.UNKNOWN_PRODUCT and unknown.words == "火箭"
    stopped = service.can_buy(as_staff("wangfang"), "C00000001", "国债")
    assert not stopped.allowed and stopped.rule == "on_sale" and stopped.reasons[0] == "该产品已停售"


# ------------------------------------------------------------------ money the bank cannot see

NEWCOMER = "C00009990"


@pytest.fixture
def newcomer(bank):
    """林新客: C5, assessed a month ago, of 城关支行, holding nothing with the bank yet."""
    with bank.unit_of_work() as session:
        session.add(Customer(customer_id=NEWCOMER, name="林新客", gender="F", birth_date=date(1990, 3, 8),
                             branch_id="B001", manager_id="S0003", risk_level="C5",
                             risk_assessed_on=date(2026, 10, 30), occupation="工程师"))
    return NEWCOMER


def test_a_customer_with_nothing_at_the_bank_gets_suggestions_with_their_minimums(service, bank, newcomer):
    assert rows(bank, Holding, Holding.customer_id == newcomer) == []
    first = service.suggest(as_staff("wangfang"), newcomer)
    assert first.outcome is SuggestOutcome.SHOWN and len(first.suggestions) == 3 and first.notes == ()
    pages = [first]
    while pages[-1].has_more:
        pages.append(service.suggest(as_staff("wangfang"), newcomer, offset=3 + 10 * (len(pages) - 1), limit=10))
    # Every product she may buy is suggested, 大额存单 (20万) too: her money may come from elsewhere.
    with bank.unit_of_work() as session:
        suitable = set(session.execute(select(Product.product_code).where(
            Product.on_sale.is_(True), Product.category.notin_(("贷款", "信用卡")),
            Product.channels.contains("self_operated"),
            (Product.min_age.is_(None) | (Product.min_age <= 36)), (Product.max_age.is_(None) | (Product.max_age >= 36)),
        )).scalars())
    shown = [s for page in pages for s in page.suggestions]
    assert {s.product_code for s in shown} == suitable and "D-DE3Y" in suitable
    for page in pages:
        text = render_suggestions(page)
        assert "可用资金" not in text
        for s in page.suggestions:
            line = next(line for line in text.splitlines() if line.startswith(f"{s.rank}. {s.product_name} · "))
            assert line.endswith(f" · 起购{format_amount(s.min_amount)}") == (s.min_amount >= 1000), line
    assert any(line.endswith("大额存单3年 · 存款 R1 · 起购20万") for page in pages for line in render_suggestions(page).splitlines())
    for entry in rows(bank, SuggestionLogEntry, SuggestionLogEntry.customer_id == newcomer):
        [minimum] = [r for r in entry.rules if r["rule"] == "min_amount"]
        assert minimum["binding"] is False and minimum["passed"] and "可用资金" not in minimum["reason"]


def test_when_nothing_fits_the_note_names_the_rule_never_the_money(service, bank, newcomer):
    with bank.unit_of_work() as session:
        session.execute(update(Product).values(channels="agency"))  # nothing sold at her branch
    result = service.suggest(as_staff("wangfang"), newcomer)
    assert result.suggestions == () and result.notes == ("暂无符合全部适当性规则的产品(自营网点不销售该产品)",)
    assert render_suggestions(result) == "暂时没有适合林新客推荐的产品。\n注意:暂无符合全部适当性规则的产品(自营网点不销售该产品)"


def test_a_c5_customer_may_buy_an_r5_fund_whatever_she_holds_with_us(service, newcomer):
    answer = service.can_buy(as_staff("wangfang"), newcomer, "科技行业股票基金")
    assert answer.allowed and answer.rule == RULE_RISK and answer.product_code == "F-KJ"
    assert render_purchase_answer(answer) == "可以。林新客可以买科技行业股票基金。\n· 风险等级C5,可购R5及以下\n· 起购10元"
    # The words staff use for it: part of its name, its rating, the rating's name, its code.
    for words in ("科技基金", "科技股票基金", "R5的基金", "r5基金", "高风险基金", "F-KJ"):
        same = service.can_buy(as_staff("wangfang"), newcomer, words)
        assert (same.allowed, same.product_code) == (True, "F-KJ"), words
    assert render_purchase_answer(service.can_buy(as_staff("wangfang"), newcomer, "R5的基金")).startswith(
        "可以。林新客可以买科技行业股票基金(R5的基金只有这一款在售)。\n· 风险等级C5")
    # A minimum far above what she holds with us (nothing) is said, never a refusal.
    cd = service.can_buy(as_staff("wangfang"), newcomer, "大额存单")
    assert render_purchase_answer(cd) == "可以。林新客可以买大额存单3年。\n· 风险等级C5,可购R5及以下\n· 起购20万"


def test_a_kind_says_how_many_of_its_products_she_may_buy(service):
    # 王建国 is C3 at a self-operated branch.
    deposits = render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "定期"))
    assert deposits == ("可以。定期共4款,王建国可以买其中3款:邮享定期1年、邮享定期3个月、邮享定期3年。\n"
                        "· 风险等级C3,可购R3及以下\n"
                        "不能买:惠农定期1年(自营网点不销售该产品)")
    risky = service.can_buy(as_staff("wangfang"), "C00000001", "R4的基金")
    assert not risky.allowed and risky.kind == "R4的基金" and {p.product_code for p in risky.products} == {"F-ZS", "F-DT"}
    assert render_purchase_answer(risky) == "不可以。R4的基金共2款,王建国都不能买。\n· 风险等级C3,可购R3及以下"
    wealth = render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "理财"))
    assert wealth.startswith("可以。理财共4款,王建国都可以买:现金管理类理财、") and "稳享理财90天(起购1万)" in wealth


def test_words_naming_no_product_of_a_kind_are_said_not_found_as_such(service):
    text = render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "养老理财"))
    assert text.startswith("没找到“养老理财”这款产品,以下按理财回答。\n可以。理财共4款")
    nothing = service.can_buy(as_staff("wangfang"), "C00000001", "R5的理财")  # no 理财 is rated R5
    assert nothing.outcome is PurchaseOutcome.UNKNOWN_PRODUCT


# ------------------------------------------------------------------ the model


def test_train_stores_the_model_every_server_reads(service, bank):
    model = service.train(date(2026, 11, 30))
    assert model.customers == 300 and model.holdings > 0
    other_server = SuggestionService(bank, Settings(database_url=bank.url))
    result = other_server.suggest(as_staff("wangfang"), "C00000002")
    assert result.model_date == date(2026, 11, 30)
    assert any(reason.startswith("同类客户中") for s in result.suggestions for reason in s.reasons)
    assert {e.model_date for e in rows(bank, SuggestionLogEntry)} == {date(2026, 11, 30)}
    with bank.unit_of_work() as session:
        loaded = load_model(session)
    assert loaded.product_counts == model.product_counts and loaded.pair_counts == model.pair_counts
    assert loaded.feature_counts == model.feature_counts and loaded.segment_sizes == model.segment_sizes


def test_old_models_are_dropped_and_the_newest_is_used(service, bank):
    for _ in range(KEEP_MODELS + 2):
        service.train(date(2026, 11, 30))
    kept = rows(bank, RecommendationModel)
    assert len(kept) == KEEP_MODELS
    service.suggest(as_staff("wangfang"), "C00000001")
    assert service._model_id == kept[-1].id


def test_without_a_model_suggestions_still_work_and_the_log_says_so(service, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.suggestions"):
        result = service.suggest(as_staff("wangfang"), "C00000002")
    assert result.suggestions and result.model_date is None
    assert "train-recs" in caplog.text


# ------------------------------------------------------------------ the text


def test_the_list_reads_well_and_shows_no_numbers_of_the_customer(service):
    text = render_suggestions(service.suggest(as_staff("wangfang"), "C00000001"))
    assert text.startswith("给王建国(C00000001)的推荐:")
    assert re.search(r"^1\. .+ · 存款 R1$", text, re.M) and text.count("理由:") == 3
    assert "再推荐几个" in text and "转介第一个给理财经理" in text
    assert "13912345678" not in text and not re.search(r"\d{11}", text)
    more = render_suggestions(service.suggest(as_staff("wangfang"), "C00000001", offset=3))
    assert more.startswith("王建国的更多推荐(第4-6个)")
    expired = render_suggestions(service.suggest(as_staff("wangfang"), "C00000005"))
    assert "注意:风险评估已过期" in expired


def test_answers_read_well(service):
    assert render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "大额存单")).startswith(
        "可以。王建国可以买大额存单3年。\n· 风险等级C3,可购R3及以下"
    )
    no = render_purchase_answer(service.can_buy(as_staff("majun"), "C00000004", "大额存单"))
    assert no.startswith("不可以。李秀英不能买大额存单3年。\n· 代理网点不销售该产品")
    funds = render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "基金"))
    assert funds.startswith("可以。基金共6款,王建国可以买其中3款:货币基金、稳健债券基金、平衡混合基金。\n· 风险等级C3")
    assert "科技行业股票基金(R5)" in funds
    assert "授信流程" in render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "信用卡"))
    assert "没找到“火箭”" in render_purchase_answer(service.can_buy(as_staff("wangfang"), "C00000001", "火箭"))
    assert "没有找到这位客户" in render_suggestions(service.suggest(as_staff("wangfang"), "C00000003"))


# ------------------------------------------------------------------ the command line


def test_cli_prints_the_trail_and_trains(service, bank, capsys):
    from bot.cli import main

    service.suggest(as_staff("wangfang"), "C00000001")
    service.can_buy(as_staff("wangfang"), "C00000001", "金条")
    assert main(["suggestions", "--customer", "C00000001"]) == 0
    out = capsys.readouterr().out
    assert "推荐" in out and "能否购买" in out and "G-JT" in out and "risk✓" in out and "共 4 条" in out
    assert "min_amount(提示)" in out and "min_amount✓" not in out
    assert main(["suggestions"]) == 2
    assert main(["train-recs"]) == 0
    assert "推荐模型已训练" in capsys.readouterr().out
    assert len(rows(bank, RecommendationModel)) == 1


def test_offline_evaluation_has_no_violations(tmp_path):
    from tools.recommendation_eval import evaluate, report_lines

    report = evaluate(300, 5, date(2026, 11, 30), Settings(), workdir=tmp_path)
    assert report.violations == [] and report.checked > 600
    assert 0 < report.reachable <= report.hidden <= 300
    assert 0 <= report.baseline.hit_rate <= 1 and 0 <= report.ranking.mrr <= 1
    text = "\n".join(report_lines(report))
    assert "hit-rate@3" in text and "违规 0 条" in text and "同样的适当性筛选" in text
