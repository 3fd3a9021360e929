"""Users, sign-in, API tokens, memberships and the permission predicates."""
