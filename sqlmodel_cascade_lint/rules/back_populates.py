"""Family 2: back_populates pairs, backref, and relationships that write the same columns."""

from __future__ import annotations

from typing import Any, Dict, FrozenSet, Iterator, List, Optional, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Severity
from sqlmodel_cascade_lint.facts import (
    UNKNOWN,
    Arg,
    ClassDecl,
    FieldDecl,
    NameRef,
    RelationshipDecl,
    Span,
)
from sqlmodel_cascade_lint.project import (
    UNRESOLVED,
    Direction,
    Project,
    _column_names,
    back_populates_of,
    memoized,
    memoized_per,
)
from sqlmodel_cascade_lint.rules import Context, did_you_mean, rule
from sqlmodel_cascade_lint.semantics import is_viewonly

_CONFIGURE = "at the first query (mapper configuration)"


# ---------------------------------------------------------------------- helpers


def _opaque(rel: RelationshipDecl) -> bool:
    """The relationship() options cannot be read: `sa_relationship=`, positional arguments,
    `**kwargs`, or a non-literal `sa_relationship_kwargs`."""
    return ("sa_relationship" in rel.kwargs or "sa_relationship_args" in rel.kwargs
            or bool(rel.positional) or rel.has_star_kwargs or not rel.sa_kwargs_known)


def _bp_arg(rel: RelationshipDecl) -> Optional[Arg]:
    """The argument `back_populates_of` reads: the kwargs entry wins over the parameter."""
    option = rel.option("back_populates")
    if option is not None:
        return option
    return rel.param("back_populates")


def _bp_name(rel: RelationshipDecl) -> Optional[str]:
    """The back_populates name when it is a non-empty literal string, else None."""
    if _opaque(rel):
        return None
    name = back_populates_of(rel)
    return name if isinstance(name, str) and name else None


def _target(project: Project, rel: RelationshipDecl) -> Optional[ClassDecl]:
    target = project.target_class(rel)
    return None if target is UNRESOLVED else target


def _member(project: Project, cls: ClassDecl, name: str) -> Any:
    """What `cls.name` is: ("relationship", decl), ("column", decl), ("other", None),
    ("missing", None), or UNKNOWN when a base class could not be read."""
    classes, complete = project.mro(cls)
    for current in classes:
        found_rel = current.relationship(name)
        if found_rel is not None:
            return "relationship", found_rel
        found_field = current.field(name)
        if found_field is not None:
            if project.is_model(current) is not True:
                return UNKNOWN
            return "column", found_field
        if name in current.attributes:
            return "other", None
    return ("missing", None) if complete else UNKNOWN


def _all_relationships(project: Project, cls: ClassDecl) -> List[RelationshipDecl]:
    classes, _ = project.mro(cls)
    seen: Dict[str, RelationshipDecl] = {}
    for current in classes:
        for rel in current.relationships:
            seen.setdefault(rel.attr, rel)
    return list(seen.values())


def _all_attributes(project: Project, cls: ClassDecl) -> List[str]:
    classes, _ = project.mro(cls)
    return [a for current in classes for a in current.attributes if not a.startswith("__")]


def _related_classes(project: Project, a: ClassDecl, b: ClassDecl) -> bool:
    """True when `a` and `b` are the same class or one inherits from the other."""
    if a is b:
        return True
    return any(c is b for c in project.mro(a)[0]) or any(c is a for c in project.mro(b)[0])


def _points_at(project: Project, rel: RelationshipDecl, cls: ClassDecl) -> Any:
    """True/False whether `rel` targets `cls` (or a class related by inheritance), UNKNOWN."""
    target = _target(project, rel)
    if target is None:
        return UNKNOWN
    return _related_classes(project, target, cls)


def _back_pointers(project: Project, target: ClassDecl, owner: ClassDecl) -> List[RelationshipDecl]:
    """Relationships of `target` that point back at `owner`."""
    return [r for r in _all_relationships(project, target) if _points_at(project, r, owner) is True]


def _suggest(project: Project, rel: RelationshipDecl, owner: ClassDecl, target: ClassDecl,
             name: Optional[str]) -> Optional[RelationshipDecl]:
    """The relationship of `target` that `rel.back_populates` was probably meant to name."""
    back = [r for r in _back_pointers(project, target, owner) if r is not rel]
    if name is not None:
        guess = did_you_mean(name, [r.attr for r in back])
        if guess is not None:
            return next(r for r in back if r.attr == guess)
    naming_us = [r for r in back if _bp_name(r) == rel.attr]
    if len(naming_us) == 1:
        return naming_us[0]
    unpaired = [r for r in back if back_populates_of(r) is None and r is not rel]
    if len(back) == 1:
        return back[0]
    if len(unpaired) == 1:
        return unpaired[0]
    return None


def _where(rel: RelationshipDecl) -> Tuple[str, Span, str]:
    return rel.path, rel.span, f"`{rel.symbol}` is declared here"


def _truthy_backref(rel: RelationshipDecl) -> Optional[Arg]:
    """The `backref` kwargs entry when it certainly creates a reverse relationship."""
    arg = rel.option("backref")
    if arg is None:
        return None
    value = arg.value
    if value.kind == "str" and isinstance(value.value, str) and value.value:
        return arg
    if value.kind == "call" and value.source.split("(", 1)[0].rsplit(".", 1)[-1] == "backref":
        return arg
    return None


