"""Finding the project root and the files to check."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import pathspec

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")
SOURCE_SUFFIXES = (".py", ".pyi")
SKIP_DIRS = {
    ".git", ".hg", ".svn", ".bzr", "__pycache__", "build", "dist", "node_modules", ".tox", ".nox",
    ".venv", "venv", ".env", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
    "site-packages", ".sqlmodel_cascade_lint_cache", ".direnv", "__pypackages__", ".ipynb_checkpoints",
}


def find_root(paths: Sequence[Path]) -> Path:
    """The nearest folder above the inputs holding `pyproject.toml`, `setup.cfg` or `.git`.

    Without such a folder, the inputs' common folder.
    """
    absolute = [p.resolve() if p.exists() else p.absolute() for p in paths] or [Path.cwd().resolve()]
    starts = [p if p.is_dir() else p.parent for p in absolute]
    common = Path(os.path.commonpath([str(s) for s in starts]))
    for folder in (common, *common.parents):
        if any((folder / marker).exists() for marker in ROOT_MARKERS):
            return folder
    return common


def _is_virtualenv(path: Path) -> bool:
    try:
        return (path / "pyvenv.cfg").is_file()
    except OSError:  # a folder we may not search
        return False


class _Ignores:
    """The `.gitignore` files of a tree, each applied below its own folder."""

    def __init__(self, root: Path, enabled: bool) -> None:
        self.root = root
        self.enabled = enabled
        self.specs: Dict[Path, Optional[pathspec.PathSpec]] = {}

    def _any_spec(self, folder: Path) -> bool:
        """Whether `folder` or a folder above it (up to the root) has a `.gitignore` (memoised:
        without one, a file costs a dictionary lookup instead of path arithmetic)."""
        chain = self.__dict__.setdefault("_chains", {})
        known = chain.get(folder)
        if known is None:
            parent = folder.parent
            known = self._spec(folder) is not None or (
                folder != self.root and parent != folder and self._any_spec(parent))
            chain[folder] = known
        return known

    def _spec(self, folder: Path) -> Optional[pathspec.PathSpec]:
        if folder not in self.specs:
            spec = None
            ignore = folder / ".gitignore"
            try:
                if ignore.is_file():
                    lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
                    spec = pathspec.GitIgnoreSpec.from_lines(lines)  # git's own rules
            except OSError:
                spec = None
            self.specs[folder] = spec
        return self.specs[folder]

    def ignored(self, path: Path, is_dir: bool) -> bool:
        if not self.enabled or not self._any_spec(path.parent):
            return False
        path = Path(os.path.abspath(path))  # walk() may yield paths relative to the working folder
        try:
            path.relative_to(self.root)
        except ValueError:
            return False
        folder = path.parent
        while True:
            spec = self._spec(folder)
            if spec is not None:
                rel = path.relative_to(folder).as_posix() + ("/" if is_dir else "")
                if spec.match_file(rel):
                    return True
            if folder == self.root or folder == folder.parent:
                return False
            folder = folder.parent


def walk(folder: Path, root: Path, *, respect_gitignore: bool = True,
         excluded: Optional[pathspec.PathSpec] = None,
         skipped: Optional[List[Tuple[Path, str]]] = None) -> List[Path]:
    """Source files below `folder`, sorted, skipping tool and virtualenv folders.

    Entries with a source suffix that are not regular files (FIFOs, sockets, broken or looping
    links) are returned too: reading them says why they are skipped. Folders that cannot be
    listed are appended to `skipped` with the reason. Paths are plain strings until the end
    (a `Path` a file cost more than the rest of the walk).
    """
    ignores = _Ignores(root, respect_gitignore)
    out: List[str] = []
    stack = [os.fspath(folder)]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError as exc:
            if skipped is not None:
                skipped.append((Path(current), f"cannot list the folder: {exc.strerror or exc}"))
            continue
        # the .gitignore files above this folder, looked up once for all its files
        ignoring = ignores.enabled and ignores._any_spec(Path(os.path.abspath(current)))
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            try:
                is_file = entry.is_file()
            except OSError:  # a symbolic link loop
                is_file = False
            if not is_dir and not is_file:
                is_file = name.endswith(SOURCE_SUFFIXES)  # not a file: reading it says why
            if not is_dir and not (is_file and name.endswith(SOURCE_SUFFIXES)):
                continue
            if excluded is not None and _matches(excluded, Path(entry.path), root, is_dir):
                continue
            if is_dir:
                if name in SKIP_DIRS or name.endswith(".egg-info") or _is_virtualenv(Path(entry.path)):
                    continue
                if ignoring and ignores.ignored(Path(entry.path), True):
                    continue
                stack.append(entry.path)
            else:
                if ignoring and ignores.ignored(Path(entry.path), False):
                    continue
                out.append(entry.path)
    return [Path(p) for p in sorted(out)]


def _matches(spec: pathspec.PathSpec, path: Path, root: Path, is_dir: bool) -> bool:
    try:
        rel = Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    if is_dir:
        rel += "/"
    return spec.match_file(rel) or spec.match_file(path.name + ("/" if is_dir else ""))


def collect(paths: Iterable[Path], root: Path, *, respect_gitignore: bool = True,
            excluded: Optional[pathspec.PathSpec] = None,
            skipped: Optional[List[Tuple[Path, str]]] = None) -> Tuple[List[Path], List[Path]]:
    """(files to check, inputs that are neither files nor folders). A named file is always kept."""
    files: List[Path] = []
    missing: List[Path] = []
    paths_list = list(paths)
    for path in paths_list:
        if path.is_dir():
            files.extend(walk(path, root, respect_gitignore=respect_gitignore, excluded=excluded,
                              skipped=skipped))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            missing.append(path)
    if len(paths_list) == 1 and not missing:
        return files, missing  # one input: `walk` returns each file once, sorted
    seen = set()
    unique = []
    for f in sorted(files, key=lambda p: p.as_posix()):
        key = os.path.normcase(os.path.abspath(f))
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, missing


def module_name(path: Path, root: Path) -> str:
    """The dotted module name of `path` relative to the project root."""
    try:
        rel = path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
        rel = Path(path.name)
    parts = list(rel.with_suffix("").parts)
    if parts and parts[0] == "src" and len(parts) > 1:
        parts = parts[1:]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def is_package_file(path: str) -> bool:
    """Whether `path` (as shown, posix style) is a package's `__init__` module."""
    return path.rsplit("/", 1)[-1] in ("__init__.py", "__init__.pyi")


def absolute_import(module: str, path: str, level: int, name: str) -> str:
    """The absolute dotted name of `from {'.' * level}{name} import ...` in `module` (at `path`)."""
    if not level:
        return name
    package = module.split(".") if is_package_file(path) else module.split(".")[:-1]
    package = package[: max(0, len(package) - (level - 1))]
    return ".".join([p for p in package if p] + ([name] if name else []))
