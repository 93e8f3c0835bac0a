"""The project's own NLU components: tokens, name features and the name filter."""
from __future__ import annotations

import pytest
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message

from components.name_features import FEATURES, WINDOW, name_features, token_shape
from components.name_filter import NameEntityFilter, could_be_a_name
from components.tokenizer import DictionaryJiebaTokenizer


def tokens_of(text: str) -> list[str]:
    tokenizer = DictionaryJiebaTokenizer(DictionaryJiebaTokenizer.get_default_config(), None, None)
    return [t.text for t in tokenizer.tokenize(Message(data={"text": text}), "text")]


def test_an_unknown_name_is_kept_apart_from_the_words_around_it():
    assert tokens_of("推荐单丽到客户经理那边") [:4] == ["推荐", "单", "丽", "到"]
    assert tokens_of("陪檀雅喝了个下午茶")[:3] == ["陪", "檀", "雅"]
    assert " " not in tokens_of("王建国 定期 到期")


@pytest.mark.parametrize("name", ["王建国", "欧阳娜", "司徒静怡", "笪红", "籍晓东", "阎福来"])
def test_names_pass_the_filter(name):
    assert could_be_a_name(name)


@pytest.mark.parametrize("word", ["谢", "左右", "方了", "东方", "不然", "时间", "王建国123", "欧阳"])
def test_words_that_cannot_be_names_are_dropped(word):
    assert not could_be_a_name(word)


def test_filter_keeps_other_entities_and_real_names():
    message = Message(data={"text": "谢了 王建国 50万", "entities": [
        {"entity": "customer_name", "value": "谢"},
        {"entity": "customer_name", "value": "王建国"},
        {"entity": "amount", "value": "50万"},
    ]})
    NameEntityFilter().process([message])
    assert [e["value"] for e in message.get("entities")] == ["王建国", "50万"]


def test_name_shape_of_a_surname_and_its_neighbours():
    tokens = [Token("查", 0), Token("籍", 1), Token("晓", 2), Token("东", 3)]
    assert "surname_alone" in token_shape(tokens, 1)
    assert "after_surname_alone" in token_shape(tokens, 2)
    assert "second_after_surname_alone" in token_shape(tokens, 3)
    matrix = name_features(tokens)
    assert matrix.shape == (4, len(WINDOW) * len(FEATURES))
