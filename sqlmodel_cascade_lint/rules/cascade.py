"""Family 1: cascades, and what they do depending on the relationship's direction."""

from __future__ import annotations

import re
from typing import Any, Iterator, List, Optional, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Fix, Severity
from sqlmodel_cascade_lint.facts import UNKNOWN, Arg, FieldDecl, RelationshipDecl, Value
from sqlmodel_cascade_lint.project import UNRESOLVED, Direction
from sqlmodel_cascade_lint.rules import Context, did_you_mean, rule
from sqlmodel_cascade_lint.semantics import (
    CASCADE_TOKENS,
    ONDELETE_ACTIONS,
    cascade_arg,
    cascade_source,
    effective_cascade,
    is_viewonly,
    passive_deletes,
    single_parent,
    split_cascade,
)

# Cascades a viewonly relationship keeps; SQLAlchemy drops the others without a word.
_PERSISTENCE_CASCADES = ("save-update", "delete", "delete-orphan")
_SEPARATORS = re.compile(r"[\s,;|+/&]+")
# Words that belong together in a hyphenated token: `delete orphan` -> `delete-orphan`.
_JOINED = {t.replace("-", " "): t for t in CASCADE_TOKENS if "-" in t}


# ---------------------------------------------------------------------- helpers


def _suggest(token: str) -> Tuple[Optional[str], bool]:
    """What an invalid cascade token was probably meant to be, and whether that is certain.

    Certain means it differs only in case, `_` for `-`, surrounding whitespace or a separator
    other than a comma; a fuzzy match (`delete-orphans`) is a guess.
    """
    lowered = token.strip().lower().replace("_", "-")
    if lowered in CASCADE_TOKENS:
        return lowered, True
    words = [w for w in _SEPARATORS.split(lowered.replace("-", " ")) if w]
    parts: List[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i:i + 2])
        if pair in _JOINED:
            parts.append(_JOINED[pair])
            i += 2
        else:
            parts.append(words[i])
            i += 1
    if parts and all(p in CASCADE_TOKENS for p in parts):
        return ", ".join(dict.fromkeys(parts)), True
    if len(parts) > 1:
        guesses = [p if p in CASCADE_TOKENS else did_you_mean(p, CASCADE_TOKENS, cutoff=0.8) for p in parts]
        if all(g is not None for g in guesses):
            return ", ".join(dict.fromkeys(g for g in guesses if g is not None)), False
    return did_you_mean(lowered, CASCADE_TOKENS, cutoff=0.7), False


def _quote(token: Any) -> str:
    """A token for a message: `delete_orphan`, or `' all'` when whitespace matters."""
    if isinstance(token, str) and token == token.strip() and token:
        return f"`{token}`"
    return f"`{token!r}`"


def _tokens(tokens: Any) -> str:
    return ", ".join(f"`{t}`" for t in sorted(tokens))


def _explicit_cascade(rel: RelationshipDecl) -> Any:
    """(cascade set, where it is written, how) for an explicitly given valid cascade.

    None when the cascade is SQLAlchemy's default, UNKNOWN when it cannot be known or is
    invalid (another rule's finding). "how" is "kwargs" (the span is the cascade value) or
    "cascade_delete" (the span is the whole `cascade_delete=True` argument).
    """
    cascade = effective_cascade(rel)
    if cascade is UNKNOWN:
        return UNKNOWN
    how, arg = cascade_source(rel)
    if how == "default":
        return None
    if how == "kwargs":
        return cascade, arg.value.span, how
    return cascade, arg.span, how


def _describe(how: str, rel: RelationshipDecl) -> str:
    """How the cascade was written, for messages."""
    if how == "cascade_delete":
        return "`cascade_delete=True`"
    arg = cascade_arg(rel)
    assert arg is not None
    return f"cascade `{arg.value.source}`"


def _option_arg(rel: RelationshipDecl, name: str, parameter: Optional[str] = None) -> Optional[Arg]:
    """The argument that sets a relationship() option after SQLModel's merge (kwargs win)."""
    arg = rel.option(name)
    if arg is not None:
        return arg
    if parameter is not None:
        return rel.param(parameter)
    return None


def _plain(value: Any) -> bool:
    """True for a plain literal (str, bytes, number, bool, None), False for UNKNOWN or names."""
    return value is None or isinstance(value, (str, bytes, int, float, bool))


def _not_viewonly(rel: RelationshipDecl) -> bool:
    return is_viewonly(rel) is False


def _partner_is_scalar(rel: RelationshipDecl, ctx: Context) -> bool:
    """True when the back_populates partner is declared scalar (a one-to-one pair)."""
    partner = ctx.project.partner(rel)
    if partner is UNRESOLVED or partner.annotation is None:
        return False
    uselist = partner.option("uselist")
    if uselist is not None and uselist.value.literal() is False:
        return True
    return partner.annotation.target is not UNKNOWN and not partner.annotation.is_collection


