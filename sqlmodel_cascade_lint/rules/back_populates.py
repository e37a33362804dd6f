"""Family 2: back_populates pairs and backref."""

from __future__ import annotations
