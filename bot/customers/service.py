"""Use cases of the customer 360 capability, each in one unit of work.

The actions call these with the staff member the turn resolved (`who_is`, once per message) and
plain values (the NLU's entities, the message text, the customer in context), and render the plain
results they get back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from bot.access import StaffMember, identify_staff
from bot.clock import age_on, clock
from bot.customers import lookup, profile
from bot.customers.facts import Fact, asks_about_maturity
from bot.customers.lookup import Candidate, CustomerQuery, QueryKind, QueryProblem
from bot.customers.profile import CustomerProfile, HoldingsView, InteractionsView
from bot.db import Database
from bot.settings import Settings
from bot.visits.period import tasks_period_asked
from bot.vocabulary.choice import ByDescription, ByPhoneTail, ByPosition, described, parse_choice
from bot.vocabulary.names import name_like_words, partial_name
from bot.vocabulary.products import PRODUCT_WORDS, product_word_in
from bot.vocabulary.text import is_han, part_of_name, without_filler
from bot.vocabulary.width import to_half_width


class View(str, Enum):
    """What the staff member asked to see about a customer."""

    PROFILE = "profile"
    HOLDINGS = "holdings"
    # Holdings asked about by when they mature ("她的定期什么时候到期"): the dates first.
    MATURITIES = "maturities"
    INTERACTIONS = "interactions"
    # One fact of the profile ("他手机号多少"): the profile is read (and audited) as for the card,
    # and only the fact is said.
    FACT = "fact"
    # Only which customer is meant (a referral, a visit note): nothing of theirs is shown.
    PICK = "pick"


class Outcome(str, Enum):
    NO_CUSTOMER_GIVEN = "no_customer_given"  # nobody named and nobody in context
    PROBLEM = "problem"  # a malformed identifier
    NOT_FOUND = "not_found"  # no match among the branches the staff member serves
    CHOOSE = "choose"  # several matches: the user picks one
    BAD_CHOICE = "bad_choice"  # the answer to "which one?" picked none of them
    SHOWN = "shown"  # the view is in the result
    NOT_UNDERSTOOD = "not_understood"  # a bare answer when nothing was asked
    # "她" with a man in context (lookup.pronoun_fits): who is meant is asked, nothing is shown
    PRONOUN_UNCLEAR = "pronoun_unclear"


@dataclass(frozen=True)
class PendingChoice:
    """A "which one do you mean?" list the bot showed, and what the user had asked to see."""

    candidate_ids: list[str]
    view: View
    product_word: str | None = None
    fact: Fact | None = None


@dataclass(frozen=True)
class CustomerAnswer:
    outcome: Outcome
    view: View = View.PROFILE
    staff: StaffMember | None = None
    query: CustomerQuery | None = None
    problem: QueryProblem | None = None
    candidates: list[Candidate] = field(default_factory=list)
    more_than_listed: bool = False
    customer_id: str | None = None
    profile: CustomerProfile | None = None
    holdings: HoldingsView | None = None
    interactions: InteractionsView | None = None
    # View.FACT: the fact asked (said from `profile`), also while the user picks among namesakes.
    fact: Fact | None = None
    # The product word the holdings are filtered by: the NLU's, or one found in the text; kept
    # while the user picks among namesakes (PendingChoice.product_word).
    product_word: str | None = None
    # Outcome.PRONOUN_UNCLEAR: the name of the customer in context, whom the pronoun does not fit.
    in_context_name: str | None = None


class CustomerService:
    def __init__(self, db: Database, settings: Settings | None = None) -> None:
        self.db = db
        self.settings = settings or Settings.from_env()

    def who_is(self, chat_id: str) -> StaffMember | None:
        """The staff member behind a chat id (once per turn: every other method takes her), or
        None for somebody who is not registered staff."""
        with self.db.unit_of_work() as session:
            return identify_staff(session, chat_id)

    def handle(
        self,
        staff: StaffMember,
        view: View | None,
        entities: dict[str, list[str]],
        text: str,
        customer_in_context: str | None,
        pending: PendingChoice | None,
        channel: str,
        product_word: str | None = None,
        fact: Fact | None = None,
    ) -> CustomerAnswer:
        """One message about a customer. `view` is None for a bare answer ("2", "尾号5678").
        `fact` is the one fact the message asks (bot.customers.facts.fact_asked), if any: then
        only that is said, whatever view the intent gave.

        A message that names no customer but picks from the list the bot just showed is a
        choice, whatever intent the NLU gave it; naming a customer starts a new question.
        """
        if pending and isinstance(parse_choice(text, len(pending.candidate_ids)), ByPhoneTail) \
                and re.fullmatch(r"\D{0,6}\d{4}\D{0,4}", to_half_width(text).strip()):
            # "4321" to "回复手机尾号4位": the last four digits, never a too short phone number.
            entities = {k: v for k, v in entities.items() if k != "phone"}
        names_customer = lookup.parse_customer_query(entities, text) is not None
        if pending and not names_customer:
            if view is None or parse_choice(text, len(pending.candidate_ids)) is not None:
                return self.choose(
                    staff, pending.candidate_ids, text, pending.view, channel, pending.product_word,
                    pending.fact,
                )
        if view is None:
            if not names_customer:
                # A bare name the NLU read as an answer but did not tag: a lookup all the same.
                looked_up = self.look_up_bare_name(staff, text, channel)
                return looked_up or CustomerAnswer(Outcome.NOT_UNDERSTOOD, View.PROFILE)
            view = pending.view if pending else View.PROFILE
            product_word = pending.product_word if pending else product_word
            fact = pending.fact if pending else fact
        return self.ask(staff, view, entities, text, customer_in_context, channel, product_word, fact)

    def look_up_bare_name(self, staff: StaffMember, text: str, channel: str) -> CustomerAnswer | None:
        """A message the NLU did not take for a lookup (nlu_fallback, an answer to nothing, small
        talk) that is only the name of a customer the staff member may see ("王建国", "王建国呢"):
        that customer's 360 view, or the list to choose from. None for anything else (谢谢, 周末,
        a name in no branch she serves), and then nothing is read into the audit log."""
        name = _bare_name(text)
        if name is None:
            return None
        answer = self.ask(staff, View.PROFILE, {"customer_name": [name]}, name, None, channel)
        return answer if answer.outcome in (Outcome.SHOWN, Outcome.CHOOSE) else None

    def is_customer_name(self, staff: StaffMember, text: str) -> bool:
        """Whether the message is only the name of a customer the staff member may see ("王建国",
        "王建国呢"). Reads nothing into the audit log: no customer is shown."""
        name = _bare_name(text)
        if name is None:
            return False
        with self.db.unit_of_work() as session:
            query = lookup.CustomerQuery(lookup.QueryKind.NAME, name)
            return bool(lookup.find_customers(session, staff, query, 1))

    def ask(
        self,
        staff: StaffMember,
        view: View,
        entities: dict[str, list[str]],
        text: str,
        customer_in_context: str | None,
        channel: str,
        product_word: str | None = None,
        fact: Fact | None = None,
    ) -> CustomerAnswer:
        """Answer a question about the customer the message names, or the one in context."""
        view, fact = _what_is_asked(view, fact, text)
        with self.db.unit_of_work() as session:
            parsed = lookup.parse_customer_query(entities, text)
            if isinstance(parsed, QueryProblem):
                return CustomerAnswer(Outcome.PROBLEM, view, staff, problem=parsed)
            limit = self.settings.max_candidates
            found = lookup.find_customers(session, staff, parsed, limit + 1) if parsed else []
            by_name = parsed is not None and parsed.kind is QueryKind.NAME
            only_the_name = by_name and without_filler(text) == parsed.value
            if not found and (parsed is None or by_name) and not only_the_name:
                # The NLU missed or cut a name: look for a known customer's name in the text. Not
                # one inside the name asked for: 李秀英 (another branch's) is not 李秀. (A message
                # that is only the name has nothing else to search.)
                names = [name for name in lookup.names_in_text(session, staff, text)
                         if not (by_name and part_of_name(name, parsed.value))]
                if names:
                    parsed = CustomerQuery(QueryKind.NAME, names[0])
                    found = lookup.find_customers(session, staff, parsed, limit + 1)
            if parsed is None or (by_name and not found):
                # Nobody found by the NLU's name or the bank's list of visible names: the message may
                # still name somebody (欧阳, 王先生, a customer of another branch, a name of nobody).
                # Then it is about that person or nobody, never the customer in context.
                named = self._named_otherwise(session, staff, entities, text, parsed)
                if named is not None:
                    parsed = named
                    found = lookup.find_customers(session, staff, parsed, limit + 1)
            product_word = _product_word(view, product_word, text, parsed)
            if parsed is None:
                if customer_in_context is None:
                    return CustomerAnswer(Outcome.NO_CUSTOMER_GIVEN, view, staff)
                customer = lookup.visible_customer(session, staff, customer_in_context)
                if customer is None:
                    return CustomerAnswer(Outcome.NO_CUSTOMER_GIVEN, view, staff)
                if not lookup.pronoun_fits(text, customer.gender):
                    return CustomerAnswer(Outcome.PRONOUN_UNCLEAR, view, staff, fact=fact, product_word=product_word,
                                          in_context_name=customer.name)
                return self._show(session, staff, customer, view, product_word, channel, fact=fact,
                                  period=_period_asked(view, text))
            if not found:
                return CustomerAnswer(Outcome.NOT_FOUND, view, staff, query=parsed)
            if len(found) == 1 and parsed.kind is not QueryKind.SURNAME:
                # (A surname alone is asked about even when one customer has it: "是这位吗?")
                return self._show(session, staff, found[0], view, product_word, channel, parsed, fact,
                                  _period_asked(view, text))
            listed = lookup.candidates(session, staff, found[:limit], clock.today(), channel)
            return CustomerAnswer(
                Outcome.CHOOSE, view, staff, query=parsed, candidates=listed, more_than_listed=len(found) > limit,
                fact=fact, product_word=product_word,
            )

    def _named_otherwise(self, session, staff, entities, text, parsed) -> CustomerQuery | None:
        """The customer a message names when no visible customer's name was found in it: a
        surname alone or with a title, or a word that reads as a full name (a customer of another
        branch or of none: answered alike). None when it names nobody."""
        surname = partial_name(parsed.value if parsed is not None else text) or (
            partial_name(text) if parsed is None else None)
        if surname:
            return CustomerQuery(QueryKind.SURNAME, surname)
        if parsed is not None:
            return None  # a name that finds nobody: not found as it is
        # (Never from the names of other branches' customers: whether a name is a customer
        # elsewhere must not change the answer, or the answer would tell.)
        colleagues = set(lookup.staff_names(session)) | set(entities.get("staff_name") or [])
        words = name_like_words(text, exclude=colleagues | set(PRODUCT_WORDS))
        return CustomerQuery(QueryKind.NAME, words[0]) if words else None

    def colleague_names(self) -> set[str]:
        """Every colleague's name (to tell a colleague from a customer of the same words)."""
        with self.db.unit_of_work() as session:
            return set(lookup.staff_names(session))

    def customer_name(self, staff: StaffMember, customer_id: str | None, said: str = "") -> str | None:
        """The name of a customer this person may see, else None (for drafts' one-line notices).
        `said`: the message that refers to her by a pronoun; "她" of a man is nobody (None)."""
        with self.db.unit_of_work() as session:
            customer = lookup.visible_customer(session, staff, customer_id)
            return customer.name if customer and lookup.pronoun_fits(said, customer.gender) else None

    def choose(
        self,
        staff: StaffMember,
        candidate_ids: list[str],
        text: str,
        view: View,
        channel: str,
        product_word: str | None = None,
        fact: Fact | None = None,
    ) -> CustomerAnswer:
        """The user answered "which one?" with a number, an ordinal, a phone's last four digits or a
        description ("年轻的那个", "女的那个", "退休教师那个")."""
        with self.db.unit_of_work() as session:
            visible = [lookup.visible_customer(session, staff, cid) for cid in candidate_ids]
            visible = [c for c in visible if c is not None]
            choice = parse_choice(text, len(visible))
            picked = None
            if isinstance(choice, ByPosition) and 1 <= choice.position <= len(visible):
                picked = visible[choice.position - 1]
            elif isinstance(choice, ByPhoneTail):
                matching = [c for c in visible if (c.phone or "").endswith(choice.digits)]
                picked = matching[0] if len(matching) == 1 else None
            elif isinstance(choice, ByDescription):  # "年轻的那个", "60岁那个", "退休教师那个"
                today = clock.today()
                known = lookup.known_words(session, visible) if choice.words else {}
                picked = described(choice, visible, lambda c: age_on(c.birth_date, today), lambda c: c.gender,
                                   lambda c: known.get(c.customer_id, ()))
            if picked is None:
                listed = lookup.candidates(session, staff, visible, clock.today(), channel)
                return CustomerAnswer(
                    Outcome.BAD_CHOICE, view, staff, candidates=listed, fact=fact, product_word=product_word
                )
            return self._show(session, staff, picked, view, product_word, channel, fact=fact)

    def _show(self, session, staff, customer, view, product_word, channel, query=None, fact=None,
              period=None) -> CustomerAnswer:
        answer = dict(outcome=Outcome.SHOWN, view=view, staff=staff, query=query, customer_id=customer.customer_id)
        if view is View.FACT and fact is None:
            answer["view"] = view = View.PROFILE
        if view is View.PICK:
            pass
        elif view in (View.HOLDINGS, View.MATURITIES):
            answer["holdings"] = profile.holdings_view(
                session, staff, customer, product_word, channel, about_maturity=view is View.MATURITIES,
                period=period,
            )
            answer["product_word"] = product_word
        elif view is View.INTERACTIONS:
            answer["interactions"] = profile.interactions_view(session, staff, customer, channel)
        else:
            # The card, or one fact of it: either way the whole profile is read and audited as a
            # view of the customer (audit.PROFILE).
            answer["profile"] = profile.customer_profile(
                session, staff, customer, clock.today(), self.settings, channel
            )
            answer["fact"] = fact if view is View.FACT else None
        return CustomerAnswer(**answer)


