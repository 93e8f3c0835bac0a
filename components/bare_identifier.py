"""A message that is nothing but a customer's name or number asks who that customer is.

Staff type "王建国", "13812345678" or "C00000005" on their own to look a customer up. DIET reads
such a message from its characters alone, and a name it never saw can resemble the two-name
messages of a referral ("闻人子墨" → record_referral). When the identifiers found in the message
(names from DIET, numbers from the regexes) are all there is, apart from punctuation and a final
particle, the intent is lookup_customer. Answers to "which one?" ("是王建国那个", "尾号5678的")
have other words and keep the intent DIET gave them. A bare staff name is left alone: it may be
the answer to "转给谁?".
"""
from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.vocabulary.identifiers import find_identifiers
from bot.vocabulary.text import without_filler
from components.stateless import StatelessComponent

CUSTOMER_IDENTIFIERS = frozenset({"customer_name", "phone", "customer_id", "id_number"})
LOOKUP = "lookup_customer"


def is_bare_identifier(text: str, entities: List[Dict[str, Any]]) -> bool:
    """True when the customer identifiers in `entities`, and the numbers typed as staff type
    them ("139 1234 5678", "+86 139…", an old 15-digit ID number: bot.vocabulary.identifiers,
    which no regex of the NLU reads), are all the words of `text`."""
    spans = [(int(e["start"]), int(e["end"])) for e in entities
             if e.get("entity") in CUSTOMER_IDENTIFIERS and "start" in e and "end" in e]
    spans += [(item.start, item.end) for item in find_identifiers(text)]
    if not spans:
        return False
    rest = list(text)
    for start, end in spans:
        for index in range(start, min(end, len(rest))):
            rest[index] = " "
    return without_filler("".join(rest)) == ""


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class BareIdentifierIntent(StatelessComponent):
    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == LOOKUP:
                continue
            if not is_bare_identifier(message.get(TEXT) or "", message.get(ENTITIES) or []):
                continue
            # Decided by the rule, not the classifiers: certain. (With the displaced intent's
            # confidence, the two tied and the FallbackClassifier's ambiguity check asked a
            # teller who typed a bare phone number to rephrase.)
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != LOOKUP]
            message.set(INTENT, {"name": LOOKUP, "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [{"name": LOOKUP, "confidence": 1.0}, *ranking], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
