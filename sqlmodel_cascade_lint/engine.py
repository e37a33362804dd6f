"""Runs the pipeline: discovery, extraction, the project index, the rules."""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple, Union

from sqlmodel_cascade_lint.diagnostics import Diagnostic, LintError, Severity
from sqlmodel_cascade_lint.discovery import collect, find_root, module_name
from sqlmodel_cascade_lint.extract import describe_exception, extract
from sqlmodel_cascade_lint.facts import ClassDecl, FieldDecl, ModuleFacts, ParseFailure, Span
from sqlmodel_cascade_lint.project import Project
from sqlmodel_cascade_lint.rules import Context, Rule, load_rules

INTERNAL_ERROR = "SCL002"

# A file can contribute facts to the index only if it mentions one of these.
_PREFILTER = (b"Relationship", b"Field", b"table", b"__tablename__", b"SQLModel")


@dataclass
class Options:
    select: Optional[Set[str]] = None  # codes to run; None means the default set
    respect_gitignore: bool = True


@dataclass
class LintResult:
    diagnostics: List[Diagnostic]
    files: List[str]
    root: Path
    sources: Dict[str, bytes] = field(default_factory=dict)
    # (path, reason) of inputs that are not files (FIFOs, devices, broken or looping links,
    # files deleted during the scan): the CLI prints one line for each on stderr
    skipped: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def internal_errors(self) -> bool:
        return any(d.code == INTERNAL_ERROR for d in self.diagnostics)

    def source_lines(self, path: str) -> List[str]:
        data = self.sources.get(path)
        if data is None:
            return []
        return _LINE_BREAK.split(decode(data).rstrip("\r\n"))  # as Python counts lines, unlike str.splitlines


def decode(data: bytes) -> str:
    """Source text for display: the declared encoding, with undecodable bytes replaced."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except (SyntaxError, LookupError):
        encoding = "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def display_path(path: Path) -> str:
    """`path` relative to the working folder when it lies below it, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def read_facts(path: Path, shown: str, root: Path, *, force: bool) -> tuple:
    """(facts or None when the file cannot contribute, raw bytes or None).

    For things that are not files (see `read_source`) the facts are None and the second item
    is the `Skip` reason; `lint` reports those as skipped.
    """
    module = module_name(path, root)
    data = read_source(path)
    if isinstance(data, Skip):
        return None, data
    if isinstance(data, OSError):
        return _unreadable(shown, module, f"cannot be read: {data.strerror or data}"), None
    if not force and not any(marker in data for marker in _PREFILTER):
        return None, data
    try:
        return extract(shown, module, data), data
    except Exception as exc:  # noqa: BLE001 - extract() catches its own; this is the last guard
        return ModuleFacts(path=shown, module=module, imports={}, classes=(),
                           failure=ParseFailure("internal", describe_exception(exc), Span(1, 1, 1, 2))), data


def _unreadable(path: str, module: str, message: str) -> ModuleFacts:
    return ModuleFacts(path=path, module=module, imports={}, classes=(),
                       failure=ParseFailure("read", message, Span(1, 1, 1, 1)))


def lint(paths: Sequence[Path], options: Optional[Options] = None, *,
         project_paths: Optional[Sequence[Path]] = None,
         stdin: Optional[tuple] = None) -> LintResult:
    """Lint `paths`, indexing the whole project they belong to (or `project_paths`).

    `stdin` is `(shown_path, data)` for source read from standard input.
    """
    options = options or Options()
    rules = load_rules()
    active = [r for c, r in rules.items() if (r.default_enabled if options.select is None else c in options.select)]

    root = find_root(list(paths) or [Path(".")])
    unlisted: List[Tuple[Path, str]] = []
    requested, missing = collect(paths, root, respect_gitignore=options.respect_gitignore, skipped=unlisted)
    if missing:
        raise LintError(f"No such file or directory: {', '.join(str(m) for m in missing)}")
    if project_paths is None:
        project_files, _ = collect([root], root, respect_gitignore=options.respect_gitignore)
    else:
        project_files, _ = collect(project_paths, root, respect_gitignore=options.respect_gitignore)

    requested_shown = {display_path(p): p for p in requested}
    facts: Dict[str, ModuleFacts] = {}
    sources: Dict[str, bytes] = {}
    skipped: List[Tuple[str, str]] = [(display_path(p), why) for p, why in unlisted]
    for path in requested:
        shown = display_path(path)
        result, data = read_facts(path, shown, root, force=True)
        if result is None:  # not a file: a FIFO, a device, a broken or looping link, gone
            skipped.append((shown, str(data) if isinstance(data, Skip) else "not a regular file"))
            continue
        facts[shown] = result
        if data is not None:
            sources[shown] = data
    if stdin is not None:
        shown, data = stdin
        stdin_path = Path(shown)
        facts[shown] = extract(shown, module_name(stdin_path, root), data)
        sources[shown] = data
        requested_shown[shown] = stdin_path
    for path in project_files:
        shown = display_path(path)
        if shown in facts:
            continue
        result, _ = read_facts(path, shown, root, force=False)
        if result is not None and result.failure is None:
            facts[shown] = result

    diagnostics: List[Diagnostic] = []
    try:
        project = Project(facts.values())
    except Exception as exc:  # noqa: BLE001 - a bug in the index: say so for every file, exit 2
        message = f"internal error while indexing the project: {describe_exception(exc)}"
        diagnostics = [_internal_error_at(shown, Span(1, 1, 1, 2), message)
                       for shown in sorted(requested_shown) if shown in facts]
    else:
        for shown in sorted(requested_shown):
            if shown in facts:
                diagnostics.extend(run_rules(project, facts[shown], active))
    diagnostics.sort(key=Diagnostic.sort_key)
    skipped_paths = {path for path, _ in skipped}
    return LintResult(diagnostics=_dedupe(diagnostics),
                      files=sorted(p for p in requested_shown if p not in skipped_paths), root=root,
                      sources={p: sources[p] for p in {d.path for d in diagnostics} if p in sources},
                      skipped=sorted(skipped))


