"""Settings from `[tool.sqlmodel-cascade-lint]` in `pyproject.toml`, merged with CLI flags.

The file is found from the project root: the nearest `pyproject.toml` at or above the folder
that holds the inputs and has a `[tool.sqlmodel-cascade-lint]` table. `--config PATH` names
the file instead (a `pyproject.toml`, or any other TOML file whose top level holds the
settings), and `--isolated` ignores every configuration file.

Rule selection works as in ruff: `select` (default: every rule that is on by default),
plus `extend-select`, minus `ignore`; when a rule matches selectors on both sides, the
more specific one (the longer prefix) wins. A prefix such as `SCL1` selects the rules on by
default below it; a rule that is off by default is turned on by naming its full code (or
`ALL`) in `select` or `extend-select`.

Every problem in a file (unknown key, wrong type, unknown code) is a `ConfigError` that
names the key and what is valid.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Sequence, Tuple

from sqlmodel_cascade_lint.diagnostics import LintError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python < 3.11
    import tomli as tomllib

SECTION = "sqlmodel-cascade-lint"

_LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
_BOOL_KEYS = ("respect-gitignore", "force-exclude")
KEYS = (
    "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
    "respect-gitignore", "force-exclude", "output-format",
)


class ConfigError(LintError):
    """A configuration file or flag that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Raw settings, as written (codes not yet expanded). `None` means "not given"."""

    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = ()
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: Optional[bool] = None
    force_exclude: Optional[bool] = None
    output_format: Optional[str] = None
    path: Optional[Path] = None  # the file they came from
    base: Optional[Path] = None  # the folder that patterns are relative to

    def merged(self, cli: "Settings") -> "Settings":
        """These settings with the CLI's on top: given flags win, list flags extend."""
        return Settings(
            select=cli.select if cli.select is not None else self.select,
            extend_select=self.extend_select + cli.extend_select,
            ignore=self.ignore + cli.ignore,
            per_file_ignores=self.per_file_ignores + cli.per_file_ignores,
            exclude=cli.exclude if cli.exclude else self.exclude,
            extend_exclude=self.extend_exclude + cli.extend_exclude,
            respect_gitignore=_first(cli.respect_gitignore, self.respect_gitignore),
            force_exclude=_first(cli.force_exclude, self.force_exclude),
            output_format=cli.output_format or self.output_format,
            path=self.path,
            base=self.base,
        )


def _first(*values: Optional[bool]) -> Optional[bool]:
    for value in values:
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class Resolved:
    """Settings ready for the engine: full codes and patterns."""

    select: FrozenSet[str]
    per_file_ignores: Tuple[Tuple[str, FrozenSet[str]], ...] = ()
    exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    output_format: Optional[str] = None
    base: Optional[Path] = None
    path: Optional[Path] = None


# ---------------------------------------------------------------------------- finding the file


def has_section(path: Path) -> bool:
    try:
        data = _read_toml(path)
    except ConfigError:
        return True  # let `load` report the broken file
    return isinstance(data.get("tool"), dict) and SECTION in data["tool"]


