"""Campaigns (营销活动): a segment's customers offered one product, each worked by one member of
staff from her daily list, outcomes recorded in chat, progress per person (issue #26, part 2).

Modules:

* reading: what a message asks (the product, who works it, the deadline; outcomes; progress;
  reassignment), from its words;
* targets: who a campaign targets (the segment, the suitability rules, the scope) and who works
  each customer;
* service: `CampaignService` (plan, create, record_outcome, progress, reassign, report), one unit
  of work each;
* dialogue: the campaign draft (`CampaignConversation`, `CampaignDraftState`);
* items: her open campaign customers, for the top of the daily list;
* results: its plain results; replies: all of its Chinese text.
"""
