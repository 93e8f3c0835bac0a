"""The bank's vocabulary and how staff write, in one place, read the same way by every
conversation, by the lookup and by the masking:

* products, roles, statuses — the words staff use for products, each other's roles and a
  referral's status;
* identifiers — phones, resident ID numbers and customer numbers as typed;
* numbers — numerals, positions in a list and amounts of money; money — amounts as shown;
* choice — how staff pick one entry of a numbered list ("2", "第二个", "尾号5678");
* names — Chinese surnames (百家姓) and what looks like a name;
* time_expressions — "下周三下午三点半", "月底前" -> times;
* text, width — small readers of Chinese text; full-width characters to ASCII.
"""
