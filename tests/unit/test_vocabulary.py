"""The bank's vocabulary: what product, role and status words mean, and that the old names still work."""
import pytest

from bot.models import PRODUCT_CATEGORIES
from bot.vocabulary.products import (
    DEED_WORDS,
    PRODUCT_VOCABULARY,
    PRODUCT_WORDS,
    Term,
    category_of_word,
    product_word_in,
    product_word_meaning,
)
from bot.vocabulary.roles import ROLE_WORDS, role_from_word
from bot.vocabulary.statuses import REFERRAL_STATUS_WORDS, referral_status_of


@pytest.mark.parametrize(
    "word,category",
    [
        ("定期", "存款"), ("定存", "存款"), ("存款", "存款"), ("储蓄", "存款"), ("大额存单", "存款"),
        ("存单", "存款"), ("国债", "存款"), ("整存整取", "存款"), ("活期", "存款"), ("续存", "存款"),
        ("理财", "理财"), ("理财产品", "理财"), ("净值型", "理财"), ("结构性存款", "理财"),
        ("基金", "基金"), ("定投", "基金"), ("基金定投", "基金"), ("货基", "基金"),
        ("保险", "保险"), ("年金", "保险"), ("重疾险", "保险"), ("养老保险", "保险"),
        ("房贷", "贷款"), ("按揭", "贷款"), ("住房贷款", "贷款"), ("经营贷", "贷款"),
        ("信用卡", "信用卡"), ("白金卡", "信用卡"), ("黄金", "贵金属"), ("积存金", "贵金属"),
    ],
)
def test_a_product_word_maps_to_its_category(word, category):
    assert category_of_word(word) == category


def test_every_category_is_a_word_for_itself():
    assert all(category_of_word(category) == category for category in PRODUCT_CATEGORIES)


def test_a_longer_phrase_means_the_product_word_inside_it():
    assert category_of_word("50万定期") == "存款"
    assert product_word_meaning("邮享定期").term is Term.FIXED
    assert category_of_word("想做个基金定投") == "基金"
    assert category_of_word("明天下午") is None


def test_words_narrower_than_their_category_say_how():
    assert PRODUCT_VOCABULARY["定期"].term is Term.FIXED and PRODUCT_VOCABULARY["定期"].name_has == ()
    assert PRODUCT_VOCABULARY["活期"].term is Term.NONE
    assert PRODUCT_VOCABULARY["大额存单"].name_has == ("大额存单",)
    assert PRODUCT_VOCABULARY["存款"].term is Term.ANY and PRODUCT_VOCABULARY["存款"].name_has == ()
    # Synonyms mean the same products.
    assert PRODUCT_VOCABULARY["定存"] == PRODUCT_VOCABULARY["定期"] == PRODUCT_VOCABULARY["整存整取"]
    assert PRODUCT_VOCABULARY["按揭"] == PRODUCT_VOCABULARY["房贷"] == PRODUCT_VOCABULARY["住房贷款"]


def test_deposits_of_a_term_are_told_apart_by_term_not_by_name():
    fixed, demand = PRODUCT_VOCABULARY["定期"], PRODUCT_VOCABULARY["活期"]
    assert fixed.means("存款", "大额存单3年", has_term=True)
    assert fixed.means("存款", "储蓄国债(电子式)3年", has_term=True)
    assert not fixed.means("存款", "活期储蓄", has_term=False)
    assert not fixed.means("理财", "稳享理财90天", has_term=True)  # a term, but not a deposit
    assert demand.means("存款", "活期储蓄", has_term=False)
    assert not demand.means("存款", "邮享定期1年", has_term=True)


def test_renewing_is_a_deposit_but_not_a_product_a_visit_note_finds():
    assert category_of_word("续存") == "存款"
    assert product_word_in("客户想续存,转给王芳") == "续存"
    # In a visit note "续存了" is the purchase itself (已购), so notes do not read it as a product.
    assert "续存" in DEED_WORDS and "续存" not in PRODUCT_WORDS


def test_product_word_in_takes_names_and_roles_out():
    assert product_word_in("她的定期什么时候到期") == "定期"
    assert product_word_in("大额存单哪天到期") == "大额存单"  # the longest word, not 存单
    assert product_word_in("把黄金花转给陈静", ["黄金花"]) is None  # a customer's name, not gold
    assert product_word_in("把黄金花转给陈静") == "黄金"
    assert product_word_in("转给理财经理") is None  # a colleague's role, not 理财
    assert product_word_in("问问财富顾问") is None
    assert product_word_in("他名下有哪些产品") is None


@pytest.mark.parametrize(
    "word,role",
    [("理财经理", "wealth_manager"), ("财富经理", "wealth_manager"), ("理财师", "wealth_manager"),
     ("客户经理", "customer_manager"), ("行长", "branch_head"), ("大堂", "lobby_manager"),
     ("柜员", "teller"), ("wealth_manager", "wealth_manager"), ("Teller", "teller")],
)
def test_role_words(word, role):
    assert role_from_word(word) == role


def test_a_role_is_not_a_product_nor_a_product_a_role():
    assert category_of_word("理财经理") is None
    assert role_from_word("理财") is None
    assert not set(ROLE_WORDS) & set(PRODUCT_VOCABULARY)


def test_status_words_follow_the_nlu_contract():
    assert referral_status_of("联系不上") == "lost"
    assert referral_status_of("接了") == "accepted"
    assert referral_status_of(" 已联系 ") == "contacted"
    assert referral_status_of("CONVERTED") == "converted"
    assert referral_status_of("随便") is None


def test_referral_statuses_and_holding_words_agree_with_the_vocabulary():
    from bot.customers import profile
    from bot.referrals import lifecycle

    assert lifecycle.status_from_word("联系不上") is lifecycle.Status.LOST
    assert set(lifecycle.STATUS_WORDS) == set(REFERRAL_STATUS_WORDS)
    assert {status.value for status in lifecycle.Status} == set(REFERRAL_STATUS_WORDS.values())
    # the 360 view's table keeps its shape: word -> (category, a word the name contains or None).
    assert profile.PRODUCT_WORDS["大额存单"] == ("存款", "大额存单")
    assert profile.PRODUCT_WORDS["基金"] == ("基金", None)
    assert {word: category for word, (category, _) in profile.PRODUCT_WORDS.items()}.items() >= PRODUCT_WORDS.items()
