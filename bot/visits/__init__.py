"""The visit capability (拜访记录): log a visit from free text, schedule the follow-up, keep the
daily list (今日待办), list one's own contacts, tag customers, take feedback.

* notes — a visit note as staff type it, turned into structured fields;
* results — what the service returns;
* service — the use cases (VisitService), each in one unit of work;
* tags — which tags a visit adds and removes;
* follow_ups — which open follow-ups a contact closes;
* working_days — the working-day calendar;
* period — which days a question about the to-do list asks for;
* daily_list — the daily list of one person;
* contacts — her own contacts of some days ("我最近联系过谁");
* digest — the morning digest of every person's list;
* dialogue — the conversations of visits and follow-ups;
* replies — all of its Chinese text.
"""
