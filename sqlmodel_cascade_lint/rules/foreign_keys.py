"""Family 3: foreign keys, ondelete, table names and join paths."""

from __future__ import annotations

import re
from typing import Any, Dict, Iterator, List, Optional, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Fix, Severity
from sqlmodel_cascade_lint.facts import UNKNOWN, Arg, ClassDecl, FieldDecl, NameRef, RelationshipDecl, Span
from sqlmodel_cascade_lint.project import (
    UNRESOLVED,
    Direction,
    Project,
    back_populates_of,
    known_table_names,
    memoized,
    modules_running,
    relationships_between,
    run_together,
    tables_with_column,
)
from sqlmodel_cascade_lint.rules import Context, did_you_mean, rule
from sqlmodel_cascade_lint.semantics import ONDELETE_ACTIONS

_CONFIGURE = "at the first query (mapper configuration)"
# annotations that are certainly not Optional when written without `None`
_NOT_NULL_TYPES = {"int", "str", "float", "bool", "bytes", "UUID", "Decimal", "datetime", "date",
                   "time", "timedelta"}


# ---------------------------------------------------------------------- helpers


def _builds_column(decl: FieldDecl) -> bool:
    """Whether SQLModel builds this column from the `Field()` arguments we can read."""
    return decl.is_field_call and decl.sa_column is None and not decl.has_star_kwargs


def _fk_string(decl: FieldDecl) -> Optional[Tuple[Arg, str]]:
    arg = decl.foreign_key
    if arg is None or not _builds_column(decl):
        return None
    value = arg.value.value
    if not isinstance(value, str):
        return None
    return arg, value


def _column_names(project: Project, cls: ClassDecl) -> Any:
    """The column names of a table model, or UNKNOWN when a column may be renamed or hidden."""
    columns, complete = project.columns(cls)
    if not complete:
        return UNKNOWN
    for decl in columns.values():
        if decl.sa_column is not None or decl.has_star_kwargs or "sa_column_kwargs" in decl.kwargs:
            return UNKNOWN
    names = set(columns)
    for current in project.mro(cls)[0]:
        names.update(current.attributes)  # `uid = Column(...)` without annotation is mapped too
    return names


def _primary_key(project: Project, cls: ClassDecl) -> Optional[str]:
    columns, complete = project.columns(cls)
    if not complete:
        return None
    keys = [name for name, decl in columns.items() if decl.is_primary_key is True]
    return keys[0] if len(keys) == 1 else None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _failing_relationships(project: Project, owners: List[ClassDecl], table: str,
                           no_path_only: bool) -> List[Tuple[ClassDecl, RelationshipDecl]]:
    """Relationships between one of `owners` and `table` (that find no path, if asked)."""
    out = []
    for owner in owners:
        own = project.tablename(owner)
        if not isinstance(own, str):
            continue
        for cls, rel in relationships_between(project, own, table):
            if no_path_only and project.direction_of(rel) is not Direction.NO_PATH:
                continue
            out.append((cls, rel))
    out.sort(key=lambda pair: (pair[1].path, pair[1].span.line))
    return out


def _related(pairs: List[Tuple[ClassDecl, RelationshipDecl]]) -> List[Tuple[str, Span, str]]:
    return [(rel.path, rel.span, f"`{rel.symbol}` is declared here") for _, rel in pairs]


def _table_candidate(project: Project, table: str, names: set) -> Optional[Tuple[str, str]]:
    """(table name, why) for a foreign-key table name that does not exist."""
    for cls in project.table_classes():
        name = project.tablename(cls)
        if not isinstance(name, str):
            continue
        if cls.name == table:
            return name, f"`{table}` is the class name; the table of `{cls.name}` is `{name}`"
        if cls.name.lower() == table and name != table:
            return name, f"`{cls.name}` sets `__tablename__ = {_quote(name)}`"
    lowered = {n.lower(): n for n in names}
    if table.lower() in lowered:
        return lowered[table.lower()], "table names are case-sensitive"
    flat = table.replace("_", "").lower()
    for cls in project.table_classes():
        name = project.tablename(cls)
        if name == flat and cls.tablename is None:
            return name, (f"the default table name of `{cls.name}` is `{name}`, the class name "
                          "lower-cased without underscores")
    found = did_you_mean(table, names, cutoff=0.75)
    if found is not None:
        return found, ""
    return None


def _relationship_candidate(project: Project, owners: List[ClassDecl]
                            ) -> Optional[Tuple[str, str]]:
    """The table a broken foreign key probably meant: the target of a relationship without a path."""
    tables = set()
    for owner in owners:
        own = project.tablename(owner)
        for cls, rel in project.relationships():
            if project.is_table(cls) is not True:
                continue
            target = project.target_class(rel)
            if target is UNRESOLVED:
                continue
            if cls is owner or target is owner:
                if project.direction_of(rel) is Direction.NO_PATH:
                    other = project.tablename(target if cls is owner else cls)
                    if isinstance(other, str) and other != own:
                        tables.add(other)
    if len(tables) == 1:
        return tables.pop(), ""
    return None


