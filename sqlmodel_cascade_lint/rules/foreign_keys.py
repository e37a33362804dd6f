"""Family 3: foreign keys, ondelete, table names and join paths."""

from __future__ import annotations
