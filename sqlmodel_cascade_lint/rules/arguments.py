"""Family 4: Relationship() arguments and `sa_relationship_kwargs` options."""

from __future__ import annotations

import difflib
from typing import Any, Iterator, List, Optional, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Fix, Severity
from sqlmodel_cascade_lint.facts import UNKNOWN, Arg, NameRef, RelationshipDecl
from sqlmodel_cascade_lint.project import UNRESOLVED, Direction
from sqlmodel_cascade_lint.rules import Context, _normalise, did_you_mean, rule
from sqlmodel_cascade_lint.semantics import (
    DATACLASS_ONLY_KWARGS,
    LAZY_STRATEGIES,
    RELATIONSHIP_KWARGS,
    RELATIONSHIP_PARAMETERS,
    SQLMODEL_CASCADE_DELETE,
    cascade_elements,
    expand,
    passive_deletes,
)

# Keywords `RelationshipProperty.__init__` accepts through `**kw` beyond the public list.
_PRIVATE_KWARGS = ("_local_remote_pairs", "_legacy_inactive_history_style")
# relationship() keywords that are useful inside `sa_relationship_kwargs`.
_USABLE_KWARGS = tuple(k for k in RELATIONSHIP_KWARGS
                       if k != "argument" and k not in DATACLASS_ONLY_KWARGS)
_LAZY_SYNONYMS = {
    "eager": "joined", "joinedload": "joined", "join": "joined", "lazy": "select",
    "selectinload": "selectin", "subqueryload": "subquery", "raiseload": "raise",
    "noload": "noload", "writeonly": "write_only", "lazyload": "select", "true": "select",
}
# Options that SQLAlchemy only truth-tests (None and bools are what they mean).
_BOOL_OPTIONS = ("viewonly", "uselist", "single_parent", "post_update", "passive_updates",
                 "active_history", "sync_backref", "load_on_pending", "enable_typechecks")
_FALSY_STRINGS = ("false", "no", "off", "0", "n", "f", "none", "null")


def _defined(rel: RelationshipDecl) -> str:
    return f"when `{rel.owner}` is defined"


def _configure() -> str:
    return "at the first query (mapper configuration)"


def _uses_sa_relationship(rel: RelationshipDecl) -> bool:
    """`sa_relationship=` is given (and not a literal None): SQLModel ignores everything else."""
    arg = rel.param("sa_relationship")
    if arg is None:
        return False
    return not (arg.value.known and arg.value.value is None)


def _option(rel: RelationshipDecl, name: str) -> Optional[Arg]:
    """The `sa_relationship_kwargs` entry `name`, unless `sa_relationship=` replaces it all.

    None also for a relationship without annotation: its class cannot even be defined
    (`KeyError`, another rule's finding), so nothing later applies.
    """
    if _uses_sa_relationship(rel) or rel.annotation is None:
        return None
    return rel.option(name)


def _scalar_annotation(rel: RelationshipDecl) -> bool:
    """The annotation names one class and no collection: SQLAlchemy forces `uselist=False`."""
    ann = rel.annotation
    if ann is None or ann.target is UNKNOWN or ann.classvar or ann.target in ("Any", "object"):
        return False
    if ann.whole_quoted or ann.quoted_union or ann.unions > 1:
        return False
    return not ann.is_collection


def _closest(word: str, *groups: Tuple[str, ...]) -> Optional[str]:
    """The best did-you-mean over several vocabularies (closest spelling wins)."""
    candidates = [c for group in groups for c in group]
    first = did_you_mean(word, candidates)
    if first is None:
        return None
    best, score = first, difflib.SequenceMatcher(None, word.lower(), first.lower()).ratio()
    for option in candidates:
        ratio = difflib.SequenceMatcher(None, word.lower(), option.lower()).ratio()
        if ratio > score:
            best, score = option, ratio
    return best


def _is_sqlmodel_relationship(rel: RelationshipDecl, ctx: Context) -> bool:
    """`Relationship` is SQLModel's, not a project's own wrapper with other parameters."""
    module = ctx.project.modules.get(rel.path)
    if module is None:
        return False
    imp = module.imports.get("Relationship")
    if imp is not None:
        return imp.qualified.startswith("sqlmodel.")
    return "sqlmodel" in module.star_imports or "sqlmodel" in module.imports


