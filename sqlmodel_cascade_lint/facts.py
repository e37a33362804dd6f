"""Facts recorded from source code: what the code says, never what is wrong with it.

Every fact is a frozen, slotted dataclass. Values that are not literals are `UNKNOWN`.
Spans are 1-based for lines and columns; the end column points just past the last character
(so an end column is exclusive, as ruff's are).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional, Tuple, Union

if sys.version_info >= (3, 10):
    _SLOTS: Dict[str, bool] = {"slots": True}
else:  # pragma: no cover - Python 3.9
    _SLOTS = {}


def fact(cls: Any) -> Any:
    """Make `cls` a frozen (and, where the Python version allows it, slotted) dataclass."""
    return dataclass(frozen=True, **_SLOTS)(cls)


class _Unknown:
    """The value of an expression that is not a literal (a variable, a call, an f-string)."""

    _instance: Optional["_Unknown"] = None

    def __new__(cls) -> "_Unknown":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare with `is UNKNOWN`")

    def __reduce__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


@fact
class NameRef:
    """A reference to a name in the source, such as `HeroTeamLink` or `Hero.name`."""

    dotted: str

    @property
    def last(self) -> str:
        return self.dotted.rsplit(".", 1)[-1]

    @property
    def first(self) -> str:
        return self.dotted.split(".", 1)[0]


@fact
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@fact
class Value:
    """One expression: its literal value (or `UNKNOWN`, or a `NameRef`) and where it is.

    `value` holds plain Python values for literals (str, bytes, int, float, bool, None,
    tuple for list/tuple/set displays, dict for dict displays); list elements and dict values
    are themselves `Value`s so that each keeps its own span.
    """

    value: Any
    span: Span
    source: str = ""
    kind: str = ""  # "str", "bytes", "int", "float", "bool", "none", "list", "tuple", "set",
    # "dict", "name", "fstring", "call", "other"

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def literal(self) -> Any:
        """The plain Python value with nested `Value`s unwrapped, or `UNKNOWN`."""
        value = self.value
        if type(value) in _SCALARS:  # most values: nothing to unwrap
            return value
        return _unwrap(value)


_SCALARS = frozenset({str, bytes, int, float, bool, type(None)})


def _unwrap(value: Any) -> Any:
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, Value):
        return _unwrap(value.value)
    if isinstance(value, tuple):
        items = [_unwrap(v) for v in value]
        if any(i is UNKNOWN for i in items):
            return UNKNOWN
        return tuple(items)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            inner = _unwrap(v)
            if inner is UNKNOWN:
                return UNKNOWN
            out[k] = inner
        return out
    return value


@fact
class Arg:
    """A keyword argument `name=value` (or a dict entry `"name": value`)."""

    name: str
    value: Value
    span: Span  # the whole `name=value` (or `"name": value`)
    name_span: Span


@fact
class Annotation:
    """What a class attribute's annotation says about the related class.

    `container` is the collection spelling (`list`, `List`, `Set`, `Sequence`, ...) or "" for
    a scalar. `target` is the class name it points at, or `UNKNOWN`.
    """

    source: str
    span: Span
    target: Any  # str or UNKNOWN
    container: str = ""
    optional: bool = False
    mapped: bool = False
    target_quoted: bool = False
    whole_quoted: bool = False  # the whole generic or union is one string: "List[Hero]"
    quoted_union: bool = False  # "Team | None"
    unions: int = 0  # number of non-None members of a Union (more than one is an error)
    classvar: bool = False

    @property
    def is_collection(self) -> bool:
        return self.container != ""

    @property
    def is_list(self) -> bool:
        return self.container in ("list", "List")


@fact
class FieldDecl:
    """A column-like attribute of a model class: `name: type = Field(...)` or `name: type`."""

    owner: str
    name: str
    span: Span
    path: str
    annotation: Optional[Annotation]
    is_field_call: bool
    nullable_from_type: Any  # True, False or UNKNOWN
    kwargs: Mapping[str, Arg] = field(default_factory=dict)
    has_star_kwargs: bool = False
    sa_column: Optional[Value] = None
    sa_column_fk: Any = None  # str target from Column(ForeignKey("t.c")), UNKNOWN, or None

    def arg(self, name: str) -> Optional[Arg]:
        return self.kwargs.get(name)

    @property
    def foreign_key(self) -> Optional[Arg]:
        return self.kwargs.get("foreign_key")

    @property
    def is_primary_key(self) -> Any:
        pk = self.kwargs.get("primary_key")
        if pk is None:
            return False
        return pk.value.literal()

    @property
    def nullable(self) -> Any:
        """True, False or UNKNOWN, as SQLModel computes it."""
        explicit = self.kwargs.get("nullable")
        if explicit is not None:
            value = explicit.value.literal()
            return UNKNOWN if value is UNKNOWN else bool(value)
        pk = self.is_primary_key
        if pk is UNKNOWN:
            return UNKNOWN
        if pk:
            return False
        return self.nullable_from_type

    @property
    def symbol(self) -> str:
        return f"{self.owner}.{self.name}"


@fact
class RelationshipDecl:
    """One `attr: Annotation = Relationship(...)` in a class body."""

    owner: str
    attr: str
    path: str
    span: Span  # the whole assignment statement
    call_span: Span
    annotation: Optional[Annotation]
    kwargs: Mapping[str, Arg]  # Relationship() keyword arguments
    positional: Tuple[Value, ...] = ()
    has_star_kwargs: bool = False
    # sa_relationship_kwargs entries; `sa_kwargs_known` is False when the mapping is not a
    # literal (a variable, a call, or a dict with `**` entries).
    sa_kwargs: Mapping[str, Arg] = field(default_factory=dict)
    sa_kwargs_known: bool = True

    @property
    def symbol(self) -> str:
        return f"{self.owner}.{self.attr}"

    @property
    def target(self) -> Any:
        if self.annotation is None:
            return UNKNOWN
        return self.annotation.target

    def param(self, name: str) -> Optional[Arg]:
        return self.kwargs.get(name)

    def option(self, name: str) -> Optional[Arg]:
        """The `relationship()` keyword `name` as given in `sa_relationship_kwargs`."""
        return self.sa_kwargs.get(name)


@fact
class ClassDecl:
    """A class statement, with what its body says."""

    name: str
    path: str
    module: str
    span: Span  # the `class` line up to the colon
    name_span: Span
    bases: Tuple[str, ...]  # dotted base names as written (resolved later by the project)
    keywords: Mapping[str, Arg]
    tablename: Any  # str, UNKNOWN, or None for the default
    tablename_span: Optional[Span]
    fields: Tuple[FieldDecl, ...]
    relationships: Tuple[RelationshipDecl, ...]
    attributes: Tuple[str, ...]  # every name bound in the class body
    table_args: bool = False  # has `__table_args__` (may add constraints we cannot see)
    unknown_bases: bool = False  # a base is not a plain dotted name
    nested: bool = False  # defined inside a function or another class

    @property
    def table_kw(self) -> Any:
        """True, False, UNKNOWN (a non-literal `table=`) or None (not given)."""
        kw = self.keywords.get("table")
        if kw is None:
            return None
        return kw.value.literal()

    def field(self, name: str) -> Optional[FieldDecl]:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def relationship(self, name: str) -> Optional[RelationshipDecl]:
        for r in self.relationships:
            if r.attr == name:
                return r
        return None


@fact
class Import:
    local: str  # the name bound in the module
    qualified: str  # the absolute dotted name it stands for
    type_checking: bool
    span: Span


@fact
class ParseFailure:
    """Why a file gave no facts: a syntax error, an undecodable file, an unreadable file."""

    kind: str  # "syntax", "decode", "read", "recursion", "parser" (libcst only), "internal" (a bug)
    message: str
    span: Span


@fact
class ModuleFacts:
    path: str  # as given to the linter (posix style)
    module: str  # dotted module name relative to the project root
    imports: Mapping[str, Import]
    classes: Tuple[ClassDecl, ...]
    future_annotations: Optional[Span] = None
    star_imports: Tuple[str, ...] = ()
    failure: Optional[ParseFailure] = None
    # names of plain SQLAlchemy `Table("name", metadata, ...)` calls: str, or UNKNOWN when the
    # name is not a literal
    sa_tables: Tuple[Any, ...] = ()

    def resolve(self, dotted: str) -> str:
        """The absolute dotted name that `dotted`, as written in this module, stands for."""
        head, _, rest = dotted.partition(".")
        imp = self.imports.get(head)
        if imp is None:
            return dotted
        return imp.qualified + ("." + rest if rest else "")


Subject = Union[RelationshipDecl, FieldDecl, ClassDecl, ModuleFacts]
