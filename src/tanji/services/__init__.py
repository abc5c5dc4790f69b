"""Use cases: one function per user intention; callers own the transaction."""
