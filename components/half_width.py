"""Turn full-width letters, digits and punctuation into their ASCII forms before tokenizing.

Phone keyboards in Chinese input mode often type full-width digits (１３９１２３４５６７８).
jieba splits those into single characters, and neither the regexes nor DIET recognise the number.
The mapping is one character to one character, so annotation offsets stay valid.
"""
from __future__ import annotations

from typing import List, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocabulary.width import to_half_width
from components.stateless import StatelessComponent


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class HalfWidthNormalizer(StatelessComponent):
    @staticmethod
    def _normalise(message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        if text:
            message.set(TEXT, to_half_width(text))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            self._normalise(example)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._normalise(message)
        return messages
