"""Segments (客群): staff describe customers in plain words and get the count and the first ten,
ranked for the scene, scoped to their branches, each customer shown audited (issue #26, part 1).

Modules:

* conditions: `Segment`, the small typed query (each condition a field), `Scene`, `Ranking`;
* scenes: the bank's named scenes (到期承接, 沉睡唤醒, 测评到期, 生日关怀, 潜力客户) as segments;
* reading: the words of a message → a segment, and corrections ("改成10万以上");
* search: a segment in SQL: its count and one ranked page;
* saved: her saved lists (保存为名单, 我的名单), and what a message asks of them;
* service: `SegmentService` (find, save, saved_lists), one unit of work each;
* results: its plain results; replies: all of its Chinese text.
"""
