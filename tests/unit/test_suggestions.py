"""Product suggestions on a real database (the demo bank, the clock frozen at 2026-11-30 10:00):
suggest, more, "能买X吗", the compliance trail and its audit row, who may see whom, the model
stored in the database, the text, and the offline evaluation."""
from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from sqlalchemy import select

from bot import audit
from bot.eligibility import RULE_CHANNEL, RULE_CREDIT, RULE_MIN_AMOUNT, RULE_RISK
from bot.models import AuditEntry, Product, RecommendationModel, SuggestionLogEntry
from bot.recommendations import KEEP_MODELS, load_model
from bot.settings import Settings
from bot.suggestion_replies import render_purchase_answer, render_suggestions
from bot.suggestions import PurchaseOutcome, SuggestionService, SuggestOutcome

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
    result = service.suggest("wangfang", "C00000001")
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
    first = service.suggest("wangfang", "C00000001")
    more = service.suggest("wangfang", "C00000001", offset=3)
    assert [s.rank for s in more.suggestions] == [4, 5, 6]
    assert not {s.product_code for s in first.suggestions} & {s.product_code for s in more.suggestions}
    everything = service.suggest("wangfang", "C00000001", limit=10)
    assert [s.product_code for s in everything.suggestions][:6] == [
        s.product_code for s in first.suggestions + more.suggestions
    ]
    past_the_end = service.suggest("wangfang", "C00000001", offset=50)
    assert past_the_end.suggestions == () and not past_the_end.has_more


def test_expired_assessment_gets_r1_only_and_the_note(service, bank):
    result = service.suggest("wangfang", "C00000005")  # 陈美玲, C4 assessed 400 days ago
    assert result.outcome is SuggestOutcome.SHOWN
    assert any("风险评估已过期" in note and "重新评估" in note for note in result.notes)
    risk = ratings(bank)
    assert result.suggestions and all(risk[s.product_code] == "R1" for s in result.suggestions)


def test_agency_customer_gets_only_what_agencies_sell(service, bank):
    result = service.suggest("majun", "C00000004", limit=10)  # 李秀英, 李家庄代理网点
    with bank.unit_of_work() as session:
        channels = dict(session.execute(select(Product.product_code, Product.channels)).all())
    assert result.suggestions and all("agency" in channels[s.product_code] for s in result.suggestions)
    # Her agency deposit matures in three days: renewing it is suggested, with that reason.
    renewal = next(s for s in result.suggestions if s.product_code == "D-HN1Y")
    assert "10万定期12月3日到期,可续存" in renewal.reasons


def test_product_words_narrow_the_suggestions(service):
    result = service.suggest("wangfang", "C00000001", product_words="理财")
    assert result.suggestions and {s.category for s in result.suggestions} == {"理财"}
    assert result.product_words == "理财"
    loans = service.suggest("wangfang", "C00000001", product_words="房贷")
    assert loans.suggestions == () and any("授信" in note for note in loans.notes)


def test_every_suggestion_shown_is_logged_with_its_audit_row(service, bank):
    result = service.suggest("wangfang", "C00000001", channel="wecom")
    logged = rows(bank, SuggestionLogEntry)
    assert [(e.staff_id, e.customer_id, e.kind, e.rank, e.product_code) for e in logged] == [
        ("S0003", "C00000001", "suggestion", s.rank, s.product_code) for s in result.suggestions
    ]
    for entry, suggestion in zip(logged, result.suggestions):
        assert entry.allowed and entry.channel == "wecom" and entry.reasons == list(suggestion.reasons)
        assert [r["rule"] for r in entry.rules] == RULES and all(r["passed"] for r in entry.rules)
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
        service.suggest("wangfang", "C00000001")
    assert rows(bank, SuggestionLogEntry) == []


def test_another_branchs_customer_is_answered_like_nobody(service, bank):
    hidden = service.suggest("wangfang", "C00000003")  # 王建国 of 河西支行
    nobody = service.suggest("wangfang", "C09999999")
    assert hidden == nobody and hidden.outcome is SuggestOutcome.NOT_FOUND and hidden.customer_name is None
    assert service.can_buy("wangfang", "C00000003", "大额存单") == service.can_buy("wangfang", "C09999999", "大额存单")
    assert service.can_buy("wangfang", "C00000003", "大额存单").outcome is PurchaseOutcome.NOT_FOUND
    assert rows(bank, SuggestionLogEntry) == [] and rows(bank, AuditEntry, AuditEntry.customer_id == "C00000003") == []
    # His own branch sees him.
    assert service.suggest("suntao", "C00000003").outcome is SuggestOutcome.SHOWN


def test_strangers_get_nothing(service, bank):
    assert service.suggest("nobody", "C00000001").outcome is SuggestOutcome.STRANGER
    assert service.can_buy("nobody", "C00000001", "基金").outcome is PurchaseOutcome.STRANGER
    assert rows(bank, SuggestionLogEntry) == [] and rows(bank, AuditEntry) == []


# ------------------------------------------------------------------ can_buy


def test_can_buy_a_product_with_the_rule_that_decided(service, bank):
    yes = service.can_buy("wangfang", "C00000001", "大额存单")
    assert yes.outcome is PurchaseOutcome.ANSWERED and yes.allowed and yes.rule == RULE_RISK
    assert (yes.product_code, yes.product_name) == ("D-DE3Y", "大额存单3年")
    assert yes.reasons[0] == "风险等级C3,可购R3及以下" and "起购20万,客户可用资金约50万" in yes.reasons
    no = service.can_buy("wangfang", "C00000001", "科技行业股票基金")
    assert not no.allowed and no.rule == RULE_RISK and no.reasons == ("风险等级C3,可购R3及以下,该产品R5",)
    [check] = rows(bank, SuggestionLogEntry, SuggestionLogEntry.product_code == "F-KJ")
    assert check.kind == "purchase_check" and not check.allowed and check.rank is None
    assert [r["rule"] for r in check.rules] == ["on_sale", "risk", "age", "channel", "min_amount"]
    assert len(rows(bank, AuditEntry, AuditEntry.shown == "purchase_check")) == 2


