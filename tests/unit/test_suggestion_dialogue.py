"""Reading a product-suggestion message (bot.suggestions.request): a yes/no question about buying a
product ("能买X吗", and right after a list "那X呢", "X可以吗"), more of the list, or a list."""
from __future__ import annotations

import pytest

from bot.suggestions.request import SuggestionRequest, product_number, purchase_question, read_request

# (message, the NLU's product entities, the product words asked about)
YES_OR_NO = [
    # The brief's forms, with and without the NLU's entity.
    ("她能买大额存单吗", ["大额存单"], "大额存单"),
    ("她能买大额存单吗", None, "大额存单"),
    ("那科技基金呢", None, "科技基金"),
    ("那科技基金呢", ["科技基金"], "科技基金"),
    ("大额存单呢", None, "大额存单"),
    ("定投可以吗", None, "定投"),
    ("黄金能买不", ["黄金"], "黄金"),
    ("能不能买稳健债券基金", None, "稳健债券基金"),
    ("买鑫享理财行吗", None, "鑫享理财"),
    # More of our own.
    ("那R5的基金呢", None, "R5的基金"),
    ("那R5的基金呢", ["基金"], "R5的基金"),  # the entity lacks the rating the message adds
    ("R4的基金能买不", None, "R4的基金"),
    ("中高风险的基金可以买吗", None, "中高风险的基金"),
    ("那1年定期呢", ["定期"], "1年定期"),
    ("那个大额存单呢", None, "大额存单"),
    ("还有大额存单呢", None, "大额存单"),
    ("大额存单她能买吗", None, "大额存单"),
    ("他可以买平衡混合基金不", None, "平衡混合基金"),
    ("王开明能买基金吗", None, "基金"),
    ("陈美玲可不可以买理财", ["理财"], "理财"),
    ("金条也可以吗?", None, "金条"),
    ("买保险合适不", ["保险"], "保险"),
    ("国债适合她吗", ["国债"], "国债"),
    ("推荐大额存单给崔峰合适吗", ["大额存单"], "大额存单"),
    ("他说想买点黄金 合适吗", None, "黄金"),
    ("他能做房贷吗", None, "房贷"),
    ("言蕾够不够条件办消费贷", ["消费贷"], "消费贷"),
    ("F-KJ呢", None, "F-KJ"),
    ("买定期没问题吧", None, "定期"),
    ("那鑫享呢", None, None),  # a name no word list knows…
    # A catalogue name around the product word the NLU found: its brand and its term.
    ("那稳享理财90天呢", ["理财"], "稳享理财90天"),
    ("她能买稳享理财90天吗", ["理财"], "稳享理财90天"),
    ("那沪深300指数基金呢", ["指数基金"], "沪深300指数基金"),
    ("科技行业股票基金可以吗", ["股票基金"], "科技行业股票基金"),
    ("那惠农定期1年呢", ["定期"], "惠农定期1年"),
    ("那增额终身寿险呢", ["寿险"], "增额终身寿险"),
    ("他能买平衡混合基金吗", ["平衡", "基金"], "平衡混合基金"),
]


@pytest.mark.parametrize("text,entities,words", YES_OR_NO)
def test_yes_or_no_questions_about_a_product(text, entities, words):
    assert purchase_question(text, entities) == words
    if words:
        assert read_request(text, entities) == SuggestionRequest(more=False, product_words=words, yes_or_no=True)


def test_a_name_only_the_catalogue_knows_is_a_product_when_given():
    names = ["鑫享理财1年", "沪深300指数基金"]
    assert purchase_question("那鑫享呢", None, known_products=names) == "鑫享"
    assert purchase_question("沪深300能买吗", None, known_products=names) == "沪深300"
    assert purchase_question("那王建国呢", None, known_products=names) is None


def test_a_catalogue_name_the_nlu_cut_short_is_still_that_product():
    # One training tagged 定期1年 (and 那惠农 as a name) in "那惠农定期1年呢": 惠 is a surname, so
    # only the catalogue tells the product from "a person's 定期".
    names = ["惠农定期1年", "增额终身寿险"]
    assert read_request("那惠农定期1年呢", ["定期1年"], [], names) == SuggestionRequest(False, "惠农定期1年", True)
    assert read_request("那增额终身寿险呢", ["增额终身寿"], [], names) == SuggestionRequest(False, "增额终身寿险", True)
    assert read_request("那王建国定期1年呢", ["定期1年"], [], names).yes_or_no is False


