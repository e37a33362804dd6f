"""What SQLModel and SQLAlchemy do with relationship settings (see shared semantics.md).

Pure functions over facts: the effective cascade, flags after SQLModel's merge of
`sa_relationship_kwargs`, and the vocabularies SQLAlchemy accepts.
"""

from __future__ import annotations

import re
from typing import Any, FrozenSet, List, Optional, Tuple

from sqlmodel_cascade_lint.facts import UNKNOWN, Arg, NameRef, RelationshipDecl

CASCADE_TOKENS = ("save-update", "merge", "expunge", "delete", "delete-orphan", "refresh-expire",
                  "all", "none")
ALL_EXPANDS_TO = frozenset({"save-update", "merge", "refresh-expire", "expunge", "delete"})
DEFAULT_CASCADE = frozenset({"save-update", "merge"})
SQLMODEL_CASCADE_DELETE = frozenset(ALL_EXPANDS_TO | {"delete-orphan"})
VIEWONLY_KEEPS = frozenset({"expunge", "refresh-expire", "merge"})

ONDELETE_ACTIONS = ("CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION")

LAZY_STRATEGIES = ("select", "joined", "subquery", "selectin", "immediate", "raise", "raise_on_sql",
                   "noload", "dynamic", "write_only", "baked_select")

RELATIONSHIP_PARAMETERS = ("back_populates", "cascade_delete", "passive_deletes", "link_model",
                           "sa_relationship", "sa_relationship_args", "sa_relationship_kwargs")

# relationship() keywords (SQLAlchemy 2.0/2.1), plus what RelationshipProperty accepts via **kw.
RELATIONSHIP_KWARGS = (
    "argument", "secondary", "uselist", "collection_class", "primaryjoin", "secondaryjoin",
    "back_populates", "order_by", "backref", "overlaps", "post_update", "cascade", "viewonly",
    "init", "repr", "default", "default_factory", "compare", "kw_only", "hash", "lazy",
    "passive_deletes", "passive_updates", "active_history", "enable_typechecks", "foreign_keys",
    "remote_side", "join_depth", "comparator_factory", "single_parent", "innerjoin",
    "distinct_target_key", "load_on_pending", "query_class", "info", "omit_join", "sync_backref",
    "dataclass_metadata", "doc", "bake_queries", "cascade_backrefs",
)
DATACLASS_ONLY_KWARGS = ("init", "repr", "default", "default_factory", "compare", "kw_only", "hash",
                         "dataclass_metadata")

_SPLIT = re.compile(r"\s*,\s*")


def split_cascade(value: str) -> List[str]:
    """Tokens exactly as SQLAlchemy's `CascadeOptions.from_string` splits them."""
    return [token for token in _SPLIT.split(value) if token]


def cascade_elements(value: Any) -> Any:
    """The raw cascade tokens of a literal cascade value, or UNKNOWN.

    Strings are split on commas; list/tuple/set elements are taken as they are. Non-iterable
    values (bool, int, None handled by the caller) give UNKNOWN here.
    """
    if isinstance(value, str):
        return split_cascade(value)
    if isinstance(value, tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return list(value)
    return UNKNOWN


def expand(tokens: List[str]) -> FrozenSet[str]:
    """The cascade set SQLAlchemy computes from valid tokens."""
    values = set(tokens)
    if "none" in values:
        return frozenset()
    if "all" in values:
        values |= ALL_EXPANDS_TO
    values.discard("all")
    return frozenset(values)


def cascade_arg(rel: RelationshipDecl) -> Optional[Arg]:
    """The `cascade` entry of `sa_relationship_kwargs`, if written."""
    return rel.option("cascade")


def effective_cascade(rel: RelationshipDecl) -> Any:
    """The cascade set SQLAlchemy ends up with (before viewonly filtering), or UNKNOWN.

    UNKNOWN also when the cascade is invalid (that is another rule's finding).
    """
    if "sa_relationship" in rel.kwargs or rel.has_star_kwargs:
        return UNKNOWN
    arg = cascade_arg(rel)
    if arg is not None:
        value = arg.value.literal()
        if value is None:
            return frozenset()
        elements = cascade_elements(value)
        if elements is UNKNOWN or any(t not in CASCADE_TOKENS for t in elements):
            return UNKNOWN
        return expand(elements)
    if not rel.sa_kwargs_known:
        return UNKNOWN
    param = rel.param("cascade_delete")
    if param is not None:
        flag = param.value.literal()
        if flag is UNKNOWN or isinstance(flag, NameRef):
            return UNKNOWN
        if flag:
            return SQLMODEL_CASCADE_DELETE
    return DEFAULT_CASCADE


def effective_option(rel: RelationshipDecl, name: str, parameter: Optional[str] = None) -> Any:
    """The literal value of a relationship() option after SQLModel's merge, None if unset.

    `parameter` names the SQLModel `Relationship()` parameter that sets the same option.
    """
    if "sa_relationship" in rel.kwargs or rel.has_star_kwargs:
        return UNKNOWN
    arg = rel.option(name)
    if arg is not None:
        value = arg.value.literal()
        return UNKNOWN if isinstance(value, NameRef) else value
    if not rel.sa_kwargs_known:
        return UNKNOWN
    if parameter is not None:
        param = rel.param(parameter)
        if param is not None:
            value = param.value.literal()
            if value is UNKNOWN or isinstance(value, NameRef):
                return UNKNOWN
            return value if value else None  # SQLModel passes only truthy values on
    return None


def passive_deletes(rel: RelationshipDecl) -> Any:
    return effective_option(rel, "passive_deletes", "passive_deletes")


def is_viewonly(rel: RelationshipDecl) -> Any:
    value = effective_option(rel, "viewonly")
    if value is UNKNOWN:
        return UNKNOWN
    return bool(value)


def single_parent(rel: RelationshipDecl) -> Any:
    value = effective_option(rel, "single_parent")
    if value is UNKNOWN:
        return UNKNOWN
    return bool(value)


def cascade_source(rel: RelationshipDecl) -> Tuple[str, Any]:
    """Where the cascade comes from, for messages: ("kwargs", Arg), ("cascade_delete", Arg), or ("default", None)."""
    arg = cascade_arg(rel)
    if arg is not None:
        return "kwargs", arg
    param = rel.param("cascade_delete")
    if param is not None and param.value.literal() not in (False, None, UNKNOWN):
        return "cascade_delete", param
    return "default", None
