"""Spans from `ast` twins must equal libcst's own positions, node for node.

`extract._Positions` reads spans from the standard library's `ast` and falls back to libcst's
position-tracking code generator; the reference here is the code generator alone.
"""

from __future__ import annotations

import re

from pathlib import Path
from typing import Dict

import pytest

from sqlmodel_cascade_lint import extract as extract_module
from sqlmodel_cascade_lint.extract import extract

ROOT = Path(__file__).resolve().parent.parent

BASE = '''from typing import Optional, List
from sqlmodel import SQLModel, Field, Relationship
import sqlalchemy as sa, os.path as osp


class Team(SQLModel, table=True):
    __tablename__ = "teams"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True, sa_column_kwargs={"comment": "名前"})
    heroes: List["Hero"] = Relationship(back_populates="team", sa_relationship_kwargs={"cascade": "all, delete-orphan", "lazy": ("selectin")})


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="teams.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
'''

WEIRD = '''from sqlmodel import SQLModel, Field, Relationship; import typing as t
if t.TYPE_CHECKING: from .x import Y
class \\\\
  Odd(SQLModel, table=True, **extra): x: int = Field(primary_key=True); y: "Y" = Relationship(*a, **kw)
class Odd2(Odd, table=t.cast(bool, True)):
    @property
    def __tablename__(cls): return "x"
    async def f(self): pass
    try:
        z = 1
    except Exception:
        pass
    r = Relationship(sa_relationship_kwargs=dict(cascade="all", lazy="joined", **more))
    s: list[Odd] = Relationship(sa_relationship_kwargs=dict(cascade = "all" , lazy=  "joined" ,  ))
    g = Relationship(x for x in y)
    h: int = Field(foreign_key=f"{a}.id", default=-1, sa_column=Column(Integer, ForeignKey("t.c")))
    k: "List[Odd]" = Relationship(link_model=Link, back_populates  =  'odd' 'x')
    m: Mapped[Optional["Odd"]] = Relationship(sa_relationship_kwargs={"foreign_keys": [Odd.x, "Odd.y"], 1: 2})
    n: Odd | None = Relationship(sa_relationship_kwargs={"remote_side": "Odd.id"},)
def func():
    class Inner(SQLModel, table=True):
        id: int = Field(primary_key=True)
    from q import r as rr
try:
    from a import b
except ImportError:
    from c import b
else:
    import d
finally:
    import e.f
with x:
    import g
for i in y:
    import h
while 0:
    import i
if a:
    pass
elif b:
    from z import zz
else:
    from w import ww
'''

CASES: Dict[str, bytes] = {
    "plain": BASE.encode(),
    "crlf": BASE.replace("\n", "\r\n").encode(),
    "cr": BASE.replace("\n", "\r").encode(),
    "tabs": BASE.replace("    ", "\t").replace("= Field(", "=\tField(\t").encode(),
    "wide": BASE.replace('"team"', '"チーム"').replace("Hero", "Héro").replace("name: str", "名前: str  # 名前").encode(),
    "combining": BASE.replace('"heroes"', '"he\u0301roe\u0301s"').replace(
        'back_populates="team"', 'comment="e\u0301\u0301", back_populates="team"').encode(),
    "astral": BASE.replace('"team"', '"\U0001F600 team"').encode(),
    "bom": ("\ufeff" + BASE).encode(),
    "latin1": ("# -*- coding: latin-1 -*-\n" + BASE.replace("名前", "nom").replace('"team"', '"t\u00e9am"')).encode("latin-1"),
    "parens": BASE.replace('back_populates="team"', 'back_populates=("team")').replace(
        'foreign_key="teams.id"', 'foreign_key=(  # c\n "teams.id")').replace(
        '= Relationship(back_populates="heroes")', '= (Relationship(back_populates="heroes"))').encode(),
    "tuples": BASE.replace('("selectin")', '("a", "b"), "x": ((1, 2)), "y": [1, *z], "z": {**q, "k": (v)}, ("p"): 1, **w').encode(),
    "dict_parens": BASE.replace('"all, delete-orphan"', '((  # one\n  "all, delete-orphan"  # two\n)\n )').encode(),
    "weird": WEIRD.encode(),
    "weird_crlf": WEIRD.replace("\n", "\r\n").encode(),
    "formfeed": BASE.replace("\n\n\nclass Hero", "\n\f\n\nclass Hero").encode(),
    "no_final_newline": BASE.rstrip("\n").encode(),
    "future": ("from __future__ import (annotations)\nfrom __future__ import annotations, division\n" + BASE).encode(),
    "suite": b"from sqlmodel import SQLModel\nclass A(SQLModel, table=True): id: int = Field(primary_key=True); __tablename__ = 'aa'\n",
    "newer_syntax": b"type X = int\nclass A[T](SQLModel, table=True):\n    x: int = Field(primary_key=True)\n",
    "deep": ("from sqlmodel import *\nclass A(SQLModel, table=True):\n    x: int = Field(default=" + "[" * 60 + "]" * 60
             + ")\n    y: int = Field(default=" + "(" * 30 + "1" + ")" * 30 + ")\n").encode(),
}


def _codegen_only(monkeypatch: pytest.MonkeyPatch, path: str, data: bytes) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(extract_module._Positions, "_pair_top", lambda self, top: False)
        return repr(extract(path, "m", data))


@pytest.mark.parametrize("name", sorted(CASES))
def test_spans_equal_codegen_positions(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = CASES[name]
    assert repr(extract("case.py", "m", data)) == _codegen_only(monkeypatch, "case.py", data)


def test_fixture_files_equal_codegen_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = 0
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        data = path.read_bytes()
        fast = repr(extract(path.name, "m", data))
        slow = _codegen_only(monkeypatch, path.name, data)
        if fast != slow and _multiline_nested_value(fast, slow):
            continue
        assert fast == slow, path
        checked += 1
    assert checked


_SOURCE = re.compile(r"""source=('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")


def _multiline_nested_value(fast: str, slow: str) -> bool:
    """libcst's `code_for_node` drops the block's indentation from the continuation lines of a
    multi-line value; the source text kept now is the file's own (and so is where a long value's
    text is cut short). Everything else, the spans above all, must match."""
    return _SOURCE.sub("source=...", fast) == _SOURCE.sub("source=...", slow)


def test_ast_pairing_is_used() -> None:
    """The fast path must actually serve the spans (no silent fallback on ordinary code)."""
    calls = []
    original = extract_module._CodegenPositions.span

    def counting(self: object, node: object, top: int) -> object:
        calls.append(node)
        return original(self, node, top)  # type: ignore[arg-type]

    extract_module._CodegenPositions.span = counting  # type: ignore[assignment]
    try:
        extract("case.py", "m", CASES["plain"])
        extract("case.py", "m", CASES["wide"])
    finally:
        extract_module._CodegenPositions.span = original  # type: ignore[assignment]
    assert not calls