@pytest.mark.parametrize(
    "text,entities",
    [
        # More of the list, never a yes/no question nor a new list.
        ("再推荐几个", None),
        ("还有别的吗", None),
        ("还有其他合适的不", None),
        ("换一批", None),
        ("更多推荐", None),
        # A list, of a kind or of everything.
        ("给她推荐点理财", ["理财"]),
        ("可以给她推荐个保险吗", ["保险"]),
        ("帮我给他挑个基金", ["基金"]),
        ("她适合买什么", None),
        ("有没有适合她的基金", ["基金"]),
        ("还有别的理财吗", ["理财"]),
        # A customer, a position in the list, or nothing named.
        ("那王建国呢", None),
        ("王建国呢", None),
        ("那他呢", None),
        ("那第二个呢", None),
        ("能买吗", None),
        ("可以吗", None),
        ("好的", None),
        # What she holds, not what she may buy.
        ("她的基金呢", ["基金"]),
        ("那她的定期呢", None),
        ("那王建国定期呢", ["定期"]),  # a customer's name before the product word
        ("那老王的定期呢", ["定期"]),
        ("那老王定期呢", ["定期"]),
        ("他名下有基金吗", ["基金"]),
        ("他有理财吗", ["理财"]),
        ("她买过保险吗", ["保险"]),
        # Other questions about a product.
        ("大额存单起购多少", ["大额存单"]),
        ("帮她查下大额存单", ["大额存单"]),
    ],
)
def test_not_a_yes_or_no_question_about_buying(text, entities):
    assert purchase_question(text, entities) is None
    assert not read_request(text, entities).yes_or_no


@pytest.mark.parametrize("text", ["再推荐几个", "还有别的吗", "还有其他合适的不", "换一批", "下一批", "再来几个看看"])
def test_more_is_more(text):
    assert read_request(text, None) == SuggestionRequest(more=True, product_words=None, yes_or_no=False)


def test_a_list_of_a_kind():
    assert read_request("给她推荐点理财", ["理财"]) == SuggestionRequest(more=False, product_words="理财", yes_or_no=False)
    assert read_request("还有别的理财吗", ["理财"]) == SuggestionRequest(more=False, product_words="理财", yes_or_no=False)


def test_a_position_in_the_list():
    assert product_number("转介第一个给理财经理") == 1
    assert product_number("把第3个转给陈静") == 3
    assert product_number("转介给理财经理") is None


SHOWN = ["邮享定期1年", "大额存单3年", "稳健债券基金"]


@pytest.mark.parametrize("text,product", [
    ("第二个他能买吗", "大额存单3年"),
    ("那第三个呢", "稳健债券基金"),
    ("第1个可以买吗", "邮享定期1年"),
    ("第五个能买吗", None),  # not on the list shown
    ("第二个", None),  # no question: a pick, answered elsewhere
    ("再推荐几个", None),
])
def test_a_product_of_the_list_shown_asked_about_by_its_place(text, product):
    request = read_request(text, None, SHOWN)
    if product:
        assert request == SuggestionRequest(more=False, product_words=product, yes_or_no=True)
    else:
        assert not request.yes_or_no
    assert not read_request(text, None).yes_or_no  # without the list, nothing to point at


def test_a_may_buy_question_about_no_product_of_the_bank_is_said_so():
    from bot.suggestions.request import unknown_product_asked

    names = ["大额存单3年", "沪深300指数基金"]
    assert unknown_product_asked("黄婷莉能买比特币吗", names) == "比特币"
    for text in ("她能买大额存单吗", "她能买什么", "那她能买哪些", "他能不能买点别的", "能买R4的基金吗", "她能买吗"):
        assert unknown_product_asked(text, names) is None, text


def test_a_place_beyond_the_list_shown_is_said_not_answered_with_another_list():
    from bot.suggestions.request import read_message

    shown = {"customer_id": "C00000005", "products": ["现金管理类理财"], "product_words": "理财"}
    for text in ("第二个她能买吗", "那第三个呢"):
        assert read_message(text, {}, shown, "C00000005", True, False, ["现金管理类理财"]).shown_fewer == 1, text
    first = read_message("第一个她能买吗", {}, shown, "C00000005", True, False, ["现金管理类理财"])
    assert first.shown_fewer is None and first.request.product_words == "现金管理类理财"
    assert read_message("再推荐几个", {}, shown, "C00000005", True, False, []).shown_fewer is None
