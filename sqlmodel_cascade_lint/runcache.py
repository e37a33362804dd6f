"""The findings of the last run, reused while the files and settings they came from are the same.

The facts cache (`cache.py`) spares the parse; this one spares everything after it: loading
the facts of every model module, building the project index and running the rules, which on a
large project take seconds. One record per project root, tool build and settings, in the
cache folder, holds:

- the state of every file the run saw (absolute path -> size, modification time, content hash,
  hash of its text scan, hash of its pickled facts or `b""` when it was not parsed);
- the files whose rules ran (`checked`), with their findings before (`raw`) and after (`final`)
  `# noqa` comments and per-file ignores were applied.

`engine.lint` answers from the record when every file has the state recorded (a file whose
size or time stamp moved but whose content hash did not counts as unchanged), or when the only
changed files have the same text scan and the same facts as before: then the project index is
the same, so every other file's findings are too, and only the changed files' suppressions are
applied again (an edit to a comment, a function body or a docstring that moves no model line).
Anything else (a file added, removed or unreadable, changed facts, more than a few changed
files) is a miss: the full run, which writes a new record.

The record is a plain pickle read with the facts cache's restricted unpickler, written
atomically like the facts cache; a missing, damaged or foreign record is a miss, never an error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import time
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Tuple

from sqlmodel_cascade_lint.cache import RACY_NS, Unpickler, save_pickle, source_fingerprint
from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Related
from sqlmodel_cascade_lint.facts import Span

_FORMAT = 1

# (size, modification time in ns, content hash, scan hash, facts hash or b"")
FileState = Tuple[int, int, bytes, bytes, bytes]


class Record(NamedTuple):
    written_ns: int
    files: Dict[str, FileState]  # by absolute path
    shown: Dict[str, str]  # absolute path -> path as shown
    checked: FrozenSet[str]  # shown paths whose rules ran
    raw: Dict[str, Tuple[Diagnostic, ...]]  # shown path -> findings before suppressions
    final: Dict[str, Tuple[Diagnostic, ...]]  # shown path -> findings as reported


class RunCache:
    def __init__(self, folder: Path, root: Path, settings: str) -> None:
        """`settings` describes everything besides the files that decides what a run reports
        (selected rules, suppression settings, excludes, the working folder paths are shown
        relative to)."""
        self.folder = folder
        self.root = os.path.abspath(root)
        build = source_fingerprint(f"run{_FORMAT}")  # every module: any rule decides findings
        key = hashlib.sha256(f"{self.root}\0{settings}\0{build}".encode("utf-8", "surrogateescape")).hexdigest()[:20]
        root_key = hashlib.sha256(self.root.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        self.prefix = f"run-{root_key}-"
        self.path = folder / f"{self.prefix}{key}.pickle"
        self.key = key

    def load(self) -> Optional[Record]:
        try:
            with open(self.path, "rb") as handle:
                payload = Unpickler(io.BytesIO(handle.read())).load()
        except Exception:  # noqa: BLE001 - whatever is wrong with the file, it is a miss
            return None
        if (not isinstance(payload, dict) or payload.get("format") != _FORMAT
                or payload.get("key") != self.key or payload.get("root") != self.root):
            return None
        try:
            record = Record(*payload["record"])
        except (KeyError, TypeError):
            return None
        if not (isinstance(record.written_ns, int) and isinstance(record.files, dict)
                and isinstance(record.shown, dict) and isinstance(record.checked, frozenset)
                and isinstance(record.raw, dict) and isinstance(record.final, dict)):
            return None
        for findings in list(record.raw.values()) + list(record.final.values()):
            if not isinstance(findings, tuple) or not all(isinstance(d, Diagnostic) for d in findings):
                return None
        return record

    def save(self, record: Record) -> None:
        payload = {"format": _FORMAT, "key": self.key, "root": self.root, "record": tuple(record)}
        save_pickle(self.folder, self.path, payload, self.prefix)  # one record per root


def changed_files(record: Record, current: Dict[str, Tuple[int, int]]) -> Optional[List[str]]:
    """The absolute paths whose size or time stamp differ from the record (or are too close to
    its writing to vouch for the content); None when the set of files is not the same."""
    if current.keys() != record.files.keys():
        return None
    racy = record.written_ns - RACY_NS
    out = []
    for key, (size, mtime_ns) in current.items():
        state = record.files[key]
        if state[0] != size or state[1] != mtime_ns or mtime_ns >= racy:
            out.append(key)
    return out


def new_record(files: Dict[str, FileState], shown: Dict[str, str], checked: FrozenSet[str],
               raw: Dict[str, List[Diagnostic]], final: Dict[str, List[Diagnostic]]) -> Record:
    return Record(time.time_ns(), files, shown, checked,
                  {k: tuple(v) for k, v in raw.items() if v}, {k: tuple(v) for k, v in final.items() if v})


def settings_key(**settings: Any) -> str:
    return repr(sorted(settings.items()))


def line_map(old: Any, new: Any) -> Optional[Dict[int, int]]:
    """How lines moved between two versions of a module's facts (old line -> new line) when
    the facts differ in nothing but the lines of their positions, and the lines kept their
    order and columns; otherwise None.

    Rules compare positions only to order things of one file, and never print them, so
    every finding stays the same under such a map but for the positions it names in that
    file, which the map moves."""
    pairs: List[Tuple[Span, Span]] = []
    if not _same_but_lines(old, new, pairs):
        return None
    mapping: Dict[int, int] = {}
    for a, b in pairs:
        if a.column != b.column or a.end_column != b.end_column:
            return None
        for x, y in ((a.line, b.line), (a.end_line, b.end_line)):
            if mapping.setdefault(x, y) != y:
                return None
    lines = sorted(mapping)
    if any(mapping[x] >= mapping[y] for x, y in zip(lines, lines[1:])):
        return None
    return mapping


def _same_but_lines(a: Any, b: Any, pairs: List[Tuple[Span, Span]]) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, Span):
        pairs.append((a, b))
        return True
    if dataclasses.is_dataclass(a):
        return all(_same_but_lines(getattr(a, f.name), getattr(b, f.name), pairs) for f in dataclasses.fields(a))
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same_but_lines(x, y, pairs) for x, y in zip(a, b))
    if isinstance(a, dict):
        return (list(a) == list(b)) and all(_same_but_lines(a[k], b[k], pairs) for k in a)
    return a == b


def move_findings(findings: Dict[str, Tuple[Diagnostic, ...]], path: str,
                  mapping: Dict[int, int]) -> Optional[Dict[str, Tuple[Diagnostic, ...]]]:
    """`findings` with every position in `path` moved by `mapping`; None when a position is on
    a line the map does not know."""
    out: Dict[str, Tuple[Diagnostic, ...]] = {}
    for shown, items in findings.items():
        moved = []
        for d in items:
            m = _move_finding(d, path, mapping)
            if m is None:
                return None
            moved.append(m)
        out[shown] = tuple(moved)
    return out


def _move(span: Span, mapping: Dict[int, int]) -> Optional[Span]:
    line, end_line = mapping.get(span.line), mapping.get(span.end_line)
    if line is None or end_line is None:
        return None
    return Span(line, span.column, end_line, span.end_column)


def _move_finding(d: Diagnostic, path: str, mapping: Dict[int, int]) -> Optional[Diagnostic]:
    span: Optional[Span] = d.span
    fix = d.fix
    if d.path == path:
        span = _move(d.span, mapping)
        if fix is not None:
            edits = [Edit(_move(e.span, mapping), e.content) for e in fix.edits]  # type: ignore[arg-type]
            if any(e.span is None for e in edits):
                return None
            fix = dataclasses.replace(fix, edits=tuple(edits))
    related = []
    for r in d.related:
        where = _move(r.span, mapping) if r.path == path else r.span
        if where is None:
            return None
        related.append(Related(r.path, where, r.message))
    if span is None:
        return None
    return dataclasses.replace(d, span=span, related=tuple(related), fix=fix)
