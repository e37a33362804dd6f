"""Static linter for SQLModel relationships."""

__version__ = "0.1.0"
