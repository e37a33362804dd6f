"""Family 4 (rules/targets.py): rule documentation examples and fixes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List

import pytest

from fixture_runner import FIXTURES
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

RULES = {code: r for code, r in load_rules().items() if "SCL420" <= code < "SCL500"}
# SCL421 needs two modules (its example is comments); fixtures/targets/duplicate_class_name* cover it.
SINGLE_FILE = sorted(code for code in RULES if code != "SCL421")


def _codes(tmp_path: Path, source: str) -> List[str]:
    path = tmp_path / "example.py"
    path.write_text(source)
    result = lint([path], Options(select=set(load_rules())), project_paths=[path])
    return sorted({d.code for d in result.diagnostics})


def _block(code: str, section: str) -> str:
    match = re.search(r"```python\n(.*?)```", RULES[code].section(section), re.S)
    assert match, f"{code} has no python block in {section}"
    return match.group(1)


@pytest.mark.parametrize("code", SINGLE_FILE)
def test_example_triggers_only_this_rule(code: str, tmp_path: Path) -> None:
    assert _codes(tmp_path, _block(code, "Example")) == [code]


@pytest.mark.parametrize("code", sorted(RULES))
def test_use_instead_is_clean(code: str, tmp_path: Path) -> None:
    assert _codes(tmp_path, _block(code, "Use instead")) == []


@pytest.mark.parametrize("name", ["quoted_generic.py", "quoted_union.py", "set_annotation.py"])
def test_fix_gives_the_fixed_file(name: str) -> None:
    path = FIXTURES / "targets" / name
    result = lint([path], Options(select=set(RULES)), project_paths=[path])
    lines = path.read_text().splitlines(keepends=True)
    edits = [e for d in result.diagnostics if d.fix for e in d.fix.edits]
    assert edits
    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column), reverse=True):
        assert edit.span.line == edit.span.end_line
        line = lines[edit.span.line - 1]
        start, end = edit.span.column - 1, edit.span.end_column - 1
        lines[edit.span.line - 1] = line[:start] + edit.content + line[end:]
    fixed = re.sub(r"  # expect:.*", "", "".join(lines))
    assert fixed == (path.parent / (name + ".fixed")).read_text()


@pytest.mark.parametrize("name", ["quoted_generic.py", "quoted_union.py", "set_annotation.py"])
def test_fixed_file_is_clean(name: str, tmp_path: Path) -> None:
    fixed = (FIXTURES / "targets" / (name + ".fixed")).read_text()
    assert _codes(tmp_path, fixed) == []
