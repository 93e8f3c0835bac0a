"""The bank's vocabulary, in one place: the words staff use for products, roles and statuses
(products.py, roles.py, statuses.py), and how they write identifiers, numbers, ordinals and
amounts (identifiers.py, numbers.py), read the same way by every conversation, by the lookup and
by the masking."""
