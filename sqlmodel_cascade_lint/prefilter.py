"""Which project files must be parsed: a text scan, no parser.

The project index uses the classes of the files that are not being checked; nothing else of
theirs (their imports resolve the names in their own classes only). A class matters to it when

- it may be a SQLModel class or a table: its header names `SQLModel` (also through an
  `import ... as` alias) or has a `table` keyword; or it names, as a base, a class that may be
  a model (a model module may never mention `sqlmodel`: `class Hero(Base)` with `Base` from
  `app.db`, and `class HeroCreate(HeroBase)` further down the chain);
- a class that matters names it in its header: bases and mixins are part of a model's MRO
  (their fields, `__tablename__`, whether the MRO is complete), and every class of that name
  is needed for the lookup to be as ambiguous as the full index would find it; except when
  the name is a class of the same file that the file does not import: the index looks such a
  name up in its own module first (`class LessonNotFound(LessonError)` next to `LessonError`);
- a `Relationship` line of a file that matters names it (a relationship target, a link model);
- it is in a file being checked;
- its file mentions `__tablename__` or `Table(`: the table names a foreign key may point at.

`scan` records, from the raw bytes, each class's name and every identifier in its header
(with the original names of `import ... as` aliases), and the identifiers on lines that
mention `Relationship`. `needed` grows the set of classes that matter from those rules until
nothing more joins; the files holding them are parsed. Every test over-approximates (a word in
a comment or a string counts too), and a header the scan does not understand makes its class
matter.
"""

from __future__ import annotations

import codecs
import keyword
import re
from typing import Dict, FrozenSet, Iterable, List, Mapping, NamedTuple, Set, Tuple

_WORD = rb"[A-Za-z_\x80-\xff][\w\x80-\xff]*"
_SPACE = rb"(?:[ \t\f]|\\(?:\r\n?|\n))+"
# the usual one-line header: `class Name(Base, table=True):` or `class Name:`
_SIMPLE_HEAD = re.compile(rb"class[ \t]+(" + _WORD + rb")[ \t]*(?:\(([^()\r\n#'\"]*)\))?[ \t]*:")
_CLASS = re.compile(rb"class" + _SPACE + rb"(" + _WORD + rb")")
# a header `_SIMPLE_HEAD` does not read: continued on the next line, nested brackets, a string
_COMPLEX_HEAD = re.compile(rb"class(?:[ \t]*\\|[ \t]+" + _WORD
                           + rb"[ \t]*(?:\\|\((?![^()\r\n#'\"]*\)[ \t]*:)))")
_IDENT = re.compile(_WORD)
_ALIAS = re.compile(rb"as" + _SPACE + rb"(" + _WORD + rb")")
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_" + bytes(range(0x80, 0x100)))
_AFTER_CLASS = frozenset(b" \t\f\\")
_MAX_HEADER = 4000  # bytes; a longer class header is not understood
_KEYWORDS = frozenset(k.encode() for k in keyword.kwlist)


Head = Tuple[bytes, bytes]  # (class name, header text between the parentheses)


class Scan(NamedTuple):
    """What the text of one file says about its classes (names are UTF-8 bytes)."""

    heads: Tuple[Head, ...]
    names: FrozenSet[bytes]  # the classes it defines
    words: FrozenSet[bytes]  # identifiers in its class headers, alias targets included
    aliases: Tuple[Tuple[bytes, bytes], ...]  # (alias, original) for aliases used in headers
    seed: bool  # a header names SQLModel, has a `table` keyword, or was not understood
    mentions: FrozenSet[bytes]  # identifiers on lines that mention `Relationship`
    marked: bool = False  # mentions `sqlmodel` or `SQLModel` anywhere
    local: FrozenSet[bytes] = frozenset()  # header names that only this file's own classes can be
    tables: bool = False  # mentions `__tablename__` or `Table(`: may name tables foreign keys use
    imports: Tuple[bytes, ...] = ()  # modules its top-level import statements name (`.x` relative)


EMPTY = Scan((), frozenset(), frozenset(), (), False, frozenset())
_MARKERS = (b"sqlmodel", b"SQLModel")  # not `Relationship`: the word is common in other code


def marked(data: bytes) -> bool:
    """Whether a file being checked is parsed even when the index does not need it: it mentions
    SQLModel, so rules about the module as a whole may have something to say about it."""
    return any(m in data for m in _MARKERS)


def _header(data: bytes, start: int) -> Tuple[bytes, bool]:
    """The bases and keywords of a class header starting after the name, and whether it ended."""
    end = min(len(data), start + _MAX_HEADER)
    i = start
    while i < end and data[i] in b" \t\f\\\r\n":
        i += 1
    if i >= end or data[i] != 0x28:  # "("
        return b"", i < end or end == len(data)
    depth = 0
    quote = 0
    j = i
    while j < end:
        ch = data[j]
        if quote:
            if ch == 0x5C:  # backslash
                j += 2
                continue
            if ch == quote:
                quote = 0
        elif ch in b"'\"":
            quote = ch
        elif ch in b"([{":
            depth += 1
        elif ch in b")]}":
            depth -= 1
            if depth == 0:
                return data[i:j + 1], True
        j += 1
    return data[i:end], False


