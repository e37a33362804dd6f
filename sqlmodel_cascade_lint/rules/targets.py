"""Family 4: `Relationship()` targets, annotations and models.

SQLModel takes a relationship's target class from the annotation: it strips `Mapped[...]`,
`Optional[...]`/`X | None` and `list[...]`/`List[...]`, and hands the rest (a class or a
string) to `relationship()`. String targets are looked up by bare class name in one registry
shared by every table model. These rules check what that lookup and that unwrapping do.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Fix, Severity
from sqlmodel_cascade_lint.facts import (
    UNKNOWN,
    Annotation,
    ClassDecl,
    FieldDecl,
    Import,
    ModuleFacts,
    RelationshipDecl,
)
from sqlmodel_cascade_lint.project import Direction, Project, back_populates_of, memoized, memoized_per
from sqlmodel_cascade_lint.rules import Context, did_you_mean, rule

_BUILTIN_TYPES = frozenset({"int", "str", "float", "bool", "bytes", "list", "dict", "set", "tuple"})
_CONFIGURE = "SQLAlchemy raises `InvalidRequestError` at the first query (mapper configuration)"


# ---------------------------------------------------------------------- helpers


def _uses_annotation(rel: RelationshipDecl) -> bool:
    """Whether SQLModel builds this relationship from its annotation (no `sa_relationship=`)."""
    return "sa_relationship" not in rel.kwargs and not rel.has_star_kwargs


def _inherits_table(project: Project, cls: ClassDecl) -> bool:
    """True when a base class may be a table model (then SQLModel treats `cls` differently)."""
    classes, complete = project.mro(cls)
    if not complete:
        return True
    return any(project.is_table(c) is not False for c in classes[1:])


def _built(project: Project, rel: RelationshipDecl) -> bool:
    """Whether SQLModel's metaclass turns this relationship into a `relationship()` for sure."""
    return memoized_per(project, "targets.built", rel, _compute_built)


def _compute_built(project: Project, rel: RelationshipDecl) -> bool:
    owner = project.owner_of(rel)
    return project.is_table(owner) is True and not _inherits_table(project, owner)


def _is_non_table_model(project: Project, cls: ClassDecl) -> bool:
    return (project.is_model(cls) is True and project.is_table(cls) is False
            and not _inherits_table(project, cls))


def _dotted_target(ann: Annotation, target: str) -> bool:
    r"""The annotation names the target through a module (`models.Hero`, `"models.Hero"`).

    What `re.search(rf"\.\s*{re.escape(target)}\b", ann.source)` finds, without compiling a
    pattern for each target name (a project has thousands, more than `re` keeps compiled).
    """
    source = ann.source
    start = source.find(target)
    while start != -1:
        end = start + len(target)
        if (source[:start].rstrip().endswith(".")
                and _is_word(target[-1]) != _is_word(source[end:end + 1])):  # `\b` after it
            return True
        start = source.find(target, start + 1)
    return False


def _is_word(char: str) -> bool:
    r"""Whether `char` is a character of `\w` (False for "", as at the end of the text)."""
    return char.isalnum() or char == "_"


def _bound_in(module: ModuleFacts, name: str) -> bool:
    """Whether `name` is imported by name or defined as a top-level class in `module`."""
    return name in module.imports or any(c.name == name and not c.nested for c in module.classes)


def _string_lookup(project: Project, rel: RelationshipDecl) -> bool:
    """Whether SQLAlchemy looks the target up by name (a quoted name, or postponed annotations)."""
    ann = rel.annotation
    if ann is None:
        return False
    module = project.module_of(project.owner_of(rel))
    return ann.target_quoted or module.future_annotations is not None


def _outside(project: Project, qualified: str) -> bool:
    """Whether a `from X import Name` imports from a module that is not in the project."""
    module = qualified.rpartition(".")[0]
    if not module:
        return False
    return module not in project.by_module


def _imported_from_outside(project: Project, name: str) -> bool:
    for module in project.modules.values():
        for imp in module.imports.values():
            if imp.qualified.rsplit(".", 1)[-1] == name and _outside(project, imp.qualified):
                return True
    return False


def _star_from_outside(project: Project) -> bool:
    return any(base not in project.by_module
               for module in project.modules.values() for base in module.star_imports)


def _alias_of(project: Project, name: str) -> Optional[Tuple[ModuleFacts, Import, ClassDecl]]:
    """An import that binds `name` to a project table model with another class name."""
    for path in sorted(project.modules):
        module = project.modules[path]
        imp = module.imports.get(name)
        if imp is None:
            continue
        real = imp.qualified.rsplit(".", 1)[-1]
        if real == name:
            continue
        resolved = project.resolve_name(module, name)
        if isinstance(resolved, ClassDecl) and project.is_table(resolved) is True:
            return module, imp, resolved
    return None


def _partners(project: Project, rel: RelationshipDecl) -> List[RelationshipDecl]:
    """Relationships paired with `rel` by `back_populates`, in either direction."""
    out: List[RelationshipDecl] = []
    owner = project.owner_of(rel)
    named = project.partner(rel)
    if isinstance(named, RelationshipDecl) and project.target_class(named) is owner:
        out.append(named)  # (a partner pointing elsewhere is the back_populates family's finding)
    target = project.target_class(rel)
    if isinstance(target, ClassDecl):
        for other in target.relationships:
            if other is rel or any(other is o for o in out):
                continue
            if back_populates_of(other) == rel.attr and project.target_class(other) is owner:
                out.append(other)
    return out


def _has_option(rel: RelationshipDecl, name: str) -> bool:
    return name in rel.sa_kwargs or not rel.sa_kwargs_known


