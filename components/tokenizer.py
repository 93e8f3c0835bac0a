"""jieba words, but unknown words stay single characters.

Rasa's JiebaTokenizer runs jieba with its HMM, which glues unknown characters into new "words":
a name and the verb after it (单丽到, 轩持), a verb and the name after it (陪檀雅). A customer's
name then no longer starts or ends on a token boundary and DIET cannot tag it. Without the HMM,
jieba keeps dictionary words (the bank's terms in data/jieba, everyday words) and leaves unknown
characters one by one, so a name never seen is a run of characters whose edges are token edges,
and the name features (components/name_features.py) and DIET's BILOU tags put it together.

Spaces, which staff type instead of commas, are separators and not tokens (jieba returns them as
tokens, Rasa issue #7910).
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class DictionaryJiebaTokenizer(JiebaTokenizer):
    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        import jieba

        text = message.get(attribute)
        tokens = [Token(word, start) for (word, start, _end) in jieba.tokenize(text, HMM=False) if word.strip()]
        return self._apply_token_pattern(tokens)
