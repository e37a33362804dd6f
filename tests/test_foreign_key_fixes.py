"""Fix pairs of the `foreign_keys` family: `case.py` and `case.py.fixed` in fixtures/foreign_keys/.

Applying every safe fix of `case.py` must give `case.py.fixed` exactly (the `# expect:`
comments of the case are dropped), and linting the result must report nothing at all.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

from fixture_runner import FIXTURES
from sqlmodel_cascade_lint.diagnostics import Diagnostic
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

PAIRS = sorted((FIXTURES / "foreign_keys").glob("*.py.fixed"))


def _offset(lines: List[str], line: int, column: int) -> int:
    return sum(len(text) for text in lines[: line - 1]) + column - 1


def _apply(text: str, diagnostics: List[Diagnostic]) -> str:
    lines = text.splitlines(keepends=True)
    edits = [e for d in diagnostics if d.fix and d.fix.applicability == "safe" for e in d.fix.edits]
    spans = sorted(((_offset(lines, e.span.line, e.span.column),
                     _offset(lines, e.span.end_line, e.span.end_column), e.content) for e in edits),
                   reverse=True)
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def _lint(path: Path) -> List[Diagnostic]:
    return lint([path], Options(select=set(load_rules())), project_paths=[path]).diagnostics


@pytest.mark.parametrize("fixed", PAIRS, ids=lambda p: p.name)
def test_fix_pair(fixed: Path, tmp_path: Path) -> None:
    case = fixed.with_suffix("")
    before = _lint(case)
    assert any(d.fix for d in before), "the case has no fix"
    result = re.sub(r"[ \t]*# expect:.*$", "", _apply(case.read_text(), before), flags=re.M)
    assert result == fixed.read_text()
    out = tmp_path / case.name
    out.write_text(result)
    assert [(d.code, d.span.line, d.message) for d in _lint(out)] == []


def test_no_fix_when_it_would_put_set_null_on_a_not_null_column() -> None:
    case = FIXTURES / "foreign_keys" / "ondelete_set_null_underscore_not_nullable.py"
    assert [d.code for d in _lint(case) if d.fix] == []
