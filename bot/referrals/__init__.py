"""The referral capability (转介): hand a customer lead to a colleague, follow it to a sale, earn
credit.

* lifecycle — statuses, the words for them and which step may follow which;
* routing — who receives a referral of this product and customer;
* results — what the service returns;
* records — the referral rows: numbering, locks, duplicates, history events, summaries;
* service — the use cases (ReferralService), each in one unit of work;
* reports — branch rankings, monthly reports and the SLA check;
* credit — referral credit points;
* dialogue — the conversation that records a referral;
* people — who a referral message names: the customer, the colleague;
* updates — the conversation that moves a referral on ("ZJ… 已联系");
* figures — what a question about referral figures asks (which month, whose);
* replies — all of its Chinese text.
"""
