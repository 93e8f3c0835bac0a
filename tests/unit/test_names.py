"""Names given in part or not known to the NLU (bot/vocabulary/names.py): a message that names somebody is
about that person or nobody, so the bot must tell "a name that finds nobody" from "no name"."""
from __future__ import annotations

import pytest

from bot.vocabulary.names import name_like_words, partial_name


@pytest.mark.parametrize("text, surname", [
    ("欧阳", "欧阳"), ("查一下欧阳", "欧阳"), ("欧阳呢", "欧阳"), ("欧阳的定期什么时候到期", "欧阳"),
    ("给司马记一下", "司马"), ("上官那个客户", "上官"), ("王先生的定期", "王"), ("李阿姨想买理财", "李"),
    ("张总", "张"), ("王某某", "王"), ("找一下小王", "王"), ("老王", "王"), ("小张的定期", "张"),
])
def test_a_name_given_in_part_is_read_as_its_surname(text, surname):
    assert partial_name(text) == surname


@pytest.mark.parametrize("text", [
    "王建国", "他名下有哪些产品", "广东方面", "东方明珠", "老师说的", "小姐姐", "老板来了", "他总资产多少", "总行通知",
    "我的待办", "给他推荐点产品",
])
def test_words_and_full_names_are_no_partial_names(text):
    assert partial_name(text) is None


@pytest.mark.parametrize("text, name", [
    ("刚进来那个张翠花大妈 查下", "张翠花"), ("刚进来那个李秀英大妈 查下", "李秀英"),
])
def test_a_full_name_the_nlu_missed_is_still_a_name(text, name):
    assert name in name_like_words(text)


@pytest.mark.parametrize("text", [
    "他名下有哪些产品", "她的定期什么时候到期", "给他推荐点产品", "最近谁联系过他", "我的待办", "本月转介排行",
    "她能买大额存单吗", "他有养老金吗", "李经理让我查一下", "谢谢您",
])
def test_a_message_with_no_name_has_no_name_like_word(text):
    assert name_like_words(text, exclude={"养老金"}) == []
