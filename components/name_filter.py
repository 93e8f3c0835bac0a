"""Drop "names" that cannot be a Chinese personal name before anyone acts on them.

DIET tags names by their shape and context, and now and then tags a stray character of a
message that has no name at all (谢, 别, 位) or an everyday word (左右, 不然). A Chinese personal
name has two to four Han characters and starts with a surname of the 百家姓 (a single one or a
compound one); it does not end in a particle (了, 的, 着). Names of other forms (扎西多吉,
买买提·艾力) are rare at the counter, and the lookup finds them anyway by matching the message
against the names of the customers the staff member may see (bot.customers.names_in_text).
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.names import COMPOUND_SURNAMES, SURNAMES

NAME_ENTITIES = frozenset({"customer_name", "staff_name"})
SINGLE = frozenset(SURNAMES)
COMPOUND = frozenset(COMPOUND_SURNAMES)
PARTICLES = frozenset("了的着过吗呢吧啊呀么嘛哈")
# Words this common in jieba's dictionary (时间, 左右, 明天, 文明) are words, not names.
COMMON_WORD_FREQUENCY = 3000


def _word_frequency(word: str) -> int:
    import jieba

    jieba.dt.check_initialized()
    return int(jieba.dt.FREQ.get(word, 0))


def could_be_a_name(text: str) -> bool:
    if not 2 <= len(text) <= 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in text):
        return False
    if text[:2] in COMPOUND:
        return len(text) >= 3
    if text[0] not in SINGLE or text[-1] in PARTICLES:
        return False
    return _word_frequency(text) < COMMON_WORD_FREQUENCY


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
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            kept = [e for e in entities if e.get("entity") not in NAME_ENTITIES or could_be_a_name(str(e.get("value", "")))]
            if len(kept) != len(entities):
                message.set(ENTITIES, kept, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