def _child_foreign_key(rel: RelationshipDecl, ctx: Context) -> Optional[Tuple[FieldDecl, str]]:
    """The foreign key column on the target that a one-to-many relationship joins on.

    Returns the field and its name as `Target.column` (the field may be declared on a base
    class of the target).
    """
    if "primaryjoin" in rel.sa_kwargs:
        return None
    owner = ctx.project.owner_of(rel)
    target = ctx.project.target_class(rel)
    if target is UNRESOLVED:
        return None
    paths = ctx.project.fk_paths(owner, target)
    if paths is UNKNOWN:
        return None
    _, backward = paths
    fk_option = rel.option("foreign_keys")
    if fk_option is not None:
        value = fk_option.value.literal()
        names = [value] if isinstance(value, str) else None
        if names is None:
            return None
        text = names[0].strip().strip("[]")
        wanted = {t.strip() for t in text.split(",") if t.strip()}
        backward = [fk for fk in backward if f"{target.name}.{fk.field.name}" in wanted]
    if len(backward) != 1:
        return None
    fk = backward[0]
    if fk.field.sa_column is not None or fk.field.has_star_kwargs or fk.field.foreign_key is None:
        return None
    return fk.field, f"{target.name}.{fk.field.name}"


def _ondelete(field: FieldDecl) -> Any:
    """The field's `ondelete` literal, None when not given, or UNKNOWN."""
    arg = field.arg("ondelete")
    if arg is None:
        return None
    value = arg.value.literal()
    return value if isinstance(value, str) else UNKNOWN


def _nullable(field: FieldDecl) -> Any:
    """The column's nullability as the database sees it, or UNKNOWN."""
    extra = field.arg("sa_column_kwargs")
    if extra is not None:
        value = extra.value.literal()
        if not isinstance(value, dict) or "nullable" in value:
            return UNKNOWN
    return field.nullable


# ---------------------------------------------------------------------- SCL101-SCL106: the value