def _word_before(data: bytes, at: int) -> bytes:
    """The identifier that ends, after spaces, just before `at` (b"" when there is none)."""
    end = at
    while end > 0 and data[end - 1] in b" \t\f\\\r\n" and at - end < 200:
        end -= 1
    start = end
    while start > 0 and data[start - 1] in _WORD_BYTES:
        start -= 1
    return data[start:end]


def _utf8(data: bytes) -> bytes:
    """`data` in UTF-8 when its coding cookie names another encoding (names compare as UTF-8)."""
    if data.isascii():
        return data
    head = b"\n".join(data.split(b"\n", 2)[:2])
    match = _COOKIE.search(head)
    if match is None:
        return data
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
        if name == "utf-8":
            return data
        return data.decode(name).encode("utf-8")
    except (LookupError, UnicodeError, ValueError):
        return data


def _slow_heads(data: bytes) -> Tuple[List[Head], bool]:
    """Every class header, also the multi-line ones, and whether all were understood."""
    heads: List[Head] = []
    understood = True
    at = data.find(b"class")
    while at != -1:
        after = at + 5
        if (at and data[at - 1] in _WORD_BYTES) or after >= len(data) or data[after] not in _AFTER_CLASS:
            at = data.find(b"class", after)
            continue
        match = _CLASS.match(data, at)
        if match is None:
            at = data.find(b"class", after)
            continue
        header, complete = _header(data, match.end())
        understood = understood and complete
        heads.append((match.group(1), header))
        at = data.find(b"class", match.end())
    return heads, understood


def scan(data: bytes) -> Scan:
    """The class statements of one file's text."""
    found = _scan(data)
    return found._replace(marked=True) if marked(data) else found


_IMPORT_LINE = re.compile(
    rb"(?m)^(?:import[ \t]+([\w., \t]+?)|from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w., \t]+?)\)?)[ \t]*(?:#.*)?\r?$"
)


def _import_lines(data: bytes) -> Iterable["re.Match[bytes]"]:
    """`_IMPORT_LINE.finditer(data)`, but the regular expression only runs where a line starts
    with `import` or `from` (found by `bytes.find`, many times faster than the regex scanning
    every position; `(?m)^` only knows `\n` as a line break, and so does this)."""
    starts: List[int] = []
    for word in (b"import", b"from"):
        if data.startswith(word):
            starts.append(0)
        at = data.find(b"\n" + word)
        while at != -1:
            starts.append(at + 1)
            at = data.find(b"\n" + word, at + 1)
    for at in sorted(starts):
        match = _IMPORT_LINE.match(data, at)
        if match is not None:
            yield match


def imports_of(data: bytes) -> Tuple[bytes, ...]:
    """Modules named by the file's unindented one-line import statements, `as` names dropped.

    For `from x import y` both `x` and `x.y` are listed (`y` may be a submodule). An
    under-approximation: imports under `if`, `try` or in functions are not read, so a module
    the index does not parse links fewer modules than a full parse would, never more.
    """
    out: List[bytes] = []
    for match in _import_lines(data):
        plain, base, names = match.groups()
        if plain is not None:
            out.extend(part.split()[0] for part in plain.split(b",") if part.strip())
            continue
        out.append(base)
        for part in names.split(b","):
            words = part.split()
            if words:
                out.append((base if base.endswith(b".") else base + b".") + words[0])
    return tuple(out)


def _scan(data: bytes) -> Scan:
    found = _scan_classes(data)
    if b"import" in data:
        found = found._replace(imports=imports_of(data))
    if b"__tablename__" in data or b"Table(" in data:
        # plain SQLAlchemy tables (`Table("name", ...)`, declarative `__tablename__`) are table
        # names that foreign keys may point at: the index must know them
        return found._replace(tables=True)
    return found


def _scan_classes(data: bytes) -> Scan:
    if b"class" not in data:
        return EMPTY
    data = _utf8(data)
    heads: List[Head] = _SIMPLE_HEAD.findall(data)
    understood = True
    if _COMPLEX_HEAD.search(data) is not None:
        heads, understood = _slow_heads(data)
    heads = [h for h in heads if h[0] not in _KEYWORDS]
    if not heads:
        return EMPTY
    words = set(_IDENT.findall(b" ".join(h for _, h in heads)))
    aliases: Set[Tuple[bytes, bytes]] = set()
    if b" as" in data:
        for match in _ALIAS.finditer(data):
            alias = match.group(1)
            at = match.start()
            if alias not in words or at == 0 or data[at - 1] not in b" \t\\\r\n":
                continue
            original = _word_before(data, at)
            if original:
                aliases.add((alias, original))
        words.update(original for _, original in aliases)
    mentions: Set[bytes] = set()
    at = data.find(b"Relationship")
    while at != -1:
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        end = len(data) if end == -1 else end
        mentions.update(_IDENT.findall(data, start, end))
        at = data.find(b"Relationship", end)
    seed = not understood or b"table" in words or b"SQLModel" in words
    names = frozenset(n for n, _ in heads)
    once = names & words
    if once and len(names) != len(heads):
        counts: Dict[bytes, int] = {}
        for name, _ in heads:
            counts[name] = counts.get(name, 0) + 1
        once = frozenset(n for n in once if counts[n] == 1)
    return Scan(tuple(heads), names, frozenset(words), tuple(sorted(aliases)), seed, frozenset(mentions),
                local=_local(data, once))


