"""Facts of every file of a run: cached, prefiltered, parsed in parallel.

1. Each file is stat'ed; a cache entry whose size and modification time match is used without
   reading the file. Otherwise the file is read as bytes, once, and hashed; an entry with the
   same hash is used; otherwise the file's text is scanned (`prefilter.scan`).
2. `prefilter.needed` decides, from the scans of all files, which files the index needs; a
   file being checked is parsed when the index needs it or it mentions SQLModel at all. Other
   files are not parsed, so a syntax error in a module that has nothing to do with SQLModel is
   not reported (ruff reports those).
3. The needed files that have no cached facts are parsed and extracted, in a process pool when
   there is enough work for it (`jobs`), else in this process. Each result goes back into its
   own slot, so the output does not depend on the number of workers or the order they finish.
4. A file that is not needed stands in the index as a module without classes: its module name
   still counts (the project's top-level packages), its text does not.

Only facts are kept: a worker returns facts, never a syntax tree, and the bytes of a file that
is not parsed are dropped as soon as it is scanned.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat as stat_module
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from sqlmodel_cascade_lint import prefilter
from sqlmodel_cascade_lint.cache import Closure, Entry, FactsCache, digest
from sqlmodel_cascade_lint.discovery import absolute_import, module_name
from sqlmodel_cascade_lint.facts import Import, ModuleFacts, ParseFailure, Span
from sqlmodel_cascade_lint.reading import NOT_A_FILE, Skip, describe_missing, describe_mode, read_source
from sqlmodel_cascade_lint.runcache import FileState

ProgressCallback = Callable[[int, int], None]

# Below this much work a process pool costs more than it saves (start-up, sending facts back).
POOL_MIN_FILES = 8
POOL_MIN_BYTES = 400_000
EARLY_CHUNK = 16  # files a worker gets at a time while the scan goes on


@dataclass
class _File:
    path: Path
    shown: str
    module: str
    key: str  # absolute path: the cache key
    forced: bool  # being checked: always parsed, failures reported
    size: int = -1
    mtime_ns: int = -1
    data: Optional[bytes] = None
    digest: bytes = b""
    scan: Optional[prefilter.Scan] = None  # unpickled from `scan_packed` only when needed
    scan_packed: bytes = b""
    scan_key: bytes = b""
    marked: bool = False
    facts: Optional[ModuleFacts] = None
    packed: Optional[bytes] = None  # the cached, pickled facts, while they are not unpickled
    failure: Optional[ModuleFacts] = None  # cannot be read
    skip: Optional[str] = None  # not a file to check (a FIFO, a device, a broken link, gone)
    queued: bool = False  # handed to the parser while the other files were still being scanned


class _ModuleNames:
    """`discovery.module_name` with each folder resolved once, not each file (`Path.resolve`
    costs several system calls a file). A file that is a symbolic link takes the slow path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folders: Dict[str, Optional[Tuple[str, ...]]] = {}

    def __call__(self, path: Path) -> str:
        absolute = os.path.abspath(path)
        folder, base = os.path.split(absolute)
        parts = self.folders.get(folder, ())
        if parts == ():
            try:
                rel = Path(os.path.realpath(folder)).relative_to(self.root)
                parts = rel.parts
            except (ValueError, OSError):
                parts = None
            self.folders[folder] = parts
        if parts is None or os.path.islink(absolute):
            return module_name(path, self.root)
        stem, suffix = os.path.splitext(base)  # as `Path.stem` and `Path.suffix`, in plain strings
        name = list(parts) + [stem] if suffix and suffix != "." else list(parts) + [base]
        if name and name[0] == "src" and len(name) > 1:
            name = name[1:]
        if name and name[-1] == "__init__":
            name = name[:-1]
        return ".".join(name)


def _set_scan(item: _File, found: prefilter.Scan) -> None:
    item.scan = found
    item.scan_packed = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
    item.scan_key = scan_key(found)
    item.marked = found.marked


def scan_key(found: prefilter.Scan) -> bytes:
    """A hash of a scan that is the same in every process (a pickled frozenset of bytes is not:
    its order follows the per-process string hash)."""
    canonical = tuple(tuple(sorted(v)) if isinstance(v, frozenset) else v for v in found)
    return hashlib.sha256(repr(canonical).encode("ascii", "backslashreplace")).digest()[:16]