def find_config(start: Path) -> Optional[Path]:
    """The nearest `pyproject.toml` at or above `start` with a `[tool.sqlmodel-cascade-lint]` table."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file() and has_section(path):
            return path
    return None


def _read_toml(path: Path) -> Dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file `{path}`: {exc.strerror or exc}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"`{path}` is not valid UTF-8: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"`{path}` is not valid TOML: {exc}") from None


def load(path: Path, *, output_formats: Sequence[str] = ()) -> Settings:
    """The settings in `path`: its `[tool.sqlmodel-cascade-lint]` table for a `pyproject.toml`,
    its top level for any other TOML file."""
    if not path.is_file():
        raise ConfigError(f"configuration file `{path}` does not exist")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get(SECTION, {}) if isinstance(tool, dict) else {}
        where = f"[tool.{SECTION}]"
    else:
        table = data
        where = "top level"
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: `tool.{SECTION}` must be a table")
    return parse_table(table, source=f"{path} ({where})", output_formats=output_formats,
                       path=path.resolve(), base=path.resolve().parent)


def parse_table(table: Mapping[str, Any], *, source: str, output_formats: Sequence[str] = (),
                path: Optional[Path] = None, base: Optional[Path] = None) -> Settings:
    values: Dict[str, Any] = {}
    for key, value in table.items():
        if key not in KEYS:
            hint = _did_you_mean(key, KEYS)
            raise ConfigError(
                f"{source}: unknown key `{key}`{hint}; valid keys: {', '.join(KEYS)}"
            )
        if key in _LIST_KEYS:
            if isinstance(value, str) or not isinstance(value, list) or not all(
                    isinstance(v, str) for v in value):
                raise ConfigError(
                    f"{source}: `{key}` must be a list of strings, e.g. `{key} = [\"SCL1\"]`, "
                    f"not {_describe(value)}"
                )
            values[key] = tuple(value)
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{source}: `{key}` must be `true` or `false`, not {_describe(value)}")
            values[key] = value
        elif key == "output-format":
            if not isinstance(value, str) or (output_formats and value not in output_formats):
                raise ConfigError(
                    f"{source}: `output-format` must be one of {', '.join(output_formats)}, "
                    f"not {_describe(value)}"
                )
            values[key] = value
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{source}: `per-file-ignores` must be a table of glob = [codes], e.g. "
                    f"`\"tests/*\" = [\"SCL1\"]`, not {_describe(value)}"
                )
            entries = []
            for pattern, codes in value.items():
                if isinstance(codes, str) or not isinstance(codes, list) or not all(
                        isinstance(c, str) for c in codes):
                    raise ConfigError(
                        f"{source}: `per-file-ignores.\"{pattern}\"` must be a list of rule codes, "
                        f"not {_describe(codes)}"
                    )
                entries.append((pattern, tuple(codes)))
            values[key] = tuple(entries)
    return Settings(
        select=values.get("select"),
        extend_select=values.get("extend-select", ()),
        ignore=values.get("ignore", ()),
        per_file_ignores=values.get("per-file-ignores", ()),
        exclude=values.get("exclude", ()),
        extend_exclude=values.get("extend-exclude", ()),
        respect_gitignore=values.get("respect-gitignore"),
        force_exclude=values.get("force-exclude"),
        output_format=values.get("output-format"),
        path=path,
        base=base,
    )


def _describe(value: Any) -> str:
    kinds = {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a table"}
    kind = kinds.get(type(value), type(value).__name__)
    text = repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{kind} ({text})"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    normal = word.replace("_", "-").lower()
    if normal in choices and normal != word:
        return f" (did you mean `{normal}`?)"
    found = difflib.get_close_matches(normal, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{found[0]}`?)" if found else ""


# ---------------------------------------------------------------------------- rule selection


def split_codes(values: Iterable[str]) -> List[str]:
    """`["SCL1, SCL201", "SCL3"]` -> `["SCL1", "SCL201", "SCL3"]` (upper-cased)."""
    out: List[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().upper()
            if part:
                out.append(part)
    return out


def check_codes(values: Iterable[str], known: Sequence[str], key: str, source: str) -> List[str]:
    """The selectors in `values`, each checked against the known codes."""
    out = split_codes(values)
    for part in out:
        if part == "ALL":
            continue
        if not any(c.startswith(part) for c in known):
            hint = _did_you_mean(part, known)
            raise ConfigError(
                f"{source}: `{key}` has unknown rule code or prefix `{part}`{hint}; "
                f"known codes: {', '.join(known)}"
            )
    return out


def _specificity(selector: str) -> int:
    return 0 if selector == "ALL" else len(selector)


def _matches(selector: str, code: str, default_on: bool, positive: bool) -> bool:
    if selector == "ALL":
        return True
    if selector == code:
        return True
    if not code.startswith(selector):
        return False
    return default_on or not positive  # a prefix turns on only the rules on by default


def resolve(settings: Settings, rules: Mapping[str, Any], *, source: str = "") -> Resolved:
    """Expand the selectors of `settings` into the set of rule codes to run."""
    known = list(rules)
    where = source or (str(settings.path) if settings.path else "command line")
    select = None if settings.select is None else check_codes(settings.select, known, "select", where)
    extend = check_codes(settings.extend_select, known, "extend-select", where)
    ignore = check_codes(settings.ignore, known, "ignore", where)
    chosen = set()
    for code, rule in rules.items():
        default_on = bool(getattr(rule, "default_enabled", True))
        best_on = -1
        if select is None:
            if default_on:
                best_on = 0
        else:
            best_on = max((_specificity(s) for s in select if _matches(s, code, default_on, True)),
                          default=-1)
        best_on = max([best_on] + [_specificity(s) for s in extend if _matches(s, code, default_on, True)])
        best_off = max((_specificity(s) for s in ignore if _matches(s, code, default_on, False)),
                       default=-1)
        if best_on >= 0 and best_on > best_off:
            chosen.add(code)
    per_file = []
    for pattern, codes in settings.per_file_ignores:
        parts = check_codes(codes, known, f"per-file-ignores.\"{pattern}\"", where)
        expanded = frozenset(c for c in known for p in parts if p == "ALL" or c.startswith(p))
        per_file.append((pattern, expanded))
    return Resolved(
        select=frozenset(chosen),
        per_file_ignores=tuple(per_file),
        exclude=tuple(settings.exclude) + tuple(settings.extend_exclude),
        respect_gitignore=True if settings.respect_gitignore is None else settings.respect_gitignore,
        force_exclude=bool(settings.force_exclude),
        output_format=settings.output_format,
        base=settings.base,
        path=settings.path,
    )


def discover(paths: Sequence[Path], *, config: Optional[Path] = None, isolated: bool = False,
             output_formats: Sequence[str] = ()) -> Settings:
    """The settings that apply to a run over `paths`."""
    if isolated:
        return Settings()
    if config is not None:
        return load(config, output_formats=output_formats)
    from sqlmodel_cascade_lint.discovery import find_root

    root = find_root(list(paths) or [Path(".")])
    found = find_config(root)
    if found is None:
        return Settings(base=root)
    return load(found, output_formats=output_formats)