def _backref_name(arg: Arg) -> Optional[str]:
    value = arg.value
    if value.kind == "str" and isinstance(value.value, str):
        return value.value
    return None


def _overlaps(rel: RelationshipDecl) -> Any:
    """The names in `overlaps=`, or UNKNOWN when it is not a literal string."""
    arg = rel.option("overlaps")
    if arg is None:
        return frozenset()
    value = arg.value.literal()
    if not isinstance(value, str):
        return UNKNOWN
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def _class_table(project: Project, name: str) -> Optional[str]:
    found = project.mapped_named(name)
    if len(found) != 1:
        return None
    table = project.tablename(found[0])
    return table if isinstance(table, str) else None


def _link_class(project: Project, rel: RelationshipDecl) -> Optional[ClassDecl]:
    arg = rel.param("link_model")
    if arg is None or not isinstance(arg.value.value, NameRef):
        return None
    owner = project.owner_of(rel)
    found = project.resolve_name(project.module_of(owner), arg.value.value.dotted)
    if not isinstance(found, ClassDecl) or project.is_table(found) is not True:
        return None
    return found


def _written_columns(project: Project, rel: RelationshipDecl) -> Optional[FrozenSet[Tuple[str, str]]]:
    """The foreign key columns (table, column) that flushing `rel` writes, or None if unsure."""
    if _opaque(rel) or any(k in rel.sa_kwargs for k in ("primaryjoin", "secondaryjoin", "secondary")):
        return None
    if is_viewonly(rel) is not False:
        return None
    owner = project.owner_of(rel)
    target = _target(project, rel)
    if target is None:
        return None
    owner_table = project.tablename(owner)
    target_table = project.tablename(target)
    if not isinstance(owner_table, str) or not isinstance(target_table, str):
        return None
    if "link_model" in rel.kwargs:
        link = _link_class(project, rel)
        if link is None or "foreign_keys" in rel.sa_kwargs:
            return None
        link_table = project.tablename(link)
        fks, complete = project.foreign_keys(link)
        if not complete or not isinstance(link_table, str):
            return None
        to_owner = [fk for fk in fks if fk.table == owner_table]
        to_target = [fk for fk in fks if fk.table == target_table]
        if owner_table == target_table or len(to_owner) != 1 or len(to_target) != 1:
            return None
        return frozenset({(link_table, to_owner[0].field.name), (link_table, to_target[0].field.name)})
    fk_option = rel.sa_kwargs.get("foreign_keys")
    if fk_option is not None:
        named = _column_names(fk_option.value.literal())
        if named is UNKNOWN or not named:
            return None
        out = set()
        for cls_name, column in named:
            table = _class_table(project, cls_name)
            if table is None:
                return None
            out.add((table, column))
        return frozenset(out)
    paths = project.fk_paths(owner, target)
    if paths is UNKNOWN:
        return None
    forward, backward = paths
    if owner is target or owner_table == target_table:
        if len(forward) != 1:
            return None
        return frozenset({(owner_table, forward[0].field.name)})
    direction = project.direction_of(rel)
    if direction is Direction.MANY_TO_ONE and len(forward) == 1:
        return frozenset({(owner_table, forward[0].field.name)})
    if direction is Direction.ONE_TO_MANY and len(backward) == 1:
        return frozenset({(target_table, backward[0].field.name)})
    return None


def _linked(project: Project, a: RelationshipDecl, b: RelationshipDecl) -> bool:
    """True when SQLAlchemy makes `a` and `b` each other's reverse (back_populates)."""
    return project.partner(a) is b or project.partner(b) is a


def _reverses(project: Project, rel: RelationshipDecl) -> List[RelationshipDecl]:
    """Relationships linked to `rel` by back_populates, in either direction."""
    out: List[RelationshipDecl] = []
    partner = project.partner(rel)
    if isinstance(partner, RelationshipDecl):
        out.append(partner)
    target = _target(project, rel)
    if target is not None:
        for other in _all_relationships(project, target):
            if (other is not rel and _bp_name(other) == rel.attr
                    and project.partner(other) is rel and all(o is not other for o in out)):
                out.append(other)
    return out


def _writer_index(project: Project) -> Tuple[Dict[int, FrozenSet[Tuple[str, str]]],
                                               Dict[Tuple[str, str], List[RelationshipDecl]]]:
    """Every table relationship's written columns, and the relationships writing each column."""
    columns_of: Dict[int, FrozenSet[Tuple[str, str]]] = {}
    writers: Dict[Tuple[str, str], List[RelationshipDecl]] = {}
    for cls, rel in project.relationships():
        if project.is_table(cls) is not True:
            continue
        columns = _written_columns(project, rel)
        if not columns:
            continue
        columns_of[id(rel)] = columns
        for column in columns:
            writers.setdefault(column, []).append(rel)
    return columns_of, writers


def _columns(project: Project, rel: RelationshipDecl) -> FrozenSet[Tuple[str, str]]:
    return memoized(project, "scl2.writers", _writer_index)[0].get(id(rel), frozenset())


