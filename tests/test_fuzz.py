"""Property-based tests: mutated and generated source never crashes or hangs the linter, and
findings do not depend on comments, blank lines or layout.

The default run is small (a few seconds). For a longer run:

    SCL_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py

`hypothesmith` (generated Python from the grammar) is used when installed: it is in the
`test` extra, not required.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import List, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.extract import extract
from sqlmodel_cascade_lint.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SCL_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=30),  # generous: CI machines are loaded; a hang is minutes
    suppress_health_check=list(HealthCheck),
    derandomize=EXAMPLES <= 25,  # the default run is reproducible
    database=None,
)


def _seed_sources() -> List[bytes]:
    out = []
    for path in sorted((ROOT / "fixtures").rglob("*.py")):
        out.append(path.read_bytes())
    out.append((Path(__file__).parent / "test_robustness.py").read_bytes())
    return out


SEEDS = _seed_sources()


def check_source(data: bytes) -> list:
    """Lint `data` as a one-file project; must not raise and must not report internal errors."""
    facts = extract("fuzz.py", "fuzz", data)
    assert facts.path == "fuzz.py"
    result = lint([], Options(select=set(load_rules())), project_paths=[], stdin=("fuzz.py", data))
    internal = [d.message for d in result.diagnostics if d.code == "SCL002"]
    assert not internal, internal
    for d in result.diagnostics:
        assert d.span.line >= 1 and d.span.column >= 1
    return result.diagnostics


# ---------------------------------------------------------------------------- mutations


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        lines = data.splitlines(keepends=True) or [b""]
        op = draw(st.sampled_from(["delete_line", "truncate", "swap_tokens", "random_bytes", "duplicate_line",
                                   "replace_byte", "indent_line", "join_lines"]))
        if op == "delete_line":
            i = draw(st.integers(0, len(lines) - 1))
            data = b"".join(lines[:i] + lines[i + 1:])
        elif op == "truncate":
            data = data[: draw(st.integers(0, len(data)))]
        elif op == "swap_tokens":
            tokens = re.split(rb"(\s+)", data)
            words = [i for i, t in enumerate(tokens) if t and not t.isspace()]
            if len(words) >= 2:
                a = draw(st.sampled_from(words))
                b = draw(st.sampled_from(words))
                tokens[a], tokens[b] = tokens[b], tokens[a]
                data = b"".join(tokens)
        elif op == "random_bytes":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
        elif op == "duplicate_line":
            i = draw(st.integers(0, len(lines) - 1))
            data = b"".join(lines[: i + 1] + lines[i:])
        elif op == "replace_byte" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        elif op == "indent_line":
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = draw(st.sampled_from([b" ", b"\t", b"    "])) + lines[i]
            data = b"".join(lines)
        elif op == "join_lines" and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 2))
            lines[i] = lines[i].rstrip(b"\r\n") + b" "
            data = b"".join(lines)
    return data


@FUZZ
@given(mutated())
def test_mutated_fixtures_never_crash(data: bytes) -> None:
    check_source(data)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes) -> None:
    check_source(data)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("()[]{}:=,.'\"\\#\n\r\t -+*fbru0123xyzclassdefimportfromSQLModel")),
               max_size=200))
def test_token_soup_never_crashes(text: str) -> None:
    check_source(text.encode())


# ---------------------------------------------------------------------------- generated models

CASCADES = ["all, delete-orphan", "all, delete_orphan", "save-update, merge", "delete", "all", "",
            "delete-orphan", "save-update, delete", "refresh-expire, expunge", "all,delete-orphan", "none"]
NAMES = ["Team", "Hero", "Power", "Mission"]


@st.composite
def model_module(draw: st.DrawFn) -> List[Tuple[str, List[str]]]:
    """A module as a list of (statement head, keyword arguments or None) to render in any layout."""
    classes = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    stmts: List[Tuple[str, List[str]]] = []
    for name in classes:
        stmts.append((f"class {name}(SQLModel, table=True):", []))
        stmts.append(("    id: Optional[int] = Field", ["default=None", "primary_key=True"]))
        for other in classes:
            if other == name:
                continue
            shape = draw(st.sampled_from(["many", "one", "none"]))
            if shape == "none":
                continue
            if shape == "one":
                fk = draw(st.sampled_from([f'"{other.lower()}.id"', f'"{other.lower()}s.id"', '"nope.id"']))
                stmts.append((f"    {other.lower()}_id: Optional[int] = Field", ["default=None", f"foreign_key={fk}"]))
                annotation = f'Optional["{other}"]'
            else:
                annotation = f'List["{other}"]'
            kwargs = []
            if draw(st.booleans()):
                back = draw(st.sampled_from([name.lower(), name.lower() + "s", "heroes", "team", "missing"]))
                kwargs.append(f'back_populates="{back}"')
            if draw(st.booleans()):
                kwargs.append(f'sa_relationship_kwargs={{"cascade": "{draw(st.sampled_from(CASCADES))}"}}')
            if draw(st.booleans()):
                kwargs.append(f"cascade_delete={draw(st.sampled_from(['True', 'False']))}")
            attr = other.lower() + ("s" if shape == "many" else "")
            stmts.append((f"    {attr}: {annotation} = Relationship", kwargs))
    return stmts


HEADER = "from typing import List, Optional\n\nfrom sqlmodel import Field, Relationship, SQLModel\n\n\n"


@st.composite
def layout(draw: st.DrawFn) -> dict:
    return {
        "indent": draw(st.sampled_from(["    ", "  ", "\t", "        "])),
        "split": draw(st.booleans()),
        "trailing_comma": draw(st.booleans()),
        "comments": draw(st.booleans()),
        "blank_lines": draw(st.integers(0, 3)),
        "newline": draw(st.sampled_from(["\n", "\r\n"])),
        "spaces": draw(st.booleans()),
    }


def render(stmts: List[Tuple[str, List[str]]], style: dict) -> bytes:
    out = [HEADER]
    indent = style["indent"]
    for head, kwargs in stmts:
        head = head.replace("    ", indent, 1) if head.startswith("    ") else head
        if style["blank_lines"]:
            out.append("\n" * style["blank_lines"])
        comment = "  # a comment (with: Relationship(cascade='all'))" if style["comments"] else ""
        if head.startswith("class "):
            out.append(head + comment + "\n")
            continue
        args = [a.replace("=", " = ", 1) if style["spaces"] and a.startswith("default") else a for a in kwargs]
        if style["split"] and args:
            inner = "".join(f"{indent * 2}{a},{comment}\n" for a in args)
            out.append(f"{head}(\n{inner}{indent})\n")
        else:
            tail = "," if style["trailing_comma"] and args else ""
            out.append(f"{head}({', '.join(args)}{tail}){comment}\n")
        if style["comments"]:
            out.append(f"{indent}# Relationship(sa_relationship_kwargs={{'cascade': 'delete_orphan'}})\n")
    return "".join(out).replace("\n", style["newline"]).encode()


@FUZZ
@given(model_module(), layout(), layout())
def test_findings_do_not_depend_on_layout(stmts: List[Tuple[str, List[str]]], a: dict, b: dict) -> None:
    first = check_source(render(stmts, a))
    second = check_source(render(stmts, b))
    assert Counter((d.code, d.message) for d in first) == Counter((d.code, d.message) for d in second)


# ---------------------------------------------------------------------------- hypothesmith


def test_generated_python_never_crashes() -> None:
    hypothesmith = pytest.importorskip("hypothesmith")

    @FUZZ
    @given(st.one_of(hypothesmith.from_grammar(), hypothesmith.from_node()))
    def check(source: str) -> None:
        check_source(source.encode("utf-8", errors="surrogatepass"))

    check()