def _needed(readable: List[_File], seeds: FrozenSet[str], cache: Optional[FactsCache]) -> Set[str]:
    """`prefilter.needed` over the files' scans; the cached answer while no scan changed and the
    seeds are among the cached seeds (a superset of the needed files is always safe: the
    prefilter only decides what may be left out)."""
    key = hashlib.sha256()
    for item in sorted(readable, key=lambda f: f.shown):
        key.update(item.shown.encode("utf-8", "surrogateescape") + b"\0" + item.scan_key)
    digest_of_scans = key.digest()
    if cache is not None and cache.closure is not None:
        known = cache.closure
        if known.key == digest_of_scans and seeds <= known.seeds:
            return set(known.wanted)
    scans: Dict[str, prefilter.Scan] = {}
    for item in readable:
        if item.scan is None:
            item.scan = FactsCache.unpack_scan(item.scan_packed)
            if item.scan is None:  # a damaged entry: scan the file again
                if item.data is None and not _read(item):
                    continue
                assert item.data is not None
                _set_scan(item, prefilter.scan(item.data))
        scans[item.shown] = item.scan
    wanted = prefilter.needed(scans, seeds)
    if cache is not None:
        cache.set_closure(Closure(digest_of_scans, seeds, frozenset(wanted)))
    return wanted


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _unreadable(path: str, module: str, message: str) -> ModuleFacts:
    return ModuleFacts(path=path, module=module, imports={}, classes=(),
                       failure=ParseFailure("read", message, Span(1, 1, 1, 1)))


class _ScannedImports(Mapping):
    """The imports of a module the index did not parse, read from its text scan on first use.

    Only the rules that ask which modules run together look at them, so most runs never pay
    for unpacking the scans of thousands of files.
    """

    def __init__(self, shown: str, module: str, scan: Optional[prefilter.Scan], packed: bytes) -> None:
        self._args = (shown, module, scan, packed)
        self._found: Optional[Dict[str, Import]] = None

    def _imports(self) -> Dict[str, Import]:
        if self._found is None:
            shown, module, scanned, packed = self._args
            if scanned is None and packed:
                scanned = FactsCache.unpack_scan(packed)
            found: Dict[str, Import] = {}
            for raw in (scanned.imports if scanned is not None else ()):
                text = raw.decode("utf-8", "replace")
                rest = text.lstrip(".")
                name = absolute_import(module, shown, len(text) - len(rest), rest)
                if name:
                    found[name] = Import(name, name, False, Span(1, 1, 1, 1))
            self._found = found
        return self._found

    def __getitem__(self, key: str) -> Import:
        return self._imports()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._imports())

    def __len__(self) -> int:
        return len(self._imports())


def stub_facts(shown: str, module: str, scanned: Optional[prefilter.Scan] = None, packed: bytes = b"") -> ModuleFacts:
    """A module the index did not parse: no classes, and the imports its scan found (they tell
    which modules run together), read lazily."""
    return ModuleFacts(path=shown, module=module, imports=_ScannedImports(shown, module, scanned, packed),
                       classes=())


def _extract_many(items: List[Tuple[str, str, bytes]]) -> List[bytes]:
    """Facts of some files, pickled here: the parent keeps these bytes for the cache."""
    from sqlmodel_cascade_lint.extract import extract

    return [FactsCache.pack(extract(shown, module, data)) for shown, module, data in items]


def _read(item: _File) -> bool:
    """Read the file's bytes (never blocking); otherwise record why and return False."""
    data = read_source(item.path)
    if isinstance(data, Skip):
        item.skip = str(data)
        return False
    if isinstance(data, OSError):
        item.failure = _unreadable(item.shown, item.module, f"cannot be read: {data.strerror or data}")
        return False
    item.data = data
    return True


