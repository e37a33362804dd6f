"""The reduction (see `reduction.py`) must never change the facts `extract` returns.

Every check compares `extract(...)` with `extract(..., reduce=False)`, which parses the whole
file as before. The hand-written cases are the shapes the reduction must take care with; most
of them also assert that the reduction happened, so that a case cannot pass by falling back to
the unreduced parse.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import libcst
import pytest
from test_clean_code import docs_src  # noqa: F401 - the fixture that downloads SQLModel's sdist

from sqlmodel_cascade_lint.extract import extract, without_bulk

ROOT = Path(__file__).resolve().parents[1]
LOCAL_DOCS_SRC = Path("/work/ref/docs_src")
MAKE_CORPUS = next((p for p in (ROOT.parent / "shared" / "bench" / "make_corpus.py",
                                 Path("/work/shared/bench/make_corpus.py")) if p.is_file()),
                   ROOT.parent / "shared" / "bench" / "make_corpus.py")


def _reduced(data: bytes) -> bytes:
    return without_bulk(data, ast.parse(data), reduce=True)


def _assert_same(data: bytes, path: str = "pkg/models.py") -> None:
    fast = extract(path, "pkg.models", data)
    slow = extract(path, "pkg.models", data, reduce=False)
    assert repr(fast) == repr(slow)
    assert fast == slow


def _assert_reduced(data: bytes) -> bytes:
    """The reduction changes the file, keeps its lines, and libcst accepts the result."""
    out = _reduced(data)
    assert out != data
    assert len(out.splitlines()) == len(data.splitlines())
    libcst.parse_module(out)
    return out


# ---------------------------------------------------------------------------- real code


def _python_files(folder: Path) -> List[Path]:
    return sorted(p for p in folder.rglob("*.py") if p.is_file())


def test_every_fixture_file() -> None:
    files = _python_files(ROOT / "fixtures")
    assert len(files) > 100
    for path in files:
        _assert_same(path.read_bytes(), path.as_posix())


@pytest.fixture(scope="module")
def docs_files(request: pytest.FixtureRequest) -> List[Path]:
    """SQLModel's docs examples: the local copy, else the source distribution that
    `test_clean_code` downloads."""
    if LOCAL_DOCS_SRC.is_dir():
        folder = LOCAL_DOCS_SRC.resolve()
    else:
        folder = request.getfixturevalue("docs_src")
    return _python_files(folder)


def test_every_docs_src_file(docs_files: List[Path]) -> None:
    assert len(docs_files) > 50
    for path in docs_files:
        _assert_same(path.read_bytes(), path.as_posix())


def test_generated_corpus(tmp_path: Path) -> None:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"{MAKE_CORPUS} is not available")
    out = tmp_path / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(out), "--files", "150", "--model-ratio", "0.6",
                    "--seed", "7", "--mistake-rate", "0.05"], check=True, capture_output=True)
    files = _python_files(out)
    models = [p for p in files if b"Relationship" in p.read_bytes()]
    assert models
    for path in files:
        _assert_same(path.read_bytes(), path.as_posix())
    for path in models[:20]:
        _assert_reduced(path.read_bytes())


# ---------------------------------------------------------------------------- careful cases

HEADER = b"""from __future__ import annotations

from typing import TYPE_CHECKING, List, Optional

from sqlmodel import Field, Relationship, SQLModel
"""

TEAM = b"""
class Team(SQLModel, table=True):
    \"\"\"A team.

    def not_a_method(self): ...
    class NotAClass: ...
    \"\"\"

    id: Optional[int] = Field(default=None, primary_key=True)
    heroes: List["Hero"] = Relationship(back_populates="team", sa_relationship_kwargs={"cascade": "all"})

    @property
    def size(self) -> int:
        \"\"\"How many.\"\"\"
        return len(self.heroes)

    async def load(self, session) -> None:
        await session.refresh(self)
"""

HERO = b"""

class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
"""

CAREFUL: Dict[str, bytes] = {
    "plain": HEADER + TEAM + HERO,
    "class_in_function": HEADER + b"""
def make():
    import os
    x = os.getcwd()

    class Local(SQLModel, table=True):
        id: int = Field(primary_key=True)
        other: Optional["Other"] = Relationship()

        def method(self):
            import json
            return json

    def helper():
        return 1
    return Local
""" + TEAM + HERO,
    "relationship_in_function_class_in_if": HEADER + b"""
def make(flag):
    if flag:
        x = 1
        class A(SQLModel, table=True):
            b: Optional["B"] = Relationship(back_populates="a")
    else:
        for i in range(3):
            print(i)
    while flag:
        flag = False
""" + TEAM + HERO,
    "function_with_import_only": HEADER + b"""
