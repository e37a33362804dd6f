"""Runs the pipeline: discovery, extraction, the project index, the rules."""

from __future__ import annotations

import gc
import io
import os
import re
import stat as stat_module
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import pathspec

from sqlmodel_cascade_lint import prefilter, suppressions
from sqlmodel_cascade_lint.cache import Entry, FactsCache, cache_dir_for
from sqlmodel_cascade_lint.cache import digest as cache_digest
from sqlmodel_cascade_lint.diagnostics import Diagnostic, LintError, Severity
from sqlmodel_cascade_lint.discovery import SKIP_DIRS, collect, find_root, module_name
from sqlmodel_cascade_lint.facts import ClassDecl, FieldDecl, ModuleFacts, Span
from sqlmodel_cascade_lint.loader import (
    ProgressCallback,
    load_facts,
    scan_key,
    stub_facts,
)
from sqlmodel_cascade_lint.project import Project
from sqlmodel_cascade_lint.reading import Skip, read_source  # noqa: F401 - re-exported
from sqlmodel_cascade_lint.rules import Context, Rule, load_rules
from sqlmodel_cascade_lint.runcache import (
    FileState,
    Record,
    RunCache,
    changed_files,
    line_map,
    move_findings,
    new_record,
    settings_key,
)

INTERNAL_ERROR = "SCL002"
_LINE_BREAK = re.compile(r"\r\n?|\n")

@dataclass
class Options:
    select: Optional[Set[str]] = None  # codes to run; None means the default set
    respect_gitignore: bool = True
    # gitignore-style patterns (relative to `base`, else the project root) of files to skip
    exclude: Tuple[str, ...] = ()
    force_exclude: bool = False  # apply `exclude` to files named on the command line too
    per_file_ignores: Tuple[Tuple[str, FrozenSet[str]], ...] = ()  # (pattern, codes)
    base: Optional[Path] = None  # the folder `exclude` and `per_file_ignores` are relative to
    noqa: bool = True  # honour suppression comments
    jobs: Optional[int] = None  # worker processes for parsing; None: one per core
    cache: bool = False  # keep per-file facts in the cache folder (the command line turns it on)
    cache_dir: Optional[Path] = None  # None: $SQLMODEL_CASCADE_LINT_CACHE_DIR or <root>/.sqlmodel_cascade_lint_cache
    progress: Optional["ProgressCallback"] = None  # called with (files parsed, files to parse)


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


def _absolute(path: Path, cwd: str) -> str:
    """`os.path.abspath(path)` for a known working folder (which `abspath` asks the system for,
    every call)."""
    text = os.fspath(path)
    if text.startswith("/"):
        return os.path.normpath(text)
    return os.path.normpath(f"{cwd}/{text}") if cwd != "/" else os.path.abspath(text)


def display_path(path: Path, cwd: Optional[str] = None) -> str:
    """`path` relative to the working folder (`cwd`, else asked for) when it lies below it,
    else absolute."""
    if os.sep == "/":  # the common case in plain strings: pathlib costs ~100 us a file
        cwd = cwd or os.getcwd()
        text = _absolute(path, cwd)
        if not text.startswith("//") and not cwd.startswith("//") and cwd != "/":
            if text == cwd:
                return "."
            if text.startswith(cwd + "/"):
                return text[len(cwd) + 1:]
            return text
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def lint(paths: Sequence[Path], options: Optional[Options] = None, *,
         project_paths: Optional[Sequence[Path]] = None,
         stdin: Optional[tuple] = None) -> LintResult:
    """Lint `paths`, indexing the whole project they belong to (or `project_paths`).

    `stdin` is `(shown_path, data)` for source read from standard input.
    """
    # A run builds millions of small objects (facts, index entries) and frees almost none
    # before it ends; the cyclic garbage collector would scan them again and again: it took
    # three quarters of the time to load the facts of 1,000 model modules. Nothing a run
    # builds needs it (reference counting frees what is dropped).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _lint(paths, options, project_paths=project_paths, stdin=stdin)
    finally:
        if collecting:
            gc.enable()