def load_facts(requested: Sequence[Tuple[Path, str]], project: Sequence[Tuple[Path, str]], root: Path, *,
               cache: Optional[FactsCache] = None, jobs: Optional[int] = None,
               progress: Optional[ProgressCallback] = None, stdin: Optional[Tuple[str, bytes]] = None,
               complete: bool = True, skipped: Optional[List[Tuple[str, str]]] = None,
               states: Optional[Dict[str, FileState]] = None,
               ) -> Tuple[Dict[str, ModuleFacts], Dict[str, bytes]]:
    """Facts by shown path (requested files first, in order, then standard input, then the
    project's files), and the bytes of the requested files that were read. Requested paths
    that are not files to check (FIFOs, devices, broken links, files gone) are appended to
    `skipped` as `(shown path, reason)` and have no facts. `stdin` is
    `(shown path, bytes)`; it is never cached. `complete` says that `project` is the whole
    project, so cache entries of files not in it may be dropped. With a cache, `states` gets
    the state of every file that was read or found in the cache, by absolute path, for
    `runcache.py`."""
    files: List[_File] = []
    seen: Set[str] = set()
    if stdin is not None:
        seen.add(stdin[0])
    modules = _ModuleNames(root)
    for path, shown in requested:
        if shown not in seen:
            seen.add(shown)
            files.append(_File(path, shown, modules(path), os.path.abspath(path), True))
    if stdin is not None:
        shown, data = stdin
        piped = _File(Path(shown), shown, module_name(Path(shown), root), "", True, data=data)
        _set_scan(piped, prefilter.scan(data))
        files.append(piped)
    for path, shown in project:
        if shown not in seen:
            seen.add(shown)
            files.append(_File(path, shown, modules(path), os.path.abspath(path), False))

    # 1. stat, cache, read, hash, scan
    parser = _Parser(jobs, progress)
    reading = getattr(progress, "reading", None)  # a bar may also show this stage
    for number, item in enumerate(files):
        if reading is not None and not number % 256:
            reading(number, len(files))
        if not item.key:
            continue  # standard input
        try:
            st = os.stat(item.path)
        except OSError as exc:
            if exc.errno in NOT_A_FILE:
                item.skip = describe_missing(item.path, exc)
            else:
                item.failure = _unreadable(item.shown, item.module, f"cannot be read: {exc.strerror or exc}")
            continue
        if not stat_module.S_ISREG(st.st_mode):
            item.skip = describe_mode(st.st_mode)
            continue
        item.size, item.mtime_ns = st.st_size, st.st_mtime_ns
        entry = cache.lookup_stat(item.key, item.size, item.mtime_ns) if cache is not None else None
        if entry is None:
            if not _read(item):
                continue
            assert item.data is not None
            item.digest = digest(item.data)
            entry = cache.lookup_digest(item.key, item.digest) if cache is not None else None
        if entry is not None:
            item.digest = entry.digest
            item.scan_packed, item.scan_key, item.marked = entry.scan, entry.scan_key, entry.marked
            if entry.facts is not None and entry.shown == item.shown and entry.module == item.module:
                item.packed = entry.facts
        else:
            assert item.data is not None
            _set_scan(item, prefilter.scan(item.data))
            if item.scan is not None and (item.scan.seed or item.scan.tables or (item.forced and item.marked)):
                parser.early(item)  # needed whatever the other files say: parse it while scanning on
        if (item.packed is None and not item.queued and not item.marked
                and not (item.scan is not None and item.scan.seed)):
            item.data = None  # most files are never parsed: do not hold their bytes

    # 2. which files the index needs
    readable = [f for f in files if f.failure is None and f.skip is None]
    # A file being checked that the index does not need is not parsed either, unless it
    # mentions SQLModel: it has no model to check.
    seeds = frozenset(f.shown for f in readable if f.forced and (f.marked or not f.key))
    wanted = _needed(readable, seeds, cache)
    for item in readable:
        if item.scan_packed:
            item.scan = None  # answered: the pickled scan stays (the stubs read imports from it)

    # 3. parse what is needed and not cached
    for item in files:
        if item.packed is not None and item.failure is None and item.shown in wanted:
            item.facts = FactsCache.unpack(item.packed)
            if item.facts is None:
                item.packed = None
    todo = [f for f in files if f.failure is None and f.skip is None and f.shown in wanted and f.facts is None]
    for item in todo:
        if item.data is None and _read(item):
            assert item.data is not None
            item.digest = digest(item.data)
    todo = [f for f in todo if f.failure is None and f.skip is None]
    parser.finish(todo)

    # 4. remember, and answer
    if cache is not None:
        for item in files:
            if item.failure is None and item.size >= 0 and item.key:
                if item.packed is None and item.facts is not None:
                    item.packed = FactsCache.pack(item.facts)
                cache.put(item.key, Entry(item.size, item.mtime_ns, item.digest, item.shown, item.module,
                                          item.scan_packed, item.scan_key, item.marked, item.packed))
        if complete:
            cache.prune({f.key for f in files if f.key})
        cache.save()
        if states is not None:
            for item in files:
                if item.failure is None and item.skip is None and item.size >= 0 and item.key:
                    used = item.packed if item.shown in wanted and item.packed is not None else b""
                    states[item.key] = (item.size, item.mtime_ns, item.digest, item.scan_key,
                                        digest(used) if used else b"")

    facts: Dict[str, ModuleFacts] = {}
    sources: Dict[str, bytes] = {}
    for item in files:
        if item.skip is not None:
            if item.forced and skipped is not None:
                skipped.append((item.shown, item.skip))
            continue
        if item.failure is not None:
            if item.forced:
                facts[item.shown] = item.failure
            continue
        if item.shown in wanted:
            assert item.facts is not None
            if item.forced or item.facts.failure is None:
                facts[item.shown] = item.facts
        else:
            # the pickled scan is a fifth of the size of the scan: keep that, for the few lookups
            facts[item.shown] = stub_facts(item.shown, item.module, None if item.scan_packed else item.scan,
                                           item.scan_packed)
        if item.forced and item.data is not None:
            sources[item.shown] = item.data
    return facts, sources


