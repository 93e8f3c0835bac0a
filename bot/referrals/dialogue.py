"""The conversation that records a referral: collect what is missing, confirm, save.

A staff member says "把王建国转介给客户经理,想了解基金定投", or just "新建转介", and the bot asks
only for what the message lacks: which customer (with the 360 view's lookup and namesake
choice), which product, and, when a named colleague cannot take it, someone who can. It then
shows a summary and saves nothing until the user confirms. "取消" at any step ends it with
nothing written.

Whose referral it is, always said: a customer named in the message (or picked from a list) is the
customer; a name that finds nobody is "not found" and the bot asks again, never falling back on
the customer the conversation was about; only a message that names nobody ("新建转介", "给他转个
单") takes the customer in context, and every reply of that draft says so ("按上下文,客户是…")
until the employee names or confirms the customer. At the confirmation the employee can correct
any part in plain words: "转给黄某某", "产品改成基金定投", "客户写错了,是某某".

The state between messages is a plain dict (`ReferralDraftState.to_dict`), kept by the chat
layer (bot.dialogue.Draft.state); this module never sees Rasa. Each turn returns the reply and
the next state (None once the referral is saved or abandoned).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, replace

from bot.access import StaffMember
from bot.clock import clock
from bot.customers import replies as customer_replies
from bot.customers.service import CustomerService, Outcome, PendingChoice, View
from bot.dialogue.message import (
    CHANGE_WORDS,
    DEFAULT_RECEIVER_WORDS,
    RECEIVER_CHANGE,
    bare_name,
    cancels,
    corrected_part,
)
from bot.dialogue.notices import context_line
from bot.dialogue.waiting import CustomerSource
from bot.referrals import replies as referral_replies
from bot.referrals.people import (
    colleagues_read_as_customers,
    entities_name_a_customer,
    first_entity,
    note_from,
    only_in,
    people_named,
)
from bot.referrals.replies import ASK_CUSTOMER, CANCELLED, NOT_A_REFERRAL
from bot.referrals.results import CreateOutcome, DraftOutcome, ReceiverInfo
from bot.referrals.service import ReferralService
from bot.suggestions.request import product_number
from bot.vocabulary.choice import CONFIRM_WORDS, ByPosition, confirms, parse_choice
from bot.vocabulary.products import product_word_in
from bot.vocabulary.roles import role_from_word
from bot.vocabulary.text import has_chinese_words

# Steps: what the bot asked last, so it knows what the next message answers (bot.dialogue.Step).
CUSTOMER, PRODUCT, RECEIVER, DUPLICATE, CONFIRM = "customer", "product", "receiver", "duplicate", "confirm"
STEPS = (CUSTOMER, PRODUCT, RECEIVER, DUPLICATE, CONFIRM)

ADD_NOTE_WORDS = re.compile(r"(补充|追加|加到|加在|合并|原来那条|那一条|备注)")
NEW_ANYWAY_WORDS = re.compile(r"(新建|还是建|再建|另建|重新建|另外建|仍然|照样|还是要)")


@dataclass
class ReferralDraftState:
    """What the user has said so far about the referral they are making."""

    step: str = CUSTOMER
    request_key: str = field(default_factory=lambda: uuid.uuid4().hex)
    customer_id: str | None = None
    customer_name: str | None = None
    customer_source: str | None = None  # bot.dialogue.CustomerSource: named, picked or context
    candidate_ids: list[str] = field(default_factory=list)
    product_word: str | None = None
    receiver_name: str | None = None
    receiver_role: str | None = None  # the role word as the user wrote it (客户经理)
    receiver_staff_id: str | None = None  # once routed
    routed_by: str | None = None
    alternative_names: list[str] = field(default_factory=list)  # colleagues offered after a failed routing
    duplicate_no: str | None = None
    force: bool = False  # the user chose to create another despite an open one
    note_parts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> "ReferralDraftState | None":
        if not data or data.get("step") not in STEPS:
            return None
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def note(self) -> str | None:
        return ";".join(self.note_parts) or None

    @property
    def from_context(self) -> bool:
        return self.customer_id is not None and self.customer_source == CustomerSource.CONTEXT.value

    def set_customer(self, customer_id: str | None, source: CustomerSource | None, name: str | None = None) -> None:
        if customer_id != self.customer_id:
            self.duplicate_no, self.force, self.receiver_staff_id = None, False, None
        self.customer_id, self.customer_name = customer_id, name
        self.customer_source = source.value if source and customer_id else None
        self.candidate_ids = []


@dataclass(frozen=True)
class ReferralTurn:
    reply: str
    state: ReferralDraftState | None  # None: the referral is saved or abandoned
    customer_id: str | None = None  # the customer now in context, if it changed
    referral_no: str | None = None  # the referral just saved
    saved: bool = False  # this turn saved the referral or its new status (committed)

    @property
    def awaiting_confirmation(self) -> bool:
        """The summary was shown and the answer is 确认 or 取消 (or a change)."""
        return self.state is not None and self.state.step == CONFIRM


class ReferralChat:
    """What the conversations about referrals work with: the customer and referral services."""

    def __init__(self, customers: CustomerService, referrals: ReferralService) -> None:
        self.customers = customers
        self.referrals = referrals


class ReferralConversation(ReferralChat):

    # ------------------------------------------------------------------ entry points

    def start(
        self,
        staff: StaffMember,
        entities: dict[str, list[str]],
        text: str,
        customer_in_context: str | None,
        channel: str,
    ) -> ReferralTurn:
        """A record_referral message: take what it says, then ask for what is missing."""
        if not has_chinese_words(text):  # markup, code, emoji: nothing to refer, no draft opened
            return ReferralTurn(NOT_A_REFERRAL, None)
        entities = colleagues_read_as_customers(entities, text, self.customers.colleague_names())
        state = ReferralDraftState()
        if customer_in_context:
            state.set_customer(customer_in_context, CustomerSource.CONTEXT,
                               self.customers.customer_name(staff, customer_in_context, said=text))
            if state.customer_name is None:  # no longer visible, or "她" of a man: as if nobody were in context
                state.set_customer(None, None)
        self._take_details(state, entities)
        if not state.product_word:  # a product word the NLU did not tag is still the product
            state.product_word = product_word_in(text, people_named(entities))
        turn = self._pick_customer(staff, state, entities, text, channel, pending=None)
        return turn if turn is not None else self._advance(staff, state, channel)

    def resume(
        self,
        staff: StaffMember,
        state: ReferralDraftState,
        intent: str | None,
        entities: dict[str, list[str]],
        text: str,
        channel: str,
    ) -> ReferralTurn:
        """The next message while a referral is being made: the answer to what the bot asked."""
        text = text.strip()
        if cancels(text) or (intent == "deny" and state.step != CONFIRM and not entities):
            return ReferralTurn(CANCELLED, None)
        entities = colleagues_read_as_customers(entities, text, self.customers.colleague_names())
        if state.step == CUSTOMER:
            return self._answer_customer(staff, state, entities, text, channel)
        if state.step == PRODUCT:
            return self._answer_product(staff, state, entities, text, channel)
        if state.step == RECEIVER:
            return self._answer_receiver(staff, state, entities, text, channel)
        if state.step == DUPLICATE:
            return self._answer_duplicate(staff, state, intent, entities, text, channel)
        return self._answer_confirmation(staff, state, intent, entities, text, channel)

    # ------------------------------------------------------------------ steps

    def _take_details(self, state: ReferralDraftState, entities: dict[str, list[str]]) -> None:
        product = first_entity(entities, "product")
        if product:
            state.product_word = product
        staff_name = first_entity(entities, "staff_name")
        role_word = first_entity(entities, "staff_role")
        if staff_name:
            state.receiver_name, state.receiver_role, state.receiver_staff_id = staff_name, None, None
        elif role_word:
            state.receiver_name, state.receiver_role, state.receiver_staff_id = None, role_word, None
        for part in note_from(entities):
            if part not in state.note_parts:
                state.note_parts.append(part)

    def _pick_customer(self, staff, state, entities, text, channel, pending) -> ReferralTurn | None:
        """Resolve the customer the message names. None when one customer is settled (named,
        picked, or, when the message names nobody, the one already in the draft).

        The colleague's name is taken out of the text first, so that "转给王芳" never picks a
        customer who happens to be called 王芳.
        """
        for colleague in entities.get("staff_name") or []:
            text = text.replace(colleague, " ")
        answer = self.customers.handle(
            staff=staff,
            view=View.PICK,
            entities=entities,
            text=text,
            customer_in_context=None,
            pending=pending,
            channel=channel,
        )
        if answer.outcome is Outcome.SHOWN:
            source = CustomerSource.PICKED if answer.query is None else CustomerSource.NAMED
            state.set_customer(answer.customer_id, source, self.customers.customer_name(staff, answer.customer_id))
            return None
        if answer.outcome in (Outcome.CHOOSE, Outcome.BAD_CHOICE):
            state.set_customer(None, None)
            state.step, state.candidate_ids = CUSTOMER, [c.customer_id for c in answer.candidates]
            return ReferralTurn(customer_replies.render(answer, clock.today()), state)
        if answer.outcome in (Outcome.NO_CUSTOMER_GIVEN, Outcome.NOT_UNDERSTOOD) and state.customer_id:
            return None
        # Named somebody who is not found (or nobody, with nobody in the draft): ask, and keep no
        # customer in the draft, so that nothing can be saved on the wrong one.
        state.set_customer(None, None)
        state.step = CUSTOMER
        if answer.outcome in (Outcome.NO_CUSTOMER_GIVEN, Outcome.NOT_UNDERSTOOD):
            return ReferralTurn(ASK_CUSTOMER, state)
        return ReferralTurn(customer_replies.render(answer, clock.today()) + "\n" + ASK_CUSTOMER, state)

    def _answer_customer(self, staff, state, entities, text, channel) -> ReferralTurn:
        pending = PendingChoice(state.candidate_ids, View.PICK) if state.candidate_ids else None
        if pending and len(state.candidate_ids) == 1 and CONFIRM_WORDS.match(text):
            text = "1"  # "找到1位姓欧阳的客户,是这位吗?" "是"
        self._take_details(state, {k: v for k, v in entities.items() if k in ("product", "staff_name", "staff_role")})
        turn = self._pick_customer(staff, state, entities, text, channel, pending)
        return turn if turn is not None else self._advance(staff, state, channel)

    def _answer_product(self, staff, state, entities, text, channel) -> ReferralTurn:
        self._take_details(state, entities)
        if not first_entity(entities, "product"):
            found = product_word_in(text, people_named(entities))
            if found:
                state.product_word = found  # "她想买点基金定投吧" -> 基金定投
            elif entities_name_a_customer(entities) or bare_name(text):
                # A customer's name where the product was asked: the customer the employee meant
                # (the draft took the one in context, or she is correcting it).
                turn = self._pick_customer(staff, state, entities, text, channel, pending=None)
                return turn if turn is not None else self._advance(staff, state, channel)
            elif confirms(text):
                # "确认" while the product is still missing: nothing to save yet, the question stands.
                return ReferralTurn(self._said(state, referral_replies.NO_PRODUCT_YET), state,
                                    customer_id=state.customer_id)
            elif text and len(text) <= 12:
                state.product_word = text  # "火箭": the products table may know it, or the bot says it does not
        return self._advance(staff, state, channel)

    def _said(self, state: ReferralDraftState, reply: str) -> str:
        """Every reply of a draft on the customer in context says whose it is."""
        return (context_line(state.customer_name) + "\n" + reply) if state.from_context and state.customer_name else reply

    def _advance(self, staff: StaffMember, state: ReferralDraftState, channel: str) -> ReferralTurn:
        """Ask for the next missing piece, or show the summary to confirm."""
        if not state.customer_id:
            state.step = CUSTOMER
            return ReferralTurn(ASK_CUSTOMER, state)
        if not state.product_word:
            state.step = PRODUCT
            if state.customer_name is None:
                state.customer_name = self.customers.customer_name(staff, state.customer_id)
            ask = referral_replies.ask_product_for(state.customer_name)
            return ReferralTurn(self._said(state, ask), state, customer_id=state.customer_id)
        draft = self.referrals.draft(
            staff,
            state.customer_id,
            state.product_word,
            receiver_name=state.receiver_name,
            receiver_role=role_from_word(state.receiver_role) or state.receiver_role,
            note=state.note,
        )
        if draft.outcome is DraftOutcome.CUSTOMER_NOT_VISIBLE:
            state.set_customer(None, None)
            state.step = CUSTOMER
            return ReferralTurn(referral_replies.CUSTOMER_NOT_IN_YOUR_BRANCHES, state)
        state.customer_name = draft.customer.name
        if draft.outcome is DraftOutcome.UNKNOWN_PRODUCT:
            word = state.product_word
            state.product_word, state.step = None, PRODUCT
            return ReferralTurn(self._said(state, referral_replies.product_not_recognised(word)), state,
                                customer_id=state.customer_id)
        if draft.outcome is DraftOutcome.UNKNOWN_ROLE:
            state.receiver_role = None
            state.step = RECEIVER
            return ReferralTurn(
                self._said(state, referral_replies.ROLE_NOT_RECOGNISED + self._offer(state, draft.alternatives)), state,
                customer_id=state.customer_id,
            )
        if draft.outcome in (
            DraftOutcome.RECEIVER_UNKNOWN,
            DraftOutcome.RECEIVER_CANNOT_SERVE,
            DraftOutcome.RECEIVER_IS_SELF,
            DraftOutcome.NO_RECEIVER,
        ):
            state.step = RECEIVER
            reason = draft.reason or referral_replies.RECEIVER_CANNOT_TAKE
            if draft.outcome is DraftOutcome.RECEIVER_IS_SELF:
                reason = referral_replies.RECEIVER_IS_SELF
            elif (draft.outcome is DraftOutcome.RECEIVER_UNKNOWN and state.receiver_name
                  and self.customers.is_customer_name(staff, state.receiver_name)):
                # A customer's name typed while the bot waits for a colleague's (to look him up,
                # finish or cancel this referral first).
                reason = referral_replies.customer_not_colleague(state.receiver_name)
                state.receiver_name = None
            return ReferralTurn(self._said(state, reason + self._offer(state, draft.alternatives)), state,
                                customer_id=state.customer_id)
        state.receiver_staff_id = draft.receiver.staff_id
        state.routed_by = draft.routed_by.value if draft.routed_by else None
        if draft.duplicates and not state.force:
            state.step = DUPLICATE
            state.duplicate_no = draft.duplicates[0].referral_no
            return ReferralTurn(
                self._said(state, referral_replies.open_duplicate(draft.customer.name, draft.duplicates[0])),
                state,
                customer_id=state.customer_id,
            )
        state.step = CONFIRM
        return ReferralTurn(
            self._said(state, referral_replies.confirm_summary(replace(draft, duplicates=[]))),
            state,
            customer_id=state.customer_id,
        )

    def _offer(self, state: ReferralDraftState, alternatives: list[ReceiverInfo]) -> str:
        state.alternative_names = [a.name for a in alternatives[:5]]
        return referral_replies.receivers_offered(alternatives[:5])

    def _answer_receiver(self, staff, state, entities, text, channel) -> ReferralTurn:
        offered = state.alternative_names
        choice = parse_choice(text, len(offered)) if offered else None
        if isinstance(choice, ByPosition) and 1 <= choice.position <= len(offered):
            state.receiver_name = offered[choice.position - 1]
            state.receiver_role = None
        elif DEFAULT_RECEIVER_WORDS.search(text):
            state.receiver_name = state.receiver_role = None
        elif CONFIRM_WORDS.match(text.strip()):  # "确认" is not a colleague's name
            return ReferralTurn(referral_replies.NO_RECEIVER_YET, state, customer_id=state.customer_id)
        elif entities.get("staff_name") or entities.get("staff_role") or entities.get("product"):
            self._take_details(state, entities)
        elif self._receiver_in(state, text):
            pass
        else:
            return ReferralTurn(referral_replies.RECEIVER_NOT_UNDERSTOOD, state, customer_id=state.customer_id)
        state.alternative_names = []
        return self._advance(staff, state, channel)

    def _receiver_in(self, state: ReferralDraftState, text: str) -> bool:
        """A colleague or a role written without the NLU's tag: "转给黄某某", "陈静", "理财经理吧"."""
        words = RECEIVER_CHANGE.sub("", text.strip())
        words = re.sub(r"[吧呢啊吧。,,!!\s]+$", "", words)
        if words and len(words) <= 5 and role_from_word(words):
            state.receiver_name, state.receiver_role, state.receiver_staff_id = None, words, None
            return True
        if words and 2 <= len(words) <= 4 and bare_name(words):
            state.receiver_name, state.receiver_role, state.receiver_staff_id = words, None, None
            return True
        return False

    def _answer_duplicate(self, staff, state, intent, entities, text, channel) -> ReferralTurn:
        if NEW_ANYWAY_WORDS.search(text) or (intent == "affirm" and has_chinese_words(text)):
            state.force = True
            return self._advance(staff, state, channel)
        if ADD_NOTE_WORDS.search(text) and state.duplicate_no:
            note = state.note or referral_replies.referred_again(staff.name, state.product_word)
            result = self.referrals.add_note(staff, state.duplicate_no, note)
            if result.referral is None:
                return ReferralTurn(referral_replies.NOTE_NOT_ADDED, state, customer_id=state.customer_id)
            return ReferralTurn(
                referral_replies.note_added(state.duplicate_no),
                None,
                customer_id=state.customer_id,
                referral_no=state.duplicate_no,
            )
        return ReferralTurn(referral_replies.ADD_OR_NEW, state, customer_id=state.customer_id)


    def _answer_confirmation(self, staff, state, intent, entities, text, channel) -> ReferralTurn:
        if confirms(text, intent, entities, lambda text: self.customers.is_customer_name(staff, text)):
            return self._save(staff, state, channel)
        changed = corrected_part(text)
        in_change = only_in(entities, changed)
        # The colleague: "转给黄某某", "交给理财经理", or a colleague the NLU tagged.
        if RECEIVER_CHANGE.match(text) or entities.get("staff_name") or entities.get("staff_role"):
            if entities.get("staff_name") or entities.get("staff_role"):
                self._take_details(state, {k: v for k, v in entities.items() if k in ("staff_name", "staff_role")})
                return self._advance(staff, state, channel)
            if self._receiver_in(state, text):
                return self._advance(staff, state, channel)
        # The product: "产品改成养老年金". A product word after the word of change is the product,
        # even when the NLU took it for a name; with "产品" said, so is a word the bank may not
        # sell (the summary then says it does not know it). Never a customer looked up.
        if CHANGE_WORDS.search(text) and "客户" not in text:
            says_product = re.search(r"产品|意向|想买|想要|想办", text) is not None
            to_product = product_word_in(changed, () if says_product else people_named(entities))
            if to_product is None and says_product and 0 < len(changed) <= 12 and changed != text.strip():
                to_product = changed
            if to_product:
                state.product_word = to_product
                return self._advance(staff, state, channel)
        # The customer: "客户写错了,是李秀英", "不是王建国,是C00000005", "客户改成陈美玲".
        names_one = entities_name_a_customer(in_change) or (
            bare_name(changed) is not None and self.customers.is_customer_name(staff, changed))
        if ("客户" in text and (names_one or bare_name(changed))) or (CHANGE_WORDS.search(text) and names_one):
            turn = self._pick_customer(staff, state, in_change, changed, channel, pending=None)
            return turn if turn is not None else self._advance(staff, state, channel)
        # The product: a tagged product, or a product word with a word of change.
        if entities.get("product") or note_from(entities):
            self._take_details(state, entities)
            return self._advance(staff, state, channel)
        changed_to = product_word_in(changed, people_named(entities)) if CHANGE_WORDS.search(text) else None
        if changed_to:  # "产品改成大额存单" with no product tagged
            state.product_word = changed_to
            return self._advance(staff, state, channel)
        if intent == "deny" or CHANGE_WORDS.search(text):
            return ReferralTurn(referral_replies.ASK_WHAT_TO_CHANGE, state, customer_id=state.customer_id)
        return ReferralTurn(
            self._said(state, referral_replies.NOT_SAVED_YET), state,
            customer_id=state.customer_id,
        )

    def _save(self, staff: StaffMember, state: ReferralDraftState, channel: str) -> ReferralTurn:
        created = self.referrals.create(
            staff,
            state.customer_id,
            state.product_word,
            state.receiver_staff_id,
            state.note,
            request_key=state.request_key,
            force=state.force,
            routed_by=state.routed_by or "named",
            channel=channel,
        )
        if created.outcome is CreateOutcome.CREATED:
            referral = created.referral
            receiver = referral_replies.receiver_line(created.receiver) if created.receiver else referral.receiver_name
            return ReferralTurn(
                referral_replies.saved(referral, receiver),
                None,
                customer_id=state.customer_id,
                referral_no=referral.referral_no,
                saved=True,
            )
        # Something changed since the summary (a colleague moved, a duplicate appeared): re-check.
        state.receiver_staff_id = None
        turn = self._advance(staff, state, channel)
        return replace(turn, reply=referral_replies.CHANGED_BEFORE_SAVING + "\n" + turn.reply)


def starting_point(text: str, entities: dict[str, list[str]], customer_in_context: str | None,
                   suggestions_shown: dict | None, names_somebody: bool,
                   right_after_suggestions: bool) -> tuple[dict[str, list[str]], str | None]:
    """The entities a new referral starts from, and the customer in context. "转介第一个给理财经理"
    right after suggestions: that product, for that customer; "转给理财经理" right after "她能买
    基金吗": the product asked about (the summary shows it before anything is saved)."""
    shown = suggestions_shown or {}
    number = product_number(text)
    products = shown.get("products") or []
    if number and not entities.get("product") and 1 <= number <= len(products):
        return {**entities, "product": [products[number - 1]]}, shown.get("customer_id") or customer_in_context
    if (shown.get("asked") and not entities.get("product") and product_word_in(text) is None
            and not names_somebody and right_after_suggestions):
        return {**entities, "product": [shown["asked"]]}, customer_in_context
    return entities, customer_in_context
