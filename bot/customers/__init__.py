"""The customer 360 capability (客户360): find a customer by name, phone or number, show the
view staff may see, answer one fact about them.

* lookup — what a message asks for and the customers it finds, within the asker's branches;
* profile — the 360 view: holdings, maturities, tags, contact history;
* facts — which one thing a message asks about a customer ("他手机号多少");
* service — the use cases, each in one unit of work;
* replies — all of its Chinese text;
* tiers — customer tiers by assets.
"""