def _links_known(project: Project, rel: RelationshipDecl) -> bool:
    """False when `rel.back_populates` is not a literal or names no relationship (another
    rule's finding), so what `rel` is linked to is unknown."""
    name = back_populates_of(rel)
    if name is UNKNOWN or _opaque(rel):
        return False
    return not (isinstance(name, str) and name and project.partner(rel) is UNRESOLVED)


def _conflicts(project: Project, rel: RelationshipDecl) -> List[RelationshipDecl]:
    """Declared relationships that write a column `rel` writes, with nothing linking them."""
    return memoized_per(project, "scl2.conflicts", rel, _compute_conflicts)


def _compute_conflicts(project: Project, rel: RelationshipDecl) -> List[RelationshipDecl]:
    columns = _columns(project, rel)
    if not columns or not _links_known(project, rel):
        return []
    mine = _overlaps(rel)
    if mine is UNKNOWN:
        return []
    writers = memoized(project, "scl2.writers", _writer_index)[1]
    candidates: List[RelationshipDecl] = []
    for column in sorted(columns):
        for other in writers.get(column, []):
            if other is not rel and all(other is not c for c in candidates):
                candidates.append(other)
    out: List[RelationshipDecl] = []
    ends = {id(project.owner_of(rel)), id(project.target_class(rel))}
    for other in candidates:
        if not _links_known(project, other):
            continue
        if not {id(project.owner_of(other)), id(project.target_class(other))} & ends:
            continue  # joins other classes of the same table names (independent scripts)
        theirs = _overlaps(other)
        if theirs is UNKNOWN or other.attr in mine or rel.attr in theirs:
            continue
        if _linked(project, rel, other):
            continue
        # both are the reverse of one third relationship: the asymmetric pair of SCL204
        mine_rev = _reverses(project, rel)
        if any(any(r is s for s in _reverses(project, other)) for r in mine_rev):
            continue
        # a backref that would create `other` is a name collision (SCL208), not an overlap
        if _backref_creates(project, rel, other) or _backref_creates(project, other, rel):
            continue
        out.append(other)
    return out


def _backref_creates(project: Project, rel: RelationshipDecl, other: RelationshipDecl) -> bool:
    arg = _truthy_backref(rel)
    if arg is None:
        return False
    name = _backref_name(arg)
    target = _target(project, rel)
    return name == other.attr and target is not None and _related_classes(
        project, target, project.owner_of(other))


def _order(rel: RelationshipDecl) -> Tuple[str, int, int]:
    return rel.path, rel.span.line, rel.span.column


def _is_pair(project: Project, a: RelationshipDecl, b: RelationshipDecl) -> bool:
    """`a` and `b` are the two plain ends of one foreign key, between two different classes."""
    owner_a, owner_b = project.owner_of(a), project.owner_of(b)
    target_a, target_b = _target(project, a), _target(project, b)
    if target_a is None or target_b is None or owner_a is owner_b:
        return False
    return target_a is owner_b and target_b is owner_a and back_populates_of(a) is None and (
        back_populates_of(b) is None)


def _pk_name(project: Project, cls: ClassDecl) -> Optional[str]:
    columns, complete = project.columns(cls)
    pks = [f.name for f in columns.values() if f.is_primary_key is True]
    return pks[0] if complete and len(pks) == 1 else None


def _self_fks(project: Project, cls: ClassDecl) -> Optional[int]:
    """How many foreign keys of `cls` point at its own table, or None if unknown."""
    paths = project.fk_paths(cls, cls)
    if paths is UNKNOWN:
        return None
    return len(paths[0])


def _plain_self_referential(project: Project, rel: RelationshipDecl) -> bool:
    """An adjacency-list relationship whose direction SQLAlchemy infers from the foreign key."""
    if _opaque(rel) or "link_model" in rel.kwargs:
        return False
    if any(k in rel.sa_kwargs for k in ("primaryjoin", "secondaryjoin", "secondary", "foreign_keys")):
        return False
    owner = project.owner_of(rel)
    return _target(project, rel) is owner and _self_fks(project, owner) == 1


def _remote_side_is_foreign_key(project: Project, owner: ClassDecl, rel: RelationshipDecl) -> bool:
    """True when `rel` has no `remote_side`, or one naming only the foreign key column: either
    way SQLAlchemy makes `rel` one-to-many."""
    arg = rel.option("remote_side")
    if arg is None:
        return True
    named = _column_names(arg.value.literal())
    if named is UNKNOWN or not named:
        return False
    paths = project.fk_paths(owner, owner)
    if paths is UNKNOWN or len(paths[0]) != 1:
        return False
    return named == [(owner.name, paths[0][0].field.name)]


def _is_scalar(rel: RelationshipDecl) -> bool:
    ann = rel.annotation
    return ann is not None and ann.target is not UNKNOWN and not ann.is_collection and (
        rel.option("uselist") is None)


def _is_collection(rel: RelationshipDecl) -> bool:
    ann = rel.annotation
    return ann is not None and ann.is_collection and rel.option("uselist") is None


# ---------------------------------------------------------------------- rules


