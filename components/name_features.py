"""Features that tell DIET what a Chinese personal name looks like, for names it never saw.

Word identities and character n-grams only generalise to names whose characters appeared in
training. (jieba, without its HMM, leaves an unknown name as single characters: 籍 | 晓 | 东.) What makes 笪丽华 or 东方明亮 a name is its shape: a surname from the 百家姓 first, two or
three characters in all, a word jieba does not know as an everyday word, often followed by a
title (先生, 阿姨) and never a bank term. Each token gets these shape features for itself and
its two neighbours, as one-hot columns of a fixed vocabulary (nothing to train, nothing that
depends on the training names).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocabulary.names import COMPOUND_SURNAMES, SURNAMES
from bot.vocabulary.text import is_han

SINGLE_SURNAMES = frozenset(SURNAMES)
COMPOUNDS = frozenset(COMPOUND_SURNAMES)
TITLES = frozenset(
    "先生 女士 小姐 太太 阿姨 叔叔 大爷 大妈 大叔 大姐 老师 师傅 老板 总 哥 姐 老 小 奶奶 爷爷 同志".split()
)
# Words that sit next to a customer's name in staff messages.
NAME_CUES = frozenset("把 给 帮 查 查查 查下 查一下 看看 客户 叫 那个 这个 和 跟 找 问 的".split())
STAFF_CUES = frozenset("客户经理 理财经理 大堂经理 柜员 行长 网点负责人 同事 转给 转介给 交给".split())

FEATURES = (
    "surname_then_given",  # 王建国, 笪丽华: a surname and one or two more characters
    "compound_surname_then_given",  # 东方明亮, 欧阳娜
    "surname_alone",  # jieba cut 笪 | 丽华
    "compound_surname_alone",
    "after_surname_alone",  # the 丽华 of 笪 | 丽华, the 晓 of 籍 | 晓 | 东
    "second_after_surname_alone",  # the 东 of 籍 | 晓 | 东
    "len1",
    "len2",
    "len3",
    "len4plus",
    "all_han",
    "has_digit",
    "unknown_to_jieba",
    "rare_word",
    "common_word",
    "title",
    "name_cue",
    "staff_cue",
)
WINDOW = (-1, 0, 1)
_INDEX = {(offset, name): i for i, (offset, name) in enumerate((o, n) for o in WINDOW for n in FEATURES)}


def _word_frequency(word: str) -> int:
    import jieba

    jieba.dt.check_initialized()
    return int(jieba.dt.FREQ.get(word, 0))


def token_shape(tokens: List[Token], i: int) -> set[str]:
    """The shape features of the i-th token, without its neighbours."""
    word = tokens[i].text
    shape: set[str] = set()
    han = is_han(word)
    length = len(word)
    shape.add(f"len{length}" if length < 4 else "len4plus")
    if han:
        shape.add("all_han")
    if any(ch.isdigit() for ch in word):
        shape.add("has_digit")
    if han and 2 <= length <= 3 and word[0] in SINGLE_SURNAMES:
        shape.add("surname_then_given")
    if han and 3 <= length <= 4 and word[:2] in COMPOUNDS:
        shape.add("compound_surname_then_given")
    if length == 1 and word in SINGLE_SURNAMES:
        shape.add("surname_alone")
    if word in COMPOUNDS:
        shape.add("compound_surname_alone")
    if i > 0 and han and length <= 2:
        before = tokens[i - 1].text
        if before in SINGLE_SURNAMES or before in COMPOUNDS:
            shape.add("after_surname_alone")
    if han:
        frequency = _word_frequency(word)
        shape.add("unknown_to_jieba" if frequency == 0 else "rare_word" if frequency < 50 else "common_word")
    if i > 1 and han and length == 1 and len(tokens[i - 1].text) == 1 and is_han(tokens[i - 1].text):
        if tokens[i - 2].text in SINGLE_SURNAMES or tokens[i - 2].text in COMPOUNDS:
            shape.add("second_after_surname_alone")
    if word in TITLES:
        shape.add("title")
    if word in NAME_CUES:
        shape.add("name_cue")
    if word in STAFF_CUES:
        shape.add("staff_cue")
    return shape


def name_features(tokens: List[Token]) -> scipy.sparse.coo_matrix:
    """One row per token: its shape and its neighbours' shapes, one-hot."""
    shapes = [token_shape(tokens, i) for i in range(len(tokens))]
    rows, cols = [], []
    for i in range(len(tokens)):
        for offset in WINDOW:
            j = i + offset
            if 0 <= j < len(tokens):
                for name in sorted(shapes[j]):
                    rows.append(i)
                    cols.append(_INDEX[(offset, name)])
    return scipy.sparse.coo_matrix(
        (np.ones(len(rows)), (np.array(rows, dtype=int), np.array(cols, dtype=int))),
        shape=(len(tokens), len(_INDEX)),
    )


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ChineseNameFeaturizer(SparseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config()}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def __init__(self, config: Dict[Text, Any], execution_context: ExecutionContext) -> None:
        SparseFeaturizer.__init__(self, execution_context.node_name, config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "ChineseNameFeaturizer":
        return cls(config, execution_context)

    def _featurize(self, message: Message) -> None:
        tokens: Optional[List[Token]] = message.get(TOKENS_NAMES[TEXT])
        if tokens:
            self.add_features_to_message(name_features(tokens), None, TEXT, message)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._featurize(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages
