"""Read one source file with libcst and record its facts.

This module never decides what is wrong. No libcst node leaves it: callers get `ModuleFacts`.

Positions are computed only for the nodes whose span is recorded, from the positions the
standard library's `ast` parser gives their twins (see `_Positions`); libcst's own
position-tracking code generator, several times slower than the parse, is the fallback for the
rare node the pairing does not cover.
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import dataclasses
import gc
import io
import re
import sys
import tokenize
import traceback
import warnings
from pathlib import PurePath
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Union

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata.position_provider import (
    PositionProvider,
    PositionProvidingCodegenState,
)

from sqlmodel_cascade_lint.discovery import absolute_import
from sqlmodel_cascade_lint.facts import (
    UNKNOWN,
    Annotation,
    Arg,
    ClassDecl,
    FieldDecl,
    Import,
    ModuleFacts,
    NameRef,
    ParseFailure,
    RelationshipDecl,
    Span,
    Value,
)
from sqlmodel_cascade_lint.reduction import reduce_source

_NEWLINE = re.compile(r"\r\n?|\n")
_MAX_DEPTH = 40  # literal nesting we evaluate; deeper is UNKNOWN
_MAX_SOURCE = 200  # characters of source text kept per value

_OPTIONAL_NAMES = {"Optional"}
_UNION_NAMES = {"Union"}
_WRAPPER_NAMES = {"Mapped"}
_COLLECTIONS = {
    "list", "List", "set", "Set", "frozenset", "FrozenSet", "tuple", "Tuple", "dict", "Dict",
    "Sequence", "MutableSequence", "Iterable", "Collection", "AbstractSet", "MutableSet",
    "Mapping", "MutableMapping", "DefaultDict", "defaultdict", "OrderedDict", "Deque", "deque",
}
_TYPING_MODULES = ("typing", "typing_extensions", "collections.abc", "sqlalchemy.orm", "builtins")


def extract(path: str, module: str, data: bytes, *, reduce: bool = True) -> ModuleFacts:
    """Facts of one file. A file that cannot be parsed gives facts with a `failure`.

    Never raises for any input: bad bytes, syntax errors, pathological nesting and bugs in
    this module all become a `failure` (kind "decode", "syntax", "recursion", "parser" or
    "internal"). Python's own parser (`ast`, which never runs the code) checks the file
    first: it is hardened against deep nesting, which makes libcst's native parser overflow
    the C stack, and its error messages and positions are the ones the user knows. Large
    top-level statements that hold nothing the extractor records (generated data literals)
    are blanked out before libcst sees the file; see `without_bulk`. So are, with `reduce`,
    method bodies, functions, docstrings and other statements the extractor never reads (see
    `reduction`); `reduce=False` gives the same facts, more slowly.
    """
    with _collector_paused():
        return _extract(path, module, data, reduce)


def _extract(path: str, module: str, data: bytes, reduce: bool) -> ModuleFacts:
    try:
        checked = python_check(data)
        if isinstance(checked, tuple):
            kind, message, span = checked
            return _failed_span(path, module, kind, message, span)
        try:
            tree = _parse_leniently(data, checked, reduce)
        except cst.ParserSyntaxError as exc:
            line, column = _libcst_position(exc)
            message = str(exc.message).replace("parser error: ", "", 1)
            if len(message) > 120:
                message = message[:117] + "..."
            return _failed(path, module, "parser",
                           f"the parser (libcst) rejects this file although Python accepts it ({message})",
                           line, column)
        except RecursionError:
            return _failed(path, module, "recursion", "the file is nested too deeply for the parser (libcst)",
                           1, 1)
        with _recursion_limit(_EXTRACT_RECURSION_LIMIT):
            try:
                facts = _Extractor(tree, path, module, data, parsed=checked).run()
                if b"Table" in data:
                    facts = dataclasses.replace(facts, sa_tables=_table_names(tree))
                return facts
            except RecursionError:
                return _failed(path, module, "recursion",
                               "the file is nested too deeply to analyse (recursion limit)", 1, 1)
    except MemoryError:
        return _failed(path, module, "recursion", "the file is too large or too deeply nested to analyse "
                       "(out of memory)", 1, 1)
    except Exception as exc:  # noqa: BLE001 - a bug here must not end the run: SCL002
        return _failed(path, module, "internal", describe_exception(exc), 1, 1)


def _failed(path: str, module: str, kind: str, message: str, line: int, column: int) -> ModuleFacts:
    return ModuleFacts(
        path=path,
        module=module,
        imports={},
        classes=(),
        failure=ParseFailure(kind, message, Span(line, column, line, column + 1)),
    )


class _CodegenPositions:
    """Spans of nodes from libcst's position-tracking code generator, one top-level statement at a time.

    Exact for every node, but it re-generates the statement's code: several times the cost of
    parsing it. Used only where `_Positions` cannot pair a node with its `ast` twin.
    """

    def __init__(self, tree: cst.Module) -> None:
        self.tree = tree
        self.starts: Optional[List[int]] = None
        self.computed: Dict[int, Dict[cst.CSTNode, Any]] = {}

    def _codegen_text(self, node: cst.CSTNode) -> str:
        state = CodegenState(
            default_indent=self.tree.default_indent, default_newline=self.tree.default_newline
        )
        node._codegen(state)
        return "".join(state.tokens)

    def _statement_starts(self) -> List[int]:
        if self.starts is None:
            line = 1
            for empty in self.tree.header:
                line += len(_NEWLINE.findall(self._codegen_text(empty)))
            starts = []
            for stmt in self.tree.body:
                starts.append(line)
                line += len(_NEWLINE.findall(self._codegen_text(stmt)))
            self.starts = starts
        return self.starts

    def span(self, node: cst.CSTNode, top: int) -> Span:
        computed = self.computed.get(top)
        if computed is None:
            provider = PositionProvider()
            state = PositionProvidingCodegenState(
                default_indent=self.tree.default_indent,
                default_newline=self.tree.default_newline,
                provider=provider,
            )
            state.line = self._statement_starts()[top]
            self.tree.body[top]._codegen(state)
            computed = provider._computed
            self.computed[top] = computed
        rng = computed[node]
        return Span(rng.start.line, rng.start.column + 1, rng.end.line, rng.end.column + 1)


class _Mismatch(Exception):
    """libcst and `ast` disagree about the shape of a statement."""


_SPACE = r"(?:[ \t\f]|\\(?:\r\n?|\n))+"
_CLASS_HEAD = re.compile(r"class" + _SPACE)
_DEF_HEAD = re.compile(r"(?:async" + _SPACE + r")?def" + _SPACE)

# libcst expression types and the `ast` types of their twins. A libcst type missing here is
# never paired (its spans come from the code generator).
_EXPR_TWINS: Dict[type, Any] = {
    cst.Name: (ast.Name, ast.Constant),
    cst.Attribute: ast.Attribute,
    cst.SimpleString: ast.Constant,
    cst.ConcatenatedString: (ast.Constant, ast.JoinedStr),
    cst.FormattedString: ast.JoinedStr,
    cst.Integer: ast.Constant,
    cst.Float: ast.Constant,
    cst.Imaginary: ast.Constant,
    cst.Ellipsis: ast.Constant,
    cst.Call: ast.Call,
    cst.Subscript: ast.Subscript,
    cst.List: ast.List,
    cst.Tuple: ast.Tuple,
    cst.Set: ast.Set,
    cst.Dict: ast.Dict,
    cst.UnaryOperation: ast.UnaryOp,
    cst.BinaryOperation: ast.BinOp,
    cst.BooleanOperation: ast.BoolOp,
    cst.Comparison: ast.Compare,
    cst.IfExp: ast.IfExp,
    cst.Lambda: ast.Lambda,
    cst.NamedExpr: ast.NamedExpr,
    cst.Await: ast.Await,
    cst.ListComp: ast.ListComp,
    cst.SetComp: ast.SetComp,
    cst.DictComp: ast.DictComp,
}
_STMT_TWINS: Dict[type, Any] = {
    cst.ClassDef: ast.ClassDef,
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.If: ast.If,
    cst.Try: ast.Try,
    cst.With: (ast.With, ast.AsyncWith),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: ast.While,
    cst.AnnAssign: ast.AnnAssign,
    cst.Assign: ast.Assign,
    cst.Import: ast.Import,
    cst.ImportFrom: ast.ImportFrom,
}
if hasattr(ast, "TryStar"):  # Python 3.11+
    _STMT_TWINS[cst.TryStar] = ast.TryStar
_PAIR_DEPTH = _MAX_DEPTH + 4
_bisect_right = bisect.bisect_right
_TO_PAREN = re.compile(r"(?:[ \t\f\r\n]|\\\r?\n|\\\r|#[^\r\n]*)*\)")


def _flat(body: Union[cst.BaseSuite, Sequence[cst.BaseStatement]]) -> List[cst.CSTNode]:
    """The statements of a block as `ast` lists them: one entry per small statement."""
    if type(body) is cst.IndentedBlock:
        stmts: Sequence[Any] = body.body
    elif type(body) is cst.SimpleStatementSuite:
        return list(body.body)
    else:
        stmts = body  # type: ignore[assignment]
    out: List[cst.CSTNode] = []
    for stmt in stmts:
        if type(stmt) is cst.SimpleStatementLine:
            out.extend(stmt.body)
        else:
            out.append(stmt)
    return out


class _Positions:
    """Spans and source text of nodes, computed only for the nodes asked about.

    libcst computes positions by generating the code again with a position-tracking code
    generator, which costs several times the parse. The standard library's `ast` parser (in C)
    records the position of every node for a fraction of that, so a top-level statement is
    paired, node by node, with its `ast` twin when the first span inside it is asked for, and
    spans are read from the twins: line starts come from the decoded text, `ast`'s UTF-8 byte
    columns become character columns. A node the pairing does not cover (a parenthesised
    tuple, a generator argument, syntax the running Python's `ast` cannot read) gets its span
    from libcst's code generator, for that statement alone, as before.
    """

    def __init__(self, tree: cst.Module, data: Union[bytes, str], parsed: Optional[ast.Module] = None) -> None:
        self.tree = tree
        self.data = data
        self.parsed = parsed  # Python's tree of the same text, when the caller has one
        self._ready = False
        self._text = ""
        self._ascii = True
        self._line_starts: List[int] = []
        self._groups: Optional[List[List[ast.AST]]] = None
        self._paired: Dict[int, bool] = {}
        self._twins: Dict[int, Any] = {}  # id(libcst node) -> ast node or (start, end) offsets
        self._slow: Optional[_CodegenPositions] = None

    # ---------------------------------------------------------------- setup

    def _prepare(self) -> None:
        self._ready = True
        try:
            if isinstance(self.data, bytes):
                text = self.data.decode(self.tree.encoding)
            else:
                text = self.data
            if text.startswith("\ufeff"):
                text = text[1:]
            module = self.parsed
            if module is None:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    module = ast.parse(text)
        except (SyntaxError, ValueError, LookupError, UnicodeError, RecursionError, MemoryError):
            return
        groups: List[List[ast.AST]] = []
        index = 0
        for stmt in self.tree.body:
            count = len(stmt.body) if isinstance(stmt, cst.SimpleStatementLine) else 1
            groups.append(module.body[index:index + count])
            index += count
        if index != len(module.body) or any(not g for g in groups):
            return
        self._text = text
        self._ascii = text.isascii()
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self._groups = groups

    def _pair_top(self, top: int) -> bool:
        done = self._paired.get(top)
        if done is not None:
            return done
        if not self._ready:
            self._prepare()
        ok = False
        if self._groups is not None:
            try:
                self._pair_block(_flat([self.tree.body[top]]), self._groups[top], in_class=False)
                ok = True
            except (_Mismatch, RecursionError, IndexError):
                ok = False
        self._paired[top] = ok
        return ok

    # ---------------------------------------------------------------- pairing

    def _pair_block(self, stmts: List[cst.CSTNode], twins: Sequence[ast.AST], in_class: bool) -> None:
        if len(stmts) != len(twins):
            raise _Mismatch
        for c, a in zip(stmts, twins):
            expected = _STMT_TWINS.get(type(c))
            if expected is None:
                continue
            if not isinstance(a, expected):
                raise _Mismatch
            self._pair_stmt(c, a, in_class)

    def _pair_stmt(self, c: Any, a: Any, in_class: bool) -> None:
        twins = self._twins
        kind = type(c)  # always a key of _STMT_TWINS: exact types, no ABC checks
        if kind is cst.ClassDef:
            start = self._offset(a.lineno, a.col_offset)
            head = _CLASS_HEAD.match(self._text, start)
            name = c.name.value
            if head is None or not self._text.startswith(name, head.end()):
                raise _Mismatch
            twins[id(c.name)] = (head.end(), head.end() + len(name))
            keywords = a.keywords
            if len(c.keywords) != len(keywords):
                raise _Mismatch
            for arg, kw in zip(c.keywords, keywords):
                self._pair_keyword(arg, kw, 0)
            self._pair_block(_flat(c.body), a.body, in_class=True)
        elif kind is cst.FunctionDef:
            start = self._offset(a.lineno, a.col_offset)
            head = _DEF_HEAD.match(self._text, start)
            name = c.name.value
            if head is None or not self._text.startswith(name, head.end()):
                raise _Mismatch
            twins[id(c.name)] = (head.end(), head.end() + len(name))
            if not in_class:
                self._pair_block(_flat(c.body), a.body, in_class=False)
        elif kind is cst.AnnAssign or kind is cst.Assign:
            twins[id(c)] = a
            if kind is cst.AnnAssign:
                self._pair_expr(c.annotation.annotation, a.annotation, 0)
            if c.value is not None:
                if a.value is None:
                    raise _Mismatch
                self._pair_expr(c.value, a.value, 0)
        elif kind is cst.Import or kind is cst.ImportFrom:
            twins[id(c)] = a
            if type(c.names) is cst.ImportStar:
                return
            if len(c.names) != len(a.names):
                raise _Mismatch
            for alias, twin in zip(c.names, a.names):
                if hasattr(twin, "end_col_offset"):  # Python 3.10+
                    twins[id(alias)] = twin
        elif kind is cst.If:
            self._pair_block(_flat(c.body), a.body, in_class)
            orelse = c.orelse
            if orelse is None:
                if a.orelse:
                    raise _Mismatch
            elif type(orelse) is cst.If:
                self._pair_block([orelse], a.orelse, in_class)
            else:
                self._pair_block(_flat(orelse.body), a.orelse, in_class)
        elif kind is cst.Try or kind is cst.TryStar:
            self._pair_block(_flat(c.body), a.body, in_class)
            if len(c.handlers) != len(a.handlers):
                raise _Mismatch
            for handler, twin in zip(c.handlers, a.handlers):
                self._pair_block(_flat(handler.body), twin.body, in_class)
            self._pair_block(_flat(c.orelse.body) if c.orelse is not None else [], a.orelse, in_class)
            self._pair_block(_flat(c.finalbody.body) if c.finalbody is not None else [], a.finalbody,
                             in_class)
        else:  # With, For, While: only the body is read
            self._pair_block(_flat(c.body), a.body, in_class)

    def _pair_keyword(self, arg: cst.Arg, kw: Any, depth: int) -> None:
        """A libcst keyword (or `**`) argument and its `ast.keyword`."""
        if arg.keyword is not None:
            if kw.arg != arg.keyword.value:
                raise _Mismatch
            start = self._offset(kw.lineno, kw.col_offset)
            self._twins[id(arg.keyword)] = (start, start + len(kw.arg))
        elif kw.arg is not None:
            raise _Mismatch
        self._twins[id(arg)] = kw
        self._pair_expr(arg.value, kw.value, depth + 1)

    def _pair_expr(self, c: Any, a: Any, depth: int) -> None:
        if depth > _PAIR_DEPTH:
            return
        kind = type(c)  # exact types: no ABC checks
        expected = _EXPR_TWINS.get(kind)
        if expected is None:
            return
        if not isinstance(a, expected):
            raise _Mismatch
        if c.lpar and kind is cst.Tuple:
            # libcst's span leaves out every pair of parentheses around an expression, and so
            # does `ast`'s, except a tuple's own pair
            return
        self._twins[id(c)] = a
        if kind is cst.Call:
            positional = a.args
            keywords = a.keywords
            p = k = 0
            for arg in c.args:
                if arg.keyword is not None or arg.star == "**":
                    self._pair_keyword(arg, keywords[k], depth)
                    k += 1
                else:
                    twin = positional[p]
                    p += 1
                    if arg.star == "*":
                        if not isinstance(twin, ast.Starred):
                            raise _Mismatch
                        self._twins[id(arg)] = twin
                    else:
                        self._pair_expr(arg.value, twin, depth + 1)
                        if id(arg.value) in self._twins and not arg.value.lpar:
                            self._twins[id(arg)] = twin
            if p != len(positional) or k != len(keywords):
                raise _Mismatch
        elif kind is cst.List or kind is cst.Tuple or kind is cst.Set:
            if len(c.elements) != len(a.elts):
                raise _Mismatch
            for element, twin in zip(c.elements, a.elts):
                if type(element) is cst.Element:
                    self._pair_expr(element.value, twin, depth + 1)
        elif kind is cst.Dict:
            if len(c.elements) != len(a.keys):
                raise _Mismatch
            for element, key, value in zip(c.elements, a.keys, a.values):
                if type(element) is cst.DictElement:
                    if key is None:
                        raise _Mismatch
                    self._pair_expr(element.key, key, depth + 1)
                    self._pair_expr(element.value, value, depth + 1)
                    if id(element.key) in self._twins and id(element.value) in self._twins and not element.key.lpar:
                        end = self._past_parens(self._end(value), len(element.value.rpar))
                        if end is not None:
                            self._twins[id(element)] = (self._start(key), end)
                elif key is not None:
                    raise _Mismatch

    # ---------------------------------------------------------------- offsets

    def _past_parens(self, offset: int, count: int) -> Optional[int]:
        """The offset after `count` closing parentheses that follow `offset` (with spaces and
        comments between), or None when the text is not like that."""
        text = self._text
        for _ in range(count):
            match = _TO_PAREN.match(text, offset)
            if match is None:
                return None
            offset = match.end()
        return offset

    def _offset(self, line: int, byte_column: int) -> int:
        """Character offset in the text of `ast`'s (1-based line, UTF-8 byte column)."""
        start = self._line_starts[line - 1]
        if self._ascii or byte_column == 0:
            return start + byte_column
        text = self._text
        if text[start:start + byte_column].isascii():
            return start + byte_column
        end = self._line_starts[line] if line < len(self._line_starts) else len(text)
        return start + len(text[start:end].encode("utf-8")[:byte_column].decode("utf-8", "replace"))

    def _start(self, node: Any) -> int:
        return self._offset(node.lineno, node.col_offset)

    def _end(self, node: Any) -> int:
        return self._offset(node.end_lineno, node.end_col_offset)

    def _offsets(self, node: cst.CSTNode, top: int) -> Optional[Tuple[int, int]]:
        paired = self._paired.get(top)
        if paired is None:
            paired = self._pair_top(top)
        if not paired:
            return None
        twin = self._twins.get(id(node))
        if twin is None:
            return None
        if isinstance(twin, tuple):
            return twin
        if self._ascii:  # `_start` and `_end`, without the calls
            starts = self._line_starts
            return starts[twin.lineno - 1] + twin.col_offset, starts[twin.end_lineno - 1] + twin.end_col_offset
        return self._start(twin), self._end(twin)

    # ---------------------------------------------------------------- answers

    def constant(self, node: cst.CSTNode, top: int) -> Any:
        """The value of a string node from its `ast` twin (saves libcst's `literal_eval`), or UNKNOWN."""
        if self._pair_top(top):
            twin = self._twins.get(id(node))
            if isinstance(twin, ast.Constant) and isinstance(twin.value, (str, bytes)):
                return twin.value
        return UNKNOWN

    def span(self, node: cst.CSTNode, top: int) -> Span:
        offsets = self._offsets(node, top)
        if offsets is None:
            if self._slow is None:
                self._slow = _CodegenPositions(self.tree)
            return self._slow.span(node, top)
        starts = self._line_starts
        start, end = offsets
        line = _bisect_right(starts, start)
        end_line = _bisect_right(starts, end, line - 1)
        return Span(line, start - starts[line - 1] + 1, end_line, end - starts[end_line - 1] + 1)

    def source(self, node: cst.CSTNode, top: int) -> str:
        offsets = self._offsets(node, top)
        if offsets is None or getattr(node, "lpar", None):
            return self.tree.code_for_node(node)  # the source text includes the parentheses
        return self._text[offsets[0]:offsets[1]]


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """`a.b.c` for a chain of names, else None."""
    parts: List[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
        return ".".join(reversed(parts))
    return None


class _Extractor:
    def __init__(self, tree: cst.Module, path: str, module: str, data: Union[bytes, str] = b"",
                 parsed: Optional[ast.Module] = None) -> None:
        self.tree = tree
        self.path = path
        self.module = module
        self.positions = _Positions(tree, data, parsed)
        self.imports: Dict[str, Import] = {}
        self.star_imports: List[str] = []
        self.classes: List[ClassDecl] = []
        self.future_annotations: Optional[Span] = None
        self.top = 0

    # ------------------------------------------------------------------ walking

    def run(self) -> ModuleFacts:
        for index, stmt in enumerate(self.tree.body):
            self.top = index
            self._statement(stmt, type_checking=False, nested=False)
        return ModuleFacts(
            path=self.path,
            module=self.module,
            imports=dict(self.imports),
            classes=tuple(self.classes),
            future_annotations=self.future_annotations,
            star_imports=tuple(self.star_imports),
        )

    def span(self, node: cst.CSTNode) -> Span:
        return self.positions.span(node, self.top)

    def source(self, node: cst.CSTNode) -> str:
        text = self.positions.source(node, self.top)
        if len(text) > _MAX_SOURCE:
            text = text[: _MAX_SOURCE - 3] + "..."
        return text

    def _block(self, body: Union[cst.BaseSuite, Sequence[cst.BaseStatement]], type_checking: bool,
               nested: bool) -> None:
        if isinstance(body, cst.IndentedBlock):
            stmts: Sequence[Any] = body.body
        elif isinstance(body, cst.SimpleStatementSuite):
            stmts = [body]
        else:
            stmts = body  # type: ignore[assignment]
        for stmt in stmts:
            self._statement(stmt, type_checking, nested)

    def _statement(self, stmt: Any, type_checking: bool, nested: bool) -> None:
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                if isinstance(small, cst.Import):
                    self._import(small, type_checking)
                elif isinstance(small, cst.ImportFrom):
                    self._import_from(small, type_checking)
        elif isinstance(stmt, cst.ClassDef):
            self.classes.append(self._class(stmt, nested))
            # classes nested in a class body are visited by _class
        elif isinstance(stmt, cst.If):
            tc = type_checking or _is_type_checking_test(stmt.test)
            self._block(stmt.body, tc, nested)
            orelse = stmt.orelse
            while orelse is not None:
                if isinstance(orelse, cst.If):
                    self._block(orelse.body, type_checking, nested)
                    orelse = orelse.orelse
                else:
                    self._block(orelse.body, type_checking, nested)
                    orelse = None
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            self._block(stmt.body, type_checking, nested)
            for handler in stmt.handlers:
                self._block(handler.body, type_checking, nested)
            if stmt.orelse is not None:
                self._block(stmt.orelse.body, type_checking, nested)
            if stmt.finalbody is not None:
                self._block(stmt.finalbody.body, type_checking, nested)
        elif isinstance(stmt, (cst.With, cst.For, cst.While)):
            self._block(stmt.body, type_checking, nested)
        elif isinstance(stmt, cst.FunctionDef):
            self._block(stmt.body, type_checking, True)

    # ------------------------------------------------------------------ imports

    def _import(self, node: cst.Import, type_checking: bool) -> None:
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
                qualified = name
            else:
                local = name.split(".", 1)[0]
                qualified = local
            self.imports[local] = Import(local, qualified, type_checking, self.span(alias))
            if "." in name and alias.asname is None:
                # `import a.b.c` binds `a` but also runs `a.b.c`: keep that module under its
                # dotted name, which no lookup of an identifier can match.
                self.imports.setdefault(name, Import(name, name, type_checking, self.span(alias)))

    def _import_from(self, node: cst.ImportFrom, type_checking: bool) -> None:
        base = dotted_name(node.module) if node.module is not None else ""
        if base is None:
            return
        base = absolute_import(self.module, self.path, len(node.relative), base)
        if base == "__future__":
            for alias in node.names if not isinstance(node.names, cst.ImportStar) else ():
                if isinstance(alias.name, cst.Name) and alias.name.value == "annotations":
                    self.future_annotations = self.span(node)
            return
        if isinstance(node.names, cst.ImportStar):
            self.star_imports.append(base)
            return
        for alias in node.names:
            name = dotted_name(alias.name)
            if name is None:
                continue
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            qualified = f"{base}.{name}" if base else name
            self.imports[local] = Import(local, qualified, type_checking, self.span(alias))

    def resolve(self, dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        imp = self.imports.get(head)
        if imp is None:
            return dotted
        return imp.qualified + ("." + rest if rest else "")

    def _callee_is(self, call: cst.Call, name: str) -> bool:
        dotted = dotted_name(call.func)
        if dotted is None:
            return False
        resolved = self.resolve(dotted)
        if resolved.rsplit(".", 1)[-1] != name:
            return False
        root = resolved.split(".", 1)[0]
        return root not in ("pydantic", "sqlalchemy", "dataclasses", "attr", "attrs", "marshmallow")

    # ------------------------------------------------------------------ classes

    def _class(self, node: cst.ClassDef, nested: bool) -> ClassDecl:
        bases: List[str] = []
        unknown_bases = False
        keywords: Dict[str, Arg] = {}
        for arg in node.bases:
            expr = arg.value
            if isinstance(expr, cst.Subscript):
                expr = expr.value
            name = dotted_name(expr)
            if name is None or arg.star:
                unknown_bases = True
            else:
                bases.append(name)
        for arg in node.keywords:
            if arg.keyword is not None:
                keywords[arg.keyword.value] = self._arg(arg.keyword.value, arg, arg.keyword, arg.value)
            else:
                unknown_bases = True  # **kwargs in the class statement
        fields: List[FieldDecl] = []
        relationships: List[RelationshipDecl] = []
        attributes: List[str] = []
        tablename: Any = None
        tablename_span: Optional[Span] = None
        table_args = False

        body: Sequence[Any]
        if isinstance(node.body, cst.IndentedBlock):
            body = node.body.body
        else:
            body = [node.body]
        for stmt in body:
            if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
                for small in stmt.body:
                    if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                        name = small.target.value
                        attributes.append(name)
                        if name == "__tablename__":
                            tablename, tablename_span = self._tablename(small.value)
                            continue
                        if name == "__table_args__":
                            table_args = True
                            continue
                        self._member(node, name, small, small.annotation.annotation, small.value,
                                     fields, relationships)
                    elif isinstance(small, cst.Assign):
                        for target in small.targets:
                            if not isinstance(target.target, cst.Name):
                                continue
                            name = target.target.value
                            attributes.append(name)
                            if name == "__tablename__":
                                tablename, tablename_span = self._tablename(small.value)
                            elif name == "__table_args__":
                                table_args = True
                            elif len(small.targets) == 1 and isinstance(small.value, cst.Call) and (
                                self._callee_is(small.value, "Relationship")
                            ):
                                self._member(node, name, small, None, small.value, fields, relationships)
            elif isinstance(stmt, cst.FunctionDef):
                attributes.append(stmt.name.value)
                if stmt.name.value == "__tablename__":
                    tablename, tablename_span = UNKNOWN, self.span(stmt.name)
                elif stmt.name.value == "__table_args__":
                    table_args = True
            elif isinstance(stmt, cst.ClassDef):
                attributes.append(stmt.name.value)
                self.classes.append(self._class(stmt, True))
            else:
                # if/try blocks in a class body: names bound there exist, their values are unknown
                bound = _bound_names(stmt)
                attributes.extend(bound)
                if "__tablename__" in bound:
                    tablename, tablename_span = UNKNOWN, None
                if "__table_args__" in bound:
                    table_args = True

        return ClassDecl(
            name=node.name.value,
            path=self.path,
            module=self.module,
            span=self.span(node.name),
            name_span=self.span(node.name),
            bases=tuple(bases),
            keywords=keywords,
            tablename=tablename,
            tablename_span=tablename_span,
            fields=tuple(fields),
            relationships=tuple(relationships),
            attributes=tuple(attributes),
            table_args=table_args,
            unknown_bases=unknown_bases,
            nested=nested,
        )

    def _tablename(self, value: Optional[cst.BaseExpression]) -> Tuple[Any, Optional[Span]]:
        if value is None:
            return UNKNOWN, None
        lit = self._value(value)
        if isinstance(lit.value, str):
            return lit.value, lit.span
        return UNKNOWN, lit.span

    def _member(self, cls: cst.ClassDef, name: str, stmt: Union[cst.AnnAssign, cst.Assign],
                annotation: Optional[cst.BaseExpression], value: Optional[cst.BaseExpression],
                fields: List[FieldDecl], relationships: List[RelationshipDecl]) -> None:
        ann = self._annotation(annotation) if annotation is not None else None
        if isinstance(value, cst.Call) and self._callee_is(value, "Relationship"):
            relationships.append(self._relationship(cls.name.value, name, stmt, ann, value))
            return
        if ann is not None and ann.classvar:
            return
        is_field = isinstance(value, cst.Call) and self._callee_is(value, "Field")
        kwargs: Dict[str, Arg] = {}
        star = False
        sa_column: Optional[Value] = None
        sa_column_fk: Any = None
        if is_field:
            assert isinstance(value, cst.Call)
            for arg in value.args:
                if arg.star == "**":
                    star = True
                elif arg.keyword is not None:
                    kwargs[arg.keyword.value] = self._arg(arg.keyword.value, arg, arg.keyword, arg.value)
            col = kwargs.get("sa_column")
            if col is not None:
                sa_column = col.value
                sa_column_fk = self._column_foreign_key(value)
        nullable_from_type: Any = UNKNOWN
        if ann is not None:
            if ann.optional:
                nullable_from_type = True
            elif ann.target is not UNKNOWN and ann.target != "Any" and not ann.is_collection:
                nullable_from_type = False
        fields.append(FieldDecl(
            owner=cls.name.value,
            name=name,
            span=self.span(stmt),
            path=self.path,
            annotation=ann,
            is_field_call=is_field,
            nullable_from_type=nullable_from_type,
            kwargs=kwargs,
            has_star_kwargs=star,
            sa_column=sa_column,
            sa_column_fk=sa_column_fk,
        ))

    def _column_foreign_key(self, field_call: cst.Call) -> Any:
        """The target of `sa_column=Column(..., ForeignKey("t.c"))`, UNKNOWN, or None."""
        for arg in field_call.args:
            if arg.keyword is None or arg.keyword.value != "sa_column":
                continue
            column = arg.value
            if not isinstance(column, cst.Call):
                return UNKNOWN
            for inner in column.args:
                if isinstance(inner.value, cst.Call):
                    name = dotted_name(inner.value.func)
                    if name is not None and name.rsplit(".", 1)[-1] == "ForeignKey":
                        if inner.value.args:
                            target = self._literal(inner.value.args[0].value, 0)[1]
                            return target if isinstance(target, str) else UNKNOWN
                        return UNKNOWN
                if inner.star:
                    return UNKNOWN
            return None
        return None

    def _relationship(self, owner: str, attr: str, stmt: Union[cst.AnnAssign, cst.Assign],
                      ann: Optional[Annotation], call: cst.Call) -> RelationshipDecl:
        kwargs: Dict[str, Arg] = {}
        positional: List[Value] = []
        star = False
        for arg in call.args:
            if arg.star == "**":
                star = True
            elif arg.star == "*":
                star = True
            elif arg.keyword is not None:
                kwargs[arg.keyword.value] = self._arg(arg.keyword.value, arg, arg.keyword, arg.value)
            else:
                positional.append(self._value(arg.value))
        sa_kwargs: Dict[str, Arg] = {}
        known = True
        raw = None
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == "sa_relationship_kwargs":
                raw = arg.value
        if raw is not None:
            sa_kwargs, known = self._mapping_entries(raw)
        return RelationshipDecl(
            owner=owner,
            attr=attr,
            path=self.path,
            span=self.span(stmt),
            call_span=self.span(call),
            annotation=ann,
            kwargs=kwargs,
            positional=tuple(positional),
            has_star_kwargs=star,
            sa_kwargs=sa_kwargs,
            sa_kwargs_known=known,
        )

    def _mapping_entries(self, node: cst.BaseExpression) -> Tuple[Dict[str, Arg], bool]:
        entries: Dict[str, Arg] = {}
        known = True
        if isinstance(node, cst.Dict):
            for element in node.elements:
                if isinstance(element, cst.DictElement):
                    key = self._value(element.key)
                    if isinstance(key.value, str):
                        entries[key.value] = Arg(key.value, self._value(element.value),
                                                 self.span(element), key.span)
                    else:
                        known = False
                else:
                    known = False
        elif isinstance(node, cst.Call) and dotted_name(node.func) == "dict" and "dict" not in self.imports:
            for arg in node.args:
                if arg.keyword is not None and not arg.star:
                    entries[arg.keyword.value] = self._arg(arg.keyword.value, arg, arg.keyword, arg.value)
                else:
                    known = False
        else:
            known = False
        return entries, known

    def _arg(self, name: str, whole: cst.CSTNode, name_node: cst.CSTNode,
             value: cst.BaseExpression) -> Arg:
        return Arg(name, self._value(value), self.span(whole), self.span(name_node))

    # ------------------------------------------------------------------ values

    def _value(self, node: cst.BaseExpression, depth: int = 0) -> Value:
        kind, value = self._literal(node, depth)
        return Value(value=value, span=self.span(node), source=self.source(node), kind=kind)

    def _literal(self, node: cst.BaseExpression, depth: int) -> Tuple[str, Any]:
        if depth > _MAX_DEPTH:
            return "other", UNKNOWN
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            value = self.positions.constant(node, self.top)
            if value is UNKNOWN:
                try:
                    value = node.evaluated_value
                except Exception:  # noqa: BLE001 - libcst raises plain exceptions on odd prefixes
                    return "other", UNKNOWN
            if value is None:
                return "fstring", UNKNOWN
            return ("bytes" if isinstance(value, bytes) else "str"), value
        if isinstance(node, cst.FormattedString):
            return "fstring", UNKNOWN
        if isinstance(node, (cst.Integer, cst.Float)):
            try:
                return ("int" if isinstance(node, cst.Integer) else "float"), node.evaluated_value
            except Exception:  # noqa: BLE001
                return "other", UNKNOWN
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus) and isinstance(
            node.expression, (cst.Integer, cst.Float)
        ):
            kind, value = self._literal(node.expression, depth + 1)
            return kind, -value if value is not UNKNOWN else UNKNOWN
        if isinstance(node, cst.Name):
            if node.value == "True":
                return "bool", True
            if node.value == "False":
                return "bool", False
            if node.value == "None":
                return "none", None
            return "name", NameRef(node.value)
        if isinstance(node, cst.Attribute):
            name = dotted_name(node)
            return ("name", NameRef(name)) if name is not None else ("other", UNKNOWN)
        if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
            kind = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}[type(node)]
            items = []
            for element in node.elements:
                if isinstance(element, cst.StarredElement):
                    return kind, UNKNOWN
                items.append(self._value(element.value, depth + 1))
            return kind, tuple(items)
        if isinstance(node, cst.Dict):
            out: Dict[Any, Value] = {}
            for element in node.elements:
                if not isinstance(element, cst.DictElement):
                    return "dict", UNKNOWN
                key = self._literal(element.key, depth + 1)[1]
                if key is UNKNOWN or isinstance(key, NameRef):
                    return "dict", UNKNOWN
                out[key] = self._value(element.value, depth + 1)
            return "dict", out
        if isinstance(node, cst.Call):
            return "call", UNKNOWN
        return "other", UNKNOWN

    # ------------------------------------------------------------------ annotations

    def _annotation(self, node: cst.BaseExpression) -> Annotation:
        info: Dict[str, Any] = {
            "container": "", "optional": False, "mapped": False, "target_quoted": False,
            "whole_quoted": False, "quoted_union": False, "unions": 0, "classvar": False,
        }
        target = self._ann_walk(node, info, 0, in_string=False)
        return Annotation(source=self.source(node), span=self.span(node), target=target, **info)

    def _type_name(self, node: cst.BaseExpression) -> Optional[str]:
        name = dotted_name(node)
        if name is None:
            return None
        resolved = self.resolve(name)
        module, _, last = resolved.rpartition(".")
        if module and module not in _TYPING_MODULES and not module.startswith("sqlmodel"):
            # e.g. `models.Hero`: the last component is the class name
            return last
        return last

    def _ann_walk(self, node: cst.BaseExpression, info: Dict[str, Any], depth: int,
                  in_string: bool) -> Any:
        if depth > _MAX_DEPTH:
            return UNKNOWN
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            try:
                text = node.evaluated_value
            except Exception:  # noqa: BLE001
                return UNKNOWN
            if not isinstance(text, str):
                return UNKNOWN
            text = text.strip()
            if text.isidentifier() or re.fullmatch(r"[A-Za-z_][\w.]*", text):
                info["target_quoted"] = True
                return text.rsplit(".", 1)[-1]
            try:
                inner = cst.parse_expression(text)
            except Exception:  # noqa: BLE001
                return UNKNOWN
            if isinstance(inner, cst.BinaryOperation) and isinstance(inner.operator, cst.BitOr):
                info["quoted_union"] = True
            elif isinstance(inner, cst.Subscript):
                info["whole_quoted"] = True
            return self._ann_walk_detached(inner, info, depth + 1)
        return self._ann_walk_detached(node, info, depth)

    def _ann_walk_detached(self, node: cst.BaseExpression, info: Dict[str, Any], depth: int) -> Any:
        """Walk an annotation expression; uses no positions, so it also works on parsed strings."""
        if depth > _MAX_DEPTH:
            return UNKNOWN
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            return self._ann_walk(node, info, depth + 1, in_string=True)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            members = _flatten_union(node)
            non_none = [m for m in members if not _is_none(m)]
            if len(non_none) != len(members):
                info["optional"] = True
            info["unions"] = max(info["unions"], len(non_none))
            if len(non_none) == 1:
                return self._ann_walk_detached(non_none[0], info, depth + 1)
            return UNKNOWN
        if isinstance(node, cst.Subscript):
            head = self._type_name(node.value)
            elements = [s.slice.value for s in node.slice if isinstance(s.slice, cst.Index)]
            if head is None or not elements:
                return UNKNOWN
            if head in _WRAPPER_NAMES:
                info["mapped"] = True
                return self._ann_walk_detached(elements[0], info, depth + 1)
            if head == "ClassVar":
                info["classvar"] = True
                return self._ann_walk_detached(elements[0], info, depth + 1)
            if head == "Annotated":
                return self._ann_walk_detached(elements[0], info, depth + 1)
            if head in _OPTIONAL_NAMES:
                info["optional"] = True
                return self._ann_walk_detached(elements[0], info, depth + 1)
            if head in _UNION_NAMES:
                non_none = [e for e in elements if not _is_none(e)]
                if len(non_none) != len(elements):
                    info["optional"] = True
                info["unions"] = max(info["unions"], len(non_none))
                if len(non_none) == 1:
                    return self._ann_walk_detached(non_none[0], info, depth + 1)
                return UNKNOWN
            if head in _COLLECTIONS:
                if info["container"]:
                    return UNKNOWN  # nested collections: not a relationship we understand
                info["container"] = head
                return self._ann_walk_detached(elements[-1], info, depth + 1)
            return UNKNOWN
        if isinstance(node, (cst.Name, cst.Attribute)):
            name = self._type_name(node)
            if name is None:
                return UNKNOWN
            if name == "None":
                return UNKNOWN
            return name
        return UNKNOWN


def _flatten_union(node: cst.BaseExpression) -> List[cst.BaseExpression]:
    out: List[cst.BaseExpression] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.BitOr):
            stack.append(current.right)
            stack.append(current.left)
        else:
            out.append(current)
    return out


def _is_none(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name) and node.value in ("None", "NoneType"):
        return True
    if isinstance(node, (cst.SimpleString,)):
        try:
            return node.evaluated_value == "None"
        except Exception:  # noqa: BLE001
            return False
    return False


def _is_type_checking_test(test: cst.BaseExpression) -> bool:
    name = dotted_name(test)
    return name is not None and name.rsplit(".", 1)[-1] == "TYPE_CHECKING"


def _bound_names(stmt: cst.CSTNode) -> List[str]:
    """Names assigned or defined anywhere in a compound statement of a class body."""
    names: List[str] = []

    class _Names(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:  # noqa: N802 - libcst API
            names.append(node.value)

    try:
        stmt.visit(_Names())
    except RecursionError:
        pass
    return names


def _table_names(tree: cst.Module) -> Tuple[Any, ...]:
    """The first argument of every `Table(...)` / `sa.Table(...)` call: a str, or UNKNOWN."""
    names: List[Any] = []

    class _Tables(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:  # noqa: N802 - libcst API
            callee = dotted_name(node.func)
            if callee is None or callee.rsplit(".", 1)[-1] != "Table":
                return
            first = node.args[0] if node.args else None
            if first is None or first.keyword is not None or first.star:
                names.append(UNKNOWN)
                return
            value: Any = UNKNOWN
            if isinstance(first.value, (cst.SimpleString, cst.ConcatenatedString)):
                try:
                    value = first.value.evaluated_value
                except Exception:  # noqa: BLE001
                    value = UNKNOWN
            names.append(value if isinstance(value, str) else UNKNOWN)

    try:
        tree.visit(_Tables())
    except RecursionError:
        names.append(UNKNOWN)
    return tuple(names)


# ---------------------------------------------------------------------- robustness

# Deepest expression nesting (in `ast` nodes below one statement) handed to libcst. Its native
# parser recurses on the C stack and crashes the process (SIGSEGV) a few thousand levels deep,
# and is quadratic well before that. The deepest expression in the standard library and
# site-packages is 63 levels; Python itself gives up near 3,000 (1,000 in its tokenizer for
# brackets: 200).
MAX_EXPRESSION_DEPTH = 500
_EXTRACT_RECURSION_LIMIT = 20_000
_ERROR_POSITION = re.compile(r"error at (\d+):(\d+)")


def python_check(data: bytes) -> Union[Tuple[str, str, Span], ast.Module]:
    """(kind, message, span) when the file must not go to libcst, else Python's syntax tree.

    Uses `tokenize.detect_encoding`, `bytes.decode` and `ast.parse`: none of them runs the code.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # an unknown `coding:` cookie, or a cookie that contradicts a BOM
        if "invalid or missing encoding declaration" in str(exc.msg):
            # not UTF-8 in the first two lines and no cookie: say where
            encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        else:
            line = _cookie_line(data)
            return "decode", f"cannot decode the file: {exc.msg}", Span(line, 1, line, 2)
    try:
        text = data.decode(encoding)
    except LookupError as exc:  # a codec that is not a text encoding (`coding: rot13`)
        line = _cookie_line(data)
        return "decode", f"cannot decode the file: {exc}", Span(line, 1, line, 2)
    except UnicodeDecodeError as exc:
        line, column = _byte_position(data, exc.start, encoding)
        bad = data[exc.start:exc.end][:4].hex(" ")
        return ("decode", f"cannot decode the file as `{encoding}`: invalid byte{'s' if exc.end - exc.start > 1 else ''}"
                f" `0x{bad.replace(' ', ' 0x')}` at line {line}, column {column}",
                Span(line, column, line, column + 1))
    nul = text.find("\0")
    if nul >= 0:
        line, column = _text_position(text, nul)
        return "syntax", "source code cannot contain null bytes", Span(line, column, line, column + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning/DeprecationWarning on odd escapes
            tree = ast.parse(data)
    except SyntaxError as exc:
        return "syntax", _syntax_message(exc), _syntax_span(exc, text)
    except (RecursionError, MemoryError) as exc:
        return ("syntax", f"an expression is nested too deeply for Python's parser (`{type(exc).__name__}`)",
                Span(1, 1, 1, 2))
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes" on old Pythons
        return "syntax", str(exc), Span(1, 1, 1, 2)
    bulk = {id(stmt) for stmt in _bulk_statements(data, tree)}
    kept = [stmt for stmt in tree.body if id(stmt) not in bulk]
    deep = _too_deep(ast.Module(body=kept, type_ignores=[]), MAX_EXPRESSION_DEPTH, text)
    if deep is not None:
        line = getattr(deep, "lineno", 1) or 1
        column = (getattr(deep, "col_offset", 0) or 0) + 1
        return ("recursion", f"an expression at line {line} is nested more than {MAX_EXPRESSION_DEPTH} levels "
                "deep, too deep for the parser (libcst); the file was not checked",
                Span(line, column, line, column + 1))
    return tree


def _too_deep(tree: ast.AST, limit: int, text: Optional[str] = None) -> Optional[ast.AST]:
    """The first node nested more than `limit` levels below its statement, else None.

    With the source `text`, the nodes of a short statement are not visited: an expression
    nests at most one level per character (`-x`, `[x]`, `{x}`), plus its context leaf
    (`Load`), so a statement of fewer than `limit // 4` characters, decorators aside, holds no
    node that deep. Columns are UTF-8 bytes, never fewer than the characters.
    """
    stack: List[Tuple[ast.AST, int]] = [(tree, 0)]
    children = ast.iter_child_nodes
    statement = ast.stmt
    push, pop = stack.append, stack.pop
    short = limit // 4
    starts: Optional[List[int]] = None
    while stack:
        node, depth = pop()
        if isinstance(node, statement):
            depth = 0
            end_line, end_column = node.end_lineno, node.end_col_offset
            if text is not None and end_line is not None and end_column is not None and not getattr(
                    node, "decorator_list", None):
                if end_line == node.lineno:
                    size = end_column - node.col_offset
                else:  # from the start of its first line to its end: at least its length
                    if starts is None:
                        starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
                    size = starts[end_line - 1] + end_column - starts[node.lineno - 1]
                if size < short:
                    continue
        else:
            depth += 1
            if depth > limit:
                return node
        for child in children(node):
            push((child, depth))
    return None


def _syntax_message(exc: SyntaxError) -> str:
    message = str(exc.msg or "invalid syntax")
    if not isinstance(exc, SyntaxError) or type(exc) is SyntaxError:
        return message
    return f"{message} (`{type(exc).__name__}`)"  # IndentationError, TabError


def _syntax_span(exc: SyntaxError, text: str) -> Span:
    lines = _split_lines(text)
    line = exc.lineno or 1
    line = min(max(1, line), len(lines) + 1)
    width = len(lines[line - 1]) if line <= len(lines) else 0
    column = exc.offset if isinstance(exc.offset, int) and exc.offset > 0 else 1
    column = min(column, width + 1)
    end_line = getattr(exc, "end_lineno", None)
    end_column = getattr(exc, "end_offset", None)
    if (isinstance(end_line, int) and isinstance(end_column, int) and end_column > 0
            and (end_line, end_column) > (line, column) and end_line <= len(lines) + 1):
        return Span(line, column, end_line, end_column)
    return Span(line, column, line, column + 1)


def _split_lines(text: str) -> List[str]:
    """Lines as Python's tokenizer sees them: split at CRLF, CR and LF only (not at form feeds)."""
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _text_position(text: str, index: int) -> Tuple[int, int]:
    before = text[:index]
    newlines = list(_NEWLINE.finditer(before))
    line = len(newlines) + 1
    start = newlines[-1].end() if newlines else 0
    return line, index - start + 1


def _byte_position(data: bytes, index: int, encoding: str) -> Tuple[int, int]:
    before = data[:index]
    line = len(re.findall(rb"\r\n?|\n", before)) + 1
    start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    prefix = before[start:]
    if line == 1 and encoding == "utf-8-sig" and prefix.startswith(b"\xef\xbb\xbf"):
        prefix = prefix[3:]
    return line, len(prefix.decode(encoding, errors="replace")) + 1


def _cookie_line(data: bytes) -> int:
    for number, raw in enumerate(data.splitlines()[:2], start=1):
        if b"coding" in raw:
            return number
    return 1


def _libcst_position(exc: cst.ParserSyntaxError) -> Tuple[int, int]:
    match = _ERROR_POSITION.search(str(exc.message))
    if match:
        return max(1, int(match.group(1))), max(1, int(match.group(2)))
    return max(1, exc.raw_line), max(1, exc.raw_column + 1)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a file is parsed and read.

    libcst builds thousands of objects per file, each allocation counting towards the next
    collection, which then walks the young tree for cycles it never has (libcst trees hold no
    parent links); that is about a twentieth of the time of `extract`. What one file leaves
    in cycles is collected once the collector runs again.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def _recursion_limit(limit: int) -> Iterator[None]:
    """Raise the recursion limit while walking libcst trees (their code generator recurses)."""
    old = sys.getrecursionlimit()
    if old < limit:
        sys.setrecursionlimit(limit)
    try:
        yield
    finally:
        if old < limit:
            sys.setrecursionlimit(old)


def _failed_span(path: str, module: str, kind: str, message: str, span: Span) -> ModuleFacts:
    return ModuleFacts(path=path, module=module, imports={}, classes=(),
                       failure=ParseFailure(kind, message, span))


def describe_exception(exc: BaseException) -> str:
    """`TypeError: message [file.py:123]`, naming the innermost frame of the linter's own code."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = ""
    for frame in reversed(frames):
        if "sqlmodel_cascade_lint" in frame.filename.replace("\\", "/"):
            where = f" [{PurePath(frame.filename).name}:{frame.lineno}]"
            break
    else:
        if frames:
            where = f" [{PurePath(frames[-1].filename).name}:{frames[-1].lineno}]"
    text = str(exc)
    if len(text) > 200:
        text = text[:197] + "..."
    return f"{type(exc).__name__}: {text}{where}" if text else f"{type(exc).__name__}{where}"


# Top-level statements the extractor reads: everything else is a plain statement (an
# assignment, an expression) that it skips. Only large ones are blanked out, so that a later
# reader of module-level constants still sees the small ones.
_READ_STATEMENTS = tuple(getattr(ast, name) for name in (
    "Import", "ImportFrom", "ClassDef", "FunctionDef", "AsyncFunctionDef", "If", "Try", "TryStar",
    "With", "AsyncWith", "For", "AsyncFor", "While",
) if hasattr(ast, name))
_BULK_BYTES = 1000
# A statement that mentions one of these is never blanked, however large: the extractor (or a
# later one) may read it, e.g. `link = Table("hero_team", metadata, Column(...), ...)`.
_KEEP_MARKERS = (b"Table", b"Column", b"Relationship", b"relationship", b"Field", b"ForeignKey",
                 b"SQLModel", b"__tablename__")


def _bulk_statements(data: bytes, tree: ast.Module, also: Sequence[ast.stmt] = ()) -> List[ast.stmt]:
    """The top-level statements to blank out: `also`, and plain ones (assignments, expressions)
    of at least `_BULK_BYTES` that mention no marker. Small ones are kept for readers of
    module-level constants."""
    out = [stmt for stmt in tree.body if stmt in also]
    lines: Optional[List[bytes]] = None
    for stmt in tree.body:
        if isinstance(stmt, _READ_STATEMENTS) or stmt in also:
            continue
        end = getattr(stmt, "end_lineno", None) or stmt.lineno
        if end == stmt.lineno and (getattr(stmt, "end_col_offset", None) or 0) < _BULK_BYTES // 4:
            continue  # short one-liner: no need to look at its bytes
        if lines is None:
            lines = data.splitlines(keepends=True)
        text = b"".join(lines[stmt.lineno - 1:end])
        if len(text) >= _BULK_BYTES and not any(marker in text for marker in _KEEP_MARKERS):
            out.append(stmt)
    return out


def without_bulk(data: bytes, tree: ast.Module, also: Sequence[ast.stmt] = (), reduce: bool = False) -> bytes:
    """`data` with large top-level plain statements replaced by empty lines.

    Generated modules hold megabytes of data literals that libcst would parse at about 1 MB/s
    (and pathological nesting in them could crash it). Lines are kept, empty, with their line
    endings, so every position in the rest of the file is unchanged. A line shared with a
    statement that is kept (`x = [...]; import y`) keeps the whole statement.

    With `reduce`, the statements that `reduction.reduce_source` picks are blanked too.
    """
    bulk = _bulk_statements(data, tree, also)
    lines: Optional[List[bytes]] = None
    edits: Dict[int, bytes] = {}
    if reduce:
        lines = data.splitlines(keepends=True)
        edits = reduce_source(data, tree, lines, skip=bulk)
    if not bulk and not edits:
        return data
    blanked = {id(stmt) for stmt in bulk}
    kept_lines = set()
    for stmt in tree.body:
        if id(stmt) not in blanked:
            kept_lines.update(range(stmt.lineno, (getattr(stmt, "end_lineno", None) or stmt.lineno) + 1))
    for stmt in bulk:
        span = range(stmt.lineno, (getattr(stmt, "end_lineno", None) or stmt.lineno) + 1)
        if not kept_lines.intersection(span):
            edits.update(dict.fromkeys(span, b""))
    if not edits:
        return data
    out = []
    for number, line in enumerate(data.splitlines(keepends=True) if lines is None else lines, start=1):
        new = edits.get(number)
        if new is not None:
            stripped = line.rstrip(b"\r\n")
            ending = line[len(stripped):]
            out.append((b"\xef\xbb\xbf" if number == 1 and line.startswith(b"\xef\xbb\xbf") else b"") + new + ending)
        else:
            out.append(line)
    return b"".join(out)


_LENIENT_RETRIES = 5


def _parse_leniently(data: bytes, tree: ast.Module, reduce: bool = False) -> cst.Module:
    """libcst's tree of `data` without bulk; top-level plain statements libcst rejects although
    Python accepts them (`(x): int = 1`) are blanked out too, so the rest is still checked.

    With `reduce`, first the reduced text (see `reduction`); when libcst fails on that, the
    file takes the unreduced way below, so that every failure is reported as before.

    Raises the `ParserSyntaxError` when the error is elsewhere (in a class, an import).
    """
    if reduce:
        try:
            return cst.parse_module(without_bulk(data, tree, (), reduce=True))
        except Exception:  # noqa: BLE001 - the unreduced parse below reports it as before
            pass
    also: List[ast.stmt] = []
    for _ in range(_LENIENT_RETRIES):
        try:
            return cst.parse_module(without_bulk(data, tree, also))
        except cst.ParserSyntaxError as exc:
            line, _column = _libcst_position(exc)
            culprit = next((stmt for stmt in tree.body
                            if stmt.lineno <= line <= (getattr(stmt, "end_lineno", None) or stmt.lineno)), None)
            if culprit is None or isinstance(culprit, _READ_STATEMENTS) or culprit in also:
                raise
            also.append(culprit)
    return cst.parse_module(without_bulk(data, tree, also))
