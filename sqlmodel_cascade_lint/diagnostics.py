"""What a rule reports."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional, Tuple

from sqlmodel_cascade_lint.facts import Span

DOCS_URL = "https://github.com/sqlmodel-cascade-lint/sqlmodel-cascade-lint/blob/main/docs/rules/{code}.md"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


class LintError(Exception):
    """Base of the errors the CLI turns into exit code 2."""


@dataclass(frozen=True)
class Related:
    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Edit:
    span: Span
    content: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: Tuple[Edit, ...]
    applicability: str = "safe"  # "safe" or "unsafe", as ruff says


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    path: str
    span: Span
    related: Tuple[Related, ...] = ()
    fix: Optional[Fix] = None

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    def sort_key(self) -> Tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)
