"""Blank out the statements of a file that cannot contribute facts, before libcst parses it.

libcst's parse costs about the same per token wherever the token is, and most tokens of a model
file are in method bodies and docstrings, which the extractor never reads. This module decides,
from Python's own syntax tree of the file (exact lines and columns, decorators included), which
statements can go, and replaces each by something the extractor reads exactly as before:

- a method (a `def` directly in a class body): the extractor records only its name, so the
  decorators, parameters and body go and `def name():pass` stays, the name where it was;
- a function outside class bodies, and a compound statement (`if`, `for`, `try`, ...) outside
  class bodies, that holds no import and no class: the extractor only looks inside them for
  imports and classes, so each becomes `pass`; one that holds some keeps its head, and its own
  statements are reduced by the same rules;
- a plain statement in such a function body (not an import): `pass`;
- an expression statement (a docstring, a call) in a module or class body: `pass`.

Every other line is kept byte for byte, and a blanked line keeps its line ending, so every kept
node has its original line and column, and every statement list keeps its length (one `pass`
per blanked statement), which the pairing with the `ast` twins relies on. Kept whole, always:
module-level assignments (constants), every statement of a class body other than methods and
expression statements (`_bound_names` reads every name of an `if` block in a class body), any
statement whose text mentions `Table` (the `sa_tables` visitor walks the whole tree), a
statement that shares a line with another one (`x = 1; y = 2`) or starts after a `:` on its
header's line, a construct libcst rejects although Python accepts it (the file must still fail
as before), and any file whose encoding is not UTF-8 unless it is plain ASCII.
"""

from __future__ import annotations

import ast
import io
import itertools
import re
import tokenize
from typing import Dict, List, Optional, Sequence

_INDENT = re.compile(rb"[ \t\f]*")
_DECORATOR_PREFIX = re.compile(rb"[ \t\f]*@[ \t\f]*")
_DEF_NAME = re.compile(rb"(?:async[ \t\f]+)?def[ \t\f]+[^ \t\f(\[\\\r\n:#]+")
_BOM = b"\xef\xbb\xbf"
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_KEEP = (ast.Import, ast.ImportFrom, ast.ClassDef)
_SUITES = ("body", "orelse", "finalbody")
# libcst rejects more than 3,000 string literals in a row (`"a" "b" ...`); each has two quotes
_QUOTES = 6000


def reduce_source(data: bytes, tree: ast.Module, lines: Optional[List[bytes]] = None,
                  skip: Sequence[ast.stmt] = ()) -> Dict[int, bytes]:
    """New contents (without the line ending) of the lines to change, by 1-based line number.

    `tree` is `ast.parse(data)`; `lines` is `data.splitlines(keepends=True)` when the caller
    has it; the top-level statements in `skip` (already blanked by the caller) are left alone.
    """
    if not _positions_are_bytes(data):
        return {}
    return _Reducer(data, tree, lines, skip).run()