@rule("SCL401", Severity.ERROR, fixable=True)
def unknown_relationship_parameter(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for keyword arguments that SQLModel's `Relationship()` does not accept.

    ## Why is this bad?
    `Relationship()` takes exactly seven keyword arguments: `back_populates`,
    `cascade_delete`, `passive_deletes`, `link_model`, `sa_relationship`,
    `sa_relationship_args` and `sa_relationship_kwargs`. SQLAlchemy's `relationship()` options
    such as `cascade`, `lazy`, `uselist` or `order_by` are not parameters of `Relationship()`;
    they go into `sa_relationship_kwargs`.

    ## When it breaks
    Class definition: `Relationship()` raises
    `TypeError: Relationship() got an unexpected keyword argument 'cascade'` while the class
    body runs, that is when the module is imported.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team", lazy="selectin")


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
            back_populates="team", sa_relationship_kwargs={"lazy": "selectin"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    The rule assumes `Relationship` is SQLModel's. When a module imports `Relationship` from
    somewhere else (a project's own wrapper), the rule says nothing.

    ## Fix safety
    When the unknown parameter is a `relationship()` option and the call has no
    `sa_relationship_kwargs` yet, the fix moves it there: `lazy="selectin"` becomes
    `sa_relationship_kwargs={"lazy": "selectin"}`. It is safe: the call cannot run as written,
    and the fix gives the option the meaning its name says. Other cases have no fix.
    """
    if not _is_sqlmodel_relationship(rel, ctx):
        return
    movable = [a for n, a in rel.kwargs.items()
               if n in _USABLE_KWARGS and n not in RELATIONSHIP_PARAMETERS]
    can_move = (len(movable) == 1 and "sa_relationship_kwargs" not in rel.kwargs
                and "sa_relationship" not in rel.kwargs and not rel.has_star_kwargs)
    for name, arg in rel.kwargs.items():
        if name in RELATIONSHIP_PARAMETERS:
            continue
        message = f"`Relationship()` has no parameter `{name}`"
        if name in _USABLE_KWARGS:
            message += (f"; `{name}` is a `relationship()` option: pass it as "
                        f"`sa_relationship_kwargs={{\"{name}\": ...}}`")
        elif name == "dynamic":
            message += "; for a dynamic collection use `sa_relationship_kwargs={\"lazy\": \"dynamic\"}`"
        elif name in DATACLASS_ONLY_KWARGS:
            message += ("; a relationship needs no default: a list starts empty and a single "
                        "object starts as `None`")
        elif name in ("ondelete", "foreign_key"):
            message += f"; `{name}` belongs to the foreign key column's `Field()`"
        else:
            guess = _closest(name, RELATIONSHIP_PARAMETERS, _USABLE_KWARGS)
            if guess in RELATIONSHIP_PARAMETERS:
                message += f" (did you mean `{guess}`?)"
            elif guess is not None:
                message += (f" (did you mean the `relationship()` option `{guess}`? Pass it in "
                            f"`sa_relationship_kwargs`)")
        message += f"; SQLModel raises `TypeError` {_defined(rel)}"
        fix = None
        source = arg.value.source
        if can_move and name in _USABLE_KWARGS and len(source) < 150:
            fix = Fix(f"Move `{name}` into `sa_relationship_kwargs`",
                      (Edit(arg.span, f'sa_relationship_kwargs={{"{name}": {source}}}'),))
        yield ctx.report(arg.span, message, fix=fix)


@rule("SCL402", Severity.ERROR, fixable=True)
def unknown_relationship_kwarg(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `sa_relationship_kwargs` keys that SQLAlchemy's `relationship()` does not accept.

    ## Why is this bad?
    SQLModel passes `sa_relationship_kwargs` on to `relationship()` unchanged, and
    `relationship()` accepts a fixed set of keywords. A misspelled key (`cascades`,
    `back_populate`, `lazzy`, `order-by`) is not ignored: the class cannot be defined. The keys
    `argument` (the target class, which SQLModel already takes from the annotation) and
    `attribute_options` are passed twice and fail the same way.

    ## When it breaks
    Class definition: SQLAlchemy raises
    `TypeError: RelationshipProperty.__init__() got an unexpected keyword argument 'cascades'`
    (or `got multiple values for argument 'argument'`) when the model class is defined.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"order-by": "Hero.name"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"order_by": "Hero.name"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    When the key resembles exactly one `relationship()` keyword, the fix renames it. The fix is
    safe when the two differ only in case, `-`/`_` or spaces (`order-by`, `Lazy`), and unsafe
    for other resemblances (`cascades` for `cascade`), which are a guess.
    """
    if _uses_sa_relationship(rel):
        return
    for key, arg in rel.sa_kwargs.items():
        fix = None
        if key in RELATIONSHIP_KWARGS and key != "argument" or key in _PRIVATE_KWARGS:
            continue
        if key == "argument":
            message = (f"`{rel.symbol}` passes `argument` in `sa_relationship_kwargs`, but SQLModel "
                       f"already passes the target class from the annotation; SQLAlchemy raises "
                       f"`TypeError` (multiple values for `argument`) {_defined(rel)}")
        elif key == "attribute_options":
            message = (f"`{rel.symbol}` passes `attribute_options` in `sa_relationship_kwargs`, "
                       f"which `relationship()` sets itself; SQLAlchemy raises `TypeError` "
                       f"(multiple values for `attribute_options`) {_defined(rel)}")
        else:
            message = f"`sa_relationship_kwargs` of `{rel.symbol}` has an unknown key `{key}`"
            if key in RELATIONSHIP_PARAMETERS:
                message += (f" (`{key}` is a `Relationship()` parameter: pass it as "
                            f"`Relationship({key}=...)`)")
            else:
                guess = did_you_mean(key, _USABLE_KWARGS)
                if guess is not None:
                    message += f" (did you mean `{guess}`?)"
                    if guess not in rel.sa_kwargs:
                        sure = _normalise(guess) == _normalise(key)
                        fix = Fix(f"Rename `{key}` to `{guess}`", (Edit(arg.name_span, f'"{guess}"'),),
                                  applicability="safe" if sure else "unsafe")
            message += f"; SQLAlchemy raises `TypeError` {_defined(rel)}"
        yield ctx.report(arg.name_span, message, fix=fix)


@rule("SCL403", Severity.ERROR)
def dataclass_only_kwarg(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for dataclass-only `relationship()` options in `sa_relationship_kwargs`.

    ## Why is this bad?
    `init`, `repr`, `default`, `default_factory`, `compare`, `kw_only`, `hash` and
    `dataclass_metadata` are `relationship()` options for SQLAlchemy's native dataclass
    mapping (`MappedAsDataclass`). SQLModel models are pydantic models, not SQLAlchemy
    dataclasses, so SQLAlchemy refuses them. A relationship collection already starts empty
    without `default_factory=list`.

    ## When it breaks
    Class definition: SQLAlchemy raises `ArgumentError: Attribute 'heroes' on class ... includes
    dataclasses argument(s): 'default_factory' but class does not specify SQLAlchemy native
    dataclass configuration.` when the model class is defined.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"default_factory": list}
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
    if _uses_sa_relationship(rel):
        return
    for key, arg in rel.sa_kwargs.items():
        if key not in DATACLASS_ONLY_KWARGS:
            continue
        yield ctx.report(
            arg.name_span,
            f"`sa_relationship_kwargs` of `{rel.symbol}` has `{key}`, an option for SQLAlchemy "
            f"native dataclasses only; SQLAlchemy raises `ArgumentError` {_defined(rel)}",
        )


def _lazy(rel: RelationshipDecl) -> Tuple[Optional[Arg], Any]:
    """The `lazy` entry of `sa_relationship_kwargs` and its literal value (UNKNOWN if none)."""
    arg = _option(rel, "lazy")
    if arg is None:
        return None, UNKNOWN
    return arg, arg.value.literal()


def _lazy_suggestion(value: str) -> Optional[str]:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key in LAZY_STRATEGIES:
        return key
    synonym = _LAZY_SYNONYMS.get(key.replace("_", ""))
    if synonym is not None:
        return synonym
    return did_you_mean(value, LAZY_STRATEGIES)


@rule("SCL404", Severity.ERROR, fixable=True)
def invalid_lazy(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `lazy` values that are not a SQLAlchemy loader strategy.

    ## Why is this bad?
    `lazy` accepts `"select"` (the default, also `True`), `"joined"` (also `False`),
    `"subquery"`, `"selectin"`, `"immediate"`, `"raise"`, `"raise_on_sql"`, `"noload"` (also
    `None`), `"dynamic"` and `"write_only"`, spelled exactly like that. `"eager"`, `"Select"`
    or `"selectinload"` are not strategies, and SQLAlchemy does not check the value until the
    mappers are configured.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises
    `LoaderStrategyException: Can't find strategy (('lazy', 'eager'),) for Team.heroes` at the
    first query or the first instantiation of any model (not at import or `create_all`).

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"lazy": "eager"}
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
            back_populates="team", sa_relationship_kwargs={"lazy": "joined"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    When the value is a strategy spelled with another case, `-` or surrounding spaces
    (`"Select"`, `"write-only"`), the fix writes the strategy's name. It is safe: the value
    cannot work as written and the strategy is unambiguous. Other values (`"eager"`) have no
    fix, because the choice between `"joined"` and `"selectin"` changes the queries.
    """
    arg, value = _lazy(rel)
    if arg is None or not isinstance(value, str) or value in LAZY_STRATEGIES:
        return
    message = f"`{rel.symbol}` has `lazy=\"{value}\"`, which is not a loader strategy"
    guess = _lazy_suggestion(value)
    if guess is not None:
        message += f" (did you mean `\"{guess}\"`?)"
    message += f"; SQLAlchemy raises `LoaderStrategyException` {_configure()}"
    fix = None
    exact = [s for s in LAZY_STRATEGIES if _normalise(s) == _normalise(value)]
    if len(exact) == 1:
        fix = Fix(f"Replace `\"{value}\"` with `\"{exact[0]}\"`", (Edit(arg.value.span, f'"{exact[0]}"'),))
    yield ctx.report(arg.value.span, message, fix=fix)


def _scalar_reason(rel: RelationshipDecl, ctx: Context) -> Optional[str]:
    """Why SQLAlchemy will treat `rel` as a scalar (uselist=False or many-to-one), if it will."""
    if _scalar_annotation(rel):
        assert rel.annotation is not None
        return f"its annotation `{rel.annotation.source}` is not a list"
    uselist = _option(rel, "uselist")
    if uselist is not None:
        value = uselist.value.literal()
        if value is UNKNOWN:
            return None
        if not value and value is not None:
            return "it has `uselist=False`"
    if ctx.project.direction_of(rel) is Direction.MANY_TO_ONE:
        return "it is many-to-one"
    return None


@rule("SCL405", Severity.ERROR)
def dynamic_lazy_on_scalar(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `lazy="dynamic"` or `lazy="write_only"` on a scalar relationship.

    ## Why is this bad?
    The `dynamic` and `write_only` strategies replace a collection with a query-like object, so
    they only work on one-to-many and many-to-many relationships whose attribute is a list. A
    many-to-one side (the class that holds the foreign key), a scalar annotation such as
    `Team | None`, or `uselist=False` cannot use them.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises `InvalidRequestError: On relationship Hero.team,
    'dynamic' loaders cannot be used with many-to-one/one-to-one relationships and/or
    uselist=False.` at the first query (the message says 'dynamic' for `write_only` too).

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
            back_populates="heroes", sa_relationship_kwargs={"lazy": "dynamic"}
        )
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"lazy": "dynamic"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```
    """
    arg, value = _lazy(rel)
    if arg is None or value not in ("dynamic", "write_only"):
        return
    reason = _scalar_reason(rel, ctx)
    if reason is None:
        return
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` has `lazy=\"{value}\"`, which works only on one-to-many and "
        f"many-to-many lists, but {reason}; SQLAlchemy raises `InvalidRequestError` {_configure()}",
    )


@rule("SCL406", Severity.WARNING)
def noload_lazy(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for the deprecated `noload` loader strategy (`lazy="noload"` or `lazy=None`).

    ## Why is this bad?
    A `noload` relationship never loads: it reads as `None` or an empty list even when related
    rows exist, which is rarely what the code means. SQLAlchemy 2.1 deprecates it and will
    remove it. `lazy=None` is the same strategy. Use `"raise"` to forbid implicit loads, or
    `"select"`/`"selectin"` to load.

    ## When it breaks
    Silent on SQLAlchemy 2.0: related objects are never loaded. Mapper configuration on
    SQLAlchemy 2.1: `SADeprecationWarning: The ``noload`` loader strategy is deprecated ...` at
    the first query.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"lazy": "noload"}
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
            back_populates="team", sa_relationship_kwargs={"lazy": "raise"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```
    """
    arg, value = _lazy(rel)
    if arg is None or (value != "noload" and value is not None):
        return
    spelled = "None" if value is None else "\"noload\""
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` has `lazy={spelled}`, the `noload` strategy, which never loads "
        f"`{rel.attr}` and is deprecated; SQLAlchemy 2.1 warns `SADeprecationWarning` "
        f"{_configure()}",
    )


@rule("SCL407", Severity.ERROR)
def write_only_without_passive_deletes(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `lazy="write_only"` collections without `passive_deletes`.

    ## Why is this bad?
    A `write_only` collection is never loaded. When the parent is deleted, SQLAlchemy must
    either load the children (to null their foreign key or delete them) or leave them to the
    database. Without `passive_deletes=True` it tries to load them, which `write_only` forbids.
    Set `passive_deletes=True` and an `ondelete` rule on the foreign key, so that the database
    handles the children.

    ## When it breaks
    Flush: deleting a parent raises `InvalidRequestError: Attribute Team.heroes can't load the
    existing state from the database for this operation; full iteration is not permitted.`
    at `commit()`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"lazy": "write_only"})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            passive_deletes=True, sa_relationship_kwargs={"lazy": "write_only"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    ```
    """
    arg, value = _lazy(rel)
    if arg is None or value != "write_only":
        return
    if _scalar_reason(rel, ctx) is not None:
        return  # SCL405: it does not even configure
    direction = ctx.project.direction_of(rel)
    if direction not in (Direction.ONE_TO_MANY, Direction.MANY_TO_MANY):
        return
    passive = passive_deletes(rel)
    if passive is UNKNOWN or passive:
        return
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` has `lazy=\"write_only\"` without `passive_deletes=True`, so SQLAlchemy "
        f"cannot unlink the `{rel.attr}` of a deleted `{rel.owner}`; deleting a `{rel.owner}` that "
        f"has `{rel.attr}` fails at flush with `InvalidRequestError`",
    )


_OVERRIDES = (("cascade", "cascade_delete"), ("back_populates", "back_populates"),
              ("passive_deletes", "passive_deletes"), ("secondary", "link_model"))


def _same_effect(key: str, option: Any, param: Any) -> bool:
    """The kwargs entry sets what the parameter sets anyway (redundant, not misleading)."""
    if option is UNKNOWN:
        return False
    if key == "cascade":
        if option is None:
            return False
        elements = cascade_elements(option)
        return elements is not UNKNOWN and expand(elements) == SQLMODEL_CASCADE_DELETE
    if key == "secondary":
        return False
    return option == param and type(option) is type(param)


def _same_link_table(ctx: Context, rel: RelationshipDecl, option: Any, param: Any) -> bool:
    """`secondary` names the table of the `link_model` class (redundant, not misleading)."""
    module = ctx.project.modules.get(rel.path)
    if not isinstance(param, NameRef) or module is None:
        return False
    cls = ctx.project.resolve_name(module, param.dotted)
    if cls is UNRESOLVED or not hasattr(cls, "name"):
        return False
    if isinstance(option, str):
        return option == ctx.project.tablename(cls)
    if isinstance(option, NameRef):
        return option.dotted == f"{param.dotted}.__table__"
    return False


@rule("SCL408", Severity.WARNING)
def kwargs_override_parameter(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `sa_relationship_kwargs` entries that silently replace a `Relationship()` parameter.

    ## Why is this bad?
    SQLModel turns `cascade_delete`, `back_populates`, `passive_deletes` and `link_model` into
    `relationship()` options and then applies `sa_relationship_kwargs` on top with
    `dict.update`. A `cascade`, `back_populates`, `passive_deletes` or `secondary` key there
    replaces the parameter without a word: `cascade_delete=True` next to
    `{"cascade": "save-update"}` deletes nothing.

    ## When it breaks
    Silent: SQLModel ignores the parameter, and the relationship does what the
    `sa_relationship_kwargs` entry says.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team",
            cascade_delete=True,
            sa_relationship_kwargs={"cascade": "save-update, merge"},
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
    """
    if _uses_sa_relationship(rel):
        return
    for key, parameter in _OVERRIDES:
        option = rel.option(key)
        param = rel.param(parameter)
        if option is None or param is None:
            continue
        param_value = param.value.literal()
        if param_value is UNKNOWN or not param_value:
            continue  # SQLModel passes only truthy parameters on
        if _same_effect(key, option.value.literal(), param_value):
            continue
        if key == "secondary" and _same_link_table(ctx, rel, option.value.literal(), param_value):
            continue
        given = f"`{parameter}={param.value.source}`"
        yield ctx.report(
            option.span,
            f"`sa_relationship_kwargs` key `{key}` of `{rel.symbol}` replaces {given} (SQLModel "
            f"applies `sa_relationship_kwargs` last); SQLModel silently ignores {given}",
            related=[(rel.path, param.span, f"{given} is given here")],
        )


_FORWARDED = ("back_populates", "cascade_delete", "passive_deletes", "link_model")


@rule("SCL409", Severity.ERROR)
def sa_relationship_with_kwargs(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `sa_relationship=` combined with `sa_relationship_kwargs` or `sa_relationship_args`.

    ## Why is this bad?
    `sa_relationship=` hands SQLModel a finished `relationship()` object, so there is nothing
    left to pass arguments to. SQLModel refuses the combination, even when the extra mapping or
    list is empty.

    ## When it breaks
    Class definition: `Relationship()` raises `RuntimeError: Passing sa_relationship_kwargs is
    not supported when also passing a sa_relationship` while the class body runs.

    ## Example
    ```python
    from sqlalchemy.orm import relationship
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            sa_relationship=relationship("Hero"), sa_relationship_kwargs={"lazy": "selectin"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import relationship
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship=relationship("Hero", lazy="selectin"))


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```
    """
    if not _uses_sa_relationship(rel):
        return
    for name in ("sa_relationship_args", "sa_relationship_kwargs"):
        arg = rel.param(name)
        if arg is None or (arg.value.known and arg.value.value is None):
            continue
        yield ctx.report(
            arg.span,
            f"`{rel.symbol}` passes `{name}` together with `sa_relationship`; SQLModel raises "
            f"`RuntimeError` {_defined(rel)}",
        )


@rule("SCL410", Severity.WARNING)
def sa_relationship_with_parameters(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `Relationship()` parameters that `sa_relationship=` makes SQLModel ignore.

    ## Why is this bad?
    With `sa_relationship=relationship(...)`, SQLModel uses that object as it is and drops
    `back_populates`, `cascade_delete`, `passive_deletes` and `link_model` without a warning.
    The relationship then has no `back_populates`, the default cascade, or no link table,
    whatever the parameters say.

    ## When it breaks
    Silent: SQLModel ignores the parameters.

    ## Example
    ```python
    from sqlalchemy.orm import relationship
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            cascade_delete=True, sa_relationship=relationship("Hero")
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlalchemy.orm import relationship
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            sa_relationship=relationship("Hero", cascade="all, delete-orphan")
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```
    """
    if not _uses_sa_relationship(rel):
        return
    for name in _FORWARDED:
        arg = rel.param(name)
        if arg is None:
            continue
        value = arg.value.literal()
        if value is not UNKNOWN and not isinstance(value, NameRef) and not value:
            continue  # a falsy parameter asks for nothing
        yield ctx.report(
            arg.span,
            f"`{rel.symbol}` passes `{name}` together with `sa_relationship`, whose "
            f"`relationship()` object SQLModel uses as it is; SQLModel silently ignores `{name}`",
        )


def _truth(value: Any) -> str:
    return "`True`" if value else "`False`"


@rule("SCL411", Severity.WARNING)
def non_bool_flag(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for strings given where a relationship flag expects a bool.

    ## Why is this bad?
    SQLModel and SQLAlchemy only test these flags for truth: `cascade_delete="false"` is a
    non-empty string, so it turns delete cascades **on**. `passive_deletes` accepts `True`,
    `False` or exactly `"all"`; `"yes"` or `"ALL"` behave like `True`. The same holds for
    `viewonly`, `uselist`, `single_parent` and the other boolean options in
    `sa_relationship_kwargs`.

    ## When it breaks
    Silent: the flag means the truth value of the string, not what it says.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="team", cascade_delete="false")


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
        heroes: list["Hero"] = Relationship(back_populates="team", cascade_delete=False)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```
    """
    checks: List[Tuple[str, Arg, str]] = []
    for name in ("cascade_delete", "passive_deletes"):
        arg = rel.param(name)
        if arg is not None:
            checks.append((f"{name}=", arg, "SQLModel"))
    if not _uses_sa_relationship(rel):
        for name in _BOOL_OPTIONS + ("passive_deletes",):
            arg = rel.option(name)
            if arg is not None:
                checks.append((f"\"{name}\": ", arg, "SQLAlchemy"))
    for spelled, arg, library in checks:
        value = arg.value.literal()
        if not isinstance(value, str):
            continue
        if arg.name == "passive_deletes" and value == "all":
            continue
        if arg.name == "uselist" and _scalar_annotation(rel):
            continue  # the annotation decides (SCL415 territory)
        where = f"`{spelled}{arg.value.source}`"
        if arg.name == "passive_deletes" and value.strip().lower() == "all":
            why = "only the exact string `\"all\"` has a meaning, and other strings are only tested for truth"
        elif value and value.strip().lower() in _FALSY_STRINGS:
            why = "it reads as false, but a non-empty string is only tested for truth"
        else:
            why = "a string that is only tested for truth"
        yield ctx.report(
            arg.value.span,
            f"`{rel.symbol}` has {where} where a bool is expected ({why}); {library} silently "
            f"treats it as {_truth(value)}",
        )


@rule("SCL412", Severity.ERROR)
def sa_relationship_args_target(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `sa_relationship_args` that repeat the target class.

    ## Why is this bad?
    SQLModel already passes the target class (from the annotation) as the first positional
    argument of `relationship()`, and appends `sa_relationship_args` after it. So the first
    element of `sa_relationship_args` becomes `relationship()`'s second parameter,
    `secondary`, which must be a link table, not a model class.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises `ArgumentError: secondary argument <class 'Hero'>
    passed to to relationship() Team.heroes must be a Table object or other FROM clause` at the
    first query.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_args=["Hero"])


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship()


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```
    """
    if _uses_sa_relationship(rel) or rel.annotation is None:
        return
    arg = rel.param("sa_relationship_args")
    if arg is None or not isinstance(arg.value.value, tuple) or not arg.value.value:
        return
    first = arg.value.value[0]
    value = first.value
    cls: Any = UNRESOLVED
    if isinstance(value, str) and value.isidentifier():
        if value in ctx.project.tables():
            return  # a table name is a valid `secondary`
        found = ctx.project.named_near(value, rel.path, mapped=True)
        cls = found[0] if len(found) == 1 else UNRESOLVED
    elif isinstance(value, NameRef):
        module = ctx.project.modules.get(rel.path)
        if module is not None:
            cls = ctx.project.resolve_name(module, value.dotted)
    if cls is UNRESOLVED or not hasattr(cls, "name") or ctx.project.is_table(cls) is not True:
        return
    if isinstance(value, NameRef) and cls.path == rel.path and cls.span.line > rel.span.line:
        return  # not defined yet: a NameError at class definition, not this mistake
    yield ctx.report(
        first.span,
        f"`sa_relationship_args` of `{rel.symbol}` starts with the model class `{cls.name}`, which "
        f"`relationship()` takes as `secondary` (SQLModel already passes the target from the "
        f"annotation); SQLAlchemy raises `ArgumentError` {_configure()}",
    )


@rule("SCL413", Severity.WARNING)
def omit_join_true(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `omit_join=True` in `sa_relationship_kwargs`.

    ## Why is this bad?
    `omit_join` is an internal optimisation flag of `selectin` loading. SQLAlchemy decides by
    itself when it applies; only `False` (to turn it off) is meaningful. Forcing `True` can make
    `selectin` loading return wrong results.

    ## When it breaks
    Class definition: SQLAlchemy warns `SAWarning: setting omit_join to True is not supported;
    selectin loading of this relationship may not work correctly if this flag is set
    explicitly.` Loading may then be silently wrong.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            sa_relationship_kwargs={"lazy": "selectin", "omit_join": True}
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
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"lazy": "selectin"})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```
    """
    arg = _option(rel, "omit_join")
    if arg is None or arg.value.literal() is not True:
        return
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` sets `omit_join=True`, which SQLAlchemy does not support and which can "
        f"make `selectin` loading return wrong results; SQLAlchemy warns `SAWarning` {_defined(rel)}",
    )


_HASHING = {"set": "set", "builtins.set": "set", "frozenset": "frozenset",
            "builtins.frozenset": "frozenset"}


@rule("SCL414", Severity.ERROR)
def unhashable_collection_class(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `collection_class=set` on a relationship to a SQLModel table model.

    ## Why is this bad?
    SQLModel table models define `__eq__` (from pydantic) without `__hash__`, so their
    instances are unhashable and cannot be put in a `set`. The relationship configures fine,
    and fails the first time the collection holds an object.

    ## When it breaks
    Flush or load: adding to or loading the collection raises
    `TypeError: unhashable type: 'Hero'`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(sa_relationship_kwargs={"collection_class": set})


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship()


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
    ```

    ## Known problems
    The rule says nothing when the target class defines `__hash__`, sets `model_config` or
    `frozen=` (pydantic's frozen models are hashable), or cannot be found in the project.
    """
    arg = _option(rel, "collection_class")
    if arg is None or not isinstance(arg.value.value, NameRef):
        return
    module = ctx.project.modules.get(rel.path)
    dotted = arg.value.value.dotted
    if module is None or (dotted in ("set", "frozenset") and dotted in module.imports):
        return
    kind = _HASHING.get(module.resolve(dotted))
    if kind is None:
        return
    target = ctx.project.target_class(rel)
    if target is UNRESOLVED or ctx.project.is_model(target) is not True:
        return
    if ctx.project.attribute_exists(target, "__hash__") is not False:
        return
    classes, _ = ctx.project.mro(target)
    if any("frozen" in c.keywords or "model_config" in c.attributes for c in classes):
        return  # a frozen pydantic model is hashable
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` uses `collection_class={dotted}`, but `{target.name}` instances are "
        f"unhashable (SQLModel models define `__eq__` without `__hash__`); `TypeError` is raised "
        f"when a `{target.name}` is added to or loaded into `{rel.symbol}`",
    )


@rule("SCL415", Severity.WARNING)
def uselist_overridden_by_annotation(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `uselist=True` on a relationship whose annotation is a single object.

    ## Why is this bad?
    SQLAlchemy derives `uselist` from the annotation: any annotation that is not a list (such
    as `Team | None`) sets `uselist=False` and overrides an explicit `uselist=True` without a
    word. The attribute stays a single object. If a collection is meant, annotate it as
    `list["Hero"]`; otherwise drop `uselist`.

    ## When it breaks
    Silent: SQLAlchemy ignores `uselist=True`.

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
            back_populates="heroes", sa_relationship_kwargs={"uselist": True}
        )
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
    arg = _option(rel, "uselist")
    if arg is None or arg.value.literal() is not True or not _scalar_annotation(rel):
        return
    assert rel.annotation is not None
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` has `uselist=True`, but its annotation `{rel.annotation.source}` is not a "
        f"list, so `{rel.attr}` holds a single object; SQLAlchemy silently ignores `uselist=True`",
    )


_EXPRESSION_OPTIONS = ("order_by", "foreign_keys", "remote_side", "primaryjoin", "secondaryjoin")
# Names a string option can reach besides class and table names: SQLAlchemy's lower-case
# exports (2.0/2.1), `foreign`/`remote`, and the globals of `sqlalchemy.orm.clsregistry`.
_RESOLVABLE = frozenset((
    "aggregate_order_by alias all_ and_ annotations any_ asc between bindparam bitwise_not case "
    "cast collate column create_engine create_mock_engine create_pool_from_url cte custom_op "
    "delete desc dialects distinct engine engine_from_config event exc except_ except_all exists "
    "extract false from_dml_column func funcfilter insert insert_sentinel inspect inspection "
    "intersect intersect_all join label lambda_stmt lateral literal literal_column log make_url "
    "modifier not_ null nulls_first nulls_last nullsfirst nullslast or_ outerjoin outparam over "
    "pool quoted_name result_tuple schema select sql table tablesample text true try_cast tstring "
    "tuple_ type_coerce types union union_all update util values within_group foreign remote "
    "attributes class_mapper interfaces re weakref"
).split())


def _expression_names(text: str) -> Any:
    """([(Class, attr)], [bare names]) referenced by a string option, or UNKNOWN."""
    import ast
    import builtins

    if "lambda" in text:
        return UNKNOWN
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError):
        return UNKNOWN
    pairs: List[Tuple[str, str]] = []
    bare: List[str] = []
    skip = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            pairs.append((node.value.id, node.attr))
            skip.add(id(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            skip.add(id(node.func))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in skip:
            if node.id not in _RESOLVABLE and not hasattr(builtins, node.id):
                bare.append(node.id)
    return pairs, bare


@rule("SCL416", Severity.ERROR)
def order_by_unknown_column(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for string `order_by`, `foreign_keys`, `remote_side` or join options naming a missing attribute.

    ## Why is this bad?
    SQLAlchemy evaluates these strings when the mappers are configured, in a namespace of
    mapped class names and table names. `"Hero.nme"` names an attribute `Hero` does not have,
    and a bare column name such as `"name"` is not defined there at all: columns must be
    written as `"Hero.name"`.

    ## When it breaks
    Mapper configuration: SQLAlchemy raises `AttributeError: Class <class 'Hero'> does not have
    a mapped column named 'nme'`, or for a bare name `InvalidRequestError: ... expression 'name'
    failed to locate a name`, at the first query.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"order_by": "Hero.nme"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"order_by": "Hero.name"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Known problems
    Only names of table models found in the project are checked; a bare name is reported only
    when it is a column of the owner or the target class.
    """
    project = ctx.project
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    for key in _EXPRESSION_OPTIONS:
        arg = _option(rel, key)
        if arg is None or not isinstance(arg.value.value, str):
            continue
        names = _expression_names(arg.value.value)
        if names is UNKNOWN:
            continue
        pairs, bare = names
        reported = False
        for cls_name, attr in pairs:
            found = project.named_near(cls_name, rel.path, mapped=True)
            if (len(found) != 1 or len(project.named_near(cls_name, rel.path, mapped=False)) != 1
                    or attr.startswith("_")):
                continue
            cls = found[0]
            if project.attribute_exists(cls, attr) is not False:
                continue
            columns, _ = project.columns(cls)
            choices = list(columns) + [r.attr for r in cls.relationships]
            guess = did_you_mean(attr, choices)
            hint = f" (did you mean `{cls_name}.{guess}`?)" if guess else ""
            yield ctx.report(
                arg.value.span,
                f"`{key}` of `{rel.symbol}` names `{cls_name}.{attr}`, but `{cls_name}` has no "
                f"attribute `{attr}`{hint}; SQLAlchemy raises `AttributeError` {_configure()}",
            )
            reported = True
            break
        if reported:
            continue
        for name in bare:
            if project.classes_named(name) or name in project.tables() or not project.all_table_names_known():
                continue
            if name in {m.split(".", 1)[0] for m in project.by_module}:
                continue
            owners = [c for c in (target, owner) if c is not UNRESOLVED and hasattr(c, "fields")]
            holder = next((c for c in owners if name in project.columns(c)[0]), None)
            if holder is None:
                continue
            yield ctx.report(
                arg.value.span,
                f"`{key}` of `{rel.symbol}` uses the bare name `{name}`, which is not defined where "
                f"SQLAlchemy evaluates the string (write `{holder.name}.{name}`); SQLAlchemy raises "
                f"`InvalidRequestError` {_configure()}",
            )
            break
