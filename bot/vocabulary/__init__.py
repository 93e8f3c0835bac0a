"""The bank's vocabulary, in one place: how staff write identifiers, numbers, ordinals and
amounts, read the same way by every conversation, by the lookup and by the masking."""
