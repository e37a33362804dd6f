"""Family 4: Relationship() arguments, annotations and targets."""

from __future__ import annotations