def _unique_fk(fks: List[Any]) -> bool:
    for fk in fks:
        for flag in ("unique", "primary_key"):
            arg = fk.field.kwargs.get(flag)
            if arg is not None and arg.value.literal() is not False:
                return True
    return False


def _annotation_ok(project: Project, rel: RelationshipDecl) -> bool:
    """The annotation reaches SQLModel's unwrapping as written (other rules cover the rest)."""
    return memoized_per(project, "targets.annotation_ok", rel, _compute_annotation_ok)


def _compute_annotation_ok(project: Project, rel: RelationshipDecl) -> bool:
    ann = rel.annotation
    if ann is None or not _uses_annotation(rel) or not _built(project, rel):
        return False
    module = project.module_of(project.owner_of(rel))
    return module.future_annotations is None


# ---------------------------------------------------------------------- SCL420


@rule("SCL420", Severity.ERROR)
def unresolved_relationship_target(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationship annotations that name no table model of the project.

    ## Why is this bad?
    SQLModel passes the class name from the annotation to `relationship()`, and SQLAlchemy
    looks a quoted name up by bare class name among the table models. A misspelled name
    (`list["Heroe"]`), an import alias (`from .hero import Hero as HeroModel`, then
    `list["HeroModel"]`; the registry knows only `Hero`, and `TYPE_CHECKING` aliases are no
    different), or a model without `table=True` (`Optional["HeroBase"]`) is never found.

    ## When it breaks
    Mapper configuration: the class definitions succeed, then the first query or the first
    instantiation of any model raises
    `InvalidRequestError: ... expression 'Heroe' failed to locate a name ('Heroe')`.
    An unquoted non-table model (`Optional[HeroBase]`) or a plain type
    (`team_id: Optional[int] = Relationship()`) raises `UnmappedClassError` there.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Heroe"] = Relationship(back_populates="team")


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
    The rule stays silent when the name could come from outside the project: a class of that
    name imported from an installed package anywhere in the project, a star import from outside
    the project, or a same-named class whose bases cannot be read. Models registered by an
    installed package that the project never names are not seen.
    """
    project = ctx.project
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if ann.whole_quoted or ann.quoted_union or ann.unions > 1:
        return
    if ann.container and not ann.is_list:
        return
    target = ann.target
    if not isinstance(target, str) or not target.isidentifier() or _dotted_target(ann, target):
        return
    if target in ("None", "Any", "object"):
        return
    owner = project.owner_of(rel)
    module = project.module_of(owner)
    if not ann.target_quoted:
        if target in _BUILTIN_TYPES and not _bound_in(module, target):
            yield ctx.report(
                ann.span,
                f"`{rel.symbol}` is a `Relationship()` annotated `{ann.source}`, but `{target}` is "
                f"not a model; SQLAlchemy raises `UnmappedClassError` at the first query (mapper "
                f"configuration)",
            )
            return
        if not _bound_in(module, target):
            return
        resolved = project.resolve_name(module, target)
        if isinstance(resolved, ClassDecl) and _is_non_table_model(project, resolved):
            yield ctx.report(
                ann.span,
                f"`{rel.symbol}` points at `{target}`, which is a model without `table=True`; "
                f"SQLAlchemy raises `UnmappedClassError` at the first query (mapper configuration)",
                related=[(resolved.path, resolved.name_span, f"`{target}` is declared here")],
            )
        return
    classes = project.classes_named(target)
    if any(project.is_table(c) is not False for c in classes):
        return
    if any(project.is_model(c) is UNKNOWN or _inherits_table(project, c) for c in classes):
        return
    if _star_from_outside(project) or _imported_from_outside(project, target):
        return
    models = [c for c in classes if project.is_model(c) is True]
    if models:
        model = min(models, key=lambda c: (c.path, c.span.line))
        yield ctx.report(
            ann.span,
            f"`{rel.symbol}` points at `{target}`, which is a model without `table=True`; "
            f"{_CONFIGURE}",
            related=[(model.path, model.name_span, f"`{target}` is declared here")],
        )
        return
    alias = _alias_of(project, target)
    if alias is not None:
        alias_module, imp, real = alias
        yield ctx.report(
            ann.span,
            f"`{rel.symbol}` points at `{target}`, an import alias of `{real.name}`; SQLModel finds "
            f"table models only by class name (did you mean `{real.name}`?); {_CONFIGURE}",
            related=[(alias_module.path, imp.span, f"`{target}` is imported as an alias here")],
        )
        return
    names = {c.name for c in project.table_classes()}
    suggestion = did_you_mean(target, names)
    hint = f" (did you mean `{suggestion}`?)" if suggestion else ""
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` points at `{target}`, but no table model is named `{target}`{hint}; "
        f"{_CONFIGURE}",
    )


# ---------------------------------------------------------------------- SCL421


def _import_targets(project: Project, module: ModuleFacts) -> Set[str]:
    """Project modules that importing `module` runs directly (type-checking imports excluded)."""
    out: Set[str] = set()
    names = [imp.qualified for imp in module.imports.values() if not imp.type_checking]
    names.extend(module.star_imports)
    for qualified in names:
        found = _project_module(project, qualified)
        if found is not None:
            out.add(found)
    for name in list(out) + [module.module]:
        parts = name.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if parent in project.by_module:
                out.add(parent)
    out.discard(module.module)
    return out


def _closures(project: Project) -> Dict[str, Set[str]]:
    """Every project module and the project modules importing it runs, itself included."""
    edges = {name: _import_targets(project, m) for name, m in project.by_module.items()}
    out: Dict[str, Set[str]] = {}
    for start in edges:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in edges.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        out[start] = seen
    return out


def _project_module(project: Project, qualified: str) -> Optional[str]:
    """The longest prefix of a dotted name that is a module of the project."""
    current = qualified
    while current:
        if current in project.by_module:
            return current
        current = current.rpartition(".")[0]
    # An absolute import written relative to a folder below the project root (`app.models`
    # for the module `backend.app.models`): accept a unique suffix match.
    current = qualified
    while current:
        found = [m for m in project.by_module if m.endswith("." + current)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
        current = current.rpartition(".")[0]
    return None


def _intended(project: Project, module: ModuleFacts, name: str) -> Set[str]:
    """Modules whose class `name` a reference in `module` means: its own, or where it imports it."""
    if any(c.name == name and not c.nested for c in module.classes):
        return {module.module}
    out: Set[str] = set()
    for imp in module.imports.values():
        if imp.local == name or imp.qualified.rsplit(".", 1)[-1] == name:
            found = _project_module(project, imp.qualified.rpartition(".")[0])
            if found is not None:
                out.add(found)
    return out


def _contexts(project: Project) -> Dict[str, Set[str]]:
    """For every module, the modules loaded by any module whose imports run it."""
    out: Dict[str, Set[str]] = {}
    for seen in _closures(project).values():
        for name in seen:
            out.setdefault(name, set()).update(seen)
    return out


def _loaded_with(project: Project, closures: Dict[str, Set[str]], module: ModuleFacts,
                 name: str) -> Set[str]:
    """Modules certainly loaded whenever `module`'s relationships to `name` are configured.

    That is every module run by a module whose imports run `module` (`closures` is
    `_contexts(project)`), plus the modules from
    which `module` imports `name` (even for type checking only: the relationship cannot work
    unless that class is loaded too).
    """
    return closures.get(module.module, set()) | _intended(project, module, name)


@rule("SCL421", Severity.ERROR)
def duplicate_model_class_name(cls: ClassDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for two table models with the same class name that are loaded together.

    ## Why is this bad?
    All SQLModel table models share one registry, and SQLAlchemy resolves a quoted
    relationship target (`Optional["Team"]`) by bare class name in it. When two modules that
    are imported in the same process each define a table model `Team`, the name is ambiguous.

    ## When it breaks
    Mapper configuration: the first query or instantiation raises
    `InvalidRequestError: Multiple classes found for path "Team" in the registry of this
    declarative base. Please use a fully module-qualified path.`

    ## Example
    ```python
    # Two modules, so shown as comments (a single file cannot have this problem):
    #
    # app/billing.py
    #     class Team(SQLModel, table=True):
    #         __tablename__ = "billing_team"
    #         id: int | None = Field(default=None, primary_key=True)
    #
    # app/sales.py (and app/__init__.py imports both modules)
    #     class Team(SQLModel, table=True):
    #         __tablename__ = "sales_team"
    #         id: int | None = Field(default=None, primary_key=True)
    #
    #     class Hero(SQLModel, table=True):
    #         id: int | None = Field(default=None, primary_key=True)
    #         team_id: int | None = Field(default=None, foreign_key="sales_team.id")
    #         team: "Team" = Relationship()
    ```

    ## Use instead
    ```python
    # app/sales.py: every table model has a unique class name.
    from sqlmodel import Field, Relationship, SQLModel


    class SalesTeam(SQLModel, table=True):
        __tablename__ = "sales_team"
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="sales_team.id")
        team: "SalesTeam" = Relationship()
    ```

    ## Known problems
    The rule reports only when a quoted relationship target (or one in a module with
    `from __future__ import annotations`) names the duplicated class, and both defining
    modules are certainly loaded with the module holding that reference: some module of the
    project imports, directly or through other project modules, the referencing module and
    the defining module (a module counts as importing itself and its parent packages), or the
    referencing module imports the class from the defining module, even under `TYPE_CHECKING`
    (the relationship cannot work unless that module is loaded).
    Independent scripts that each define `Team`, such as a folder of examples, are never
    loaded together and are not reported. Imports done at run time (`importlib`, plugin
    entry points) are not seen, so such duplicates are missed.
    """
    project = ctx.project
    if cls.nested or project.is_table(cls) is not True:
        return
    same = sorted((c for c in project.mapped_named(cls.name) if not c.nested),
                  key=lambda c: (c.path, c.span.line))
    others = [c for c in same if c.module != cls.module]
    if len(same) < 2 or not others:
        return
    refs = [(owner, rel) for owner, rel in project.relationships()
            if rel.target == cls.name and _uses_annotation(rel) and _string_lookup(project, rel)
            and project.is_table(owner) is True]
    if not refs:
        return
    closures = memoized(project, "targets.import_contexts", _contexts)
    for owner, rel in refs:
        module = project.module_of(owner)
        loaded = _loaded_with(project, closures, module, cls.name)
        if cls.module not in loaded:
            continue
        intended = _intended(project, module, cls.name)
        for other in others:
            if other.module not in loaded:
                continue
            if cls.module in intended and other.module not in intended:
                continue  # the other class is the intruder: reported there
            if other.module in intended and cls.module not in intended:
                pass  # this class is the intruder
            elif same[0] is cls:
                continue  # no telling which one is meant: report all but the first
            yield ctx.report(
                cls.name_span,
                f"table model `{cls.name}` is also defined in `{other.module}`, and both are "
                f"loaded together; `{rel.symbol}` refers to `\"{cls.name}\"` by name, so "
                f"SQLAlchemy raises `InvalidRequestError` (multiple classes found) at the "
                f"first query (mapper configuration)",
                related=[(other.path, other.name_span, f"the other `{cls.name}` is declared here"),
                         (rel.path, rel.annotation.span if rel.annotation else rel.span,
                          f"`{rel.symbol}` refers to `{cls.name}` by name here")],
            )
            return


# ---------------------------------------------------------------------- SCL422


def _bare(ann: Annotation) -> bool:
    """An unquoted class name alone: the only annotation that survives postponed evaluation."""
    return (not ann.container and not ann.optional and not ann.mapped and ann.unions <= 1
            and not ann.whole_quoted and not ann.quoted_union and not ann.target_quoted
            and ann.source.strip() == ann.target)


@rule("SCL422", Severity.ERROR)
def future_annotations_with_relationships(module: ModuleFacts, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `from __future__ import annotations` in a module with relationships.

    ## Why is this bad?
    The import turns every annotation into a string. SQLModel then passes the whole
    annotation text, such as `"list[Hero]"` or `"Optional[Team]"`, to `relationship()` as the
    target name, and SQLAlchemy cannot use a generic written as a string. Only bare class
    names (`team: Team`) keep working.

    ## When it breaks
    Mapper configuration: the first query or instantiation raises
    `InvalidRequestError: ... expression "relationship('list[Hero]')" seems to be using a
    generic class as the argument to relationship()`. Even a quoted name fails: `"Team"`
    reaches SQLAlchemy as `"'Team'"`, quotes included.

    ## Example
    ```python
    from __future__ import annotations

    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list[Hero] = Relationship(back_populates="team")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team = Relationship(back_populates="heroes")
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

    ## References
    SQLModel docs: "when working with SQLModel, this import will disrupt the mapping of
    forward referenced types."
    """
    if module.future_annotations is None:
        return
    project = ctx.project
    for cls in module.classes:
        if project.is_table(cls) is not True or _inherits_table(project, cls):
            continue
        for rel in cls.relationships:
            ann = rel.annotation
            if ann is None or not _uses_annotation(rel) or _bare(ann):
                continue
            yield ctx.report(
                module.future_annotations,
                f"`from __future__ import annotations` turns the annotation of `{rel.symbol}` "
                f"into the string `{ann.source!r}`, which SQLAlchemy cannot resolve; "
                f"{_CONFIGURE}",
                related=[(rel.path, ann.span, f"`{rel.symbol}` is declared here")],
            )
            return


# ---------------------------------------------------------------------- SCL423


def _unquote_fix(ann: Annotation, module: ModuleFacts) -> Optional[Fix]:
    """Move the quotes from the whole annotation to the class name, when that is certain."""
    target = ann.target
    if not isinstance(target, str) or not target.isidentifier():
        return None
    try:
        inner = ast.literal_eval(ann.source)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if not isinstance(inner, str) or "'" in inner or '"' in inner:
        return None
    runtime = {name for name, imp in module.imports.items() if not imp.type_checking}
    if ann.quoted_union:
        match = re.fullmatch(rf"\s*(?:{target}\s*\|\s*None|None\s*\|\s*{target})\s*", inner)
        if match is None or "Optional" not in runtime:
            return None
        if module.imports["Optional"].qualified not in ("typing.Optional", "typing_extensions.Optional"):
            return None
        new = f'Optional["{target}"]'
    else:
        if len(re.findall(rf"(?<![\w.]){re.escape(target)}(?![\w.])", inner)) != 1:
            return None
        for name in re.findall(r"[A-Za-z_][\w.]*", inner):
            head = name.split(".", 1)[0]
            if name == target:
                continue
            if "." in name and name.rsplit(".", 1)[-1] == target:
                return None
            if head not in ("list", "None") and head not in runtime:
                return None
        new = re.sub(rf"(?<![\w.]){re.escape(target)}(?![\w.])", f'"{target}"', inner).strip()
    return Fix(f"Replace `{ann.source}` with `{new}`", (Edit(ann.span, new),))


@rule("SCL423", Severity.ERROR, fixable=True)
def quoted_generic_annotation(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationship annotations that quote a whole generic or union.

    ## Why is this bad?
    SQLModel unwraps `Optional[...]`, `X | None` and `list[...]` to find the target class,
    but a quoted `"list[Hero]"`, `"Optional[Team]"` or `"Team | None"` is one string: it is
    passed to `relationship()` as if it were a class name.

    ## When it breaks
    Mapper configuration: the first query or instantiation raises `InvalidRequestError`
    (`... seems to be using a generic class as the argument to relationship()` for a quoted
    generic, `... failed to locate a name ('Team | None')` for a quoted union).

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: "list[Hero]" = Relationship(back_populates="team")


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
    The fix moves the quotes to the class name (`"list[Hero]"` becomes `list["Hero"]`, and
    `"Team | None"` becomes `Optional["Team"]` when `Optional` is imported from `typing`). It
    is offered only when every other name in the annotation is a builtin or imported at run
    time, so it is safe: the original cannot work, and the fixed annotation means what the
    quoted text says.
    """
    project = ctx.project
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if not (ann.whole_quoted or ann.quoted_union):
        return
    owner = project.owner_of(rel)
    kind = "union" if ann.quoted_union else "generic"
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` is annotated `{ann.source}`: the whole {kind} is quoted, so SQLModel passes "
        f"it to `relationship()` as a class name; {_CONFIGURE}",
        fix=_unquote_fix(ann, project.module_of(owner)),
    )


# ---------------------------------------------------------------------- SCL424


_ONE_ARGUMENT_COLLECTIONS = frozenset({
    "set", "Set", "frozenset", "FrozenSet", "Sequence", "MutableSequence", "Iterable",
    "Collection", "AbstractSet", "MutableSet", "Deque", "deque",
})


@rule("SCL424", Severity.ERROR, fixable=True)
def unsupported_collection_annotation(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationship collections annotated with anything but `list`.

    ## Why is this bad?
    SQLModel's annotation unwrapping understands `list[...]`/`List[...]` and
    `Optional[...]` only. Any other generic (`Set`, `set`, `Sequence`, `Tuple`, `Dict`,
    `Mapped[Set[...]]`, ...) makes it call itself on the same annotation forever.

    ## When it breaks
    Class definition: `RecursionError: maximum recursion depth exceeded` when the model class
    is defined, that is when its module is imported.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: set["Hero"] = Relationship(back_populates="team")


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
    For collections of one element type (`Set`, `set`, `Sequence`, `FrozenSet`, ...), the fix
    replaces the collection with the builtin `list` (`Set["Hero"]` becomes `list["Hero"]`).
    It is safe: the original annotation cannot work, and a list is the only collection
    SQLModel can map. Code that relied on set operations on the attribute needs a review.
    """
    project = ctx.project
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if ann.whole_quoted or ann.quoted_union or not ann.container or ann.is_list:
        return
    fix = None
    pattern = rf"(?<![\w.]){re.escape(ann.container)}\["
    if (ann.container in _ONE_ARGUMENT_COLLECTIONS and not ann.source.endswith("...")
            and len(re.findall(pattern, ann.source)) == 1):
        new = re.sub(pattern, "list[", ann.source)
        fix = Fix(f"Replace `{ann.container}[...]` with `list[...]`", (Edit(ann.span, new),))
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` is annotated `{ann.source}`; SQLModel understands only `list` collections "
        f"and raises `RecursionError` when `{rel.owner}` is defined",
        fix=fix,
    )


# ---------------------------------------------------------------------- SCL425 / SCL426


def _explicit_uselist(rel: RelationshipDecl) -> bool:
    return _has_option(rel, "uselist")


@rule("SCL425", Severity.WARNING)
def collection_annotation_on_many_to_one(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for list annotations on the many-to-one side of a relationship.

    ## Why is this bad?
    The side whose table holds the foreign key is many-to-one: each row points at one related
    row. A `list["Team"]` annotation does not change that; SQLAlchemy derives `uselist=False`
    from the direction, so the attribute holds one object although the code says it is a list.

    ## When it breaks
    Silent: no error and no warning. `hero.teams` is a single `Team` (or `None`), and code that
    appends to it or iterates over it fails at run time.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams")


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        teams: list[Team] = Relationship(back_populates="heroes")
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
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if not ann.is_list or ann.whole_quoted or ann.quoted_union or _explicit_uselist(rel):
        return
    if project.direction_of(rel) is not Direction.MANY_TO_ONE:
        return
    if _link_partner(project, rel) is not None:
        return  # a many-to-many missing its link_model on this side: SCL433
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    if not isinstance(target, ClassDecl) or target is owner:
        return
    paths = project.fk_paths(owner, target)
    if paths is UNKNOWN or not paths[0]:
        return
    column = paths[0][0].field.name
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` is annotated `{ann.source}`, but `{owner.name}.{column}` holds the foreign "
        f"key, so it is many-to-one and SQLAlchemy silently makes it a single `{target.name}`",
    )


def _plural_of(attr: str, class_name: str) -> bool:
    """Whether `attr` reads as the plural of the class name (`heroes` for `Hero`)."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", class_name).lower().split("_")
    last = words[-1] if words else ""
    if not last:
        return False
    plurals = {last + "s", last + "es"}
    if last.endswith("y"):
        plurals.add(last[:-1] + "ies")
    name = attr.lower()
    return any(name == p or name.endswith("_" + p) for p in plurals)


@rule("SCL426", Severity.WARNING)
def scalar_annotation_on_one_to_many(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for scalar annotations on the one-to-many side of a relationship.

    ## Why is this bad?
    When the other table holds the foreign key, one row here has many related rows. A scalar
    annotation (`Optional["Hero"]`) makes SQLAlchemy use `uselist=False`: a one-to-one that
    shows only one of the related rows.

    ## When it breaks
    Load: with several related rows SQLAlchemy warns `Multiple rows returned with
    uselist=False for lazily-loaded attribute 'Team.hero'` and silently returns one of them.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: "Hero" = Relationship(back_populates="team")


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
    A scalar annotation on the one-to-many side is also how SQLModel code writes a deliberate
    one-to-one, so the rule reports only when the code contradicts itself: the attribute has
    the plural of the target's name (`heroes: Optional["Hero"]`), or its `back_populates`
    partner is a list. It stays silent when `uselist` is given, when the foreign key column is
    `unique` or a primary key, or when the relationship is `viewonly`. A one-to-many annotated
    as a scalar under a singular name (`hero: Optional["Hero"]`) is missed.
    """
    project = ctx.project
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if ann.container or ann.whole_quoted or ann.quoted_union or ann.unions > 1:
        return
    if _explicit_uselist(rel) or _has_option(rel, "viewonly"):
        return
    if project.direction_of(rel) is not Direction.ONE_TO_MANY:
        return
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    if not isinstance(target, ClassDecl) or target is owner:
        return
    paths = project.fk_paths(owner, target)
    if paths is UNKNOWN or not paths[1] or _unique_fk(paths[1]):
        return
    partners = _partners(project, rel)
    if not _plural_of(rel.attr, target.name) and not any(
        p.annotation is not None and p.annotation.is_list for p in partners
    ):
        return  # a scalar partner, or none: this may well be a deliberate one-to-one
    column = paths[1][0].field.name
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` is annotated `{ann.source}` (one object), but `{target.name}.{column}` "
        f"points at `{owner.name}`, so one `{owner.name}` has many `{target.name}` rows; SQLAlchemy "
        f"silently makes it one-to-one and warns `Multiple rows returned with uselist=False` at load",
    )


# ---------------------------------------------------------------------- SCL427 / SCL434


def _table_heirs(project: Project, cls: ClassDecl, maybe: bool = False) -> List[ClassDecl]:
    """Project classes inheriting from `cls` that are table models (or may be, with `maybe`)."""
    heirs = []
    for other in project.classes:
        if other is cls or project.is_table(other) is False:
            continue
        if project.is_table(other) is not True and not maybe:
            continue
        classes, _ = project.mro(other)
        if any(c is cls for c in classes):
            heirs.append(other)
    return sorted(heirs, key=lambda c: (c.path, c.span.line))


@rule("SCL427", Severity.WARNING)
def relationship_on_non_table_model(cls: ClassDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `Relationship()` in a model without `table=True`.

    ## Why is this bad?
    SQLModel builds relationships only for table models. In any other model (a base or a
    read/create schema) the `Relationship()` is removed from the fields and never becomes an
    attribute: it is not validated, not serialised, and a constructor argument for it is
    dropped.

    ## When it breaks
    Silent: no error and no warning; the attribute does not exist on instances.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class HeroRead(SQLModel):
        name: str = ""
        team: Team | None = Relationship()
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class HeroRead(SQLModel):
        name: str = ""
        team: Team | None = None
    ```
    """
    project = ctx.project
    if not cls.relationships or project.is_table(cls) is not False:
        return
    if project.is_model(cls) is not True or not project.mro(cls)[1]:
        return
    if _table_heirs(project, cls, maybe=True):
        return  # SCL434, or a subclass whose `table=` is not a literal
    for rel in cls.relationships:
        yield ctx.report(
            rel.span,
            f"`{rel.symbol}` is a `Relationship()` in `{cls.name}`, which has no `table=True`; "
            f"SQLModel silently ignores it",
        )


@rule("SCL434", Severity.ERROR)
def relationship_inherited_by_table_model(cls: ClassDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `Relationship()` in a non-table base class of a table model.

    ## Why is this bad?
    SQLModel builds relationships only from the table model's own class body. A relationship
    declared on a base class without `table=True` is inherited as an ordinary annotated field,
    and the table model tries to make a database column of the related class. Declaring it
    again on the table model does not help, because the inherited field is still there.

    ## When it breaks
    Class definition of the table model: `ValueError: <class '...Team'> has no matching
    SQLAlchemy type` (for a list: `<class 'list'> has no matching SQLAlchemy type`; a quoted
    name of a class that is not defined yet fails with a `TypeError` instead).

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class HeroBase(SQLModel):
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship()


    class Hero(HeroBase, table=True):
        id: int | None = Field(default=None, primary_key=True)
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class HeroBase(SQLModel):
        team_id: int | None = Field(default=None, foreign_key="team.id")


    class Hero(HeroBase, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team: Team | None = Relationship()
    ```
    """
    project = ctx.project
    if not cls.relationships or project.is_table(cls) is not False:
        return
    if project.is_model(cls) is not True or not project.mro(cls)[1]:
        return
    heirs = _table_heirs(project, cls)
    if not heirs:
        return
    heir = heirs[0]
    for rel in cls.relationships:
        if rel.annotation is None or not _uses_annotation(rel):
            continue
        ann = rel.annotation
        error = "`ValueError` or `TypeError`" if ann.target_quoted and not ann.container else "`ValueError`"
        yield ctx.report(
            rel.span,
            f"`{rel.symbol}` is a `Relationship()` in `{cls.name}`, which has no `table=True`, and "
            f"the table model `{heir.name}` inherits it as a column; SQLModel raises {error} "
            f"when `{heir.name}` is defined",
            related=[(heir.path, heir.name_span, f"`{heir.name}` inherits `{rel.attr}` here")],
        )


# ---------------------------------------------------------------------- SCL428


@rule("SCL428", Severity.ERROR)
def relationship_type_without_relationship(field: FieldDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for table model attributes typed as a table model but not `Relationship()`.

    ## Why is this bad?
    Without `= Relationship()`, SQLModel treats `team: Team | None = None` (or
    `heroes: list["Hero"] = []`) as a column and looks for a database type for the class.

    ## When it breaks
    Class definition: `ValueError: <class '...Team'> has no matching SQLAlchemy type` (or
    `<class 'list'> ...` for a list; a quoted name of a class that is not defined yet fails with
    a `TypeError` instead).

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = None
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
    """
    project = ctx.project
    owner = project.owner_of(field)
    if project.is_table(owner) is not True:
        return
    ann = field.annotation
    if ann is None or ann.classvar or field.has_star_kwargs:
        return
    if "sa_type" in field.kwargs or "sa_column" in field.kwargs:
        return
    if ann.whole_quoted or ann.quoted_union or ann.unions > 1 or (ann.container and not ann.is_list):
        return
    target = ann.target
    if not isinstance(target, str) or not target.isidentifier() or _dotted_target(ann, target):
        return
    module = project.module_of(owner)
    quoted = ann.target_quoted or module.future_annotations is not None
    if quoted:
        found = project.mapped_named(target)
        resolved: Any = found[0] if len(found) == 1 else None
    elif _bound_in(module, target):
        resolved = project.resolve_name(module, target)
    else:
        return
    if not isinstance(resolved, ClassDecl) or project.is_table(resolved) is not True:
        return
    error = "`ValueError` or `TypeError`" if quoted and not ann.container else "`ValueError`"
    yield ctx.report(
        field.span,
        f"`{field.symbol}` is annotated with the table model `{target}` but is not a "
        f"`Relationship()`; SQLModel raises {error} when `{owner.name}` is defined",
    )


# ---------------------------------------------------------------------- SCL429 / SCL430


@rule("SCL429", Severity.ERROR)
def relationship_without_annotation(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `Relationship()` assigned without an annotation.

    ## Why is this bad?
    SQLModel takes the target class and the collection type from the attribute's annotation,
    and looks it up by the attribute's name. `heroes = Relationship()` has none.

    ## When it breaks
    Class definition: `KeyError: 'heroes'` when the model class is defined.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes = Relationship(back_populates="team")


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
    if rel.annotation is not None or not _uses_annotation(rel):
        return
    if not _built(ctx.project, rel):
        return
    yield ctx.report(
        rel.span,
        f"`{rel.symbol}` has no annotation, so SQLModel cannot tell its target class; it raises "
        f"`KeyError: '{rel.attr}'` when `{rel.owner}` is defined",
    )


@rule("SCL430", Severity.ERROR)
def union_relationship_annotation(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for relationship annotations that are a union of several classes.

    ## Why is this bad?
    A relationship points at exactly one class. SQLModel accepts `Optional[X]` (`X | None`)
    only; a union of two or more classes cannot be mapped.

    ## When it breaks
    Class definition: `ValueError: Cannot have a Union of None and None as a SQLAlchemy field`
    (the message is misleading) for two classes, or `Cannot have a (non-optional) union as a
    SQLAlchemy field` for more.

    ## Example
    ```python
    from typing import Union

    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Guild(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Union["Team", "Guild"] = Relationship()
    ```

    ## Use instead
    ```python
    from typing import Optional

    from sqlmodel import Field, Relationship, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Guild(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Optional["Team"] = Relationship()
    ```
    """
    project = ctx.project
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if ann.whole_quoted or ann.quoted_union or ann.unions < 2:
        return
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` is annotated `{ann.source}`, a union of {ann.unions} types; SQLModel "
        f"raises `ValueError` when `{rel.owner}` is defined",
    )


# ---------------------------------------------------------------------- SCL431-SCL433


@rule("SCL431", Severity.ERROR)
def link_model_not_table(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `link_model=` naming a class without `table=True`.

    ## Why is this bad?
    SQLModel reads the link table from `sqlalchemy.inspect(link_model)`, which works only for
    a table model. A model without `table=True` has no table.

    ## When it breaks
    Class definition of the model holding the relationship: `NoInspectionAvailable: No
    inspection system is available for object of type <class
    'sqlmodel.main.SQLModelMetaclass'>`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel):
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)


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
    """
    project = ctx.project
    arg = rel.param("link_model")
    if arg is None or not _uses_annotation(rel) or not _built(project, rel):
        return
    ref = arg.value.value
    if arg.value.kind != "name" or ref is UNKNOWN:
        return
    module = project.module_of(project.owner_of(rel))
    link = project.resolve_name(module, ref.dotted)
    if not isinstance(link, ClassDecl):
        return
    if project.is_table(link) is not False or project.is_model(link) is UNKNOWN:
        return
    if _inherits_table(project, link):
        return
    what = "a model without `table=True`" if project.is_model(link) is True else "not a SQLModel model"
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` has `link_model={ref.dotted}`, but `{link.name}` is {what}; SQLModel "
        f"raises `NoInspectionAvailable` when `{rel.owner}` is defined",
        related=[(link.path, link.name_span, f"`{link.name}` is declared here")],
    )


@rule("SCL432", Severity.ERROR)
def link_model_string(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `link_model=` given as a string.

    ## Why is this bad?
    Unlike relationship targets, `link_model` is not looked up by name: SQLModel calls
    `sqlalchemy.inspect()` on the value itself, so it must be the link model class, defined
    before the models that use it.

    ## When it breaks
    Class definition of the model holding the relationship: `NoInspectionAvailable: No
    inspection system is available for object of type <class 'str'>`.

    ## Example
    ```python
    from sqlmodel import Field, Relationship, SQLModel


    class HeroTeamLink(SQLModel, table=True):
        hero_id: int | None = Field(default=None, foreign_key="hero.id", primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id", primary_key=True)


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(back_populates="teams", link_model="HeroTeamLink")


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
    """
    project = ctx.project
    arg = rel.param("link_model")
    if arg is None or not _uses_annotation(rel) or not _built(project, rel):
        return
    value = arg.value.value
    if arg.value.kind != "str" or not isinstance(value, str):
        return
    hint = ""
    name = value.rsplit(".", 1)[-1]
    if name.isidentifier() and len(project.mapped_named(name)) == 1:
        hint = f" (pass the class: `link_model={name}`)"
    yield ctx.report(
        arg.value.span,
        f"`{rel.symbol}` has `link_model=\"{value}\"`, a string{hint}; SQLModel raises "
        f"`NoInspectionAvailable` when `{rel.owner}` is defined",
    )


@rule("SCL433", Severity.WARNING)
def link_model_one_sided(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a `link_model` pair whose other side joins over a direct foreign key instead.

    ## Why is this bad?
    Each side of a `back_populates` pair builds its own join. The side without `link_model`
    looks for a foreign key directly between the two tables. When there is one (say
    `Hero.main_team_id`), that side quietly becomes a many-to-one over that column, paired
    with a many-to-many on the other side: the two attributes describe different data.

    ## When it breaks
    Silent: no error and no warning. `hero.teams` holds the hero's main team (one object, not a
    list), while `team.heroes` reads the link table; changes through one side do not show on
    the other.

    ## Example
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
        main_team_id: int | None = Field(default=None, foreign_key="team.id")
        teams: list[Team] = Relationship(back_populates="heroes")
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
        main_team_id: int | None = Field(default=None, foreign_key="team.id")
        teams: list[Team] = Relationship(back_populates="heroes", link_model=HeroTeamLink)
    ```

    ## Known problems
    When the two tables have no direct foreign key at all, the side without `link_model`
    fails at the first query with `NoForeignKeysError`; the foreign-key family reports that
    case (SCL307, which also names the missing `link_model`), so this rule stays silent there.
    """
    project = ctx.project
    if not _uses_annotation(rel) or not _built(project, rel) or rel.positional:
        return
    if "link_model" in rel.kwargs or _has_option(rel, "secondary") or _has_option(rel, "primaryjoin"):
        return
    if _has_option(rel, "foreign_keys"):
        return  # a deliberate second relationship over a chosen column
    partner = _link_partner(project, rel)
    if partner is None:
        return
    direction = project.direction_of(rel)
    if direction not in (Direction.MANY_TO_ONE, Direction.ONE_TO_MANY):
        return
    owner = project.owner_of(rel)
    target = project.target_class(rel)
    paths = project.fk_paths(owner, target)
    if paths is UNKNOWN:
        return
    fks = paths[0] if direction is Direction.MANY_TO_ONE else paths[1]
    if not fks:
        return
    column = f"{fks[0].owner.name}.{fks[0].field.name}"
    link = partner.kwargs["link_model"].value.source
    yield ctx.report(
        rel.span,
        f"`{rel.symbol}` has no `link_model`, but its partner `{partner.symbol}` uses "
        f"`link_model={link}`; without it `{rel.symbol}` silently joins over `{column}` instead "
        f"of the link table",
        related=[(partner.path, partner.span, f"`{partner.symbol}` is declared here")],
    )


def _link_partner(project: Project, rel: RelationshipDecl) -> Optional[RelationshipDecl]:
    """The `back_populates` partner of `rel` that uses `link_model=` (and nothing overriding it)."""
    for partner in _partners(project, rel):
        if ("link_model" in partner.kwargs and partner.sa_kwargs_known
                and "secondary" not in partner.sa_kwargs):
            return partner
    return None


# ---------------------------------------------------------------------- SCL435


@rule("SCL435", Severity.WARNING)
def alias_shadowed_relationship_target(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for quoted relationship targets that name an import alias and another model.

    ## Why is this bad?
    SQLAlchemy looks a quoted target up by class name among all table models, not among the
    module's imports. When the module imports `OnboardingLesson as Lesson` and writes
    `list["Lesson"]`, and the project also has a table model named `Lesson`, the relationship
    points at that other `Lesson`, not at the imported class.

    ## When it breaks
    Mapper configuration or later: the relationship targets the wrong model. SQLAlchemy raises
    at the first query when the two tables share no foreign key or `back_populates` names an
    attribute the wrong model lacks; otherwise it silently loads the wrong rows.

    ## Example
    ```python
    from typing import TYPE_CHECKING

    from sqlmodel import Field, Relationship, SQLModel

    if TYPE_CHECKING:
        from lessons import OnboardingLesson as Lesson


    class Plan(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        lessons: list["Lesson"] = Relationship()


    class Lesson(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        plan_id: int | None = Field(default=None, foreign_key="plan.id")
    ```

    ## Use instead
    ```python
    from typing import TYPE_CHECKING

    from sqlmodel import Field, Relationship, SQLModel

    if TYPE_CHECKING:
        from lessons import OnboardingLesson


    class Plan(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        lessons: list["OnboardingLesson"] = Relationship()


    class Lesson(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        plan_id: int | None = Field(default=None, foreign_key="plan.id")
    ```
    """
    project = ctx.project
    ann = rel.annotation
    if not _annotation_ok(project, rel):
        return
    assert ann is not None
    if not ann.target_quoted or ann.unions > 1 or (ann.container and not ann.is_list):
        return
    target = ann.target
    if not isinstance(target, str) or not target.isidentifier() or _dotted_target(ann, target):
        return
    owner = project.owner_of(rel)
    module = project.module_of(owner)
    imp = module.imports.get(target)
    if imp is None:
        return
    real = imp.qualified.rsplit(".", 1)[-1]
    if real == target or not real.isidentifier():
        return
    found = [c for c in project.classes_named(target) if project.is_table(c) is not False]
    if len(found) != 1 or project.is_table(found[0]) is not True:
        return
    other = found[0]
    aliased = project.resolve_name(module, target)
    if isinstance(aliased, ClassDecl):
        if aliased is other or aliased.name != real:
            return
    elif not _outside(project, imp.qualified):
        return
    yield ctx.report(
        ann.span,
        f"`{rel.symbol}` points at `\"{target}\"`, which this module imports as an alias of "
        f"`{real}`, but SQLAlchemy looks strings up by class name and finds the table model "
        f"`{target}` of `{other.module}`; the relationship silently targets that model, or "
        f"SQLAlchemy raises at the first query (mapper configuration)",
        related=[(other.path, other.name_span, f"`{target}` is declared here"),
                 (module.path, imp.span, f"`{target}` is imported as an alias of `{real}` here")],
    )