def lazy():
    \"\"\"Docstring.\"\"\"
    from app.models import Other as Renamed
    value = Renamed()
    try:
        import ujson as json
    except ImportError:
        import json
    finally:
        value = None
    with open("x") as handle:
        from os import path
        handle.read()
    return value
""" + TEAM + HERO,
    "several_statements_per_line": HEADER + b"""x = 1; y = 2
def f(): a = 1; return a
class Compact(SQLModel): a: int = 1; b: Optional["Team"] = Relationship(); "doc"
class Inline(SQLModel):
    "doc"; c: int = 2
    def g(self): return 1
    d: int = 3; \"\"\"doc\"\"\"
if TYPE_CHECKING: import os; from app import thing
""" + TEAM + HERO,
    "backslash_continuations": HEADER + b"""
def f(a, \\
      b):
    return a + \\
        b

class Cont(SQLModel, \\
           table=True):
    id: int = \\
        Field(primary_key=True)
    def \\
        cont(self):
        return 1
    @ \\
    property
    def other(self):
        return 2
    x = 1 \\
        + 2
    def last(self): return 3 \\

""" + TEAM + HERO,
    "decorators": HEADER + b"""
import functools

@functools.lru_cache(maxsize=None)
@(lambda f: f)
def cached(
    a,
    b,
):
    return a

@functools.total_ordering
class Dec(SQLModel, table=True):
    id: int = Field(primary_key=True)

    @classmethod
    @functools.cache
    def make(cls): ...

    # a comment between
    @staticmethod

    # and another
    def __tablename__():
        return "dec"

    @property
    def __table_args__(self):
        return ()
""" + TEAM + HERO,
    "type_checking_imports": HEADER + b"""
if TYPE_CHECKING:
    from app.team import Team as T
    CONST = 1
    def only_for_types(): ...
elif sys.version_info >= (3, 11):
    from typing import Self
    def g(): pass
elif False:
    def h(): pass
else:
    import typing_extensions
    def k(): pass
if True:
    def m(): pass
else:
    if False:
        from app import else_if
        def n(): pass
""" + TEAM + HERO,
    "module_level_constants": HEADER + b"""
CASCADE = "all, delete-orphan"
LAZY: str = "selectin"
print("side effect")
\"\"\"Not a docstring: a bare string in the middle.\"\"\"
for _i in range(2):
    LOOP = _i
    print(_i)
try:
    TRIED = 1
except Exception:
    TRIED = 2
""" + TEAM + HERO,
    "async_defs": HEADER + b"""
async def top():
    async with lock:
        import asyncio
    async for x in y:
        await x

async def plain():
    await other()

class A(SQLModel):
    async def method(self):
        async with a as b:
            pass
""" + TEAM + HERO,
    "class_of_only_methods_and_docstring": HEADER + b"""
class OnlyMethods(SQLModel):
    \"\"\"Doc.\"\"\"
    def a(self):
        return 1
    async def b(self):
        return 2

class OnlyDoc(SQLModel):
    \"\"\"Doc.\"\"\"

class Nested(SQLModel):
    class Config:
        \"\"\"Config.\"\"\"
        def f(self): ...
    def g(self): ...
""" + TEAM + HERO,
    "strings_that_look_like_code": HEADER + b'''
SQL = """
def f():
    import os
class X(SQLModel, table=True):
    y: int
"""
class Doc(SQLModel, table=True):
    id: int = Field(primary_key=True, description="""
    def g(self): ...
    """)
    def h(self):
        return """
    z: int = Field()
"""
''' + TEAM + HERO,
    "bound_names_in_class_blocks": HEADER + b"""
class Blocks(SQLModel, table=True):
    id: int = Field(primary_key=True)
    if TYPE_CHECKING:
        def typed(self) -> int: ...
        __tablename__ = "blocks"
    else:
        def untyped(self): ...
    try:
        def maybe(self): ...
    except Exception:
        pass
    with ctx():
        def inside(self): ...
""" + TEAM + HERO,
    "table_calls_in_functions": HEADER + b"""
from sqlalchemy import Column, Integer, MetaData, Table

metadata = MetaData()

def make_table():
    return Table("made", metadata, Column("id", Integer))

class WithTable(SQLModel):
    def method(self):
        return Table("in_method", metadata)
    def other(self):
        return 1
    \"\"\"Table in a docstring.\"\"\"

def unrelated():
    return 2
""" + TEAM + HERO,
    "noqa_comments": HEADER + b"""
class Noqa(SQLModel, table=True):  # noqa
    id: int = Field(primary_key=True)  # noqa: SCL101
    def f(self):  # noqa: SCL201
        return 1  # noqa
    other: Optional["Team"] = Relationship(  # noqa: SCL201
        back_populates="x",
    )
