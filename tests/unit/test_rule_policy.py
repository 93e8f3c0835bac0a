"""components.rule_policy.IndexedRulePolicy predicts exactly what Rasa's RulePolicy predicts.

Both are given the rules this bot is trained on (data/rules, domain.yml), learned once, and asked
for the next action at every step of every conversation test (tests/conversations) and of the
rules themselves: after each message (the turn that picks the action) and after each action (the
turn that goes back to listening)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from components.rule_policy import IndexedRulePolicy, RuleIndex

REPO = Path(__file__).resolve().parents[2]


def _policy(cls, tmp_path, name):
    (tmp_path / name).mkdir(exist_ok=True)
    return cls(cls.get_default_config(), LocalModelStorage(tmp_path / name), Resource(name),
               ExecutionContext(GraphSchema({}), "test"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """(domain, the learned lookup, trackers of the rules and of the conversation tests)."""
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(REPO / "domain.yml"),
        training_data_paths=[str(REPO / "data" / "rules"), str(REPO / "tests" / "conversations")])
    domain = importer.get_domain()
    stories = importer.get_stories()
    trackers = TrainingDataGenerator(stories, domain, augmentation_factor=0, use_story_concatenation=False,
                                     remove_duplicates=False).generate()
    rule_trackers = [tracker for tracker in trackers if tracker.is_rule_tracker]
    assert len(rule_trackers) >= 20
    learner = _policy(RulePolicy, tmp_path_factory.mktemp("rules"), "learner")
    learner.train(rule_trackers, domain)
    return domain, learner.lookup, trackers


def _prefixes(tracker, domain):
    """The tracker as it stood before each action it took: every point where a policy predicts."""
    events = list(tracker.events)
    for end, event in enumerate(events):
        if isinstance(event, ActionExecuted) and end > 0 and event.action_name != "action_session_start":
            yield DialogueStateTracker.from_events(tracker.sender_id, events[:end], domain.slots)


def test_predicts_what_rasas_rule_policy_predicts_at_every_step(trained, tmp_path):
    domain, lookup, trackers = trained
    plain, indexed = _policy(RulePolicy, tmp_path, "plain"), _policy(IndexedRulePolicy, tmp_path, "indexed")
    plain.lookup, indexed.lookup = copy.deepcopy(lookup), copy.deepcopy(lookup)
    compared = after_messages = 0
    for tracker in trackers:
        for prefix in _prefixes(tracker, domain):
            expected = plain.predict_action_probabilities(prefix, domain)
            got = indexed.predict_action_probabilities(prefix, domain)
            assert (got.probabilities, got.is_end_to_end_prediction, got.is_no_user_prediction, got.action_metadata) == (
                expected.probabilities, expected.is_end_to_end_prediction, expected.is_no_user_prediction,
                expected.action_metadata), [str(e) for e in prefix.events][-6:]
            compared += 1
            after_messages += isinstance(prefix.events[-1], UserUttered) or prefix.latest_action_name == "action_listen"
    # Both kinds of turn, and the rules' choices, not only "listen".
    # (Every message goes to one action now, so the stories make fewer distinct states than when
    # each intent had its own action; both kinds of turn are still compared many times.)
    assert compared > 150 and after_messages > 50


def test_an_indexed_lookup_tries_only_the_rules_for_the_last_state(trained):
    domain, lookup, _trackers = trained
    index = RuleIndex.of(lookup["rules"])
    last = {"user": {"intent": "lookup_customer"}, "prev_action": {"action_name": "action_listen"}}
    candidates = index.candidates(last)
    assert candidates and len(candidates) < len(lookup["rules"]) / 5
    # After a message no rule of this bot can match its text alone: the text pass is skipped.
    assert not index.matches_without_intent()


def test_checks_a_fraction_of_the_rules_rasas_rule_policy_checks(trained, tmp_path, monkeypatch):
    """What makes it cheaper, counted rather than timed (`make bench` measures the whole bot)."""
    domain, lookup, trackers = trained
    checks = {"plain": 0, "indexed": 0}
    original = RulePolicy._is_rule_applicable

    def counted(self, *args):
        checks[type(self).__name__ == "IndexedRulePolicy" and "indexed" or "plain"] += 1
        return original(self, *args)

    monkeypatch.setattr(RulePolicy, "_is_rule_applicable", counted)
    plain, indexed = _policy(RulePolicy, tmp_path, "plain"), _policy(IndexedRulePolicy, tmp_path, "indexed")
    plain.lookup, indexed.lookup = lookup, lookup
    for tracker in trackers[:40]:
        for prefix in _prefixes(tracker, domain):
            plain.predict_action_probabilities(prefix, domain)
            indexed.predict_action_probabilities(prefix, domain)
    assert 0 < checks["indexed"] < checks["plain"] / 10, checks


def test_the_bots_configuration_is_valid_for_its_domain(trained):
    """Rasa validates a RulePolicy's settings against the domain (the fallback action exists...)
    only when the class is RulePolicy itself; this does it for the subclass config.yml names."""
    import yaml

    domain, _lookup, _trackers = trained
    config = yaml.safe_load((REPO / "config.yml").read_text(encoding="utf-8"))
    [policy] = [p for p in config["policies"] if p["name"] == "components.rule_policy.IndexedRulePolicy"]
    IndexedRulePolicy.raise_if_incompatible_with_domain({**IndexedRulePolicy.get_default_config(), **policy}, domain)