def _lint(paths: Sequence[Path], options: Optional[Options], *, project_paths: Optional[Sequence[Path]],
          stdin: Optional[tuple]) -> LintResult:
    options = options or Options()
    rules = load_rules()
    active = [r for c, r in rules.items() if (r.default_enabled if options.select is None else c in options.select)]

    root = find_root(list(paths) or ([Path(stdin[0])] if stdin is not None else [Path(".")]))
    excluded = _pathspec(options.exclude)
    unlisted: List[Tuple[Path, str]] = []
    requested, missing = collect(paths, root, respect_gitignore=options.respect_gitignore,
                                 excluded=excluded, skipped=unlisted)
    if missing:
        raise LintError(f"No such file or directory: {', '.join(str(m) for m in missing)}")
    base = options.base or root
    if options.force_exclude:
        requested = [p for p in requested if not is_excluded(p, base, excluded)]
        if stdin is not None and is_excluded(Path(stdin[0]), base, excluded):
            stdin = None
    if project_paths is None and len(paths) == 1 and os.path.realpath(paths[0]) == str(root):
        project_files = requested  # checking the whole project: walk it once
    elif project_paths is None:
        project_files, _ = collect([root], root, respect_gitignore=options.respect_gitignore,
                                   excluded=excluded)
    else:
        project_files, _ = collect(project_paths, root, respect_gitignore=options.respect_gitignore,
                                   excluded=excluded)

    cwd = os.getcwd()
    requested_pairs = [(p, display_path(p, cwd)) for p in requested]
    requested_shown = {shown: p for p, shown in requested_pairs}
    skipped: List[Tuple[str, str]] = [(display_path(p, cwd), why) for p, why in unlisted]
    active_codes = {r.code for r in active}
    loaded: List[FactsCache] = []

    def facts_cache() -> FactsCache:
        """The facts cache, loaded once (34 MB on the 20,000-file benchmark) for both uses."""
        if not loaded:
            loaded.append(FactsCache(cache_dir_for(root, options.cache_dir), root))
            loaded[0].load()
        return loaded[0]

    runs = None
    if options.cache and stdin is None:
        runs = RunCache(cache_dir_for(root, options.cache_dir), root, _settings(options, active_codes, base, cwd))
        answer = _from_last_run(runs, requested, project_files, requested_shown, options, base, active_codes,
                                facts_cache, cwd)
        if answer is not None:
            diagnostics = [d for shown in sorted(requested_shown) for d in answer.get(shown, ())]
            diagnostics.sort(key=Diagnostic.sort_key)
            return LintResult(diagnostics=diagnostics, files=sorted(requested_shown), root=root,
                              sources=_sources({d.path for d in diagnostics}, {}, requested_shown),
                              skipped=sorted(skipped))
    cache = facts_cache() if options.cache else None
    states: Dict[str, FileState] = {}
    project_pairs = (requested_pairs if project_files is requested
                     else [(p, display_path(p, cwd)) for p in project_files])
    facts, sources = load_facts(
        requested_pairs, project_pairs, root,
        cache=cache, jobs=options.jobs, progress=options.progress, stdin=stdin,
        complete=project_paths is None, skipped=skipped, states=states,
    )
    cache = None  # saved: its entries (every file's pickled facts and scan) are not needed again
    loaded.clear()
    if stdin is not None:
        shown, data = stdin
        sources[shown] = data
        requested_shown[shown] = Path(shown)

    diagnostics: List[Diagnostic] = []
    try:
        # in path order, not request order: what a file reports must not depend on which files
        # were named (the run record answers for one file from a run over all)
        project = Project([facts[shown] for shown in sorted(facts)])
    except Exception as exc:  # noqa: BLE001 - a bug in the index: say so for every file, exit 2
        # imports libcst: only on failure
        from sqlmodel_cascade_lint.extract import describe_exception

        message = f"internal error while indexing the project: {describe_exception(exc)}"
        diagnostics = [_internal_error_at(shown, Span(1, 1, 1, 2), message)
                       for shown in sorted(requested_shown) if shown in facts]
    else:
        for shown in sorted(requested_shown):
            if shown in facts:
                diagnostics.extend(run_rules(project, facts[shown], active))
    raw = diagnostics
    diagnostics = _dedupe(sorted(_after_rules(raw, options, base, facts, sources, sorted(requested_shown),
                                              active_codes), key=Diagnostic.sort_key))
    skipped_paths = {path for path, _ in skipped}
    checked = sorted(p for p in requested_shown if p not in skipped_paths)
    if runs is not None and not skipped and states:
        runs.save(new_record(states, {_absolute(p, cwd): shown for shown, p in requested_shown.items()},
                             frozenset(checked), _by_path(raw), _by_path(diagnostics)))
    return LintResult(diagnostics=diagnostics, files=checked, root=root,
                      sources=_sources({d.path for d in diagnostics}, sources, requested_shown),
                      skipped=sorted(skipped))


