"""Rasa's RulePolicy with its rules looked up by the conversation's last state, not tried one by one.

Every message is decided by a rule (config.yml). For each prediction RulePolicy 3.6 computes the
conversation's states and then tries every learned rule key (98 for this bot) against every
state of the session, back to front, loading each key's JSON again each time; and it does that
twice for the prediction after a message: once with the message's text in place of its intent
(end-to-end rules, which this bot has none of) and once with the intent. In `make bench` that was
about a tenth of the Rasa process's time per message (docs/performance.md, "Fixes to the Rasa
process's hot path").

This policy predicts exactly what RulePolicy predicts (tests/unit/test_rule_policy.py compares
the two on every turn of the bot's rules and conversation tests), with two shortcuts:

- A rule can only apply if its last state matches the conversation's last state, and there a
  rule that names a previous action or an intent asks for exactly that one. So the keys are
  grouped once by (previous action, intent) of their last state, and only the groups that the
  conversation's last state can match are tried, on the whole history as before; the search
  stops as soon as no key is left or the remaining keys are all shorter than the history
  already checked (RulePolicy accepts those without looking).
- The pass with the text in place of the intent can only match a rule whose last state, after
  the user's message, asks for no intent. When no rule is like that (and no form is active), the
  pass cannot predict anything and is skipped, with the states it would have computed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Text, Tuple

from rasa.core.policies.rule_policy import RULES, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import ACTION_LISTEN_NAME, PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

Group = Tuple[Optional[str], Optional[str]]  # (previous action, intent); None: any


def _required(value: Any) -> Optional[str]:
    """The value a rule's state asks for, or None when it does not ask for one exact name."""
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


@dataclass(frozen=True)
class RuleIndex:
    """A lookup's rule keys by what their last state asks for."""
    lookup: Dict[Text, Text]        # the lookup it was built from (held, so its id stays its own)
    size: int                       # its size then: a lookup changed in training is indexed again
    groups: Dict[Group, Set[Text]]
    starts: Set[Text]               # keys whose last state is a conversation start: always tried
    lengths: Dict[Text, int]

    @classmethod
    def of(cls, lookup: Dict[Text, Text]) -> "RuleIndex":
        groups: Dict[Group, Set[Text]] = {}
        starts: Set[Text] = set()
        lengths: Dict[Text, int] = {}
        for key in lookup:
            states = json.loads(key)
            lengths[key] = len(states)
            last = states[-1] if states else {}
            previous = last.get(PREVIOUS_ACTION)
            if not previous:
                starts.add(key)
                continue
            group = (_required(previous.get(ACTION_NAME)), _required(last.get(USER, {}).get(INTENT)))
            groups.setdefault(group, set()).add(key)
        return cls(lookup, len(lookup), groups, starts, lengths)

    def candidates(self, last_state: State) -> Set[Text]:
        """The keys whose last state may match `last_state`; every other key cannot."""
        action = last_state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)
        intent = last_state.get(USER, {}).get(INTENT)
        found = set(self.starts)
        for group in {(action, intent), (action, None), (None, intent), (None, None)}:
            found |= self.groups.get(group, set())
        return found

    def matches_without_intent(self) -> bool:
        """Whether a key can match a last state after the user's message that holds no intent."""
        return bool(self.groups.get((None, None)) or self.groups.get((ACTION_LISTEN_NAME, None)))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class IndexedRulePolicy(RulePolicy):
    """RulePolicy, predicting the same, with its rule keys indexed by their last state."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._indexes: Dict[int, RuleIndex] = {}  # by id of the lookup, which each index holds

    def _index(self, lookup: Dict[Text, Text]) -> RuleIndex:
        index = self._indexes.get(id(lookup))
        if index is None or index.size != len(lookup):
            index = self._indexes[id(lookup)] = RuleIndex.of(lookup)
        return index

    def _get_possible_keys(self, lookup: Dict[Text, Text], states: List[State]) -> Set[Text]:
        if not states:
            return set(lookup.keys())
        index = self._index(lookup)
        possible = index.candidates(states[-1])
        for turn, state in enumerate(reversed(states)):
            if not possible or all(index.lengths[key] <= turn for key in possible):
                break  # nothing left, or only keys RulePolicy accepts from this turn on unchecked
            possible = {key for key in possible if self._is_rule_applicable(key, turn, state)}
        return possible

    def _find_action_from_rules(
        self, tracker: DialogueStateTracker, domain: Domain, use_text_for_last_user_input: bool
    ) -> Tuple[Optional[Text], Optional[Text], bool]:
        if (use_text_for_last_user_input and tracker.latest_action_name == ACTION_LISTEN_NAME
                and not tracker.active_loop_name and not self._index(self.lookup[RULES]).matches_without_intent()):
            return None, None, False
        return super()._find_action_from_rules(tracker, domain, use_text_for_last_user_input)