@rule("SCL101", Severity.ERROR, fixable=True)
def invalid_cascade_token(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for cascade strings with a token SQLAlchemy does not know.

    ## Why is this bad?
    SQLAlchemy splits a cascade string on commas only, keeps the case and the surrounding
    whitespace of the whole string, and accepts exactly eight tokens: `save-update`, `merge`,
    `expunge`, `delete`, `delete-orphan`, `refresh-expire`, `all` and `none`. Anything else,
    such as `delete_orphan`, `delete orphan`, `Delete`, `" all"`, `all delete-orphan` (a space
    instead of a comma) or `all;delete-orphan`, is rejected.

    ## When it breaks
    Class definition: the `relationship()` constructor raises
    `ArgumentError: Invalid cascade option(s): 'delete_orphan'` when the model class is defined,
    that is when its module is imported.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all, delete_orphan"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    The fix rewrites the cascade string with the suggested tokens. It is safe when every
    suggestion only changes case, `_` to `-`, whitespace or the separator (`delete_orphan`,
    `Delete`, `" all"`, `all delete-orphan`): the original string cannot work and the fix keeps
    every token's meaning. It is unsafe when a suggestion is a guess from a similar spelling
    (`delete-orphans` to `delete-orphan`).
    """
    arg = cascade_arg(rel)
    if arg is None:
        return
    value = arg.value.value
    if not isinstance(value, str):
        return
    tokens = split_cascade(value)
    bad = [t for t in tokens if t not in CASCADE_TOKENS]
    if not bad:
        return
    fixed: List[str] = []
    certain = True
    suggestions = {}
    for token in tokens:
        if token in CASCADE_TOKENS:
            fixed.append(token)
            continue
        suggestion, exact = _suggest(token)
        suggestions[token] = suggestion
        certain = certain and exact
        if suggestion is None:
            fixed = []
            break
        fixed.append(suggestion)
    names = ", ".join(_quote(t) for t in bad)
    plural = "s" if len(bad) > 1 else ""
    message = (f"`{rel.symbol}` has invalid cascade token{plural} {names} in `{value}`; "
               f"SQLAlchemy raises `ArgumentError` when `{rel.owner}` is defined")
    hints = [f"{_quote(t)} means `{s}`" for t, s in suggestions.items() if s is not None]
    if hints:
        message += f" (did you mean: {'; '.join(hints)}?)"
    fix = None
    if fixed:
        new = ", ".join(dict.fromkeys(", ".join(fixed).split(", ")))
        fix = Fix(f"Replace `{value}` with `{new}`", (Edit(arg.value.span, f'"{new}"'),),
                  applicability="safe" if certain else "unsafe")
    yield ctx.report(arg.value.span, message, fix=fix)


@rule("SCL102", Severity.ERROR, fixable=True)
def invalid_cascade_element(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for list, tuple or set cascade values with an element that is not one token.

    ## Why is this bad?
    When the cascade is a list, tuple or set, SQLAlchemy takes each element as one token: it
    neither splits elements on commas nor strips them. `["all, delete-orphan"]` is one
    unknown token `'all, delete-orphan'`, and `[" all"]` is the unknown token `' all'`.

    ## When it breaks
    Class definition: the `relationship()` constructor raises
    `ArgumentError: Invalid cascade option(s): 'all, delete-orphan'` when the model class is
    defined.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": ["all, delete-orphan"]}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": ["all", "delete-orphan"]}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    The fix replaces the element with one element per suggested token
    (`"all, delete-orphan"` becomes `"all", "delete-orphan"`). It is safe when the suggestion
    only splits, strips or changes case or `_` to `-`, and unsafe when it is a guess from a
    similar spelling.
    """
    arg = cascade_arg(rel)
    if arg is None or arg.value.kind not in ("list", "tuple", "set"):
        return
    elements = arg.value.value
    if elements is UNKNOWN:
        return
    for element in elements:
        assert isinstance(element, Value)
        token = element.value
        if token is UNKNOWN or token in CASCADE_TOKENS or element.kind in ("name", "call", "other", "fstring"):
            continue
        if isinstance(token, str):
            suggestion, exact = _suggest(token)
        else:
            suggestion, exact = None, False
        what = "contains a comma" if isinstance(token, str) and "," in token else "is not a cascade token"
        shown = _quote(token) if isinstance(token, str) else f"`{element.source}`"
        message = (f"`{rel.symbol}` has cascade element {shown} that {what}: list elements are not split or stripped; SQLAlchemy raises "
                   f"`ArgumentError` when `{rel.owner}` is defined")
        fix = None
        if suggestion is not None:
            parts = suggestion.split(", ")
            text = ", ".join(f'"{p}"' for p in parts)
            message += f" (did you mean {text}?)"
            fix = Fix(f"Replace `{element.source}` with `{text}`", (Edit(element.span, text),),
                      applicability="safe" if exact else "unsafe")
        yield ctx.report(element.span, message, fix=fix)


@rule("SCL103", Severity.ERROR, fixable=True)
def non_iterable_cascade(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for cascade values that are a bool, a number or bytes instead of a string.

    ## Why is this bad?
    SQLAlchemy turns any cascade value that is not a string (or `None`) into a set of tokens
    with `set(value)`. `True`, `False` and numbers cannot be iterated, and bytes iterate as
    integers (`b"all"` gives `97, 108, 108`). The `relationship()` docstring says `cascade`
    "defaults to False", but passing `False` explicitly fails too.

    ## When it breaks
    Class definition: `TypeError: 'bool' object is not iterable` for a bool or number, and
    `ArgumentError: Invalid cascade option(s): 97, 108` for bytes, when the model class is
    defined.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": True}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team", cascade_delete=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    Only bytes get a fix: `b"all"` becomes `"all"` when the decoded text is a valid cascade.
    It is safe: the original value cannot work, and the fix keeps its text. A bool or number
    has no fix, since what it should mean is unclear.
    """
    arg = cascade_arg(rel)
    if arg is None:
        return
    value = arg.value.value
    kind = arg.value.kind
    source = arg.value.source
    if kind in ("bool", "int", "float"):
        type_name = {"bool": "bool", "int": "int", "float": "float"}[kind]
        message = (f"`{rel.symbol}` has cascade `{source}`, which is not a string of cascade "
                   f"tokens; SQLAlchemy raises `TypeError: '{type_name}' object is not iterable` "
                   f"when `{rel.owner}` is defined")
        if value is True:
            message += " (did you mean `cascade_delete=True` or `\"all, delete-orphan\"`?)"
        elif value is False:
            message += " (to keep the default `save-update, merge`, leave `cascade` out)"
        yield ctx.report(arg.value.span, message)
        return
    if kind == "bytes" and isinstance(value, bytes):
        codes = ", ".join(str(b) for b in sorted(set(value)))
        message = (f"`{rel.symbol}` has cascade `{source}` (bytes), which SQLAlchemy reads as the "
                   f"integers {codes or 'nothing'}; SQLAlchemy raises `ArgumentError` when "
                   f"`{rel.owner}` is defined")
        fix = None
        try:
            text = value.decode("ascii")
        except UnicodeDecodeError:
            text = None
        if text is not None and value and all(t in CASCADE_TOKENS for t in split_cascade(text)):
            fix = Fix(f"Replace `{source}` with `\"{text}\"`", (Edit(arg.value.span, f'"{text}"'),))
        if not value:
            return  # b"" is an empty iterable: an empty cascade, SCL106's finding
        yield ctx.report(arg.value.span, message, fix=fix)


@rule("SCL104", Severity.WARNING, fixable=True)
def delete_orphan_without_delete(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a `delete-orphan` cascade without `delete` (or `all`).

    ## Why is this bad?
    `delete-orphan` deletes a child when it is removed from its parent's collection, but
    without `delete` deleting the parent itself does not delete the children: their foreign
    key is set to NULL and they stay in the table. SQLAlchemy says `delete-orphan` requires
    `delete`.

    ## When it breaks
    Class definition: SQLAlchemy emits
    `SAWarning: The 'delete-orphan' cascade option requires 'delete'.` when the model class is
    defined. The mapping still works; deleting a parent then silently keeps its children.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team",
            sa_relationship_kwargs={"cascade": "save-update, merge, delete-orphan"},
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team",
            sa_relationship_kwargs={"cascade": "save-update, merge, delete, delete-orphan"},
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    The fix inserts `delete` before `delete-orphan`. It is unsafe: afterwards deleting a
    parent also deletes its children, where before their foreign key was set to NULL. That is
    what SQLAlchemy expects `delete-orphan` to come with, but it changes what a delete does.
    """
    arg = cascade_arg(rel)
    cascade = effective_cascade(rel)
    if arg is None or cascade is UNKNOWN:
        return
    if "delete-orphan" not in cascade or "delete" in cascade:
        return
    message = (f"`{rel.symbol}` has cascade `{arg.value.source}` with `delete-orphan` but without "
               f"`delete`: deleting a `{rel.owner}` sets its children's foreign key to NULL instead "
               f"of deleting them; SQLAlchemy warns `The 'delete-orphan' cascade option requires "
               f"'delete'` when `{rel.owner}` is defined")
    fix = None
    value = arg.value.value
    if isinstance(value, str):
        tokens = split_cascade(value)
        new: List[str] = []
        for token in tokens:
            if token == "delete-orphan" and "delete" not in new:
                new.append("delete")
            new.append(token)
        text = ", ".join(dict.fromkeys(new))
        fix = Fix(f"Add `delete` to `{value}`", (Edit(arg.value.span, f'"{text}"'),), applicability="unsafe")
    elif isinstance(value, tuple):
        for element in value:
            if isinstance(element, Value) and element.value == "delete-orphan":
                fix = Fix("Add `delete` before `delete-orphan`",
                          (Edit(element.span, f'"delete", {element.source}'),), applicability="unsafe")
                break
    yield ctx.report(arg.value.span, message, fix=fix)


@rule("SCL105", Severity.WARNING, fixable=True)
def cascade_without_save_update(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for an explicit cascade that has neither `save-update` nor `all`.

    ## Why is this bad?
    Writing a cascade replaces SQLAlchemy's default `save-update, merge` instead of adding to
    it. `{"cascade": "delete"}` therefore turns off `save-update`: objects appended to the
    collection (or assigned to the attribute) are no longer added to the session, so they are
    never inserted. Most people who write `"delete"` meant `"all, delete"` or
    `"all, delete-orphan"`.

    ## When it breaks
    Silent: at flush SQLAlchemy only warns
    `Object of type <Hero> not in session, add operation along 'Team.heroes' will not proceed`
    and commits without the new objects.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "delete, delete-orphan"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    A few projects drop `save-update` on purpose, for a relationship they never write
    through. Relationships with `viewonly=True` are not reported, nor cascades that
    `delete-orphan-on-many-to-one` (SCL107) or `delete-orphan-on-many-to-many` (SCL108)
    already reports, since those must move to the other side anyway.

    ## Fix safety
    The fix puts `save-update, merge` (SQLAlchemy's default) in front of the string tokens. It
    is unsafe: afterwards new objects reachable through the relationship are inserted, which
    is almost certainly what was meant but changes what a flush does.
    """
    arg = cascade_arg(rel)
    cascade = effective_cascade(rel)
    if arg is None or cascade is UNKNOWN or not cascade:
        return  # empty cascades are SCL106's finding
    if "save-update" in cascade or not _not_viewonly(rel):
        return
    if _orphan_on_many_side(rel, ctx) is not None:
        return  # the cascade is on the wrong side: SCL107/SCL108 say so, and it must move anyway
    message = (f"`{rel.symbol}` has cascade `{arg.value.source}` without `save-update` or `all`: "
               f"objects added through `{rel.symbol}` are not added to the session; "
               f"SQLAlchemy silently skips them at flush (with only an `SAWarning`)")
    fix = None
    value = arg.value.value
    if isinstance(value, str):
        text = ", ".join(dict.fromkeys(["save-update", "merge", *split_cascade(value)]))
        fix = Fix(f"Add `save-update, merge` to `{value}`", (Edit(arg.value.span, f'"{text}"'),),
                  applicability="unsafe")
    yield ctx.report(arg.value.span, message, fix=fix)


@rule("SCL106", Severity.WARNING)
def empty_cascade(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for cascades that are empty: `""`, `None`, `[]`, or any value with `none`.

    ## Why is this bad?
    An empty cascade is not SQLAlchemy's default (`save-update, merge`) but no cascade at all,
    and the token `none` clears everything else in the value, even `all` (`"all, none"` is
    empty too). Objects added through the relationship are then not added to the session and
    never inserted.

    ## When it breaks
    Silent: at flush SQLAlchemy only warns
    `Object of type <Hero> not in session, add operation along 'Team.heroes' will not proceed`
    and commits without the new objects.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all, none"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    A relationship that is only ever read may have an empty cascade on purpose; mark it
    `viewonly=True` instead, which is not reported.
    """
    arg = cascade_arg(rel)
    cascade = effective_cascade(rel)
    if arg is None or cascade is UNKNOWN or cascade:
        return
    if not _not_viewonly(rel):
        return
    value = arg.value.value
    if isinstance(value, str) and "none" in split_cascade(value) and len(split_cascade(value)) > 1:
        why = "`none` clears every other token"
    elif value is None:
        why = "`None` means no cascade, not the default"
    else:
        why = "it turns off every cascade, including the default `save-update, merge`"
    message = (f"`{rel.symbol}` has empty cascade `{arg.value.source}` ({why}): objects added "
               f"through `{rel.symbol}` are not added to the session; SQLAlchemy silently skips "
               f"them at flush (with only an `SAWarning`)")
    yield ctx.report(arg.value.span, message)


# ---------------------------------------------------------------------- SCL107-SCL110: direction

def _orphan_on_many_side(rel: RelationshipDecl, ctx: Context) -> Any:
    """The direction when SQLAlchemy will refuse this relationship's delete-orphan, else None."""
    found = _explicit_cascade(rel)
    if found is None or found is UNKNOWN:
        return None
    cascade = found[0]
    if "delete-orphan" not in cascade or single_parent(rel) is not False or not _not_viewonly(rel):
        return None
    direction = ctx.project.direction_of(rel)
    if direction is Direction.MANY_TO_ONE or direction is Direction.MANY_TO_MANY:
        return direction
    return None


def _report_orphan_on_many_side(rel: RelationshipDecl, ctx: Context, direction: Direction) -> Iterator[Diagnostic]:
    if _orphan_on_many_side(rel, ctx) is not direction:
        return
    _, span, how = _explicit_cascade(rel)
    kind = "many-to-one" if direction is Direction.MANY_TO_ONE else "many-to-many"
    message = (f"`{rel.symbol}` is {kind} but has {_describe(how, rel)}, which includes "
               f"`delete-orphan`: delete-orphan belongs on the one-to-many side (or needs "
               f"`single_parent=True`); SQLAlchemy raises `ArgumentError` at the first query "
               f"(mapper configuration)")
    yield ctx.report(span, message)


@rule("SCL107", Severity.ERROR)
def delete_orphan_on_many_to_one(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a `delete-orphan` cascade on the many-to-one side of a relationship.

    ## Why is this bad?
    `delete-orphan` deletes an object when it loses its parent, so it only makes sense on the
    one-to-many side (`Team.heroes`), where each child has one parent. On the many-to-one side
    (`Hero.team`, whose table holds the foreign key) one `Team` is shared by many heroes, and
    SQLAlchemy refuses the setting unless `single_parent=True` promises that it is not.
    `cascade_delete=True` means `"all, delete-orphan"`, so it counts too. The direction comes
    from where the foreign key lives, not from the annotation.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises `ArgumentError` ("For many-to-one relationship
    Hero.team, delete-orphan cascade is normally configured only on the "one" side of a
    one-to-many relationship") at the first query or the first instantiation of a model.
    `create_all` still succeeds.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes", cascade_delete=True)
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team", cascade_delete=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```
    """
    yield from _report_orphan_on_many_side(rel, ctx, Direction.MANY_TO_ONE)


@rule("SCL108", Severity.ERROR)
def delete_orphan_on_many_to_many(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a `delete-orphan` cascade on a many-to-many relationship.

    ## Why is this bad?
    In a many-to-many relationship (`link_model=` or `secondary`) an object has many parents,
    so "orphaned" has no meaning and SQLAlchemy refuses `delete-orphan` unless
    `single_parent=True` is set. `cascade_delete=True` means `"all, delete-orphan"`, so it
    counts too.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises `ArgumentError` ("For many-to-many relationship
    Hero.teams, delete-orphan cascade is normally configured only on the "one" side of a
    one-to-many relationship") at the first query or the first instantiation of a model.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        teams: list[Team] = Relationship(
            back_populates="heroes", link_model=HeroTeamLink, cascade_delete=True
        )
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
    ```
    """
    yield from _report_orphan_on_many_side(rel, ctx, Direction.MANY_TO_MANY)


def _delete_on_many_side(rel: RelationshipDecl, ctx: Context, direction: Direction) -> Iterator[Diagnostic]:
    found = _explicit_cascade(rel)
    if found is None or found is UNKNOWN:
        return
    cascade, span, how = found
    if "delete" not in cascade or not _not_viewonly(rel):
        return
    if single_parent(rel) is not False:
        return  # single_parent=True: a deliberate one-to-one ownership
    if "delete-orphan" in cascade:
        return  # SCL107/SCL108 report this relationship already
    if ctx.project.direction_of(rel) is not direction:
        return
    target = rel.target
    if direction is Direction.MANY_TO_ONE:
        if _partner_is_scalar(rel, ctx):
            return  # one-to-one: deleting the owner with its only dependant is usual
        message = (f"`{rel.symbol}` is many-to-one but has {_describe(how, rel)}, which includes "
                   f"`delete`: deleting one `{rel.owner}` also deletes its `{target}`, which other "
                   f"`{rel.owner}` rows may still use; SQLAlchemy does it silently at flush")
    else:
        message = (f"`{rel.symbol}` is many-to-many but has {_describe(how, rel)}, which includes "
                   f"`delete`: deleting one `{rel.owner}` also deletes every `{target}` in "
                   f"`{rel.symbol}`, even ones shared with other `{rel.owner}` rows; SQLAlchemy "
                   f"does it silently at flush")
    yield ctx.report(span, message)


@rule("SCL109", Severity.WARNING)
def delete_cascade_on_many_to_one(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a `delete` cascade (or `all`) on the many-to-one side of a relationship.

    ## Why is this bad?
    Cascades run from the object that owns the relationship to the objects it points at. On
    `Hero.team` (the side whose table holds the foreign key) `delete` means "deleting a hero
    deletes its team", and with it the team's link to every other hero. The usual intent,
    deleting a team's heroes with the team, belongs on `Team.heroes`.

    ## When it breaks
    Silent: at flush, deleting one `Hero` deletes its `Team`; the team's other heroes lose
    their team (their foreign key is set to NULL).

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(
            back_populates="heroes", sa_relationship_kwargs={"cascade": "all"}
        )
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    Some projects do want this, for a parent owned by exactly one child. The rule stays quiet
    when `single_parent=True` is set or when the other side of the pair is scalar
    (a one-to-one relationship).
    """
    yield from _delete_on_many_side(rel, ctx, Direction.MANY_TO_ONE)


@rule("SCL110", Severity.WARNING)
def delete_cascade_on_many_to_many(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a `delete` cascade (or `all`) on a many-to-many relationship.

    ## Why is this bad?
    On a many-to-many relationship `delete` deletes every related object, not only the link
    rows. A `Team` shared by several heroes is deleted together with the first of them, and
    the other heroes silently lose it. Link rows are removed without any cascade.

    ## When it breaks
    Silent: at flush, deleting one `Hero` deletes every `Team` in `Hero.teams`, including
    teams that other heroes still belong to.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        teams: list[Team] = Relationship(
            back_populates="heroes",
            link_model=HeroTeamLink,
            sa_relationship_kwargs={"cascade": "all"},
        )
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
    ```

    ## Known problems
    Some projects do want this, for objects that are never shared. The rule stays quiet when
    `single_parent=True` is set.
    """
    yield from _delete_on_many_side(rel, ctx, Direction.MANY_TO_MANY)


# ---------------------------------------------------------------------- SCL111-SCL118: flags


@rule("SCL111", Severity.WARNING)
def cascade_on_viewonly(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for persistence cascades on a `viewonly=True` relationship.

    ## Why is this bad?
    A viewonly relationship never writes, so SQLAlchemy keeps only the `merge`, `expunge` and
    `refresh-expire` cascades and drops `save-update`, `delete` and `delete-orphan` without a
    word. `cascade_delete=True` on a viewonly relationship therefore deletes nothing.

    ## When it breaks
    Silent: deleting the parent does not delete the children (with foreign keys enforced the
    parent's `DELETE` then fails at flush with `IntegrityError`), and objects added through the
    relationship are not saved.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            cascade_delete=True, sa_relationship_kwargs={"viewonly": True}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(cascade_delete=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```
    """
    if is_viewonly(rel) is not True:
        return
    found = _explicit_cascade(rel)
    if found is None or found is UNKNOWN:
        return
    cascade, span, how = found
    dropped = cascade & frozenset(_PERSISTENCE_CASCADES)
    if not dropped:
        return
    message = (f"`{rel.symbol}` is `viewonly=True`, so the {_tokens(dropped)} cascade of "
               f"{_describe(how, rel)} never happens; SQLAlchemy silently ignores it")
    yield ctx.report(span, message)


def _null_failure(fk: FieldDecl, symbol: str) -> str:
    """How the flush fails when the ORM sets a NOT NULL foreign key column to NULL."""
    if fk.is_primary_key is True:
        return (f"the flush fails with `AssertionError` (SQLAlchemy refuses to blank out the "
                f"primary key column `{symbol}`)")
    return "the flush fails with `IntegrityError`"


def _ondelete_phrase(value: str) -> str:
    return " ".join(value.split()).upper()


@rule("SCL112", Severity.WARNING)
def ondelete_without_passive_deletes(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for one-to-many relationships that stop the foreign key's `ondelete` from running.

    ## Why is this bad?
    When a parent is deleted through the ORM and its relationship to the children has no
    `delete` cascade and no `passive_deletes`, SQLAlchemy loads the children and sets their
    foreign key to NULL before it deletes the parent. The database's `ON DELETE CASCADE`
    (or `RESTRICT`, `NO ACTION`, `SET DEFAULT`) then finds no child rows to act on: children
    survive with a NULL foreign key instead of being deleted, and a `RESTRICT` never refuses
    anything. This is the most reported cascade problem.

    ## When it breaks
    Silent, at flush of a parent delete: children are orphaned rather than deleted. When the
    foreign key column is NOT NULL the flush fails with `IntegrityError` instead.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", cascade_delete=True, passive_deletes=True
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    For `ondelete="RESTRICT"` (the database should refuse the delete) use
    `passive_deletes="all"` instead. `ondelete="SET NULL"` is not reported: the ORM does the
    same thing as the database.

    ## Known problems
    A project that never deletes parents through the ORM (only with SQL `DELETE` statements)
    is not affected. With `passive_deletes=True` but no `delete` cascade, children that are
    already loaded in the session are still set to NULL first; that combination is common and
    documented, so it is not reported.
    """
    if not _not_viewonly(rel) or ctx.project.direction_of(rel) is not Direction.ONE_TO_MANY:
        return
    cascade = effective_cascade(rel)
    passive = passive_deletes(rel)
    if cascade is UNKNOWN or passive is UNKNOWN or "delete" in cascade or passive:
        return
    found = _child_foreign_key(rel, ctx)
    if found is None:
        return
    fk, symbol = found
    ondelete = _ondelete(fk)
    if not isinstance(ondelete, str) or _ondelete_phrase(ondelete) not in ONDELETE_ACTIONS:
        return
    phrase = _ondelete_phrase(ondelete)
    if phrase == "SET NULL":
        return
    nullable = _nullable(fk)
    if nullable is False:
        outcome = (f"the ORM sets the NOT NULL `{symbol}` to NULL before deleting a `{rel.owner}`; "
                   f"{_null_failure(fk, symbol)}")
    else:
        effect = "never refuses the delete" if phrase in ("RESTRICT", "NO ACTION") else "never runs"
        outcome = (f"the ORM sets `{symbol}` to NULL before deleting a `{rel.owner}`, so "
                   f"`ON DELETE {phrase}` {effect}; SQLAlchemy does it silently at flush")
    message = f"`{rel.symbol}` has neither a `delete` cascade nor `passive_deletes`, but `{symbol}` has `ondelete=\"{ondelete}\"`: {outcome}"
    yield ctx.report(rel.span, message, related=[(fk.path, fk.span, f"`{fk.symbol}` is declared here")])


@rule("SCL113", Severity.WARNING)
def passive_deletes_without_ondelete(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `passive_deletes=True` when the children's foreign key has no `ondelete`.

    ## Why is this bad?
    `passive_deletes=True` tells SQLAlchemy not to load the children of a parent being
    deleted and to leave them to the database's `ON DELETE` rule. When the foreign key has no
    `ondelete`, no rule exists: the children are neither deleted nor set to NULL.

    ## When it breaks
    Flush of a parent delete whose children are not loaded: with foreign keys enforced the
    database raises `IntegrityError` (`FOREIGN KEY constraint failed`); without enforcement
    (SQLite's default) the children silently keep a foreign key to a row that no longer
    exists.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", cascade_delete=True, passive_deletes=True
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", cascade_delete=True, passive_deletes=True
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    A database trigger, or a foreign key created by a migration rather than by the model, can
    provide the rule; the linter cannot see those. `passive_deletes="all"` is not reported:
    it is also used on purpose to make the database refuse the delete.
    """
    if not _not_viewonly(rel):
        return
    passive = passive_deletes(rel)
    if passive is UNKNOWN or not passive or passive == "all":
        return
    if ctx.project.direction_of(rel) is not Direction.ONE_TO_MANY:
        return
    found = _child_foreign_key(rel, ctx)
    if found is None or _ondelete(found[0]) is not None:
        return
    fk, symbol = found
    arg = _option_arg(rel, "passive_deletes", "passive_deletes")
    assert arg is not None
    message = (f"`{rel.symbol}` has `passive_deletes`, but `{symbol}` has no `ondelete`: "
               f"children that are not loaded are left to a database rule that does not exist; "
               f"deleting a `{rel.owner}` fails at flush with `IntegrityError` when foreign keys "
               f"are enforced, and leaves dangling `{symbol}` values when they are not")
    yield ctx.report(arg.value.span, message,
                     related=[(fk.path, fk.span, f"`{fk.symbol}` is declared here")])


@rule("SCL114", Severity.ERROR)
def passive_deletes_all_with_delete_cascade(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `passive_deletes="all"` together with a `delete` or `delete-orphan` cascade.

    ## Why is this bad?
    `passive_deletes="all"` tells SQLAlchemy never to touch the children of a deleted parent,
    while a `delete` cascade tells it to delete them. SQLAlchemy refuses the contradiction.
    `cascade_delete=True` and `"all"` include `delete`.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises `ArgumentError` ("On Team.heroes, can't set
    passive_deletes='all' in conjunction with 'delete' or 'delete-orphan' cascade") at the
    first query or the first instantiation of a model.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", cascade_delete=True, passive_deletes="all"
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", cascade_delete=True, passive_deletes=True
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
        team: Team | None = Relationship(back_populates="heroes")
    ```
    """
    if passive_deletes(rel) != "all" or not _not_viewonly(rel):
        return
    cascade = effective_cascade(rel)
    if cascade is UNKNOWN or not cascade & {"delete", "delete-orphan"}:
        return
    how, _ = cascade_source(rel)
    arg = _option_arg(rel, "passive_deletes", "passive_deletes")
    assert arg is not None
    message = (f"`{rel.symbol}` has `passive_deletes=\"all\"` together with "
               f"{_describe(how, rel)}, which includes "
               f"{_tokens(cascade & {'delete', 'delete-orphan'})}; SQLAlchemy raises `ArgumentError` "
               f"at the first query (mapper configuration)")
    yield ctx.report(arg.value.span, message)


@rule("SCL115", Severity.ERROR, fixable=True)
def cascade_backrefs_true(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `cascade_backrefs=True`, a setting SQLAlchemy 2.0 removed.

    ## Why is this bad?
    Before SQLAlchemy 2.0, `cascade_backrefs=True` added an object to the session when it was
    assigned to a backref of an object already in it. SQLAlchemy 2.0 removed that behaviour;
    the parameter only accepts `False`.

    ## When it breaks
    Class definition: SQLAlchemy raises `ArgumentError: The 'cascade_backrefs' parameter
    passed to relationship() may only be set to False.` when the model class is defined.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade_backrefs": True}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    The fix replaces the value with `False`, which SQLAlchemy 2.x accepts and ignores. It is
    safe: the original value cannot work. Add objects to the session explicitly
    (`session.add(...)`) where the code relied on the old behaviour.
    """
    arg = rel.option("cascade_backrefs")
    if arg is None:
        return
    value = arg.value.literal()
    if not _plain(value) or not value:
        return
    message = (f"`{rel.symbol}` has `cascade_backrefs={arg.value.source}`, which SQLAlchemy 2.0 removed; "
               f"SQLAlchemy raises `ArgumentError` when `{rel.owner}` is defined")
    fix = Fix(f"Replace `{arg.value.source}` with `False`", (Edit(arg.value.span, "False"),))
    yield ctx.report(arg.value.span, message, fix=fix)


@rule("SCL116", Severity.ERROR, fixable=True)
def viewonly_with_sync_backref(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `sync_backref=True` on, or paired with, a `viewonly=True` relationship.

    ## Why is this bad?
    `sync_backref` keeps the other side of a pair in step when this side changes in memory,
    but a viewonly relationship is never changed to be persisted, and SQLAlchemy refuses the
    combination.

    ## When it breaks
    Class definition: SQLAlchemy raises
    `ArgumentError: sync_backref and viewonly cannot both be True` when the model class is
    defined. When `sync_backref=True` is on the writable partner of a viewonly relationship
    (linked by `back_populates`), SQLAlchemy raises `InvalidRequestError` ("Relationship
    Hero.team cannot specify sync_backref=True since Team.heroes includes viewonly=True") at
    mapper configuration instead.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            sa_relationship_kwargs={"viewonly": True, "sync_backref": True}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"viewonly": True})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Fix safety
    The fix replaces the `sync_backref` value with `False`. It is safe: the original cannot
    work, and SQLAlchemy never syncs into or out of a viewonly relationship anyway.
    """
    arg = rel.option("sync_backref")
    if arg is None:
        return
    value = arg.value.literal()
    if not _plain(value) or not value:
        return
    fix = Fix(f"Replace `{arg.value.source}` with `False`", (Edit(arg.value.span, "False"),))
    viewonly = is_viewonly(rel)
    if viewonly is True:
        message = (f"`{rel.symbol}` has `viewonly=True` and `sync_backref={arg.value.source}`; "
                   f"SQLAlchemy raises `ArgumentError` when `{rel.owner}` is defined")
        yield ctx.report(arg.value.span, message, fix=fix)
        return
    if viewonly is not False:
        return
    partner = ctx.project.partner(rel)
    if partner is UNRESOLVED or is_viewonly(partner) is not True:
        return
    message = (f"`{rel.symbol}` has `sync_backref={arg.value.source}`, but its partner "
               f"`{partner.symbol}` is `viewonly=True`; SQLAlchemy raises `InvalidRequestError` "
               f"at the first query (mapper configuration)")
    yield ctx.report(arg.value.span, message, fix=fix,
                     related=[(partner.path, partner.span, f"`{partner.symbol}` is declared here")])


# relationship() flags that only matter for writes, with the value SQLAlchemy expects on a
# viewonly relationship; any other value makes it warn.
_PERSISTENCE_ONLY = (
    ("passive_deletes", False),
    ("passive_updates", True),
    ("active_history", False),
    ("enable_typechecks", True),
)


@rule("SCL117", Severity.WARNING)
def viewonly_with_persistence_flags(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for write-only flags (`passive_deletes`, ...) on a `viewonly=True` relationship.

    ## Why is this bad?
    `passive_deletes`, `passive_updates=False`, `active_history=True` and
    `enable_typechecks=False` change how a relationship writes. A viewonly relationship never
    writes, so the flag does nothing, and it usually means the wrong relationship of a pair
    was marked viewonly, or the flag was meant for the other side.

    ## When it breaks
    Class definition: SQLAlchemy emits `SAWarning: Setting passive_deletes on relationship()
    while also setting viewonly=True does not make sense` when the model class is defined,
    and says the combination may become an error in a future release.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            passive_deletes=True, sa_relationship_kwargs={"viewonly": True}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"viewonly": True})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    ```
    """
    if is_viewonly(rel) is not True:
        return
    for name, expected in _PERSISTENCE_ONLY:
        arg = rel.option(name)
        if arg is None and name == "passive_deletes":
            param = rel.param("passive_deletes")
            if param is not None:
                flag = param.value.literal()
                if flag is UNKNOWN or not flag:
                    continue  # SQLModel passes only truthy values on
                arg = param
        if arg is None:
            continue
        value = arg.value.literal()
        if not _plain(value) or value == expected:
            continue
        message = (f"`{rel.symbol}` is `viewonly=True` but sets `{name}={arg.value.source}`, which only "
                   f"affects writes; SQLAlchemy warns when `{rel.owner}` is defined and ignores it")
        yield ctx.report(arg.value.span, message)


@rule("SCL118", Severity.WARNING, default=False)
def not_null_foreign_key_without_delete_cascade(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for one-to-many relationships over a NOT NULL foreign key with nothing to handle deletes.

    ## Why is this bad?
    When a parent is deleted through the ORM and the relationship to its children has no
    `delete` cascade and no `passive_deletes`, SQLAlchemy loads the children and sets their
    foreign key to NULL. A NOT NULL foreign key column cannot hold NULL, so deleting any parent
    that still has children fails. Either the children should go with the parent
    (`cascade_delete=True`), or the database should decide (`ondelete=` on the foreign key
    plus `passive_deletes`).

    ## When it breaks
    Flush: deleting a `Team` that has heroes fails with
    `IntegrityError: NOT NULL constraint failed: hero.team_id`, or, when the foreign key is
    part of the primary key (an association object), with `AssertionError: Dependency rule
    ... tried to blank-out primary key column`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int = Field(foreign_key="team.id")
        team: Team = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team", cascade_delete=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int = Field(foreign_key="team.id")
        team: Team = Relationship(back_populates="heroes")
    ```

    ## Known problems
    Off by default: many projects never delete parents that still have children, and an
    error is the right outcome when a parent with children must not be deleted. Enable it
    with `--select SCL118` to review such relationships.
    """
    if not _not_viewonly(rel) or ctx.project.direction_of(rel) is not Direction.ONE_TO_MANY:
        return
    cascade = effective_cascade(rel)
    passive = passive_deletes(rel)
    if cascade is UNKNOWN or passive is UNKNOWN or "delete" in cascade or passive:
        return
    found = _child_foreign_key(rel, ctx)
    if found is None or _ondelete(found[0]) is not None or _nullable(found[0]) is not False:
        return
    fk, symbol = found
    message = (f"`{rel.symbol}` has no `delete` cascade and no `passive_deletes`, but `{symbol}` is "
               f"NOT NULL: deleting a `{rel.owner}` that has children makes the ORM set `{symbol}` "
               f"to NULL; {_null_failure(fk, symbol)}")
    yield ctx.report(rel.span, message, related=[(fk.path, fk.span, f"`{fk.symbol}` is declared here")])