def _by_path(diagnostics: Iterable[Diagnostic]) -> Dict[str, List[Diagnostic]]:
    out: Dict[str, List[Diagnostic]] = {}
    for d in diagnostics:
        out.setdefault(d.path, []).append(d)
    return out


def _settings(options: Options, active: Set[str], base: Path, cwd: str) -> str:
    """Everything besides the files that decides what a run reports, for `runcache.py`."""
    return settings_key(active=sorted(active), respect_gitignore=options.respect_gitignore,
                        exclude=options.exclude, force_exclude=options.force_exclude,
                        per_file_ignores=sorted((p, sorted(c)) for p, c in options.per_file_ignores),
                        base=str(base), noqa=options.noqa, cwd=cwd)


# More edited files than this and the full run is about as quick as checking each one.
_MAX_CHANGED = 16


def _from_last_run(runs: RunCache, requested: Sequence[Path], project_files: Sequence[Path],
                   requested_shown: Dict[str, Path], options: Options, base: Path,
                   active: Set[str], facts_cache: Callable[[], FactsCache], cwd: str,
                   ) -> Optional[Dict[str, Tuple[Diagnostic, ...]]]:
    """The findings by shown path that the last run recorded, when they still hold (see
    `runcache.py`); None otherwise."""
    record = runs.load()
    if record is None or not set(requested_shown) <= record.checked:
        return None
    current: Dict[str, Tuple[int, int]] = {}
    where: Dict[str, Path] = {}
    for path in requested if project_files is requested else list(requested) + list(project_files):
        key = _absolute(path, cwd)
        if key in current:
            continue
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not stat_module.S_ISREG(st.st_mode):
            return None  # a FIFO, a device: the full run says why it is skipped
        current[key] = (st.st_size, st.st_mtime_ns)
        where[key] = path
    changed = changed_files(record, current)
    if changed is None:
        return None
    files = dict(record.files)
    raw = dict(record.raw)
    final = dict(record.final)
    edited = 0
    moved: List[Tuple[str, Entry]] = []
    # Time stamps alone say little after a fresh clone or a restored CI cache: every file
    # moved. Reading and hashing them all is still far cheaper than a full run.
    for key in changed:
        old = files[key]
        data = read_source(where[key])
        if not isinstance(data, bytes):
            return None
        content = cache_digest(data)
        facts_digest = old[4]
        if content != old[2]:
            edited += 1
            if edited > _MAX_CHANGED:
                return None
            found = prefilter.scan(data)
            if scan_key(found) != old[3]:
                return None  # which files the index needs may have changed
            shown = record.shown.get(key) or display_path(where[key])
            module = module_name(where[key], Path(runs.root))
            if old[4]:
                # imports libcst (a third of a second): only when a changed file must be parsed
                from sqlmodel_cascade_lint.extract import extract

                facts = extract(shown, module, data)
                packed = FactsCache.pack(facts)
                facts_digest = cache_digest(packed)
                if facts_digest != old[4]:
                    # Did lines only move? The facts cache holds the facts the record saw.
                    entry = facts_cache().entries.get(key)
                    if entry is None or entry.facts is None or cache_digest(entry.facts) != old[4]:
                        return None
                    earlier = FactsCache.unpack(entry.facts)
                    mapping = line_map(earlier, facts) if earlier is not None else None
                    if mapping is None:
                        return None  # the facts changed: so may the findings of any file
                    moved_raw = move_findings(raw, shown, mapping)
                    moved_final = move_findings(final, shown, mapping)
                    if moved_raw is None or moved_final is None:
                        return None
                    raw, final = moved_raw, moved_final
                    moved.append((key, entry._replace(size=current[key][0], mtime_ns=current[key][1],
                                                      digest=content, facts=packed)))
            else:
                facts = stub_facts(shown, module)  # not parsed, then or now: its scan is the same
            if shown in record.checked:  # its `# noqa` comments may have changed
                final[shown] = tuple(_after_rules(list(raw.get(shown, ())), options, base,
                                                  {shown: facts}, {shown: data}, [shown], active))
        files[key] = (current[key][0], current[key][1], content, old[3], facts_digest)
    if moved:  # so that the next edit finds these facts
        for key, entry in moved:
            facts_cache().put(key, entry)
        facts_cache().save()
    if changed:
        runs.save(Record(time.time_ns(), files, record.shown, record.checked, raw,
                         {k: v for k, v in final.items() if v}))
    return final