class _Parser:
    """Parses files into facts: in a process pool when there is enough work, else here.

    A cold run on a big project scans thousands of files before it knows every file the index
    needs, but a file whose class headers name SQLModel or `table=`, that defines tables, or
    that is being checked and mentions SQLModel is needed whatever the others say: `early`
    hands such files to the pool while the scan goes on. `finish` parses the rest and waits.
    Each result goes back into its own file's slot, so the output does not depend on the
    number of workers or the order in which they finish.
    """

    def __init__(self, jobs: Optional[int], progress: Optional[ProgressCallback]) -> None:
        self.workers = jobs if jobs is not None else default_jobs()
        self.progress = progress
        self.waiting: List[_File] = []  # handed over early, not yet sent to the pool
        self.waiting_bytes = 0
        self.sent: Dict[object, List[_File]] = {}  # future -> its files
        self.pool: Optional[object] = None
        self.broken = False

    def early(self, item: _File) -> None:
        item.queued = True
        self.waiting.append(item)
        self.waiting_bytes += len(item.data or b"")
        if not self._start(len(self.waiting), self.waiting_bytes):
            return
        if len(self.waiting) >= EARLY_CHUNK:
            self._send(self.waiting)
            self.waiting, self.waiting_bytes = [], 0

    def _start(self, files: int, size: int) -> bool:
        """Whether the pool runs: started now if `files` files of `size` bytes make enough work
        for it (below that, starting processes and sending facts back costs more than it saves)."""
        if self.pool is not None:
            return True
        if self.broken or self.workers < 2 or files < POOL_MIN_FILES or size < POOL_MIN_BYTES:
            return False
        from concurrent.futures import ProcessPoolExecutor  # 10 ms of start-up: only when used

        try:
            self.pool = ProcessPoolExecutor(max_workers=self.workers)
        except (OSError, RuntimeError, ValueError):
            self.broken = True
            return False
        return True

    def _send(self, chunk: List[_File]) -> None:
        if self.pool is None or self.broken:
            return
        try:
            items = [(f.shown, f.module, f.data) for f in chunk]
            future = self.pool.submit(_extract_many, items)  # type: ignore[attr-defined]
        except (OSError, RuntimeError):  # BrokenProcessPool is a RuntimeError
            self.broken = True
            return
        self.sent[future] = chunk

    def finish(self, todo: List[_File]) -> None:
        """Parse every file of `todo` that has no facts yet (the early ones included)."""
        rest = [f for f in todo if not f.queued]
        remaining = sorted(self.waiting + rest, key=lambda f: -len(f.data or b""))  # big files first
        self.waiting, self.waiting_bytes = [], 0
        total = len(remaining) + sum(len(chunk) for chunk in self.sent.values())
        done = 0
        if self._start(len(remaining), sum(len(f.data or b"") for f in remaining)):
            # about four chunks per worker, at most 32 files each: even load, few round trips
            per_chunk = max(1, min(32, len(remaining) // (self.workers * 4) or 1))
            for i in range(0, len(remaining), per_chunk):
                self._send(remaining[i:i + per_chunk])
            done = self._collect(total)
        # what the pool did not parse (it was not worth starting, or it broke) is parsed here
        _parse_here([f for f in todo if f.facts is None and f.data is not None], self.progress, done, total)

    def _collect(self, total: int) -> int:
        """Wait for the pool, put each result in its file's slot; the number of files parsed."""
        from concurrent.futures import as_completed

        done = 0
        try:
            for future in as_completed(list(self.sent)):
                chunk = self.sent[future]
                for item, packed in zip(chunk, future.result()):  # type: ignore[attr-defined]
                    item.packed = packed
                    item.facts = FactsCache.unpack(packed)
                    item.data = item.data if item.forced else None
                done += len(chunk)
                if self.progress is not None:
                    self.progress(done, total)
        except (OSError, RuntimeError):
            pass  # the pool broke (BrokenProcessPool is a RuntimeError)
        finally:
            self.pool.shutdown(wait=True)  # type: ignore[attr-defined]
        return done


def _parse_here(todo: List[_File], progress: Optional[ProgressCallback], done: int, total: int) -> None:
    if not todo:
        return
    # libcst takes a third of a second to import: a run with nothing to parse never loads it
    from sqlmodel_cascade_lint.extract import extract

    for item in todo:
        assert item.data is not None
        item.facts = extract(item.shown, item.module, item.data)
        if not item.forced:
            item.data = None
        done += 1
        if progress is not None:
            progress(done, max(total, done))
