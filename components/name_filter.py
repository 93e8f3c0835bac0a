"""Drop "names" that cannot be a Chinese personal name, and complete names cut short, before
anyone acts on them.

DIET tags names by their shape and context, and now and then tags a stray character of a
message that has no name at all (谢, 别, 位) or an everyday word (左右, 不然). A Chinese personal
name has two to four Han characters and starts with a surname of the 百家姓 (a single one or a
compound one); it does not end in a particle (了, 的, 着). Names of other forms (扎西多吉,
买买提·艾力) are rare at the counter, and the lookup finds them anyway by matching the message
against the names of the customers the staff member may see (bot.customers.names_in_text).

It also completes a name DIET cut one character short, its commonest mistake on names it never
saw (东方翠 of 东方翠屏, 慕容晓 of 慕容晓岚): a surname and one character, followed directly by a
one-character token that is rare as a word on its own (屏, 岚), is that character longer. A
common word after a name (来, 刚, 的, 买) is left for DIET to judge (阎福来 or 阎福 来了?), and so
are titles and kin (王芳姐, 张伟妈). The customer lookup also tries a name's longer readings in the
message (bot.customers.longer_names).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocabulary.names import COMPOUND_SURNAMES, SURNAMES
from bot.vocabulary.text import is_han

NAME_ENTITIES = frozenset({"customer_name", "staff_name"})
SINGLE = frozenset(SURNAMES)
COMPOUND = frozenset(COMPOUND_SURNAMES)
PARTICLES = frozenset("了的着过吗呢吧啊呀么嘛哈")
# Words this common in jieba's dictionary (时间, 左右, 明天, 文明) are words, not names.
COMMON_WORD_FREQUENCY = 3000


# A character this rare as a word of its own (屏 943, 岚 63; against 来 161,501, 刚 9,881, 存 3,981
# in jieba's dictionary) right after a surname and one more character is the name's third.
RARE_AS_A_WORD = 3000
# Titles and kin (王芳姐, 张伟妈), and 标 (给晏浩标一下: a verb, which jieba tags as a noun).
NEVER_COMPLETED = frozenset("总哥姐老小" "妈爸爹娘弟妹姨叔婶伯舅爷奶嫂夫妻儿孙" "标")
# Rare words that follow names in staff messages are mostly verbs (聊, 签, 挑, 钓, 适合): jieba's
# part of speech of the character alone (v, and adverbs, prepositions, pronouns…) rules them out.
NOT_IN_NAMES = frozenset("vdpcurmqft")


def _part_of_speech(word: str) -> str:
    import jieba.posseg

    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg.dt.word_tag_tab.get(word, "")


def _word_frequency(word: str) -> int:
    import jieba

    jieba.dt.check_initialized()
    return int(jieba.dt.FREQ.get(word, 0))


def could_be_a_name(text: str) -> bool:
    if not 2 <= len(text) <= 4 or not is_han(text):
        return False
    if text[:2] in COMPOUND:
        return len(text) >= 3
    if text[0] not in SINGLE or text[-1] in PARTICLES:
        return False
    return _word_frequency(text) < COMMON_WORD_FREQUENCY


def completed(entity: dict, text: str, tokens: list) -> dict:
    """The name entity, one character longer when DIET cut it short (see the module's doc)."""
    value, start, end = str(entity.get("value", "")), entity.get("start"), entity.get("end")
    if entity.get("entity") not in NAME_ENTITIES or start is None or end is None or text[start:end] != value:
        return entity
    surname_and_one = (len(value) == 2 and (value[0] in SINGLE or value in COMPOUND)) or (
        len(value) == 3 and value[:2] in COMPOUND)
    following = next((token for token in tokens if token.start == end), None)
    if not surname_and_one or following is None or len(following.text) != 1:
        return entity
    character = following.text
    if not is_han(character) or character in PARTICLES or character in NEVER_COMPLETED:
        return entity
    if _word_frequency(character) >= RARE_AS_A_WORD or _part_of_speech(character)[:1] in NOT_IN_NAMES:
        return entity
    return {**entity, "value": value + character, "end": end + 1}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class NameEntityFilter(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NameEntityFilter":
        _part_of_speech("")  # jieba's part-of-speech table loads with the model, not on a message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            text = message.get(TEXT) or ""
            repaired = [completed(e, text, tokens) for e in entities]
            kept = [e for e in repaired if e.get("entity") not in NAME_ENTITIES or could_be_a_name(str(e.get("value", "")))]
            if kept != entities:
                message.set(ENTITIES, kept, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