def _sources(paths: Set[str], read: Dict[str, bytes], requested: Dict[str, Path]) -> Dict[str, bytes]:
    """The bytes of the files with findings; a file whose facts came from the cache is read now."""
    out: Dict[str, bytes] = {}
    for path in paths:
        if path in read:
            out[path] = read[path]
        elif path in requested:
            try:
                out[path] = requested[path].read_bytes()
            except OSError:
                pass
    return out


def _pathspec(patterns: Sequence[str]) -> Optional[pathspec.PathSpec]:
    if not patterns:
        return None
    return pathspec.GitIgnoreSpec.from_lines(patterns)


def is_excluded(path: Path, base: Path, spec: Optional[pathspec.PathSpec], *,
                tool_dirs: bool = True) -> bool:
    """Whether `path` or a folder above it (below `base`) is matched by `spec`, or (with
    `tool_dirs`) lies in a folder that discovery always skips, such as `.venv`."""
    absolute = Path(os.path.abspath(path))
    try:
        parts = absolute.relative_to(base).parts
    except ValueError:
        parts = absolute.parts[1:]
    for i in range(len(parts)):
        is_dir = i < len(parts) - 1
        if tool_dirs and is_dir and parts[i] in SKIP_DIRS:
            return True
        if spec is not None:
            rel = "/".join(parts[: i + 1]) + ("/" if is_dir else "")
            if spec.match_file(rel):
                return True
    return False


def _after_rules(diagnostics: List[Diagnostic], options: Options, base: Path,
                 facts: Dict[str, ModuleFacts], sources: Dict[str, bytes], checked: List[str],
                 active: Set[str]) -> List[Diagnostic]:
    """Drop what `per-file-ignores` and `# noqa` comments suppress; add `SCL004` findings."""
    ignores = [(pathspec.GitIgnoreSpec.from_lines([pattern]), codes)
               for pattern, codes in options.per_file_ignores]
    ignored_cache: Dict[str, Set[str]] = {}

    def ignored(path: str) -> Set[str]:
        if path not in ignored_cache:
            out: Set[str] = set()
            for spec, codes in ignores:
                if is_excluded(Path(path), base, spec, tool_dirs=False):
                    out |= codes
            ignored_cache[path] = out
        return ignored_cache[path]

    def is_active(path: str, code: str) -> bool:
        return code in active_all and code not in ignored(path)

    active_all = active | {INTERNAL_ERROR}
    if ignores:
        diagnostics = [d for d in diagnostics if d.code not in ignored(d.path)]
    if not options.noqa:
        return diagnostics

    def source_of(path: str) -> Optional[str]:
        data = sources.get(path)
        if data is None:
            try:
                data = Path(path).read_bytes()
            except OSError:
                return None
        return decode(data)

    return suppressions.apply(
        diagnostics, source_of=source_of, facts=facts, checked=checked,
        unused_enabled=lambda path: is_active(path, suppressions.UNUSED_NOQA),
        active=is_active,
    )


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
    if not module.classes:  # most modules of a project: only module rules have anything to look at
        rules = [r for r in rules if r.subject is ModuleFacts]
    by_subject: Dict[type, List[object]] = {}
    for rule in rules:
        if module.failure is not None and rule.subject is not ModuleFacts:
            continue
        if rule.subject is not ModuleFacts and not module.classes:
            continue  # nothing for class, field or relationship rules to look at
        try:
            subjects = by_subject.get(rule.subject)
            if subjects is None:
                subjects = by_subject[rule.subject] = list(subjects_of(project, module, rule))
        except Exception as exc:  # noqa: BLE001 - one broken rule must not end the run
            out.append(_internal_error(rule, module, module, exc))
            continue
        if not subjects:
            continue
        ctx = Context(project=project, rule=rule, path=module.path)  # stateless: one per rule
        for subject in subjects:
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
    # imports libcst: only on failure
    from sqlmodel_cascade_lint.extract import describe_exception

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