def _what_is_asked(view: View, fact: Fact | None, text: str) -> tuple[View, Fact | None]:
    """The view a question asks for: the one fact it asks, if the caller read one (not when only
    the customer is wanted, View.PICK); holdings by their maturity dates when a holdings question
    asks when they mature."""
    if fact is not None and view is not View.PICK:
        return View.FACT, fact
    if view is View.FACT:
        return View.PROFILE, None
    if view is View.HOLDINGS and asks_about_maturity(text):
        return View.MATURITIES, None
    return view, None


def _period_asked(view: View, text: str) -> tuple[str, date, date] | None:
    """The day or range a maturity question asks about ("下周有什么到期的"), or None."""
    if view is not View.MATURITIES:
        return None
    period = tasks_period_asked(text, clock.today())
    return (period.said or "", period.first, period.last) if period else None


def _product_word(view: View, product_word: str | None, text: str, query: CustomerQuery | None) -> str | None:
    """The kind of product a holdings question is about: the NLU's word, else one written in the
    text, the customer's name taken out first (黄金花 is a name, not gold)."""
    if product_word or view not in (View.HOLDINGS, View.MATURITIES):
        return product_word
    names = [query.value, *query.longer_names] if query is not None and query.kind is QueryKind.NAME else []
    return product_word_in(text, names)


def _bare_name(text: str) -> str | None:
    """The message as a customer's name if it can be one: 2 to 4 Han characters once the
    spaces, punctuation and final particles are gone ("王建国呢?" → "王建国")."""
    name = without_filler(text)
    return name if 2 <= len(name) <= lookup.MAX_NAME_LENGTH and is_han(name) else None
