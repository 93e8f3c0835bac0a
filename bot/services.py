"""The composition root: every service of the bot built once, on one database, and handed to
what runs them (the action server's runtime, actions/runtime.py, and the command line,
bot/cli.py). Services never build each other or read the environment to find their database:
what they need is passed in here. Tests build the service they test directly, on their own bank.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot.campaigns.dialogue import CampaignConversation
from bot.campaigns.service import CampaignService
from bot.customers.service import CustomerService
from bot.db import Database
from bot.referrals.dialogue import ReferralConversation
from bot.referrals.service import ReferralService
from bot.referrals.updates import ReferralUpdates
from bot.segments.service import SegmentService
from bot.settings import Settings
from bot.suggestions.service import SuggestionService
from bot.visits.dialogue import VisitConversation
from bot.visits.service import VisitService


@dataclass(frozen=True)
class Services:
    settings: Settings
    db: Database
    customers: CustomerService
    referrals: ReferralService
    visits: VisitService
    suggestions: SuggestionService
    segments: SegmentService
    campaigns: CampaignService

    @classmethod
    def build(cls, settings: Settings) -> Services:
        """One database (one engine and pool) for all of them."""
        db = Database(settings.database_url)
        return cls(
            settings=settings,
            db=db,
            customers=CustomerService(db, settings),
            referrals=ReferralService(db, settings),
            visits=VisitService(db, settings),
            suggestions=SuggestionService(db, settings),
            segments=SegmentService(db, settings),
            campaigns=CampaignService(db, settings),
        )

    def visit_conversation(self) -> VisitConversation:
        return VisitConversation(self.customers, self.visits)

    def referral_conversation(self) -> ReferralConversation:
        return ReferralConversation(self.customers, self.referrals)

    def campaign_conversation(self) -> CampaignConversation:
        return CampaignConversation(self.campaigns)

    def referral_updates(self) -> ReferralUpdates:
        return ReferralUpdates(self.customers, self.referrals)
