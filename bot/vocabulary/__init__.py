"""The bank's vocabulary: the words staff use for products, roles, statuses, numbers and identifiers, in one place."""