def _dedupe(diagnostics: List[Diagnostic]) -> List[Diagnostic]:
    out: List[Diagnostic] = []
    seen = set()
    for d in diagnostics:
        key = (d.path, d.span, d.code, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def subjects_of(project: Project, module: ModuleFacts, rule: Rule) -> Iterable[object]:
    if rule.subject is ModuleFacts:
        return [module]
    if rule.subject is ClassDecl:
        return list(module.classes)
    out: List[object] = []
    for cls in module.classes:
        if rule.subject is FieldDecl:
            if project.is_model(cls) is True:
                out.extend(cls.fields)
        elif project.is_table(cls) is True:
            out.extend(cls.relationships)
    return out


def run_rules(project: Project, module: ModuleFacts, rules: Iterable[Rule]) -> List[Diagnostic]:
    out: List[Diagnostic] = []
    if module.failure is not None and module.failure.kind == "internal":
        out.append(_internal_error_at(module.path, module.failure.span,
                                      f"internal error while reading `{module.path}`: {module.failure.message}"))
        return out
    for rule in rules:
        if module.failure is not None and rule.subject is not ModuleFacts:
            continue
        try:
            subjects = list(subjects_of(project, module, rule))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not end the run
            out.append(_internal_error(rule, module, module, exc))
            continue
        for subject in subjects:
            ctx = Context(project=project, rule=rule, path=module.path)
            try:
                found = list(rule.func(subject, ctx))
                for item in found:
                    if not isinstance(item, Diagnostic):
                        raise TypeError(f"rule yielded {type(item).__name__}, not a Diagnostic")
            except Exception as exc:  # noqa: BLE001 - one broken rule must not end the run
                out.append(_internal_error(rule, module, subject, exc))
            else:
                out.extend(found)
    return out


def _internal_error(rule: Rule, module: ModuleFacts, subject: object, exc: Exception) -> Diagnostic:
    span = getattr(subject, "span", None)
    if not isinstance(span, Span):
        span = Span(1, 1, 1, 2)
    return _internal_error_at(
        module.path, span,
        f"internal error in rule {rule.code} ({rule.name}) on `{module.path}`: {describe_exception(exc)}",
    )


def _internal_error_at(path: str, span: Span, message: str) -> Diagnostic:
    return Diagnostic(
        code=INTERNAL_ERROR,
        name="internal-error",
        severity=Severity.ERROR,
        message=f"{message}; this is a bug in sqlmodel-cascade-lint, the file was not fully checked",
        path=path,
        span=span,
    )


def count_by_severity(diagnostics: Iterable[Diagnostic]) -> Dict[Severity, int]:
    counts = {Severity.ERROR: 0, Severity.WARNING: 0}
    for d in diagnostics:
        counts[d.severity] += 1
    return counts


ProgressCallback = Callable[[int, int], None]


# ---------------------------------------------------------------------- reading files safely

_LINE_BREAK = re.compile(r"\r\n?|\n")
_NOT_A_FILE = (errno.ELOOP, errno.ENOENT, errno.ENOTDIR, errno.ENXIO, errno.EISDIR)


class Skip(str):
    """Why a path is not a file to check (a FIFO, a device, a broken link, gone)."""


def read_source(path: Path) -> Union[bytes, Skip, OSError]:
    """The bytes of a regular file; a `Skip` for things that are not files; the `OSError` otherwise.

    Opens without blocking (a FIFO would otherwise wait for a writer forever) and checks what
    was opened, so that a path swapped for something else after discovery cannot hang the scan.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno in _NOT_A_FILE:
            return Skip(_describe_missing(path, exc))
        return exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return Skip(_describe_mode(info.st_mode))
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            return Skip("is a directory")
        return exc
    finally:
        os.close(fd)


def _describe_mode(mode: int) -> str:
    for test, what in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return f"not a regular file: {what}"
    return "not a regular file"


def _describe_missing(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno == errno.EISDIR:
        return "not a regular file: a directory"
    if os.path.islink(path):
        return "broken symbolic link"
    return "no longer exists (deleted during the scan)"
