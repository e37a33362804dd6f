"""The project index: every model class, table, column, foreign key and relationship.

Resolution follows what SQLModel and SQLAlchemy do at run time: relationship targets are
looked up by bare class name in one shared registry, foreign keys name tables
(`__tablename__`, by default the class name lower-cased), and direction comes from where the
foreign key lives. Whatever cannot be decided from the source is `UNKNOWN` (a value) or
`UNRESOLVED` (a class), and rules stay silent on both.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

from sqlmodel_cascade_lint.facts import (
    UNKNOWN,
    ClassDecl,
    FieldDecl,
    ModuleFacts,
    NameRef,
    RelationshipDecl,
)

SQLMODEL_BASES = {"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"}


class _Unresolved:
    _instance: Optional["_Unresolved"] = None

    def __new__(cls) -> "_Unresolved":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNRESOLVED"

    def __bool__(self) -> bool:
        raise TypeError("UNRESOLVED has no truth value; compare with `is UNRESOLVED`")


UNRESOLVED = _Unresolved()
_SQLMODEL = "<SQLModel>"


class Direction(enum.Enum):
    ONE_TO_MANY = "one-to-many"
    MANY_TO_ONE = "many-to-one"
    MANY_TO_MANY = "many-to-many"
    NO_PATH = "no foreign key path"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class ForeignKeyRef:
    """A foreign key column of a table model, pointing at `table.column`."""

    field: FieldDecl
    owner: ClassDecl
    table: str
    column: Optional[str]  # None when the string has no dot


class Project:
    def __init__(self, modules: Iterable[ModuleFacts]) -> None:
        self.modules: Dict[str, ModuleFacts] = {}
        self.by_module: Dict[str, ModuleFacts] = {}
        for facts in modules:
            self.modules[facts.path] = facts
            self.by_module.setdefault(facts.module, facts)
        self.classes: List[ClassDecl] = [c for m in self.modules.values() for c in m.classes]
        self.by_name: Dict[str, List[ClassDecl]] = {}
        for cls in self.classes:
            self.by_name.setdefault(cls.name, []).append(cls)
        self._module_of: Dict[int, ModuleFacts] = {
            id(c): m for m in self.modules.values() for c in m.classes
        }
        self._bases: Dict[int, Tuple[Any, ...]] = {}
        self._is_model: Dict[int, Any] = {}
        self._tablename: Dict[int, Any] = {}
        self._mro: Dict[int, Tuple[List[ClassDecl], bool]] = {}
        self._owners: Optional[Dict[int, ClassDecl]] = None
        self._tables: Optional[Dict[str, List[ClassDecl]]] = None
        # Derived values that rules ask for again and again, computed once per class,
        # relationship or name. Keys are `id()`s of facts the project holds.
        self._is_table: Dict[int, Any] = {}
        self._mapped: Dict[str, List[ClassDecl]] = {}
        self._targets: Dict[int, Any] = {}
        self._columns: Dict[int, Tuple[Dict[str, FieldDecl], bool]] = {}
        self._foreign_keys: Dict[int, Tuple[List[ForeignKeyRef], bool]] = {}
        self._fk_paths: Dict[Tuple[int, int], Any] = {}
        self._directions: Dict[int, Any] = {}

    # ------------------------------------------------------------------ classes

    def module_of(self, cls: ClassDecl) -> ModuleFacts:
        return self._module_of[id(cls)]

    def resolve_name(self, module: ModuleFacts, dotted: str) -> Any:
        """The class a dotted name in `module` stands for: a `ClassDecl`, `_SQLMODEL` or UNRESOLVED."""
        qualified = module.resolve(dotted)
        if qualified in SQLMODEL_BASES:
            return _SQLMODEL
        if dotted == "SQLModel" and "sqlmodel" in module.star_imports:
            return _SQLMODEL
        mod_name, _, cls_name = qualified.rpartition(".")
        candidates = self.by_name.get(cls_name, [])
        if not candidates:
            return UNRESOLVED
        if mod_name:
            exact = [c for c in candidates if c.module == mod_name]
            if len(exact) == 1:
                return exact[0]
            if mod_name.split(".", 1)[0] not in self._top_packages():
                return UNRESOLVED  # imported from an installed package
        else:
            local = [c for c in candidates if c.path == module.path and not c.nested]
            if len(local) == 1:
                return local[0]
            if dotted in module.imports:
                return UNRESOLVED
        top_level = [c for c in candidates if not c.nested]
        if len(top_level) == 1:
            return top_level[0]
        return UNRESOLVED

    def _top_packages(self) -> Set[str]:
        return {m.split(".", 1)[0] for m in self.by_module}

    def bases(self, cls: ClassDecl) -> Tuple[Any, ...]:
        key = id(cls)
        if key not in self._bases:
            module = self.module_of(cls)
            resolved = tuple(self.resolve_name(module, b) for b in cls.bases)
            self._bases[key] = resolved
        return self._bases[key]

    def mro(self, cls: ClassDecl) -> Tuple[List[ClassDecl], bool]:
        """The project classes `cls` inherits from (itself first) and whether all were found."""
        key = id(cls)
        found = self._mro.get(key)
        if found is None:
            found = self._mro[key] = self._compute_mro(cls)
        return list(found[0]), found[1]

    def _compute_mro(self, cls: ClassDecl) -> Tuple[List[ClassDecl], bool]:
        seen: List[ClassDecl] = []
        complete = not cls.unknown_bases
        stack = [cls]
        while stack:
            current = stack.pop(0)
            if any(current is s for s in seen):
                continue
            seen.append(current)
            if current.unknown_bases:
                complete = False
            for base in self.bases(current):
                if base is UNRESOLVED:
                    complete = False
                elif base is not _SQLMODEL:
                    stack.append(base)
        return seen, complete

    def is_model(self, cls: ClassDecl) -> Any:
        """True when `cls` is a SQLModel subclass, False when it is not, else UNKNOWN."""
        key = id(cls)
        if key in self._is_model:
            return self._is_model[key]
        self._is_model[key] = UNKNOWN  # cycle guard
        result: Any = False
        if cls.table_kw is True:
            result = True
        else:
            unknown = cls.unknown_bases
            for base in self.bases(cls):
                if base is _SQLMODEL:
                    result = True
                    break
                if base is UNRESOLVED:
                    unknown = True
                    continue
                inner = self.is_model(base)
                if inner is True:
                    result = True
                    break
                if inner is UNKNOWN:
                    unknown = True
            if result is False and unknown:
                result = UNKNOWN
        self._is_model[key] = result
        return result

    def is_table(self, cls: ClassDecl) -> Any:
        key = id(cls)
        found = self._is_table.get(key)
        if found is None:
            kw = cls.table_kw
            found = self._is_table[key] = True if kw is True else UNKNOWN if kw is UNKNOWN else False
        return found

    def table_classes(self) -> List[ClassDecl]:
        return [c for c in self.classes if self.is_table(c) is True]

    def classes_named(self, name: str) -> List[ClassDecl]:
        return self.by_name.get(name, [])

    def mapped_named(self, name: str) -> List[ClassDecl]:
        """Table models with this class name: what SQLModel's registry would find."""
        found = self._mapped.get(name)
        if found is None:
            found = self._mapped[name] = [c for c in self.by_name.get(name, []) if self.is_table(c) is True]
        return list(found)

    def named_near(self, name: str, path: str, *, mapped: bool) -> List[ClassDecl]:
        """`mapped_named(name)` (`mapped`) or `classes_named(name)`, narrowed to the one class
        that runs together with the module at `path` when several share the name (independent
        scripts that reuse class names); see `target_class`."""
        found = self.mapped_named(name) if mapped else self.classes_named(name)
        if len(found) > 1 and path in self.modules:
            module = self.modules[path].module
            together = [c for c in found if run_together(self, module, c.module)]
            if len(together) == 1:
                return together
        return list(found)

    def target_class(self, rel: RelationshipDecl) -> Any:
        """The table model a relationship points at, or UNRESOLVED."""
        key = id(rel)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = self._compute_target_class(rel)
        return found

    def _compute_target_class(self, rel: RelationshipDecl) -> Any:
        target = rel.target
        if target is UNKNOWN:
            return UNRESOLVED
        found = self.mapped_named(target)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            # Several models of that name: SQLModel's registry holds only those imported in the
            # same process. When exactly one of them runs together with the relationship's own
            # module, that is the one (independent scripts that reuse class names).
            owner_module = self.modules[rel.path].module
            together = [c for c in found if run_together(self, owner_module, c.module)]
            if len(together) == 1:
                return together[0]
        return UNRESOLVED

    def owner_of(self, decl: Any) -> ClassDecl:
        """The class whose body declares this field or relationship."""
        if self._owners is None:
            self._owners = {}
            for cls in self.classes:
                for member in (*cls.relationships, *cls.fields):
                    self._owners[id(member)] = cls
        found = self._owners.get(id(decl))
        if found is None:
            raise KeyError(decl.owner)
        return found

    # ------------------------------------------------------------------ tables and columns

    def tablename(self, cls: ClassDecl) -> Any:
        key = id(cls)
        if key in self._tablename:
            return self._tablename[key]
        classes, complete = self.mro(cls)
        result: Any = None
        for current in classes:
            if current.tablename is not None:
                result = current.tablename
                break
        if result is None:
            result = cls.name.lower() if complete else UNKNOWN
        self._tablename[key] = result
        return result

    def tables(self) -> Dict[str, List[ClassDecl]]:
        if self._tables is None:
            tables: Dict[str, List[ClassDecl]] = {}
            for cls in self.table_classes():
                name = self.tablename(cls)
                if isinstance(name, str):
                    tables.setdefault(name, []).append(cls)
            self._tables = tables
        return self._tables

    def all_table_names_known(self) -> bool:
        return all(isinstance(self.tablename(c), str) for c in self.table_classes()) and not any(
            c.table_kw is UNKNOWN for c in self.classes
        )

    def table_class(self, table: str, near: Optional[str] = None) -> Any:
        """The table model of that table name, or UNRESOLVED.

        With several models of the name, `near` (the dotted name of the module asking) picks
        the one that runs together with it, as for relationship targets.
        """
        found = self.tables().get(table, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1 and near is not None:
            together = [c for c in found if run_together(self, near, c.module)]
            if len(together) == 1:
                return together[0]
        return UNRESOLVED

    def columns(self, cls: ClassDecl) -> Tuple[Dict[str, FieldDecl], bool]:
        """Columns of a table model, inherited ones included, and whether the list is complete."""
        key = id(cls)
        found = self._columns.get(key)
        if found is None:
            found = self._columns[key] = self._compute_columns(cls)
        return dict(found[0]), found[1]

    def _compute_columns(self, cls: ClassDecl) -> Tuple[Dict[str, FieldDecl], bool]:
        classes, complete = self.mro(cls)
        out: Dict[str, FieldDecl] = {}
        for current in reversed(classes):
            for f in current.fields:
                out[f.name] = f
        for current in classes:
            if current is not cls and self.is_model(current) is not True:
                complete = False
        return out, complete

    def attribute_exists(self, cls: ClassDecl, name: str) -> Any:
        """True, False, or UNKNOWN when a base class could not be read."""
        classes, complete = self.mro(cls)
        for current in classes:
            if name in current.attributes:
                return True
        return False if complete else UNKNOWN

    def foreign_keys(self, cls: ClassDecl) -> Tuple[List[ForeignKeyRef], bool]:
        """Known foreign keys of a table model and whether every foreign key is known."""
        key = id(cls)
        found = self._foreign_keys.get(key)
        if found is None:
            found = self._foreign_keys[key] = self._compute_foreign_keys(cls)
        return list(found[0]), found[1]

    def _compute_foreign_keys(self, cls: ClassDecl) -> Tuple[List[ForeignKeyRef], bool]:
        columns, complete = self.columns(cls)
        refs: List[ForeignKeyRef] = []
        classes, _ = self.mro(cls)
        if any(c.table_args for c in classes):
            complete = False
        for f in columns.values():
            target: Any = None
            if "sa_column_args" in f.kwargs:  # may hold a ForeignKey(...) we do not read
                complete = False
            arg = f.foreign_key
            if arg is not None:
                target = arg.value.value
                if target is UNKNOWN or not isinstance(target, str):
                    complete = False
                    continue
                if target == "":
                    continue
            elif f.sa_column_fk is not None:
                target = f.sa_column_fk
                if target is UNKNOWN:
                    complete = False
                    continue
            elif f.has_star_kwargs or (f.sa_column is not None):
                complete = complete and not f.has_star_kwargs
                continue
            else:
                continue
            parts = target.split(".")
            if len(parts) == 2:
                refs.append(ForeignKeyRef(f, cls, parts[0], parts[1]))
            elif len(parts) == 1:
                refs.append(ForeignKeyRef(f, cls, parts[0], None))
            else:  # schema.table.column
                refs.append(ForeignKeyRef(f, cls, ".".join(parts[:-1]), parts[-1]))
        return refs, complete

    def fk_paths(self, owner: ClassDecl, target: ClassDecl) -> Any:
        """(owner columns pointing at target, target columns pointing at owner) or UNKNOWN."""
        key = (id(owner), id(target))
        found = self._fk_paths.get(key)
        if found is None:
            found = self._fk_paths[key] = self._compute_fk_paths(owner, target)
        if found is UNKNOWN:
            return UNKNOWN
        return list(found[0]), list(found[1])

    def _compute_fk_paths(self, owner: ClassDecl, target: ClassDecl) -> Any:
        owner_table = self.tablename(owner)
        target_table = self.tablename(target)
        if not isinstance(owner_table, str) or not isinstance(target_table, str):
            return UNKNOWN
        owner_fks, owner_complete = self.foreign_keys(owner)
        target_fks, target_complete = self.foreign_keys(target)
        if not owner_complete or not target_complete:
            return UNKNOWN
        forward = [fk for fk in owner_fks if fk.table == target_table]
        backward = [fk for fk in target_fks if fk.table == owner_table]
        return forward, backward

    # ------------------------------------------------------------------ relationships

    def relationships(self) -> Iterator[Tuple[ClassDecl, RelationshipDecl]]:
        for cls in self.classes:
            for rel in cls.relationships:
                yield cls, rel

    def partner(self, rel: RelationshipDecl) -> Any:
        """The relationship on the target that `rel.back_populates` names, or UNRESOLVED."""
        name = back_populates_of(rel)
        if not isinstance(name, str):
            return UNRESOLVED
        target = self.target_class(rel)
        if target is UNRESOLVED:
            return UNRESOLVED
        classes, _ = self.mro(target)
        for current in classes:
            found = current.relationship(name)
            if found is not None:
                return found
        return UNRESOLVED

    def direction_of(self, rel: RelationshipDecl) -> Any:
        """The relationship's direction as SQLAlchemy will compute it, or UNKNOWN."""
        key = id(rel)
        found = self._directions.get(key)
        if found is None:
            found = self._directions[key] = self._compute_direction(rel)
        return found

    def _compute_direction(self, rel: RelationshipDecl) -> Any:
        if not rel.sa_kwargs_known or rel.has_star_kwargs or "sa_relationship" in rel.kwargs:
            return UNKNOWN
        if "sa_relationship_args" in rel.kwargs:  # the first one is passed as `secondary`
            return UNKNOWN
        if "link_model" in rel.kwargs or "secondary" in rel.sa_kwargs:
            return Direction.MANY_TO_MANY
        if rel.positional or "sa_relationship_args" in rel.kwargs:
            return UNKNOWN  # sa_relationship_args start at `secondary`
        owner = self.owner_of(rel)
        target = self.target_class(rel)
        if target is UNRESOLVED:
            return UNKNOWN
        if "primaryjoin" in rel.sa_kwargs:
            return UNKNOWN
        if owner is target or self.tablename(owner) == self.tablename(target):
            if "remote_side" in rel.sa_kwargs:
                return Direction.MANY_TO_ONE
            paths = self.fk_paths(owner, target)
            if paths is UNKNOWN or not paths[0]:
                return UNKNOWN
            return Direction.ONE_TO_MANY
        fk_option = rel.sa_kwargs.get("foreign_keys")
        paths = self.fk_paths(owner, target)
        if paths is UNKNOWN:
            return UNKNOWN
        forward, backward = paths
        if fk_option is not None:
            named = _column_names(fk_option.value.literal())
            if named is UNKNOWN or not named:
                return UNKNOWN
            if all(cls_name == owner.name for cls_name, _ in named):
                return Direction.MANY_TO_ONE
            if all(cls_name == target.name for cls_name, _ in named):
                return Direction.ONE_TO_MANY
            return UNKNOWN
        if forward and backward:
            return Direction.AMBIGUOUS
        if len(forward) > 1 or len(backward) > 1:
            return Direction.AMBIGUOUS
        if forward:
            return Direction.MANY_TO_ONE
        if backward:
            return Direction.ONE_TO_MANY
        return Direction.NO_PATH


def back_populates_of(rel: RelationshipDecl) -> Any:
    """The effective back_populates (kwargs win over the parameter), None, or UNKNOWN."""
    option = rel.option("back_populates")
    if option is not None:
        value = option.value.literal()
        return value if value is UNKNOWN or isinstance(value, str) or value is None else UNKNOWN
    if not rel.sa_kwargs_known or rel.has_star_kwargs:
        return UNKNOWN
    param = rel.param("back_populates")
    if param is None:
        return None
    value = param.value.literal()
    if value is UNKNOWN:
        return UNKNOWN
    return value if isinstance(value, str) and value else None


def _column_names(value: Any) -> Any:
    """[(Class, column)] named by a `foreign_keys`/`remote_side` option, or UNKNOWN."""
    items: List[Any]
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        items = [t.strip() for t in text.split(",") if t.strip()]
    elif isinstance(value, NameRef):
        items = [value.dotted]
    elif isinstance(value, tuple):
        items = []
        for v in value:
            if isinstance(v, NameRef):
                items.append(v.dotted)
            elif isinstance(v, str):
                items.append(v)
            else:
                return UNKNOWN
    else:
        return UNKNOWN
    out = []
    for item in items:
        parts = item.split(".")
        if len(parts) != 2 or not all(p.isidentifier() for p in parts):
            return UNKNOWN
        out.append((parts[0], parts[1]))
    return out


def memoized(project: Project, key: str, compute: Any) -> Any:
    """`compute(project)`, computed once per project and kept on it under `key`.

    For rules that need a project-wide index (such as every relationship by the columns it
    writes) without rebuilding it for each subject.
    """
    memo: Dict[str, Any] = project.__dict__.setdefault("_memo", {})
    if key not in memo:
        memo[key] = compute(project)
    return memo[key]


def memoized_per(project: Project, key: str, subject: Any, compute: Callable[[Project, Any], Any]) -> Any:
    """`compute(project, subject)`, computed once per project and subject.

    For what rules derive from one class or relationship and ask again, from several rules or
    for several subjects. `subject` must be a fact the project holds: it is keyed by `id()`.
    """
    cache: Dict[int, Tuple[Any, Any]] = memoized(project, key, _new_cache)
    entry = cache.get(id(subject))
    if entry is None:
        # the subject is kept with its value: while it lives, no other object can take its id
        entry = cache[id(subject)] = (subject, compute(project, subject))
    return entry[1]


def _new_cache(project: Project) -> Dict[int, Tuple[Any, Any]]:
    return {}


# ---------------------------------------------------------------------- foreign-key helpers
# Project-wide indexes are built once per lint run with `memoized`.


def known_table_names(project: Project) -> Tuple[Set[str], bool]:
    """Every table name the project defines, and whether that list is complete.

    Counts SQLModel table models, any class with a literal `__tablename__` (plain SQLAlchemy
    declarative classes, mixins) and plain `Table("name", metadata, ...)` calls. Incomplete when a
    table model's name is unknown, a `__tablename__` is not a literal, or a `Table()` name is not.
    """
    return memoized(project, "known_table_names", _known_table_names)


def _known_table_names(project: Project) -> Tuple[Set[str], bool]:
    names: Set[str] = set(project.tables())
    complete = project.all_table_names_known()
    for cls in project.classes:
        if isinstance(cls.tablename, str):
            names.add(cls.tablename)
        elif cls.tablename is UNKNOWN:
            complete = False
        elif (not cls.nested and "__table__" not in cls.attributes and project.is_model(cls) is UNKNOWN
              and any(base.rsplit(".", 1)[-1] == "Model" for base in cls.bases)):
            complete = False  # e.g. Flask-SQLAlchemy's `db.Model`, which names tables itself
    for module in project.modules.values():
        for name in module.sa_tables:
            if isinstance(name, str):
                names.add(name)
            else:
                complete = False
    return names, complete


def tables_with_column(project: Project, decl: FieldDecl) -> List[ClassDecl]:
    """The table models that get `decl` as a column: its own class, or the tables inheriting it."""
    return list(memoized(project, "tables_with_column", _tables_by_column).get(id(decl), []))


def _tables_by_column(project: Project) -> Dict[int, List[ClassDecl]]:
    index: Dict[int, List[ClassDecl]] = {}
    for cls in project.table_classes():
        columns, _ = project.columns(cls)
        for column in columns.values():
            index.setdefault(id(column), []).append(cls)
    return index


def relationships_between(project: Project, first: str, second: str
                          ) -> List[Tuple[ClassDecl, RelationshipDecl]]:
    """Relationships (not many-to-many) between the tables `first` and `second`, either way."""
    index = memoized(project, "relationships_between", _relationships_by_tables)
    return list(index.get(frozenset((first, second)), []))


def _relationships_by_tables(project: Project) -> Dict[FrozenSet[str], List[Tuple[ClassDecl, RelationshipDecl]]]:
    index: Dict[FrozenSet[str], List[Tuple[ClassDecl, RelationshipDecl]]] = {}
    for cls, rel in project.relationships():
        if project.is_table(cls) is not True:
            continue
        if "link_model" in rel.kwargs or "secondary" in rel.sa_kwargs or not rel.sa_kwargs_known:
            continue
        target = project.target_class(rel)
        if target is UNRESOLVED:
            continue
        own, other = project.tablename(cls), project.tablename(target)
        if isinstance(own, str) and isinstance(other, str):
            index.setdefault(frozenset((own, other)), []).append((cls, rel))
    return index


def _import_edges(project: Project) -> Dict[str, Set[str]]:
    """module -> the project modules that import it (run-time imports only, not TYPE_CHECKING).

    Importing `a.b.c` runs `a`, `a.b` and `a.b.c`; and a module runs its parent packages first.
    """
    return memoized(project, "import_edges", _build_import_edges)


def _build_import_edges(project: Project) -> Dict[str, Set[str]]:
    importers: Dict[str, Set[str]] = {}

    def targets(qualified: str) -> List[str]:
        parts = qualified.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts) + 1)
                if ".".join(parts[:i]) in project.by_module]

    for module in project.by_module.values():
        names = [imp.qualified for imp in module.imports.values() if not imp.type_checking]
        names.extend(module.star_imports)
        parents = module.module.split(".")[:-1]
        if parents:
            names.append(".".join(parents))
        for qualified in names:
            for target in targets(qualified):
                if target != module.module:
                    importers.setdefault(target, set()).add(module.module)
    return importers


def modules_running(project: Project, module: str) -> Set[str]:
    """The project modules whose import also runs `module` (itself included)."""
    importers = _import_edges(project)
    seen = {module}
    stack = [module]
    while stack:
        current = stack.pop()
        for importer in importers.get(current, ()):
            if importer not in seen:
                seen.add(importer)
                stack.append(importer)
    return seen


def run_together(project: Project, first: str, second: str) -> bool:
    """Whether importing some project module runs both modules (one imports the other, directly
    or transitively, or a common module imports both, or they are the same module)."""
    if first == second:
        return True
    return bool(modules_running(project, first) & modules_running(project, second))
