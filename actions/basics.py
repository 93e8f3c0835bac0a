"""Greetings, help, fallback and capabilities not built yet: static replies from domain.yml,
given only to registered staff."""
from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import current_staff, deliver_notifications


class StaffOnlyReply(Action, metaclass=ABCMeta):
    """Utter one response from domain.yml, or the refusal if the sender is not registered staff.

    A message that is exactly the name of a customer the staff member may see is a lookup, whatever
    the NLU made of it: a name it never saw comes back as nlu_fallback, affirm ("李秀英" → "好的")
    or anything else, and none of these replies would answer it."""

    response: str

    @abstractmethod
    def name(self) -> str: ...

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        from actions.customers import look_up_bare_name

        looked_up = await look_up_bare_name(dispatcher, tracker)
        if looked_up is not None:
            return looked_up
        if await current_staff(tracker) is None:
            dispatcher.utter_message(response="utter_stranger")
            return []
        await deliver_notifications(dispatcher, tracker)
        dispatcher.utter_message(response=self.response)
        return []


class ActionGreet(StaffOnlyReply):
    response = "utter_greet"

    def name(self) -> str:
        return "action_greet"


class ActionGoodbye(StaffOnlyReply):
    response = "utter_goodbye"

    def name(self) -> str:
        return "action_goodbye"


class ActionThanks(StaffOnlyReply):
    response = "utter_thanks"

    def name(self) -> str:
        return "action_thanks"


class ActionHelp(StaffOnlyReply):
    response = "utter_help"

    def name(self) -> str:
        return "action_help"


class ActionBotChallenge(StaffOnlyReply):
    response = "utter_bot_challenge"

    def name(self) -> str:
        return "action_bot_challenge"


class ActionOutOfScope(StaffOnlyReply):
    response = "utter_out_of_scope"

    def name(self) -> str:
        return "action_out_of_scope"


class ActionAskRephrase(StaffOnlyReply):
    response = "utter_ask_rephrase"

    def name(self) -> str:
        return "action_ask_rephrase"


class ActionAcknowledgeAffirm(StaffOnlyReply):
    response = "utter_acknowledge_affirm"

    def name(self) -> str:
        return "action_acknowledge_affirm"


class ActionAcknowledgeDeny(StaffOnlyReply):
    response = "utter_acknowledge_deny"

    def name(self) -> str:
        return "action_acknowledge_deny"