_TOP_CLASS = re.compile(rb"(?m)^class[ \t]+(" + _WORD + rb")")
_CONTINUED_IMPORT = re.compile(rb"import[ \t]*\(|import[^\r\n]*\\\r?\n")


def _local(data: bytes, candidates: FrozenSet[bytes]) -> FrozenSet[bytes]:
    """The names among `candidates` (classes this file defines once and names in a header) that
    the index resolves to this file's own class: the project looks a bare name up among its own
    module's top-level classes first, unless the module imports that name."""
    if not candidates or _CONTINUED_IMPORT.search(data) is not None:
        return frozenset()
    # names after `import` on its line (the first word is the one `import` starts)
    imported: Set[bytes] = set()
    at = data.find(b"import")
    while at != -1:
        end = len(data)
        for brk in (b"\r", b"\n"):
            found = data.find(brk, at)
            if found != -1 and found < end:
                end = found
        imported.update(_IDENT.findall(data, at, end)[1:])
        at = data.find(b"import", at + 1)
    top_level = set(_TOP_CLASS.findall(data))  # not nested in a def or class
    return frozenset(n for n in candidates if n not in imported and n in top_level)


def _refs(found: Scan, header: bytes) -> Tuple[FrozenSet[bytes], bool]:
    """The identifiers of one header (alias targets included) and whether it may make a model."""
    words = set(_IDENT.findall(header))
    for alias, original in found.aliases:
        if alias in words:
            words.add(original)
    return frozenset(words), b"table" in words or b"SQLModel" in words


def needed(scans: Mapping[str, Scan], seeds: Iterable[str]) -> Set[str]:
    """Keys of `scans` whose files must be parsed: the seeds and every file holding a class that
    matters (see the module docstring)."""
    seed_files = set(seeds) | {key for key, scanned in scans.items() if scanned.tables}
    refs_of: Dict[str, List[Tuple[bytes, FrozenSet[bytes], bool]]] = {}

    def heads_of(key: str) -> List[Tuple[bytes, FrozenSet[bytes], bool]]:
        found = refs_of.get(key)
        if found is None:
            scanned = scans[key]
            read = [(name, _refs(scanned, header)) for name, header in scanned.heads]
            # a file marked as a seed for a header the scan did not understand: all its classes
            unsure = scanned.seed and not any(maybe for _, (_, maybe) in read)
            found = [(name, words, maybe or unsure) for name, (words, maybe) in read]
            refs_of[key] = found
        return found

    with_classes = [(k, s) for k, s in scans.items() if s.heads]

    # classes that may be models: the seeds and, transitively, the classes naming one of them
    maybe: Set[Tuple[str, int]] = set()
    model_names: Set[bytes] = set()
    candidates = [k for k, s in with_classes if s.seed]
    while candidates:
        grown = False
        for key in candidates:
            for index, (name, words, seed) in enumerate(heads_of(key)):
                if (key, index) not in maybe and (seed or not words.isdisjoint(model_names)):
                    maybe.add((key, index))
                    grown = grown or name not in model_names
                    model_names.add(name)
        if not grown:
            break
        candidates = [k for k, s in with_classes if not s.words.isdisjoint(model_names)]

    # classes that matter: those, the classes of the seeds, and every class they name
    chosen: Set[str] = set()
    relevant: Set[Tuple[str, int]] = set()
    wanted: Set[bytes] = set()
    pending = list(maybe) + [(k, i) for k in sorted(seed_files) if k in scans
                             for i in range(len(scans[k].heads))]
    for key in seed_files:
        chosen.add(key)
        if key in scans:
            wanted.update(scans[key].mentions)
    while pending:
        for key, index in pending:
            if (key, index) in relevant:
                continue
            relevant.add((key, index))
            wanted.update(heads_of(key)[index][1] - scans[key].local)
            if key not in chosen:
                chosen.add(key)
                wanted.update(scans[key].mentions)
        pending = [(k, i) for k, s in with_classes if not s.names.isdisjoint(wanted)
                   for i, (name, _) in enumerate(s.heads) if name in wanted and (k, i) not in relevant]
    return chosen