def _positions_are_bytes(data: bytes) -> bool:
    """True when `ast`'s UTF-8 byte columns are byte offsets into `data`'s own lines."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        return False
    if encoding in ("utf-8", "utf-8-sig"):
        return True
    if not data.isascii():
        return False
    try:
        return data.decode(encoding) == data.decode("ascii")
    except (LookupError, UnicodeError):
        return False


class _Reducer:
    def __init__(self, data: bytes, tree: ast.Module, lines: Optional[List[bytes]],
                 skip: Sequence[ast.stmt]) -> None:
        self.data = data
        self.tree = tree
        self.lines = data.splitlines(keepends=True) if lines is None else lines
        self.bom = data.startswith(_BOM)
        self.skip = {id(stmt) for stmt in skip}
        self.edits: Dict[int, bytes] = {}
        self.starts = [0, *itertools.accumulate(len(line) for line in self.lines)]
        self.tables = b"Table" in data

    def run(self) -> Dict[int, bytes]:
        self._walked(self.tree.body, top=True)
        return self.edits

    # ------------------------------------------------------------------ blocks

    def _walked(self, stmts: Sequence[ast.stmt], top: bool) -> None:
        """A block the extractor walks for imports and classes: the module, a function, an `if`...

        `top` is true outside functions: there assignments (module-level constants) stay, and
        so do compound statements other than functions (their plain statements are reduced by
        the same rules)."""
        for index, stmt in enumerate(stmts):
            if id(stmt) in self.skip:
                continue
            if isinstance(stmt, ast.ClassDef):
                self._class(stmt)
                continue
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                continue
            function = isinstance(stmt, _FUNCTIONS)
            compound = self._suites(stmt)
            if compound:
                if (function or not top) and not _holds(stmt, _KEEP) and self._to_pass(stmts, index):
                    continue
                for suite in compound:
                    self._walked(suite, top=top and not function)
            elif not top or isinstance(stmt, ast.Expr):
                self._to_pass(stmts, index)

    def _class(self, cls: ast.ClassDef) -> None:
        """A class body: the extractor reads its assignments, the names of its methods, the names
        bound in its compound statements, and its nested classes."""
        body = cls.body
        for index, stmt in enumerate(body):
            if isinstance(stmt, ast.ClassDef):
                self._class(stmt)
            elif isinstance(stmt, _FUNCTIONS):
                self._to_head(body, index)
            elif isinstance(stmt, ast.Expr):
                self._to_pass(body, index)

    # ------------------------------------------------------------------ edits

    def _range(self, stmts: Sequence[ast.stmt], index: int) -> Optional[range]:
        """The lines of `stmts[index]` when it has them to itself and nothing in it must stay."""
        stmt = stmts[index]
        first = stmt.lineno
        decorators = getattr(stmt, "decorator_list", None)
        if decorators:
            first = decorators[0].lineno
        last = stmt.end_lineno or stmt.lineno
        if last > len(self.lines):
            return None
        if index > 0 and (stmts[index - 1].end_lineno or 0) >= first:
            return None
        if index + 1 < len(stmts) and stmts[index + 1].lineno <= last:
            return None
        start, end = self.starts[first - 1], self.starts[last]
        if self.tables and self.data.find(b"Table", start, end) >= 0:
            return None
        if any(line in self.edits for line in (first, last)):
            return None
        if end - start >= _QUOTES and self.data.count(b'"', start, end) + self.data.count(b"'", start, end) >= _QUOTES:
            return None  # perhaps more strings in a row than libcst accepts
        if _hostile(stmt):
            return None
        return range(first, last + 1)

    def _prefix(self, line: int, column: int, pattern: "re.Pattern[bytes]") -> Optional[bytes]:
        """The first `column` bytes of `line` (UTF-8 byte column, as `ast` counts) when they match
        `pattern` in full, else None."""
        text = self.lines[line - 1]
        if line == 1 and self.bom:
            text = text[len(_BOM):]
        prefix = text[:column]
        return prefix if pattern.fullmatch(prefix) else None

    def _blank(self, lines: range) -> None:
        for number in lines:
            self.edits[number] = b""

    def _to_pass(self, stmts: Sequence[ast.stmt], index: int) -> bool:
        """Replace the statement by `pass` at its own indentation."""
        lines = self._range(stmts, index)
        if lines is None:
            return False
        stmt = stmts[index]
        decorators = getattr(stmt, "decorator_list", None)
        if decorators:
            at = self._prefix(lines[0], decorators[0].col_offset, _DECORATOR_PREFIX)
            indent = _INDENT.match(at).group() if at is not None else None
        else:
            indent = self._prefix(lines[0], stmt.col_offset, _INDENT)
        if indent is None:
            return False
        self._blank(lines)
        self.edits[lines[0]] = indent + b"pass"
        return True

    def _to_head(self, stmts: Sequence[ast.stmt], index: int) -> bool:
        """Replace a method by `def name():pass`, the name where it was."""
        lines = self._range(stmts, index)
        if lines is None:
            return False
        stmt = stmts[index]
        if stmt.decorator_list and self._prefix(lines[0], stmt.decorator_list[0].col_offset,
                                                _DECORATOR_PREFIX) is None:
            return False
        indent = self._prefix(stmt.lineno, stmt.col_offset, _INDENT)
        if indent is None:
            return False
        text = self.lines[stmt.lineno - 1]
        if stmt.lineno == 1 and self.bom:
            text = text[len(_BOM):]
        head = _DEF_NAME.match(text, len(indent))
        if head is None:
            return False
        self._blank(lines)
        self.edits[stmt.lineno] = text[:head.end()] + b"():pass"
        return True

    def _suites(self, stmt: ast.stmt) -> List[List[ast.stmt]]:
        """The statement lists inside a compound statement (none for a simple one). The `If` of
        an `elif` is no statement of its own in the text: its lists count as its parent's."""
        if not isinstance(stmt, ast.If):
            return _suites(stmt)
        out = []
        while True:  # a loop, not recursion: a chain of `elif`s can be thousands long
            out.append(stmt.body)
            orelse = stmt.orelse
            if len(orelse) == 1 and isinstance(orelse[0], ast.If) and self._is_elif(orelse[0]):
                stmt = orelse[0]
                continue
            if orelse:
                out.append(orelse)
            return out

    def _is_elif(self, stmt: ast.If) -> bool:
        text = self.lines[stmt.lineno - 1]
        if stmt.lineno == 1 and self.bom:
            text = text[len(_BOM):]
        return text.startswith(b"elif", stmt.col_offset)


def _suites(stmt: ast.stmt) -> List[List[ast.stmt]]:
    """The statement lists inside a compound statement (empty for a simple one)."""
    out = [getattr(stmt, name) for name in _SUITES if getattr(stmt, name, None)]
    for handler in getattr(stmt, "handlers", ()):
        out.append(handler.body)
    for case in getattr(stmt, "cases", ()):
        out.append(case.body)
    return out


def _holds(stmt: ast.stmt, kinds: tuple) -> bool:
    """Whether `stmt` is, or has among the statements inside it, one of `kinds`."""
    stack = [stmt]
    while stack:
        current = stack.pop()
        if isinstance(current, kinds):
            return True
        for suite in _suites(current):
            stack.extend(suite)
    return False


def _hostile(stmt: ast.stmt) -> bool:
    """Whether the statement holds syntax that Python accepts and libcst's parser rejects: it must
    reach libcst, so that the file fails there as it did before reduction."""
    stack = [stmt]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.AnnAssign) and (current.col_offset, current.lineno) != (
                current.target.col_offset, current.target.lineno):
            return True  # a parenthesised target: `(x): int = 1`, `(a.b): int`
        if isinstance(current, ast.ClassDef) and current.keywords and any(
                isinstance(base, ast.Starred) for base in current.bases):
            return True  # `class A(x=1, *bases)`
        for suite in _suites(current):
            stack.extend(suite)
    return False