@rule("SCL201", Severity.ERROR)
def back_populates_missing_attribute(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `back_populates` naming an attribute the target class does not have.

    ## Why is this bad?
    `back_populates` names the relationship on the other class that mirrors this one. When the
    target class has no attribute of that name (a typo, a renamed relationship, a plural where
    the attribute is singular), SQLAlchemy cannot link the two sides and refuses to configure
    any mapper.

    ## When it breaks
    Mapper configuration: the first query or the first instantiation of any model raises
    `InvalidRequestError: Mapper 'Mapper[Hero(hero)]' has no property 'teams'`. Importing the
    models and `create_all()` still succeed.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams")


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

    ## Known problems
    The rule stays silent when a base class of the target lies outside the project, since the
    attribute could be inherited from it. A relationship added to the target class after its
    definition (`Hero.team = relationship(...)` at module level) is not seen, so the rule
    reports it as missing.
    """
    name = _bp_name(rel)
    arg = _bp_arg(rel)
    if name is None or arg is None or _truthy_backref(rel) is not None:
        return
    project = ctx.project
    target = _target(project, rel)
    if target is None or project.attribute_exists(target, name) is not False:
        return
    owner = project.owner_of(rel)
    message = (f"`{rel.symbol}` has `back_populates=\"{name}\"`, but `{target.name}` has no "
               f"attribute `{name}`; SQLAlchemy raises `InvalidRequestError` {_CONFIGURE}")
    related = []
    suggestion = _suggest(project, rel, owner, target, name)
    if suggestion is not None:
        message += f" (did you mean `{suggestion.attr}`?)"
        related.append(_where(suggestion))
    else:
        guess = did_you_mean(name, [r.attr for r in _all_relationships(project, target)]) or (
            did_you_mean(name, _all_attributes(project, target)))
        if guess is not None:
            message += f" (did you mean `{guess}`?)"
    yield ctx.report(arg.value.span, message, related=related)


@rule("SCL202", Severity.ERROR)
def back_populates_to_column(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `back_populates` naming a column instead of a relationship.

    ## Why is this bad?
    `back_populates` must name the relationship attribute on the other class, not the foreign
    key column (`team_id`) or any other column. SQLAlchemy refuses to link a relationship to a
    column.

    ## When it breaks
    Mapper configuration: the first query or the first instantiation of any model raises
    `InvalidRequestError: back_populates on relationship 'Team.heroes' refers to attribute
    'Hero.team_id' that is not a relationship`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team_id")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
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
    """
    name = _bp_name(rel)
    arg = _bp_arg(rel)
    if name is None or arg is None or _truthy_backref(rel) is not None:
        return
    project = ctx.project
    target = _target(project, rel)
    if target is None:
        return
    found = _member(project, target, name)
    if found is UNKNOWN or found[0] != "column":
        return
    column: FieldDecl = found[1]
    owner = project.owner_of(rel)
    message = (f"`{rel.symbol}` has `back_populates=\"{name}\"`, but `{target.name}.{name}` is a "
               f"column, not a relationship; SQLAlchemy raises `InvalidRequestError` {_CONFIGURE}")
    suggestion = _suggest(project, rel, owner, target, None)
    if suggestion is not None:
        message += f" (did you mean `{suggestion.attr}`?)"
    yield ctx.report(arg.value.span, message,
                     related=[(column.path, column.span, f"`{column.symbol}` is declared here")])


@rule("SCL203", Severity.ERROR)
def back_populates_wrong_class(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `back_populates` naming a relationship that points at another class.

    ## Why is this bad?
    The relationship named by `back_populates` must point back at the class that declares
    `back_populates`. When it points at a third class (typically after copying a relationship
    and forgetting to change the name), SQLAlchemy refuses to pair them.

    ## When it breaks
    Mapper configuration: the first query or the first instantiation of any model raises
    `ArgumentError: reverse_property 'team' on relationship Team.heroes references relationship
    Hero.team, which does not reference mapper Mapper[Team(team)]`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Squad(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        members: list["Hero"] = Relationship(back_populates="squad")


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="squad")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        squad_id: int | None = Field(default=None, foreign_key="squad.id")
        team: Team | None = Relationship(back_populates="heroes")
        squad: Squad | None = Relationship(back_populates="members")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Squad(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        members: list["Hero"] = Relationship(back_populates="squad")


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        squad_id: int | None = Field(default=None, foreign_key="squad.id")
        team: Team | None = Relationship(back_populates="heroes")
        squad: Squad | None = Relationship(back_populates="members")
    ```
    """
    name = _bp_name(rel)
    arg = _bp_arg(rel)
    if name is None or arg is None or _truthy_backref(rel) is not None:
        return
    project = ctx.project
    target = _target(project, rel)
    if target is None:
        return
    found = _member(project, target, name)
    if found is UNKNOWN or found[0] != "relationship":
        return
    other: RelationshipDecl = found[1]
    other_target = _target(project, other)
    owner = project.owner_of(rel)
    if other_target is None or _related_classes(project, other_target, owner):
        return
    message = (f"`{rel.symbol}` has `back_populates=\"{name}\"`, but `{target.name}.{name}` is a "
               f"relationship to `{other_target.name}`, not to `{owner.name}`; SQLAlchemy raises "
               f"`ArgumentError` {_CONFIGURE}")
    suggestion = _suggest(project, rel, owner, target, name)
    if suggestion is not None and suggestion is not other:
        message += f" (did you mean `{suggestion.attr}`?)"
    yield ctx.report(arg.value.span, message, related=[_where(other)])


@rule("SCL204", Severity.WARNING)
def back_populates_mismatch(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `back_populates` pairs whose two ends name different relationships.

    ## Why is this bad?
    `Team.heroes` says its mirror is `Hero.team`, but `Hero.team` says its mirror is
    `Team.members`. SQLAlchemy honours each `back_populates` on its own, so `Hero.team` is now
    the reverse of two relationships that write the same foreign key. Appending to one
    collection fires events on the other.

    ## When it breaks
    Mapper configuration emits an `SAWarning` ("relationship 'Team.members' will copy column
    team.id to column hero.team_id, which conflicts with relationship(s): 'Team.heroes'"), and
    at run time `team.heroes.append(hero)` raises `ValueError: Bidirectional attribute conflict
    detected`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")
        members: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="members")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")
        members: list["Hero"] = Relationship(sa_relationship_kwargs={"viewonly": True})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```
    """
    name = _bp_name(rel)
    arg = _bp_arg(rel)
    if name is None or arg is None or _truthy_backref(rel) is not None:
        return
    project = ctx.project
    owner = project.owner_of(rel)
    target = _target(project, rel)
    if target is None:
        return
    found = _member(project, target, name)
    if found is UNKNOWN or found[0] != "relationship":
        return
    other: RelationshipDecl = found[1]
    if _target(project, other) is not owner:
        return
    other_name = _bp_name(other)
    if other_name is None or other_name == rel.attr:
        return
    third = _member(project, owner, other_name)
    if third is UNKNOWN or third[0] != "relationship" or _target(project, third[1]) is not target:
        return
    message = (f"`{rel.symbol}` has `back_populates=\"{name}\"`, but `{other.symbol}` has "
               f"`back_populates=\"{other_name}\"`, so `{other.symbol}` mirrors both "
               f"`{rel.symbol}` and `{third[1].symbol}`; SQLAlchemy warns at mapper configuration "
               f"and appending to `{rel.symbol}` raises `ValueError`")
    yield ctx.report(arg.value.span, message, related=[_where(other), _where(third[1])])


@rule("SCL205", Severity.WARNING)
def one_sided_back_populates(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationships named by a `back_populates` that do not name it back.

    ## Why is this bad?
    `Team.heroes` has `back_populates="team"`, but `Hero.team` has no `back_populates`. The pair
    is linked in one direction only: appending a hero to `team.heroes` sets `hero.team`, but
    setting `hero.team = team` does not add the hero to `team.heroes` until the session reloads
    it. Code that reads `team.heroes` right after assigning `hero.team` sees stale data.

    ## When it breaks
    Silent: there is no error and no warning; the in-memory objects disagree until the next
    load from the database.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship()
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
    """
    if _opaque(rel) or back_populates_of(rel) is not None or rel.option("backref") is not None:
        return
    project = ctx.project
    if is_viewonly(rel) is not False:
        return
    owner = project.owner_of(rel)
    target = _target(project, rel)
    if target is None:
        return
    namers = [r for r in _all_relationships(project, target)
              if _bp_name(r) == rel.attr and _target(project, r) is owner and r is not rel]
    if len(namers) != 1:
        return
    namer = namers[0]
    if is_viewonly(namer) is not False:
        return
    # `namer` is itself named by another relationship of ours: the asymmetric case of SCL204
    for other in _all_relationships(project, owner):
        if other is not rel and _bp_name(other) == namer.attr and _target(project, other) is target:
            return
    namer_arg = _bp_arg(namer)
    assert namer_arg is not None
    message = (f"`{rel.symbol}` has no `back_populates`, but `{namer.symbol}` names it with "
               f"`back_populates=\"{rel.attr}\"`; setting `{rel.symbol}` does not update "
               f"`{namer.symbol}` until it is reloaded (SQLAlchemy silently syncs one way only)")
    yield ctx.report(rel.span, message,
                     related=[(namer.path, namer_arg.value.span, f"`{namer.symbol}` is declared here")])


@rule("SCL206", Severity.ERROR)
def backref_with_back_populates(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationships that set both `backref` and `back_populates`.

    ## Why is this bad?
    `backref` creates the reverse relationship automatically; `back_populates` links to a
    reverse relationship declared by hand. The two are mutually exclusive, and SQLAlchemy
    rejects a relationship that has both.

    ## When it breaks
    Class definition: `relationship()` raises `ArgumentError: backref and back_populates keyword
    arguments are mutually exclusive` when the model class is defined, that is when its module
    is imported.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"backref": "team"}
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
    """
    backref = _truthy_backref(rel)
    name = _bp_name(rel)
    if backref is None or name is None:
        return
    shown = backref.value.source
    message = (f"`{rel.symbol}` has both `back_populates=\"{name}\"` and `backref={shown}`; "
               f"SQLAlchemy raises `ArgumentError` when `{rel.owner}` is defined")
    yield ctx.report(backref.value.span, message)


@rule("SCL207", Severity.WARNING)
def legacy_backref(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `backref` in `sa_relationship_kwargs`.

    ## Why is this bad?
    `backref` is SQLAlchemy's legacy way of creating the reverse relationship on the other
    class. With SQLModel the created attribute is not a model field: `Hero(team=team)` silently
    drops the argument, `hero.team = team` raises `ValueError: "Hero" object has no field
    "team"`, and neither type checkers nor readers of `Hero` can see that `Hero.team` exists.
    Declaring both sides with `back_populates` has none of these problems.

    The rule is on by default although `backref` works for reading and appending: the failing
    assignment and the silently ignored constructor argument are real bugs in SQLModel code,
    and migrating to `back_populates` is what SQLAlchemy 2.0 recommends.

    ## When it breaks
    Silent for the constructor (`Hero(team=team)` leaves `hero.team` unset); assigning
    `hero.team = team` raises `ValueError` at run time.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"backref": "team"})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
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
    """
    backref = _truthy_backref(rel)
    if backref is None or back_populates_of(rel) is not None:
        return
    project = ctx.project
    target = _target(project, rel)
    name = _backref_name(backref)
    if target is None:
        return
    if name is not None:
        found = _member(project, target, name)
        if found is UNKNOWN or found[0] != "missing":
            return  # a collision is SCL208's finding
        created = f"`{target.name}.{name}`"
        message = (f"`{rel.symbol}` creates {created} with legacy `backref=\"{name}\"`; "
                   f"`{target.name}` has no field `{name}`, so `{target.name}({name}=...)` silently "
                   f"drops it and assigning {created} raises `ValueError`")
    else:
        message = (f"`{rel.symbol}` creates its reverse relationship with legacy "
                   f"`backref={backref.value.source}`; `{target.name}` has no field for it, so the "
                   f"`{target.name}` constructor silently drops it and assigning it raises "
                   f"`ValueError`")
    yield ctx.report(backref.value.span, message)


@rule("SCL208", Severity.ERROR)
def backref_name_collision(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `backref` names that the target class already uses.

    ## Why is this bad?
    `backref="team"` asks SQLAlchemy to create a `team` relationship on the target class. When
    the target already has a column or relationship called `team` (usually because the reverse
    side was also declared by hand), SQLAlchemy refuses to overwrite it.

    ## When it breaks
    Mapper configuration: the first query or the first instantiation of any model raises
    `ArgumentError: Error creating backref 'team' on relationship 'Team.heroes': property of that
    name exists on mapper 'Mapper[Hero(hero)]'`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"backref": "team"})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship()
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
    """
    backref = _truthy_backref(rel)
    if backref is None or back_populates_of(rel) is not None:
        return
    name = _backref_name(backref)
    project = ctx.project
    target = _target(project, rel)
    if name is None or target is None:
        return
    found = _member(project, target, name)
    if found is UNKNOWN or found[0] not in ("relationship", "column"):
        return
    existing = found[1]
    kind = "relationship" if found[0] == "relationship" else "column"
    message = (f"`{rel.symbol}` has `backref=\"{name}\"`, but `{target.name}` already has a "
               f"{kind} `{name}`; SQLAlchemy raises `ArgumentError` {_CONFIGURE}")
    owner = project.owner_of(rel)
    if found[0] == "relationship" and _target(project, existing) is owner:
        message += (f" (use `back_populates=\"{name}\"` here and "
                    f"`back_populates=\"{rel.attr}\"` on `{existing.symbol}`)")
    yield ctx.report(backref.value.span, message,
                     related=[(existing.path, existing.span, f"`{existing.symbol}` is declared here")])


def _reports_overlap(project: Project, rel: RelationshipDecl, conflicts: List[RelationshipDecl]
                     ) -> bool:
    """Report a group of overlapping relationships once: on the one that conflicts with the
    most others (the odd one out), the last declared on a tie."""
    mine = (len(conflicts), _order(rel))
    return all((len(_conflicts(project, o)), _order(o)) < mine for o in conflicts)


def _overlap_message(rel: RelationshipDecl, others: List[RelationshipDecl],
                     columns: FrozenSet[Tuple[str, str]]) -> str:
    names = ", ".join(f"`{o.symbol}`" for o in others)
    shown = ", ".join(f"`{t}.{c}`" for t, c in sorted(columns))
    keys = ",".join(sorted({o.attr for o in others}))
    both = "both write" if len(others) == 1 else "all write"
    return (f"`{rel.symbol}` and {names} {both} {shown} but are not linked with "
            f"`back_populates`, `viewonly` or `overlaps=\"{keys}\"`; SQLAlchemy warns at mapper "
            f"configuration and silently lets them write conflicting values")


@rule("SCL209", Severity.WARNING)
def overlapping_relationships(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationships that write the same foreign key without being linked.

    ## Why is this bad?
    When two relationships write the same foreign key column (`Team.heroes` and `Team.members`
    over `hero.team_id`, or two many-to-many relationships through the same link table) and
    are neither linked with `back_populates`, nor marked `viewonly=True`, nor told about each
    other with `overlaps=`, each flushes its own view of the column and the last write wins.

    This rule covers every such pair except the plain one of `unlinked-relationship-pair`
    (SCL213): the two ends of one foreign key, on two classes, neither with `back_populates`.

    ## When it breaks
    Mapper configuration emits `SAWarning: relationship 'Team.members' will copy column team.id
    to column hero.team_id, which conflicts with relationship(s): 'Team.heroes'`; at run time
    the two relationships silently disagree.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team")
        members: list["Hero"] = Relationship()


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
        members: list["Hero"] = Relationship(sa_relationship_kwargs={"viewonly": True})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    Relationships with `primaryjoin`, `secondary` or a non-literal `sa_relationship_kwargs`
    are skipped.
    """
    project = ctx.project
    conflicts = _conflicts(project, rel)
    if not conflicts or not _reports_overlap(project, rel, conflicts):
        return
    if len(conflicts) == 1 and len(_conflicts(project, conflicts[0])) == 1 and _is_pair(
            project, rel, conflicts[0]):
        return  # SCL213
    shared: FrozenSet[Tuple[str, str]] = frozenset()
    for other in conflicts:
        shared |= _columns(project, other)
    columns = _columns(project, rel) & shared
    yield ctx.report(rel.span, _overlap_message(rel, conflicts, columns),
                     related=[_where(o) for o in conflicts])


@rule("SCL213", Severity.WARNING, default=False)
def unlinked_relationship_pair(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for the two ends of one foreign key declared without `back_populates`.

    ## Why is this bad?
    `Team.heroes` and `Hero.team` both use `hero.team_id`, but neither names the other in
    `back_populates`. SQLAlchemy treats them as two unrelated relationships: appending to
    `team.heroes` does not set `hero.team`, and the two can flush conflicting values.

    The rule is off by default: SQLModel's own tutorial starts with exactly this pair before
    introducing `back_populates`, and code that never uses both sides at once works.

    ## When it breaks
    Mapper configuration emits `SAWarning: relationship 'Hero.team' will copy column team.id to
    column hero.team_id, which conflicts with relationship(s): 'Team.heroes'`; at run time the
    two sides are not kept in sync.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship()


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship()
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
    """
    project = ctx.project
    conflicts = _conflicts(project, rel)
    if len(conflicts) != 1 or not _reports_overlap(project, rel, conflicts):
        return
    other = conflicts[0]
    if len(_conflicts(project, other)) != 1 or not _is_pair(project, rel, other):
        return
    columns = (_columns(project, rel)) & (
        _columns(project, other))
    yield ctx.report(rel.span, _overlap_message(rel, [other], columns), related=[_where(other)])


@rule("SCL210", Severity.ERROR)
def self_referential_without_remote_side(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for self-referential `back_populates` pairs without `remote_side`.

    ## Why is this bad?
    In an adjacency list (`Node.parent` / `Node.children` over `node.parent_id`) both
    relationships join the same table to itself, so SQLAlchemy cannot tell from the foreign key
    which side is the "many-to-one" one: without `remote_side` it makes both one-to-many and
    then refuses to pair them.

    ## When it breaks
    Mapper configuration: the first query or the first instantiation of any model raises
    `ArgumentError: Node.parent and back-reference Node.children are both of the same direction
    <RelationshipDirection.ONETOMANY: 1>.  Did you mean to set remote_side on the many-to-one
    side ?`.

    ## Example
    ```python
    from typing import Optional

    from sqlmodel import Field, Relationship, SQLModel


    class Node(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        parent_id: int | None = Field(default=None, foreign_key="node.id")
        parent: Optional["Node"] = Relationship(back_populates="children")
        children: list["Node"] = Relationship(back_populates="parent")
    ```

    ## Use instead
    ```python
    from typing import Optional

    from sqlmodel import Field, Relationship, SQLModel


    class Node(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        parent_id: int | None = Field(default=None, foreign_key="node.id")
        parent: Optional["Node"] = Relationship(
            back_populates="children", sa_relationship_kwargs={"remote_side": "Node.id"}
        )
        children: list["Node"] = Relationship(back_populates="parent")
    ```
    """
    project = ctx.project
    owner = project.owner_of(rel)
    if not _plain_self_referential(project, rel) or not _remote_side_is_foreign_key(
            project, owner, rel):
        return
    partners = [r for r in _reverses(project, rel) if project.owner_of(r) is owner]
    if len(partners) != 1:
        return
    other = partners[0]
    if not _plain_self_referential(project, other) or not _remote_side_is_foreign_key(
            project, owner, other):
        return
    # report once, on the scalar (many-to-one) side; the first declared when that is unclear
    rel_is_many_to_one = _is_scalar(rel) and _is_collection(other)
    other_is_many_to_one = _is_scalar(other) and _is_collection(rel)
    if other_is_many_to_one or (not rel_is_many_to_one and _order(other) < _order(rel)):
        return
    pk = _pk_name(project, owner)
    message = (f"`{rel.symbol}` and `{other.symbol}` refer to `{owner.name}` itself and no "
               f"`remote_side` marks either as the many-to-one side, so both are one-to-many; "
               f"SQLAlchemy raises `ArgumentError` {_CONFIGURE}")
    if pk is not None and _is_scalar(rel):
        message += (f" (add `sa_relationship_kwargs={{\"remote_side\": \"{owner.name}.{pk}\"}}` "
                    f"to `{rel.symbol}`)")
    yield ctx.report(rel.span, message, related=[_where(other)])


@rule("SCL211", Severity.ERROR)
def self_referential_many_to_many_without_joins(rel: RelationshipDecl, ctx: Context
                                                ) -> Iterator[Diagnostic]:
    """Checks for self-referential many-to-many relationships without `primaryjoin`/`secondaryjoin`.

    ## Why is this bad?
    A link model between a table and itself (followers, friends, related products) has two
    foreign keys to the same table. SQLAlchemy cannot guess which one joins the owner and which
    one joins the target, and `foreign_keys` alone does not settle it; both `primaryjoin` and
    `secondaryjoin` are needed.

    ## When it breaks
    Mapper configuration: the first query or the first instantiation of any model raises
    `AmbiguousForeignKeysError: Could not determine join condition between parent/child tables
    on relationship User.followers - there are multiple foreign key paths linking the tables
    via secondary table 'follow'`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Follow(SQLModel, table=True):
        follower_id: int | None = Field(default=None, foreign_key="user.id", primary_key=True)
        followed_id: int | None = Field(default=None, foreign_key="user.id", primary_key=True)


    class User(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        followers: list["User"] = Relationship(link_model=Follow)
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Follow(SQLModel, table=True):
        follower_id: int | None = Field(default=None, foreign_key="user.id", primary_key=True)
        followed_id: int | None = Field(default=None, foreign_key="user.id", primary_key=True)


    class User(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        followers: list["User"] = Relationship(
            link_model=Follow,
            sa_relationship_kwargs={
                "primaryjoin": "User.id == Follow.followed_id",
                "secondaryjoin": "User.id == Follow.follower_id",
            },
        )
    ```
    """
    if "link_model" not in rel.kwargs or _opaque(rel) or "secondary" in rel.sa_kwargs:
        return
    if "primaryjoin" in rel.sa_kwargs and "secondaryjoin" in rel.sa_kwargs:
        return
    project = ctx.project
    owner = project.owner_of(rel)
    if _target(project, rel) is not owner:
        return
    link = _link_class(project, rel)
    if link is None:
        return
    owner_table = project.tablename(owner)
    fks, complete = project.foreign_keys(link)
    if not isinstance(owner_table, str) or not complete:
        return
    count = len([fk for fk in fks if fk.table == owner_table])
    if count < 2:
        return
    missing = " and ".join(f"`{k}`" for k in ("primaryjoin", "secondaryjoin") if k not in rel.sa_kwargs)
    message = (f"`{rel.symbol}` is a self-referential many-to-many through `{link.name}`, which "
               f"has {count} foreign keys to `{owner_table}`, but it sets no {missing}; SQLAlchemy "
               f"raises `AmbiguousForeignKeysError` {_CONFIGURE}")
    yield ctx.report(rel.span, message, related=[(link.path, link.name_span,
                                                  f"`{link.name}` is declared here")])


@rule("SCL212", Severity.WARNING)
def self_referential_scalar_without_remote_side(rel: RelationshipDecl, ctx: Context
                                                ) -> Iterator[Diagnostic]:
    """Checks for a lone self-referential scalar relationship without `remote_side`.

    ## Why is this bad?
    `parent: Optional["Node"] = Relationship()` over `node.parent_id` looks like a many-to-one,
    but for a table joined to itself SQLAlchemy cannot tell the direction from the foreign key
    and makes it one-to-many. The attribute then works backwards: `child.parent = root` stores
    `child.id` in `root.parent_id` and leaves `child.parent_id` empty.

    ## When it breaks
    Silent: no error and no warning; the flush writes the link into the wrong row.

    ## Example
    ```python
    from typing import Optional

    from sqlmodel import Field, Relationship, SQLModel


    class Node(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        parent_id: int | None = Field(default=None, foreign_key="node.id")
        parent: Optional["Node"] = Relationship()
    ```

    ## Use instead
    ```python
    from typing import Optional

    from sqlmodel import Field, Relationship, SQLModel


    class Node(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        parent_id: int | None = Field(default=None, foreign_key="node.id")
        parent: Optional["Node"] = Relationship(sa_relationship_kwargs={"remote_side": "Node.id"})
    ```

    ## Known problems
    A scalar that really is meant as the one-to-one reverse of another row's foreign key
    (`child: Optional["Node"]` meaning "the node whose `parent_id` is mine") is reported too.
    """
    project = ctx.project
    if not _plain_self_referential(project, rel) or "remote_side" in rel.sa_kwargs:
        return
    if not _is_scalar(rel) or back_populates_of(rel) is not None or rel.option("backref") is not None:
        return
    if _reverses(project, rel):
        return
    owner = project.owner_of(rel)
    pk = _pk_name(project, owner)
    fk = project.fk_paths(owner, owner)[0][0].field.name
    message = (f"`{rel.symbol}` refers to `{owner.name}` itself without `remote_side`, so "
               f"SQLAlchemy makes it one-to-many: `a.{rel.attr} = b` sets `b.{fk}` instead of "
               f"`a.{fk}`, silently")
    if pk is not None:
        message += f" (add `sa_relationship_kwargs={{\"remote_side\": \"{owner.name}.{pk}\"}}`)"
    yield ctx.report(rel.span, message)
