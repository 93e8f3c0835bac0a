from datetime import date
from decimal import Decimal

from bot.customers.profile import HoldingLine, HoldingsView
from bot.customers.replies import render_holdings

TODAY = date(2026, 11, 30)


def holdings(*lines, product_filter=None):
    return render_holdings(HoldingsView("C00000009", "赵敏", product_filter, list(lines)), TODAY)


def test_maturity_soon_counts_the_days():
    text = holdings(HoldingLine("邮享定期1年", "存款", Decimal("200000"), date(2025, 12, 9), date(2026, 12, 9)))
    assert "赵敏名下的产品(1笔)" in text and "20万" in text and "2026-12-09到期(还有9天)" in text


def test_far_maturity_shows_only_the_date():
    text = holdings(HoldingLine("个人住房贷款", "贷款", Decimal("800000"), date(2023, 1, 1), date(2043, 1, 1)))
    assert "2043-01-01到期" in text and "还有" not in text


def test_past_maturity_says_matured():
    text = holdings(HoldingLine("邮享定期1年", "存款", Decimal("5000"), date(2025, 1, 1), date(2026, 1, 1)))
    assert "2026-01-01已到期" in text and "5,000元" in text


def test_nothing_of_the_asked_kind():
    assert holdings(product_filter="房贷") == "赵敏名下没有房贷。"


def maturities(*lines, product_filter=None):
    view = HoldingsView("C00000009", "赵敏", product_filter, list(lines), about_maturity=True)
    return render_holdings(view, TODAY)


def test_a_maturity_question_leads_with_the_dates():
    text = maturities(
        HoldingLine("大额存单3年", "存款", Decimal("300000"), date(2024, 3, 1), date(2027, 3, 1), 1095),
        HoldingLine("邮享定期1年", "存款", Decimal("200000"), date(2025, 12, 9), date(2026, 12, 9), 365),
        HoldingLine("活期储蓄", "存款", Decimal("30000"), date(2020, 1, 1), None),
        product_filter="存款",
    )
    assert text.splitlines() == [
        "赵敏名下存款的到期日(2笔):",
        "1. 2026-12-09到期(还有9天):邮享定期1年 20万",
        "2. 2027-03-01到期(还有91天):大额存单3年 30万",
        "不设到期日:活期储蓄 3万",
    ]


def test_a_maturity_question_about_what_never_matures_says_so():
    text = maturities(HoldingLine("货币基金", "基金", Decimal("10000"), date(2025, 1, 1), None), product_filter="基金")
    assert text == "赵敏名下的基金都没有到期日:货币基金 1万。"
    assert maturities(product_filter="定期") == "赵敏名下没有定期。"
    assert maturities() == "赵敏名下目前没有会到期的产品。"