def test_can_buy_with_an_expired_assessment(service):
    answer = service.can_buy("wangfang", "C00000005", "基金")  # a kind: every fund checked
    assert answer.product_code is None and answer.product_name == "基金" and len(answer.products) == 6
    assert not answer.allowed and answer.rule == RULE_RISK
    assert answer.reasons == ("风险评估已过期,仅可购R1,请先重新评估",)
    cd = service.can_buy("wangfang", "C00000005", "大额存单")
    assert not cd.allowed and cd.rule == RULE_MIN_AMOUNT  # R1, but her money is all invested
    assert any("重新评估" in note for note in cd.notes)


def test_can_buy_at_an_agency_branch(service):
    answer = service.can_buy("majun", "C00000004", "大额存单")
    assert not answer.allowed and answer.rule == RULE_CHANNEL and answer.reasons[0] == "代理网点不销售该产品"


def test_loans_go_through_the_credit_process_and_unknown_words_are_said(service):
    loan = service.can_buy("wangfang", "C00000001", "房贷")
    assert loan.outcome is PurchaseOutcome.CREDIT_PROCESS and loan.rule == RULE_CREDIT and not loan.allowed
    unknown = service.can_buy("wangfang", "C00000001", "火箭")
    assert unknown.outcome is PurchaseOutcome.UNKNOWN_PRODUCT and unknown.words == "火箭"
    stopped = service.can_buy("wangfang", "C00000001", "国债")
    assert not stopped.allowed and stopped.rule == "on_sale" and stopped.reasons[0] == "该产品已停售"


# ------------------------------------------------------------------ the model


def test_train_stores_the_model_every_server_reads(service, bank):
    model = service.train(date(2026, 11, 30))
    assert model.customers == 300 and model.holdings > 0
    other_server = SuggestionService(bank, Settings(database_url=bank.url))
    result = other_server.suggest("wangfang", "C00000002")
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
    service.suggest("wangfang", "C00000001")
    assert service._model_id == kept[-1].id


def test_without_a_model_suggestions_still_work_and_the_log_says_so(service, caplog):
    with caplog.at_level(logging.WARNING, logger="bot.suggestions"):
        result = service.suggest("wangfang", "C00000002")
    assert result.suggestions and result.model_date is None
    assert "train-recs" in caplog.text


# ------------------------------------------------------------------ the text


def test_the_list_reads_well_and_shows_no_numbers_of_the_customer(service):
    text = render_suggestions(service.suggest("wangfang", "C00000001"))
    assert text.startswith("给王建国(C00000001)的推荐:")
    assert re.search(r"^1\. .+ · 存款 R1$", text, re.M) and text.count("理由:") == 3
    assert "再推荐几个" in text and "转介第一个给理财经理" in text
    assert "13912345678" not in text and not re.search(r"\d{11}", text)
    more = render_suggestions(service.suggest("wangfang", "C00000001", offset=3))
    assert more.startswith("王建国的更多推荐(第4-6个)")
    expired = render_suggestions(service.suggest("wangfang", "C00000005"))
    assert "注意:风险评估已过期" in expired


def test_answers_read_well(service):
    assert render_purchase_answer(service.can_buy("wangfang", "C00000001", "大额存单")).startswith(
        "可以。王建国可以买大额存单3年。\n· 风险等级C3,可购R3及以下"
    )
    no = render_purchase_answer(service.can_buy("majun", "C00000004", "大额存单"))
    assert no.startswith("不可以。李秀英不能买大额存单3年。\n· 代理网点不销售该产品")
    funds = render_purchase_answer(service.can_buy("wangfang", "C00000001", "基金"))
    assert funds.startswith("可以。王建国可以买的基金:") and "科技行业股票基金(R5)" in funds
    assert "授信流程" in render_purchase_answer(service.can_buy("wangfang", "C00000001", "信用卡"))
    assert "没找到“火箭”" in render_purchase_answer(service.can_buy("wangfang", "C00000001", "火箭"))
    assert "没有找到这位客户" in render_suggestions(service.suggest("wangfang", "C00000003"))


# ------------------------------------------------------------------ the command line


def test_cli_prints_the_trail_and_trains(service, bank, capsys):
    from bot.cli import main

    service.suggest("wangfang", "C00000001")
    service.can_buy("wangfang", "C00000001", "金条")
    assert main(["suggestions", "--customer", "C00000001"]) == 0
    out = capsys.readouterr().out
    assert "推荐" in out and "能否购买" in out and "G-JT" in out and "risk✓" in out and "共 4 条" in out
    assert main(["suggestions"]) == 2
    assert main(["train-recs"]) == 0
    assert "推荐模型已训练" in capsys.readouterr().out
    assert len(rows(bank, RecommendationModel)) == 1


def test_offline_evaluation_has_no_violations(tmp_path):
    from bot.recommendation_eval import evaluate, report_lines

    report = evaluate(300, 5, date(2026, 11, 30), Settings(), workdir=tmp_path)
    assert report.violations == [] and report.checked > 600
    assert 0 < report.reachable <= report.hidden <= 300
    assert 0 <= report.baseline.hit_rate <= 1 and 0 <= report.ranking.mrr <= 1
    text = "\n".join(report_lines(report))
    assert "hit-rate@3" in text and "违规 0 条" in text and "同样的适当性筛选" in text