def _broken_foreign_key(project: Project, cls: ClassDecl) -> bool:
    """Whether a table has a foreign key that SCL301/SCL303 report or that may point anywhere."""
    columns, _ = project.columns(cls)
    names, _complete = known_table_names(project)
    for decl in columns.values():
        found = _fk_string(decl)
        if found is None:
            continue
        value = found[1]
        parts = value.split(".")
        if value == "" or len(parts) == 1 or (len(parts) == 2 and parts[0] not in names):
            return True
    return False


def _fk_phase(pairs: List[Tuple[ClassDecl, RelationshipDecl]], error: str, create_error: str) -> str:
    if pairs:
        return (f"`{pairs[0][1].symbol}` makes SQLAlchemy raise `{error}` {_CONFIGURE}")
    return f"SQLAlchemy raises `{create_error}` at `create_all`"


# ---------------------------------------------------------------------- SCL301


@rule("SCL301", Severity.ERROR, fixable=True)
def foreign_key_unknown_table(decl: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `foreign_key` strings naming a table that does not exist.

    ## Why is this bad?
    A foreign key names a *table*, not a class: `"<table>.<column>"`. A SQLModel table's name is
    its `__tablename__`, by default the class name lower-cased with nothing else changed
    (`TeamMember` becomes `teammember`, not `team_member`). The class name (`"Team.id"`), a
    snake_case spelling, a plural, or a name that went stale after a `__tablename__` override
    names no table, and SQLAlchemy cannot build the foreign key.

    ## When it breaks
    `create_all`: `NoReferencedTableError: Foreign key associated with column 'hero.team_id'
    could not find table 'teams'`. Earlier, at mapper configuration (the first query), when a
    relationship needs this foreign key: the dangling key is skipped and the relationship raises
    `NoForeignKeysError`.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="teams.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Known problems
    The rule stays silent unless every table name of the project is known (no
    `@declared_attr` table names, no table models with a base class from outside the project,
    no `Table()` with a computed name), and only reports a name when there is a close table name
    or a relationship without a join path that the key was probably meant for. Tables defined in
    installed packages are not seen. Schema-qualified strings (`"schema.table.column"`) are not
    checked.

    ## Fix safety
    A fix is offered only when the right name follows from a class of the project: the class
    name used instead of its table name (`"Team.id"`), another letter case, the snake_case
    spelling of a default table name, or the name from before a `__tablename__` override; and
    only when that table has the column. It is safe: the original string names no table.
    Plurals and typos get a suggestion but no fix.
    """
    found = _fk_string(decl)
    if found is None:
        return
    arg, value = found
    parts = value.split(".")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return
    table, column = parts
    project = ctx.project
    names, complete = known_table_names(project)
    if table in names or not complete:
        return
    owners = tables_with_column(project, decl)
    if not owners:
        return
    candidate = _table_candidate(project, table, names) or _relationship_candidate(project, owners)
    if candidate is None:
        return
    suggestion, why = candidate
    pairs = _failing_relationships(project, owners, suggestion, no_path_only=True)
    message = f"`foreign_key={_quote(value)}` of `{decl.symbol}` names no table `{table}`"
    hint = f"did you mean `{suggestion}.{column}`?"
    message += f" ({why}; {hint})" if why else f" ({hint})"
    message += "; " + _fk_phase(pairs, "NoForeignKeysError", "NoReferencedTableError")
    fix = None
    target = project.table_class(suggestion, near=project.modules[decl.path].module) if suggestion in project.tables() else UNRESOLVED
    if why and target is not UNRESOLVED:  # a name derived from the class, not a guess
        columns = _column_names(project, target)
        if columns is not UNKNOWN and column in columns:
            new = _quote(f"{suggestion}.{column}")
            fix = Fix(f"Replace `{value}` with `{suggestion}.{column}`", (Edit(arg.value.span, new),))
    yield ctx.report(arg.value.span, message, related=_related(pairs), fix=fix)


# ---------------------------------------------------------------------- SCL302


@rule("SCL302", Severity.ERROR)
def foreign_key_unknown_column(decl: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `foreign_key` strings naming a column the table does not have.

    ## Why is this bad?
    The table exists, but the column after the dot does not, so SQLAlchemy cannot find the
    column the foreign key points at (`"team.uid"` when `Team` only has `id`).

    ## When it breaks
    `create_all`: `NoReferencedColumnError: Could not initialize target column for ForeignKey
    'team.uid' on table 'hero': table 'team' has no column named 'uid'`. Earlier, at mapper
    configuration (the first query), when any relationship joins the two tables.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.uid")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Known problems
    Silent when the target table's columns are not all known: a base class outside the project,
    `sa_column=`, `sa_column_kwargs=` (which may rename a column), or a plain SQLAlchemy table.
    """
    found = _fk_string(decl)
    if found is None:
        return
    arg, value = found
    parts = value.split(".")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return
    table, column = parts
    project = ctx.project
    target = project.table_class(table, near=project.modules[decl.path].module)
    if target is UNRESOLVED or table not in project.tables():
        return
    columns = _column_names(project, target)
    if columns is UNKNOWN or column in columns:
        return
    owners = tables_with_column(project, decl)
    if not owners:
        return
    pairs = _failing_relationships(project, owners, table, no_path_only=False)
    message = f"`foreign_key={_quote(value)}` of `{decl.symbol}`: table `{table}` has no column `{column}`"
    suggestion = did_you_mean(column, columns)
    if suggestion is None:
        pk = _primary_key(project, target)
        suggestion = pk
    if suggestion is not None:
        message += f" (did you mean `{table}.{suggestion}`?)"
    message += "; " + _fk_phase(pairs, "NoReferencedColumnError", "NoReferencedColumnError")
    yield ctx.report(arg.value.span, message, related=_related(pairs))


# ---------------------------------------------------------------------- SCL303


@rule("SCL303", Severity.ERROR, fixable=True)
def malformed_foreign_key(decl: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `foreign_key` values that are not a `"<table>.<column>"` string.

    ## Why is this bad?
    SQLModel passes `foreign_key` to SQLAlchemy's `ForeignKey()` only when it is truthy, and
    asserts that it is a string. A column attribute (`foreign_key=Team.id`) fails that assertion.
    An empty string silently creates a plain column without any foreign key. A string without a
    dot (`"team"`) is read as a table name, and the target column then takes the local
    column's name (`team.team_id`), which rarely exists.

    ## When it breaks
    Class definition for a value that is not a string: a bare `AssertionError` (no message) when
    the class is defined. A string without a dot: `NoReferencedColumnError` at `create_all`, or
    at mapper configuration when a relationship joins the tables. An empty string: no error of
    its own; a relationship that needs the key raises `NoForeignKeysError` at mapper
    configuration.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key=Team.id)
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Known problems
    A name such as `foreign_key=TEAM_ID` is reported only when it is an attribute of a model class
    of the project (`Team.id`); other names may hold a string. A dot-less string is not reported
    when the named table has a column of the local column's name (that is what it means).

    ## Fix safety
    The fix for a column attribute (`Team.id`) writes the string SQLAlchemy expects
    (`"team.id"`, with the table name of `Team`). It is safe: the original value cannot work.
    """
    arg = decl.foreign_key
    if arg is None or not _builds_column(decl):
        return
    project = ctx.project
    owners = tables_with_column(project, decl)
    if not owners:
        return
    value = arg.value.value
    if isinstance(value, NameRef):
        yield from _foreign_key_name(decl, arg, value, owners, ctx)
        return
    if value is UNKNOWN or not isinstance(value, str):
        if arg.value.kind in ("int", "float", "list", "tuple", "set", "dict") and arg.value.literal():
            yield ctx.report(
                arg.value.span,
                f"`foreign_key={arg.value.source}` of `{decl.symbol}` is not a string; SQLModel fails "
                f"with a bare `AssertionError` when `{owners[0].name}` is defined",
            )
        return
    if value == "":
        yield from _foreign_key_empty(decl, arg, owners, ctx)
        return
    if "." in value:
        return
    names, complete = known_table_names(project)
    target = project.table_class(value, near=project.modules[decl.path].module) if value in project.tables() else UNRESOLVED
    if target is not UNRESOLVED:
        columns = _column_names(project, target)
        if columns is UNKNOWN or decl.name in columns:
            return
    elif value in names or not complete:
        return
    message = (f"`foreign_key={_quote(value)}` of `{decl.symbol}` has no `.column`; SQLAlchemy reads it "
               f"as `{value}.{decl.name}`")
    table = value
    if target is UNRESOLVED:  # the table does not exist either
        candidate = _table_candidate(project, value, names)
        if candidate is not None:
            table = candidate[0]
            target = project.table_class(table, near=project.modules[decl.path].module) if table in project.tables() else UNRESOLVED
        pairs = _failing_relationships(project, owners, table, no_path_only=True) if candidate else []
        errors = ("NoForeignKeysError", "NoReferencedTableError")
    else:
        pairs = _failing_relationships(project, owners, value, no_path_only=False)
        errors = ("NoReferencedColumnError", "NoReferencedColumnError")
    if target is not UNRESOLVED:
        pk = _primary_key(project, target)
        if pk is not None:
            message += f" (did you mean `{table}.{pk}`?)"
    message += "; " + _fk_phase(pairs, *errors)
    yield ctx.report(arg.value.span, message, related=_related(pairs))


def _foreign_key_name(decl: FieldDecl, arg: Arg, value: NameRef, owners: List[ClassDecl],
                      ctx: Context) -> Iterator[Diagnostic]:
    project = ctx.project
    module = project.module_of(project.owner_of(decl))
    cls = project.resolve_name(module, value.first)
    if not isinstance(cls, ClassDecl) or project.is_model(cls) is not True:
        return
    message = f"`foreign_key={value.dotted}` of `{decl.symbol}` is a column attribute, not a string"
    fix = None
    parts = value.dotted.split(".")
    table = project.tablename(cls)
    if len(parts) == 2 and isinstance(table, str) and project.is_table(cls) is True:
        text = f"{table}.{parts[1]}"
        message += f" (did you mean `{_quote(text)}`?)"
        fix = Fix(f"Replace `{value.dotted}` with `{_quote(text)}`", (Edit(arg.value.span, _quote(text)),))
    message += f"; SQLModel fails with a bare `AssertionError` when `{owners[0].name}` is defined"
    yield ctx.report(arg.value.span, message, fix=fix)


def _foreign_key_empty(decl: FieldDecl, arg: Arg, owners: List[ClassDecl],
                       ctx: Context) -> Iterator[Diagnostic]:
    project = ctx.project
    candidate = _relationship_candidate(project, owners)
    suggestion = None
    pairs: List[Tuple[ClassDecl, RelationshipDecl]] = []
    if candidate is not None:
        pairs = _failing_relationships(project, owners, candidate[0], no_path_only=True)
        target = project.table_class(candidate[0], near=project.modules[decl.path].module)
        pk = _primary_key(project, target) if target is not UNRESOLVED else None
        if pk is not None:
            suggestion = f"{candidate[0]}.{pk}"
    elif decl.name.endswith("_id"):
        table = decl.name[:-3]
        target = project.table_class(table, near=project.modules[decl.path].module) if table in project.tables() else UNRESOLVED
        if target is not UNRESOLVED:
            pk = _primary_key(project, target)
            if pk is not None:
                suggestion = f"{table}.{pk}"
    message = f"`foreign_key=\"\"` of `{decl.symbol}` creates no foreign key"
    if suggestion is not None:
        message += f" (did you mean `{_quote(suggestion)}`?)"
    if pairs:
        message += (f"; `{pairs[0][1].symbol}` then finds no join path and SQLAlchemy raises "
                    f"`NoForeignKeysError` {_CONFIGURE}")
    else:
        message += "; SQLModel silently makes it a plain column"
    yield ctx.report(arg.value.span, message, related=_related(pairs))


# ---------------------------------------------------------------------- SCL304


def _normal_action(value: str) -> str:
    return re.sub(r"[\s_\-]+", " ", value).strip().upper()


@rule("SCL304", Severity.ERROR, fixable=True)
def invalid_ondelete(decl: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `ondelete` values that are not an SQL `ON DELETE` action.

    ## Why is this bad?
    `ondelete` is copied into the table's DDL as `ON DELETE <value>`. The SQL actions are
    `CASCADE`, `SET NULL`, `SET DEFAULT`, `RESTRICT` and `NO ACTION` (in any letter case).
    Nothing checks the value when the class is defined, so `"SET_NULL"`, `"SET-NULL"` or a
    made-up word survive until the tables are created.

    ## When it breaks
    `create_all`: SQLAlchemy's DDL compiler raises `CompileError: Unexpected SQL phrase`
    (`"SET-NULL"`, and on SQLAlchemy 2.0.55 or older, 2.1.0 to 2.1.6 any unknown phrase), or it
    renders the phrase and the database rejects the `CREATE TABLE` (`OperationalError: near
    "SET_NULL": syntax error` on SQLite).

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET_NULL")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    ```

    ## Fix safety
    The fix replaces a value that differs from an action only by its separators or letter case
    (`"SET_NULL"`, `"set-null"`, `"NO_ACTION"`) with the action (`"SET NULL"`). It is safe: the
    original value cannot work. It is not offered when it would put `SET NULL` on a column that is
    not nullable.
    """
    arg = decl.arg("ondelete")
    found = _fk_string(decl)
    if arg is None or found is None or not found[1]:
        return
    value = arg.value.value
    if not isinstance(value, str) or value.upper() in ONDELETE_ACTIONS:
        return
    if not tables_with_column(ctx.project, decl):
        return
    normal = _normal_action(value)
    fix = None
    if normal in ONDELETE_ACTIONS:
        suggestion: Optional[str] = normal
        if normal != "SET NULL" or decl.nullable is True:
            fix = Fix(f"Replace `{value}` with `{normal}`", (Edit(arg.value.span, _quote(normal)),))
    else:
        suggestion = did_you_mean(value.upper(), ONDELETE_ACTIONS, cutoff=0.6)
    message = f"`ondelete={_quote(value)}` of `{decl.symbol}` is not an SQL `ON DELETE` action"
    if suggestion is not None:
        message += f" (did you mean `{_quote(suggestion)}`?)"
    message += "; the `CREATE TABLE` fails at `create_all`"
    yield ctx.report(arg.value.span, message, fix=fix)


# ---------------------------------------------------------------------- SCL305


@rule("SCL305", Severity.ERROR)
def ondelete_without_foreign_key(decl: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `Field(ondelete=...)` without `foreign_key`.

    ## Why is this bad?
    `ondelete` is a property of a foreign key (`ON DELETE ...`). Without `foreign_key` there is
    nothing to attach it to, and SQLModel refuses the field.

    ## When it breaks
    Class definition: `Field()` itself raises `RuntimeError: ondelete can only be used with
    foreign_key` while the class body runs.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, ondelete="CASCADE")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    ```
    """
    arg = decl.arg("ondelete")
    if arg is None or not _builds_column(decl) or decl.foreign_key is not None:
        return
    yield ctx.report(
        arg.span,
        f"`{decl.symbol}` has `ondelete` but no `foreign_key`; SQLModel raises `RuntimeError` "
        f"when `{decl.owner}` is defined",
    )


# ---------------------------------------------------------------------- SCL306


@rule("SCL306", Severity.ERROR)
def set_null_on_non_nullable(decl: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `ondelete="SET NULL"` on a foreign key column that is not nullable.

    ## Why is this bad?
    `ON DELETE SET NULL` makes the database write NULL into the column when the referenced row
    is deleted. A column annotated `int` (not `int | None` or `Optional[int]`), a primary key, or
    `nullable=False` cannot hold NULL.

    ## When it breaks
    Class definition for the exact spelling `"SET NULL"`: SQLModel raises `RuntimeError:
    ondelete="SET NULL" requires nullable=True`. Other letter cases (`"set null"`) escape that
    check, and deleting a referenced row fails at flush with `IntegrityError: NOT NULL
    constraint failed`.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int = Field(foreign_key="team.id", ondelete="SET NULL")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")
    ```
    """
    arg = decl.arg("ondelete")
    found = _fk_string(decl)
    if arg is None or found is None or not found[1]:
        return
    value = arg.value.value
    if not isinstance(value, str) or value.upper() != "SET NULL" or decl.nullable is not False:
        return
    if value != "SET NULL" and "sa_column_kwargs" in decl.kwargs:
        return  # may set nullable=True on the Column after SQLModel's own check
    if "nullable" not in decl.kwargs and decl.is_primary_key is not True and (
        decl.annotation is None or decl.annotation.target not in _NOT_NULL_TYPES
    ):
        return  # a type alias may stand for an Optional type
    owners = tables_with_column(ctx.project, decl)
    if not owners:
        return
    table = found[1].split(".")[0]
    if value == "SET NULL":
        when = f"SQLModel raises `RuntimeError` when `{owners[0].name}` is defined"
    else:
        when = (f"when a referenced `{table}` row is deleted, the database cannot write NULL into it "
                "and the flush fails with `IntegrityError`")
    yield ctx.report(
        arg.value.span,
        f"`ondelete={_quote(value)}` on `{decl.symbol}`, which is not nullable; {when}",
    )


# ---------------------------------------------------------------------- SCL307


def _partner_of(project: Project, rel: RelationshipDecl) -> Any:
    """The relationship on the other side naming `rel` in back_populates, or the one it names."""
    partner = project.partner(rel)
    if partner is not UNRESOLVED:
        return partner
    target = project.target_class(rel)
    if target is UNRESOLVED:
        return UNRESOLVED
    for other in target.relationships:
        if back_populates_of(other) == rel.attr and other.target == rel.owner:
            return other
    return UNRESOLVED


def _no_path(project: Project, rel: RelationshipDecl) -> bool:
    """Whether the relationship's two tables have no foreign key to each other (nor to itself)."""
    direction = project.direction_of(rel)
    if direction is Direction.NO_PATH:
        return True
    if direction is Direction.MANY_TO_MANY or direction is Direction.AMBIGUOUS:
        return False
    # direction_of trusts remote_side on self-referential relationships; the join still needs a key
    if not rel.sa_kwargs_known or rel.has_star_kwargs or rel.positional:
        return False
    if {"sa_relationship", "link_model"} & set(rel.kwargs):
        return False
    if {"secondary", "primaryjoin", "foreign_keys"} & set(rel.sa_kwargs):
        return False
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    if target is UNRESOLVED or project.tablename(owner) != project.tablename(target):
        return False
    paths = project.fk_paths(owner, target)
    return paths is not UNKNOWN and not paths[0] and not paths[1]


@rule("SCL307", Severity.ERROR)
def no_foreign_key_path(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationships between two tables that have no foreign key to each other.

    ## Why is this bad?
    SQLAlchemy builds a relationship's join from the foreign keys between the two tables. When
    neither table has a foreign key to the other (the `_id` column lacks `foreign_key=`), there
    is nothing to join on.

    ## When it breaks
    Mapper configuration (the first query or the first instantiation of a model):
    `NoForeignKeysError: Could not determine join condition between parent/child tables on
    relationship Hero.team - there are no foreign keys linking these tables.`

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = None
        team: Team | None = Relationship()
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship()
    ```

    ## Known problems
    Silent when a foreign key between the tables cannot be read (`__table_args__`, a computed
    `foreign_key`, a base class outside the project) or when the relationship has `primaryjoin`.
    A foreign key in a plain `Column` assigned to a `ClassVar` is not seen, so such a model may be
    reported by mistake.
    When one of the tables has a broken foreign key (empty, without a dot, naming an unknown
    table), SCL301 or SCL303 reports that key instead. A many-to-many whose partner has
    `link_model` while this side has none is reported on the side without it. A `back_populates`
    pair is reported once, on the side declared first.
    """
    project = ctx.project
    if not _no_path(project, rel):
        return
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    if target is UNRESOLVED or _broken_foreign_key(project, owner) or _broken_foreign_key(project, target):
        return
    partner = _partner_of(project, rel)
    related = []
    hint = ""
    if partner is not UNRESOLVED:
        link = partner.param("link_model")
        if link is not None or "secondary" in partner.sa_kwargs:
            # link_model on one side only: this side has no join path of its own
            shown = f"link_model={link.value.source}" if link is not None else "a `secondary` table"
            hint = f" (`{partner.symbol}` has `{shown}`; add it here too)" if link is not None else (
                f" (`{partner.symbol}` joins through {shown}; give this side the same)")
            related.append((partner.path, partner.span, f"`{partner.symbol}` is declared here"))
        elif _no_path(project, partner):
            if (partner.path, partner.span.line) < (rel.path, rel.span.line):
                return
            related.append((partner.path, partner.span, f"`{partner.symbol}` is declared here"))
    own_table, other_table = project.tablename(owner), project.tablename(target)
    if not hint:
        for cls, table, other in ((owner, other_table, target), (target, own_table, owner)):
            columns, _ = project.columns(cls)
            column = columns.get("parent_id" if own_table == other_table else f"{table}_id")
            pk = _primary_key(project, other)
            if column is not None and column.foreign_key is None and pk is not None:
                hint = f" (did you mean `Field(foreign_key=\"{table}.{pk}\")` on `{column.symbol}`?)"
                break
    if own_table == other_table:
        what = f"`{own_table}` to itself, but `{own_table}` has no foreign key to itself"
    else:
        what = f"`{own_table}` and `{other_table}`, but neither table has a foreign key to the other"
    yield ctx.report(
        rel.span,
        f"`{rel.symbol}` joins {what}{hint}; SQLAlchemy raises `NoForeignKeysError` {_CONFIGURE}",
        related=related,
    )


# ---------------------------------------------------------------------- SCL308


@rule("SCL308", Severity.ERROR)
def ambiguous_foreign_keys(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationships over two or more foreign key paths without `foreign_keys`.

    ## Why is this bad?
    When the two tables are linked by more than one foreign key (`Match.home_id` and
    `Match.away_id` both point at `team`), SQLAlchemy cannot guess which one a relationship
    uses. Every relationship between the two tables needs `foreign_keys` (or `primaryjoin`),
    on both sides of a `back_populates` pair.

    ## When it breaks
    Mapper configuration (the first query or the first instantiation of a model):
    `AmbiguousForeignKeysError: Could not determine join condition between parent/child tables on
    relationship Team.home_matches - there are multiple foreign key paths linking the tables.`

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Match(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        home_id: int | None = Field(default=None, foreign_key="team.id")
        away_id: int | None = Field(default=None, foreign_key="team.id")
        home: Team | None = Relationship()
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Match(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        home_id: int | None = Field(default=None, foreign_key="team.id")
        away_id: int | None = Field(default=None, foreign_key="team.id")
        home: Team | None = Relationship(sa_relationship_kwargs={"foreign_keys": "[Match.home_id]"})
    ```

    ## Known problems
    Self-referential relationships are not checked.
    """
    project = ctx.project
    if project.direction_of(rel) is not Direction.AMBIGUOUS:
        return
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    paths = project.fk_paths(owner, target)
    if paths is UNKNOWN:
        return
    keys = list(paths[0]) + list(paths[1])
    for fk in keys:  # a key to a missing column fails first (SCL302)
        referenced = project.table_class(fk.table, near=project.modules[rel.path].module)
        columns = _column_names(project, referenced) if referenced is not UNRESOLVED else UNKNOWN
        if columns is UNKNOWN or fk.column not in columns:
            return
    names = ", ".join(f"`{fk.field.symbol}`" for fk in keys)
    hint = ""
    partner = _partner_of(project, rel)
    if partner is not UNRESOLVED:
        option = partner.option("foreign_keys")
        if option is not None:
            hint = (f" (`{partner.symbol}` has `foreign_keys={option.value.source}`; "
                    "give this side the same)")
    yield ctx.report(
        rel.span,
        f"`{rel.symbol}` has no `foreign_keys`, but {len(keys)} foreign keys link "
        f"`{project.tablename(owner)}` and `{project.tablename(target)}` ({names}){hint}; "
        f"SQLAlchemy raises `AmbiguousForeignKeysError` {_CONFIGURE}",
    )


# ---------------------------------------------------------------------- SCL309


def _own_metadata(project: Project, cls: ClassDecl) -> bool:
    """Whether the class may not add a plain table to SQLModel's shared MetaData."""
    if cls.span.column > len("class ") + 1 or "__abstract__" in cls.attributes:
        return True  # indented: defined under `if`/`try`, maybe as an alternative
    classes, complete = project.mro(cls)
    if not complete:
        return True
    return any("metadata" in c.attributes or "registry" in c.keywords or "metadata" in c.keywords
               or c.table_args for c in classes)


def _defined_before(project: Project, first: ClassDecl, second: ClassDecl) -> bool:
    """Whether `first` runs before `second`: an imported module runs before its importer;
    otherwise (no import either way, or both ways) the order is by path and line."""
    if first.module != second.module:
        first_runs_second = first.module in modules_running(project, second.module)
        second_runs_first = second.module in modules_running(project, first.module)
        if first_runs_second != second_runs_first:
            return second_runs_first
    return (first.path, first.span.line) < (second.path, second.span.line)


@rule("SCL309", Severity.ERROR)
def duplicate_table_name(cls: ClassDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for two table models with the same table name.

    ## Why is this bad?
    All SQLModel tables share one `MetaData`, and a table name can be defined only once in it.
    The default table name is the class name lower-cased, so `Team` and `TEAM`, or a class
    whose `__tablename__` repeats another class's default name, collide.

    ## When it breaks
    Class definition (of the second class, when its module is imported):
    `InvalidRequestError: Table 'team' is already defined for this MetaData instance.  Specify
    'extend_existing=True' to redefine options and columns on an existing Table object.`

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Squad(SQLModel, table=True):
        __tablename__ = "team"
        id: int | None = Field(default=None, primary_key=True)
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Squad(SQLModel, table=True):
        __tablename__ = "squad"
        id: int | None = Field(default=None, primary_key=True)
    ```

    ## Known problems
    Two modules are only checked against each other when they run in the same process: one
    imports the other (directly or through other modules, including package `__init__` files), or
    some module of the project imports both. Separate scripts that each define a `hero` table
    (tutorials, examples) are not reported. Imports under `TYPE_CHECKING` do not count, and a
    module that mentions no model at all (a plain `main.py` importing two model modules) is not
    read, so the connection it makes is not seen.
    Classes defined inside functions or under `if`/`try` (often alternatives), two classes of the
    same name in one module, abstract classes, classes with `__table_args__` (which may say
    `extend_existing=True`) or their own metadata or registry, and subclasses of each other are
    not checked.
    """
    project = ctx.project
    if cls.nested or project.is_table(cls) is not True:
        return
    name = project.tablename(cls)
    if not isinstance(name, str) or _own_metadata(project, cls):
        return
    own_mro, _ = project.mro(cls)
    earlier = []
    for other in project.tables().get(name, []):
        if other is cls or other.nested or _own_metadata(project, other):
            continue
        if not _defined_before(project, other, cls):
            continue
        other_mro, _ = project.mro(other)
        if any(c is other for c in own_mro) or any(c is cls for c in other_mro):
            continue
        if other.module == cls.module and other.name == cls.name:
            continue
        if not run_together(project, other.module, cls.module):
            continue
        earlier.append(other)
    if not earlier:
        return
    first = earlier[0]
    where = "" if first.path == cls.path else f" in `{first.module}`"
    yield ctx.report(
        cls.name_span,
        f"`{cls.name}` uses the table name `{name}`, already used by `{first.name}`{where}; "
        f"SQLAlchemy raises `InvalidRequestError` when `{cls.name}` is defined",
        related=[(first.path, first.name_span, f"`{first.name}` is defined here")],
    )


# ---------------------------------------------------------------------- SCL310


@rule("SCL310", Severity.ERROR)
def model_without_primary_key(cls: ClassDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for table models without a primary key column.

    ## Why is this bad?
    SQLAlchemy maps a class to a table only when the table has a primary key. A table model
    (often a `link_model`) with no `Field(primary_key=True)` cannot be mapped.

    ## When it breaks
    Class definition: `ArgumentError: Mapper Mapper[HeroTeamLink(heroteamlink)] could not
    assemble any primary key columns for mapped table 'heroteamlink'`.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class HeroTeamLink(SQLModel, table=True):
        hero_id: int | None = Field(default=None, foreign_key="hero.id")
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class HeroTeamLink(SQLModel, table=True):
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)
    ```

    ## Known problems
    Silent when a column may come from somewhere the linter cannot read: a base class outside
    the project, `sa_column=`, `sa_column_kwargs=`, `**kwargs`, `__table_args__`, `__table__`,
    `__mapper_args__` or `__abstract__`, or any other name bound in the class body (a `ClassVar`
    holding a `Column`, but also a method).
    """
    project = ctx.project
    if cls.nested or project.is_table(cls) is not True:
        return
    classes, complete = project.mro(cls)
    if not complete:
        return
    for current in classes:
        if current.table_args or {"__table__", "__mapper_args__", "__abstract__"} & set(current.attributes):
            return
        known = {f.name for f in current.fields} | {r.attr for r in current.relationships}
        if any(a not in known and not a.startswith("__") for a in current.attributes):
            return  # e.g. `id: ClassVar[Column] = Column(Integer, primary_key=True)`, or a method
    columns, complete = project.columns(cls)
    if not complete:
        return
    for decl in columns.values():
        if decl.sa_column is not None or decl.has_star_kwargs or "sa_column_kwargs" in decl.kwargs:
            return
        if decl.is_primary_key is not False:
            return
    yield ctx.report(
        cls.name_span,
        f"table model `{cls.name}` has no primary key column; SQLAlchemy raises `ArgumentError` "
        f"when `{cls.name}` is defined",
    )


# ---------------------------------------------------------------------- SCL311


def _link_class(project: Project, rel: RelationshipDecl) -> Any:
    arg = rel.param("link_model")
    if arg is None or not isinstance(arg.value.value, NameRef):
        return UNRESOLVED
    owner = project.owner_of(rel)
    found = project.resolve_name(project.module_of(owner), arg.value.value.dotted)
    return found if isinstance(found, ClassDecl) else UNRESOLVED


def _link_model_users(project: Project) -> Dict[int, List[Tuple[RelationshipDecl, Tuple[str, str]]]]:
    """id(link class) -> [(relationship using it as link_model, (owner table, target table))]."""
    return memoized(project, "scl3.link_model_users", _index_link_model_users)


def _index_link_model_users(project: Project) -> Dict[int, List[Tuple[RelationshipDecl, Tuple[str, str]]]]:
    out: Dict[int, List[Tuple[RelationshipDecl, Tuple[str, str]]]] = {}
    for owner, rel in project.relationships():
        if "link_model" not in rel.kwargs:
            continue
        if not rel.sa_kwargs_known or rel.has_star_kwargs or "sa_relationship" in rel.kwargs:
            continue
        if {"secondary", "primaryjoin", "secondaryjoin", "foreign_keys"} & set(rel.sa_kwargs):
            continue
        if project.is_table(owner) is not True:
            continue
        link = _link_class(project, rel)
        target = project.target_class(rel)
        if link is UNRESOLVED or target is UNRESOLVED:
            continue
        own, other = project.tablename(owner), project.tablename(target)
        if not isinstance(own, str) or not isinstance(other, str) or own == other:
            continue
        out.setdefault(id(link), []).append((rel, (own, other)))
    return out


@rule("SCL311", Severity.ERROR)
def link_model_foreign_keys(cls: ClassDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for link models whose foreign keys do not point once at each related table.

    ## Why is this bad?
    A many-to-many relationship with `link_model` joins through the link table: SQLAlchemy needs
    exactly one foreign key from the link table to each of the two related tables. A missing
    `foreign_key=` on one column leaves that side without a path; two foreign keys to the same
    table make it ambiguous.

    ## When it breaks
    Mapper configuration (the first query or the first instantiation of a model):
    `NoForeignKeysError: ... there are no foreign keys linking these tables via secondary table
    'heroteamlink'`, or `AmbiguousForeignKeysError: ... there are multiple foreign key paths
    linking the tables via secondary table 'heroteamlink'`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)
        team_id: int | None = Field(default=None, primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model=HeroTeamLink)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
    ```

    ## Known problems
    Silent when the link table's foreign keys cannot all be read, when one of them is broken
    (reported by SCL301 or SCL303), for self-referential many-to-many relationships, and when the
    relationship sets `secondary`, `primaryjoin`, `secondaryjoin` or `foreign_keys`.
    """
    project = ctx.project
    if cls.nested or project.is_table(cls) is not True:
        return
    users = list(_link_model_users(project).get(id(cls), []))
    if not users:  # most tables: not a link model
        return
    link_table = project.tablename(cls)
    if not isinstance(link_table, str) or _broken_foreign_key(project, cls):
        return
    fks, complete = project.foreign_keys(cls)
    if not complete:
        return
    users.sort(key=lambda pair: (pair[0].path, pair[0].span.line))
    problems = []
    seen = set()
    for rel, tables in users:
        for table in tables:
            if table in seen:
                continue
            seen.add(table)
            pointing = [fk for fk in fks if fk.table == table]
            if not pointing:
                problems.append((f"no foreign key to `{table}`", "NoForeignKeysError", rel))
            elif len(pointing) > 1:
                names = ", ".join(f"`{fk.field.symbol}`" for fk in pointing)
                problems.append((f"{len(pointing)} foreign keys to `{table}` ({names})",
                                 "AmbiguousForeignKeysError", rel))
    if not problems:
        return
    what = " and ".join(p[0] for p in problems)
    error = problems[0][1]
    rels = [rel for rel, _ in users]
    yield ctx.report(
        cls.name_span,
        f"link model `{cls.name}` has {what}, but `{rels[0].symbol}` uses it as `link_model`; "
        f"SQLAlchemy raises `{error}` {_CONFIGURE}",
        related=[(r.path, r.span, f"`{r.symbol}` uses `{cls.name}` here") for r in rels],
    )
