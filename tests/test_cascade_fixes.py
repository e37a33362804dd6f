"""The cascade family's fixes: applied to a model file, they remove the finding and add none.

The fix engine is not used here: `_apply` replaces each edit's span directly, which is all a
`Fix` promises.
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

HEADER = '''from typing import List, Optional

from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    heroes: List["Hero"] = Relationship(
        back_populates="team", sa_relationship_kwargs={KWARGS}
    )


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
'''

CASES = [
    ("SCL101", '"cascade": "all, delete_orphan"', '"cascade": "all, delete-orphan"', "safe"),
    ("SCL101", '"cascade": "all delete orphan"', '"cascade": "all, delete-orphan"', "safe"),
    ("SCL101", '"cascade": " all;Delete-Orphan "', '"cascade": "all, delete-orphan"', "safe"),
    ("SCL101", '"cascade": "all, delete-orphans"', '"cascade": "all, delete-orphan"', "unsafe"),
    ("SCL102", '"cascade": ["all, delete-orphan"]', '"cascade": ["all", "delete-orphan"]', "safe"),
    ("SCL102", '"cascade": ("all", " Delete")', '"cascade": ("all", "delete")', "safe"),
    ("SCL103", '"cascade": b"all"', '"cascade": "all"', "safe"),
    ("SCL104", '"cascade": "save-update, merge, delete-orphan"',
     '"cascade": "save-update, merge, delete, delete-orphan"', "unsafe"),
    ("SCL104", '"cascade": ["save-update", "delete-orphan"]',
     '"cascade": ["save-update", "delete", "delete-orphan"]', "unsafe"),
    ("SCL105", '"cascade": "delete"', '"cascade": "save-update, merge, delete"', "unsafe"),
    ("SCL115", '"cascade_backrefs": True', '"cascade_backrefs": False', "safe"),
    ("SCL116", '"viewonly": True, "sync_backref": True', '"viewonly": True, "sync_backref": False', "safe"),
]


def _lint(path: Path) -> List[Diagnostic]:
    return lint([path], Options(select=set(load_rules())), project_paths=[path]).diagnostics


def _apply(text: str, edits: List[Edit]) -> str:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(line: int, column: int) -> int:
        return offsets[line - 1] + column - 1

    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.column), reverse=True):
        start = offset(edit.span.line, edit.span.column)
        end = offset(edit.span.end_line, edit.span.end_column)
        text = text[:start] + edit.content + text[end:]
    return text


@pytest.mark.parametrize("code, before, after, applicability", CASES)
def test_fix(tmp_path: Path, code: str, before: str, after: str, applicability: str) -> None:
    path = tmp_path / "models.py"
    path.write_text(HEADER.replace("KWARGS", before))
    found = [d for d in _lint(path) if d.code == code]
    assert len(found) == 1, found
    fix = found[0].fix
    assert fix is not None and fix.applicability == applicability
    fixed = _apply(path.read_text(), list(fix.edits))
    assert fixed == HEADER.replace("KWARGS", after)
    codes_before = {d.code for d in _lint(path)}
    path.write_text(fixed)
    codes_after = {d.code for d in _lint(path)}
    assert code not in codes_after
    assert codes_after <= codes_before
