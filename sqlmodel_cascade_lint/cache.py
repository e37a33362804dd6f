"""The persistent cache of per-file facts.

One pickle file per project root and tool fingerprint, in `<root>/.sqlmodel_cascade_lint_cache/`
(or `--cache-dir` / `SQLMODEL_CASCADE_LINT_CACHE_DIR`). An entry is keyed by the file's absolute
path and holds its size and modification time (the fast path), the hash of its content (what
decides), its text scan and, when it was parsed, its facts, each pickled on its own: a run that changes
one file writes the others' facts back as they were read, as bytes, without pickling them
again, and only the facts a run uses are unpickled. The files the prefilter chose are kept
too, with a hash of all scans: while no scan changes, the scans are not even unpickled. The
fingerprint covers the tool's version, the Python and libcst versions and the source of the
modules that produce facts, so a changed extractor never reads old facts.

Loading never fails: a missing, corrupt, truncated or foreign file is an empty cache. The file
is unpickled with a restricted unpickler that only builds this package's fact types and plain
containers, so a planted cache file cannot run code. Saving writes a temporary file in the same
folder and renames it over the old one (`os.replace`), so concurrent runs never leave a torn
file: the last writer wins.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, FrozenSet, NamedTuple, Optional, Sequence

from sqlmodel_cascade_lint import __version__
from sqlmodel_cascade_lint.facts import (
    Annotation,
    Arg,
    ClassDecl,
    FieldDecl,
    Import,
    ModuleFacts,
    NameRef,
    ParseFailure,
    RelationshipDecl,
    Span,
    Value,
)
from sqlmodel_cascade_lint.prefilter import Scan

CACHE_DIR_NAME = ".sqlmodel_cascade_lint_cache"
ENV_CACHE_DIR = "SQLMODEL_CASCADE_LINT_CACHE_DIR"
_FORMAT = 2
RACY_NS = 2_000_000_000  # a file changed this close to the cache's writing is hashed again


class Entry(NamedTuple):
    size: int
    mtime_ns: int
    digest: bytes
    shown: str
    module: str
    scan: bytes  # the pickled `prefilter.Scan`
    scan_key: bytes  # a hash of `scan`
    marked: bool  # `Scan.marked`
    facts: Optional[bytes]  # the pickled `ModuleFacts`; None when the file was not parsed


class Closure(NamedTuple):
    """The files `prefilter.needed` chose, for the files' scans (`key`) and these seeds."""

    key: bytes
    seeds: FrozenSet[str]
    wanted: FrozenSet[str]


def digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:16]


# the modules whose source decides the facts of a file
FACT_SOURCES = ("extract.py", "reduction.py", "discovery.py", "facts.py", "prefilter.py", "cache.py")


def source_fingerprint(tag: str, modules: Optional[Sequence[str]] = None) -> str:
    """A key for what this build of the tool computes: `tag` (a format version), the tool's and
    Python's versions, the installed libcst (its parser decides the facts) and the source of
    `modules` of this package, or of every module when None. libcst's version file is read:
    `importlib.metadata` would cost 40 ms a run."""
    here = Path(__file__).resolve().parent
    h = hashlib.sha256(f"{tag}|{__version__}|{sys.version_info[:3]}".encode())
    try:
        import importlib.util

        spec = importlib.util.find_spec("libcst")
        origin = spec.origin if spec is not None else None
        if origin:
            version_file = Path(origin).parent / "_version.py"
            h.update(origin.encode("utf-8", "surrogateescape"))
            h.update(version_file.read_bytes() if version_file.exists() else str(os.stat(origin).st_mtime_ns).encode())
    except (ImportError, OSError, ValueError):
        h.update(b"libcst?")
    paths = sorted(here.rglob("*.py")) if modules is None else [here / name for name in modules]
    for path in paths:
        try:
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
        except OSError:
            h.update(path.name.encode())
    return h.hexdigest()[:20]


_SAFE = {
    "builtins": {"frozenset", "set", "dict", "list", "tuple", "bytes", "str", "int", "float", "bool",
                 "complex", "NoneType"},
    "copyreg": {"_reconstructor", "__newobj__"},
    "sqlmodel_cascade_lint.facts": {"UNKNOWN", "NameRef", "Span", "Value", "Arg", "Annotation",
                                    "FieldDecl", "RelationshipDecl", "ClassDecl", "Import",
                                    "ParseFailure", "ModuleFacts"},
    "sqlmodel_cascade_lint.prefilter": {"Scan"},
    "sqlmodel_cascade_lint.cache": {"Entry", "Closure"},
    # the findings `runcache.py` keeps
    "sqlmodel_cascade_lint.diagnostics": {"Diagnostic", "Related", "Fix", "Edit", "Severity"},
}


def _reducer(cls: Any) -> Any:
    names = tuple(f.name for f in dataclasses.fields(cls))

    def reduce(obj: Any) -> Any:
        return cls, tuple([getattr(obj, n) for n in names])

    return reduce