""" + TEAM + HERO,
    "match_statement": HEADER + b"""
def f(x):
    match x:
        case [1, *rest]:
            import json
        case _:
            pass

match command:
    case "go":
        from app import go
    case _:
        def fallback(): ...
""" + TEAM + HERO,
    "unicode": HEADER + """
class Équipe(SQLModel, table=True):
    \"\"\"Équipe — 漢字.\"\"\"
    id: int = Field(primary_key=True, description="名前")
    def ﬁnd(self):
        return "é"
    membres: List["Héros"] = Relationship(back_populates="équipe")

def fonction_à_part():
    return "漢字"
""".encode() + TEAM + HERO,
    "long_elif_chain": HEADER + b"def f(x):\n    if x == 0:\n        pass\n" + b"".join(
        b"    elif x == %d:\n        import a%d\n        y = 1\n" % (i, i) for i in range(1, 1500)) + b"    else:\n        z = 2\n"
    + TEAM + HERO,
    "docstring_first_then_future": b'"""Module docstring."""\n' + HEADER + TEAM + HERO,
    "docstring_on_class_line": HEADER + b"""
class OneLine(SQLModel): \"\"\"doc\"\"\"
class OneLine2(SQLModel):
    \"\"\"doc\"\"\"; x: int = 1
""" + TEAM + HERO,
    "comments_and_blank_lines_after_functions": HEADER + b"""
def f():
    return 1
        # a comment deeper than the body
# a comment at column 0

    # and one in between

class After(SQLModel):
    def g(self):
        x = 1

            # deeper comment
    y: int = 2
""" + TEAM + HERO,
}


@pytest.mark.parametrize("name", sorted(CAREFUL))
def test_careful_case(name: str) -> None:
    data = CAREFUL[name]
    _assert_reduced(data)
    _assert_same(data)


@pytest.mark.parametrize("name", ["plain", "class_in_function", "decorators", "backslash_continuations",
                                  "several_statements_per_line", "unicode"])
@pytest.mark.parametrize("newline", [b"\r\n", b"\r"])
def test_line_endings(name: str, newline: bytes) -> None:
    data = CAREFUL[name].replace(b"\n", newline)
    _assert_reduced(data)
    _assert_same(data)


@pytest.mark.parametrize("name", ["plain", "class_in_function", "bound_names_in_class_blocks"])
def test_tabs_and_form_feeds(name: str) -> None:
    tabs = CAREFUL[name].replace(b"        ", b"\t\t").replace(b"    ", b"\t")
    _assert_reduced(tabs)
    _assert_same(tabs)
    feeds = CAREFUL[name].replace(b"\n\nclass", b"\n\x0c\nclass").replace(b"\n    def", b"\n    \x0cdef")
    _assert_same(feeds)
    _assert_same(b"\x0c" + CAREFUL[name])


def test_bom() -> None:
    data = b"\xef\xbb\xbf" + b'"""Docstring on the BOM line."""\n' + CAREFUL["plain"]
    out = _assert_reduced(data)
    assert out.startswith(b"\xef\xbb\xbfpass\n")
    _assert_same(data)


def test_declared_encodings() -> None:
    body = CAREFUL["plain"]
    ascii_only = b"# -*- coding: latin-1 -*-\n" + body
    _assert_reduced(ascii_only)
    _assert_same(ascii_only)
    latin = b"# -*- coding: latin-1 -*-\n" + body + b'\nclass Caf\xe9(SQLModel):\n    def f(self):\n        return "\xe9"\n'
    assert _reduced(latin) == latin  # not UTF-8 and not ASCII: left alone
    _assert_same(latin)
    for codec in ("cp1252", "utf-8", "utf8", "iso-8859-15", "shift_jis", "euc-jp"):
        char = "漢" if codec in ("shift_jis", "euc-jp") else "é"
        data = f"# coding: {codec}\n".encode() + body + f"\nclass Z(SQLModel):\n    def f(self):\n        return '{char}'\n".encode(
            "utf-8" if codec.startswith("utf") else codec)
        _assert_same(data)
    # a cookie-like comment inside the module docstring is no cookie, before or after
    tricky = b'"""\n# -*- coding: latin-1 -*-\n"""\n' + body + '\nx = "é"\n'.encode()
    _assert_same(tricky)
    assert b"# -*- coding" not in _reduced(tricky)