# Slotted dataclasses pickle through `__setstate__`, which looks up the fields again for every
# object: loading the facts of a 1,000-file project took over a second. Rebuilding each fact
# from its constructor arguments is several times faster (for the cache and the process pool).
for _cls in (NameRef, Span, Value, Arg, Annotation, FieldDecl, RelationshipDecl, ClassDecl, Import,
             ParseFailure, ModuleFacts):
    copyreg.pickle(_cls, _reducer(_cls))


class Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _SAFE.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


def save_pickle(folder: Path, path: Path, payload: Any, prefix: str) -> None:
    """Write `payload` to `path` in the cache folder atomically (a temporary file renamed over
    it: concurrent runs never leave a torn file, the last writer wins), give a new cache folder
    its `.gitignore`, and remove the other `{prefix}*.pickle` files (other tool builds or
    settings: stale). A cache that cannot be written is only a slower next run: never raises."""
    try:
        created = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if (created or folder.name == CACHE_DIR_NAME) and not ignore.exists():
            ignore.write_text("# written by sqlmodel-cascade-lint\n*\n", encoding="utf-8")
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, path)
        except BaseException:
            try:
                os.unlink(temp)
            except OSError:
                pass
            raise
        for old in folder.glob(f"{prefix}*.pickle"):
            if old != path:
                try:
                    old.unlink()
                except OSError:
                    pass
    except (OSError, pickle.PicklingError, RecursionError):
        pass


def cache_dir_for(root: Path, given: Optional[Path] = None) -> Path:
    if given is not None:
        return given
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env)
    return root / CACHE_DIR_NAME


class FactsCache:
    def __init__(self, folder: Path, root: Path) -> None:
        self.folder = folder
        self.root = root
        root_key = hashlib.sha256(os.path.abspath(root).encode("utf-8", "surrogateescape")).hexdigest()[:12]
        self.prefix = f"facts-{root_key}-"
        self.path = folder / f"{self.prefix}{source_fingerprint(f'facts{_FORMAT}', FACT_SOURCES)}.pickle"
        self.entries: Dict[str, Entry] = {}
        self.written_ns = 0
        self.closure: Optional[Closure] = None
        self.dirty = False

    def load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                payload = Unpickler(io.BytesIO(handle.read())).load()
        except Exception:  # noqa: BLE001 - whatever is wrong with the file, start afresh
            return
        if (not isinstance(payload, dict) or payload.get("format") != _FORMAT
                or payload.get("root") != os.path.abspath(self.root)
                or not isinstance(payload.get("entries"), dict)
                or not isinstance(payload.get("written_ns"), int)):
            return
        self.written_ns = payload["written_ns"]
        self.entries = {k: v for k, v in payload["entries"].items()
                        if isinstance(k, str) and isinstance(v, Entry) and isinstance(v.scan, bytes)
                        and (v.facts is None or isinstance(v.facts, bytes))}
        closure = payload.get("closure")
        if isinstance(closure, Closure) and isinstance(closure.wanted, frozenset):
            self.closure = closure

    def set_closure(self, closure: Closure) -> None:
        if closure != self.closure:
            self.closure = closure
            self.dirty = True

    @staticmethod
    def unpack_scan(packed: bytes) -> Optional[Scan]:
        try:
            found = Unpickler(io.BytesIO(packed)).load()
        except Exception:  # noqa: BLE001 - a damaged entry is a missing entry
            return None
        return found if isinstance(found, Scan) else None

    def lookup_stat(self, key: str, size: int, mtime_ns: int) -> Optional[Entry]:
        """The entry when the file's size and modification time vouch for it."""
        entry = self.entries.get(key)
        if entry is None or entry.size != size or entry.mtime_ns != mtime_ns:
            return None
        if mtime_ns >= self.written_ns - RACY_NS:
            return None  # changed too close to the last save: the time stamp cannot vouch for it
        return entry

    def lookup_digest(self, key: str, content: bytes) -> Optional[Entry]:
        entry = self.entries.get(key)
        if entry is None or entry.digest != content:
            return None
        return entry

    @staticmethod
    def unpack(packed: bytes) -> Optional[ModuleFacts]:
        """The facts pickled in `packed`, or None when they cannot be read back."""
        try:
            facts = Unpickler(io.BytesIO(packed)).load()
        except Exception:  # noqa: BLE001 - a damaged entry is a missing entry
            return None
        return facts if isinstance(facts, ModuleFacts) else None

    @staticmethod
    def pack(facts: ModuleFacts) -> bytes:
        return pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)

    def put(self, key: str, entry: Entry) -> None:
        if self.entries.get(key) != entry:
            self.entries[key] = entry
            self.dirty = True

    def prune(self, keep: "set[str]") -> None:
        for key in [k for k in self.entries if k not in keep]:
            del self.entries[key]
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        payload = {"format": _FORMAT, "root": os.path.abspath(self.root), "written_ns": time.time_ns(),
                   "entries": self.entries, "closure": self.closure}
        save_pickle(self.folder, self.path, payload, self.prefix)
        self.dirty = False