FAILING: Dict[str, bytes] = {
    "syntax_error_in_function": HEADER + b"def f():\n    return )\n" + TEAM,
    "syntax_error_in_method": HEADER + b"class A(SQLModel):\n    def f(self):\n        x = = 1\n" + TEAM,
    "indentation": HEADER + b"def f():\n  x = 1\n    y = 2\n" + TEAM,
    "paren_target_in_function": HEADER + b"def f():\n    (x): int = 1\n" + TEAM,
    "paren_attribute_target_in_method": HEADER + b"class A(SQLModel):\n    def f(self):\n        (self.x): int = 1\n" + TEAM,
    "paren_target_at_top": HEADER + b"(x): int = 1\ndef f():\n    return 1\n" + TEAM,
    "star_base_after_keyword": HEADER + b"def f():\n    class B(x=1, *bases): pass\n" + TEAM,
    "star_base_after_keyword_in_method": HEADER + b"class A(SQLModel):\n    def f(self):\n        class B(x=1, *bases): pass\n" + TEAM,
    "too_many_strings_in_a_row": HEADER + b"def f():\n    return (\n" + b'        "a"\n' * 3001 + b"    )\n" + TEAM,
    "too_many_strings_in_a_row_in_method": HEADER + b"class A(SQLModel):\n    def f(self):\n        return (" + b'"a"' * 3001 + b")\n" + TEAM,
    "deep_in_function": HEADER + b"def f():\n    return " + b"(" * 600 + b"1" + b")" * 600 + b"\n" + TEAM,
    "py2_in_function": HEADER + b'def f():\n    print "x"\n' + TEAM,
    "nul": HEADER + b"def f():\n    return 1\x00\n" + TEAM,
    "bad_bytes": HEADER + b'def f():\n    return "\xff"\n' + TEAM,
    "bulk_and_reduction": HEADER + b"DATA = {\n" + b"".join(b"    'k%d': %d,\n" % (i, i) for i in range(100))
    + b"}\n\"\"\"" + b"x" * 2000 + b"\"\"\"\ndef f():\n    return 1\n" + TEAM + HERO,
}


@pytest.mark.parametrize("name", sorted(FAILING))
def test_failures_and_robustness_paths_are_unchanged(name: str) -> None:
    _assert_same(FAILING[name])


def test_failures_keep_their_kind() -> None:
    for name in ("paren_target_in_function", "paren_attribute_target_in_method", "star_base_after_keyword",
                 "too_many_strings_in_a_row_in_method"):
        facts = extract("m.py", "m", FAILING[name])
        assert facts.failure is not None and facts.failure.kind == "parser", name
    assert extract("m.py", "m", FAILING["paren_target_at_top"]).failure is None


def test_what_stays() -> None:
    out = _reduced(CAREFUL["plain"] + CAREFUL["module_level_constants"][len(HEADER):])
    text = out.decode()
    assert "    def size():pass\n" in text and "    async def load():pass\n" in text
    assert "@property" not in text and "How many" not in text and "A team." not in text
    assert 'CASCADE = "all, delete-orphan"' in text and "LOOP = _i" in text and "TRIED = 2" in text
    assert "side effect" not in text


# ---------------------------------------------------------------------------- the depth gate

DEEP_SHAPES = [
    b"x = " + b"-" * 30 + b"1",
    b"x = " + b"[" * 30 + b"]" * 30,
    b"x = " + b"{" * 30 + b"1" + b"}" * 30,
    b"x = " + b"not " * 30 + b"1",
    b"x = a" + b".b" * 30,
    b"x = " + b"f(" * 30 + b")" * 30,
    b"x = " + b"f(a=" * 30 + b"1" + b")" * 30,
    b"x = " + b"lambda: " * 30 + b"1",
    b"x = " + b"lambda a=" * 30 + b"1: 1" * 30,
    b"x = " + b"[*" * 30 + b"a" + b"]" * 30,
    b"x = a" + b"[0]" * 30,
    b"x = " + b"+".join([b"1"] * 30),
    b"x = " + b"(" * 30 + b"1" + b")" * 30,
    b"@" + b"(" * 30 + b"d" + b")" * 30 + b"\ndef f(): pass",
    b"x = f'{a:{b}}'",
    b"(" * 30 + b"x" + b")" * 30,
    b"class A:\n    x = " + b"-" * 30 + b"1\n    y = 1",
    "x = 'é' + ".encode() + b"-" * 30 + b"1",
]


@pytest.mark.parametrize("shape", DEEP_SHAPES)
def test_depth_gate_skips_only_what_cannot_be_deep(shape: bytes) -> None:
    """`_too_deep` with the text skips short statements; it must find the same node as the
    full walk, at every limit (small limits make even short statements count)."""
    from sqlmodel_cascade_lint.extract import _too_deep

    for source in (shape + b"\n", HEADER + shape + b"\r\n" + TEAM, b"if x:\n    " + shape.replace(b"\n", b"\n    ") + b"\n"):
        tree = ast.parse(source)
        text = source.decode()
        for limit in range(1, 80):
            assert _too_deep(tree, limit, text) is _too_deep(tree, limit), (source, limit)
