"""`# noqa` comments: which findings they suppress, and which of them suppress nothing.

A finding is suppressed by `# noqa` (every code) or `# noqa: SCL101, SCL205` (those codes)
on the line where it starts. A finding inside a multi-line `attr: ... = Relationship(...)` (or
`Field(...)`) statement is also suppressed by a comment on the statement's first line or on
the line of the call.

Comments are found with a small regular-expression scanner that skips string literals
(including triple-quoted ones spanning lines), so a `#` inside a string never counts. It does
not need the file to be valid Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Set, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Fix, Severity
from sqlmodel_cascade_lint.facts import ModuleFacts, Span

UNUSED_NOQA = "SCL004"
UNUSED_NOQA_NAME = "unused-noqa"

_NEWLINE = re.compile(r"\r\n?|\n")
_SCAN = re.compile(
    r"""
    (?P<string>
        [rRuUbBfFtT]{0,2}
        (?: '''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
          | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
          | '(?:[^'\\\r\n]|\\.)*(?:'|(?=[\r\n])|\Z)
          | "(?:[^"\\\r\n]|\\.)*(?:"|(?=[\r\n])|\Z)
        )
    )
    | (?P<comment>\#[^\r\n]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_NOQA = re.compile(
    r"#\s*noqa\b(?:\s*:\s*(?P<codes>[A-Za-z]+[0-9]+(?:(?:\s*,\s*|[ \t]+)[A-Za-z]+[0-9]+)*))?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Za-z]+[0-9]+")


@dataclass(frozen=True)
class Noqa:
    """One `# noqa` directive. `codes` is None for a bare `# noqa`."""

    line: int
    span: Span  # the directive itself, from its `#` to its last code
    codes: Optional[Tuple[str, ...]]
    comment_column: int  # where the whole comment starts (1-based)
    line_text: str

    def suppresses(self, code: str) -> bool:
        return self.codes is None or code in self.codes


def comments(text: str) -> Dict[int, Tuple[int, str]]:
    """Line number (1-based) -> (column of the `#`, 1-based; comment text) for each comment."""
    if "#" not in text:
        return {}
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    out: Dict[int, Tuple[int, str]] = {}
    import bisect

    for match in _SCAN.finditer(text):
        if match.lastgroup != "comment":
            continue
        offset = match.start()
        line = bisect.bisect_right(starts, offset)
        out[line] = (offset - starts[line - 1] + 1, match.group())
    return out


def directives(text: str) -> Dict[int, Noqa]:
    """The `# noqa` directives of a source text, by line."""
    if "noqa" not in text.lower():
        return {}
    lines = _NEWLINE.split(text)
    out: Dict[int, Noqa] = {}
    for line, (column, comment) in comments(text).items():
        match = _NOQA.search(comment)
        if match is None:
            continue
        codes = None
        if match.group("codes"):
            codes = tuple(c.upper() for c in _CODE.findall(match.group("codes")))
        start = column + match.start()
        out[line] = Noqa(line, Span(line, start, line, column + match.end()), codes, column,
                         lines[line - 1] if line <= len(lines) else "")
    return out


def anchor_lines(facts: Optional[ModuleFacts]) -> List[Tuple[int, int, Tuple[int, ...]]]:
    """(first line, last line, extra noqa lines) for each multi-line statement of a model."""
    out: List[Tuple[int, int, Tuple[int, ...]]] = []
    if facts is None:
        return out
    for cls in facts.classes:
        for rel in cls.relationships:
            if rel.span.end_line > rel.span.line:
                out.append((rel.span.line, rel.span.end_line, (rel.span.line, rel.call_span.line)))
        for fld in cls.fields:
            if fld.span.end_line > fld.span.line:
                out.append((fld.span.line, fld.span.end_line, (fld.span.line,)))
    return out


def candidate_lines(line: int, anchors: Iterable[Tuple[int, int, Tuple[int, ...]]]) -> Tuple[int, ...]:
    found = [line]
    for first, last, extra in anchors:
        if first <= line <= last:
            found.extend(e for e in extra if e not in found)
    return tuple(found)


def apply(diagnostics: List[Diagnostic], *, source_of: Callable[[str], Optional[str]],
          facts: Mapping[str, ModuleFacts], checked: Iterable[str],
          unused_enabled: Callable[[str], bool], active: Callable[[str, str], bool]
          ) -> List[Diagnostic]:
    """The diagnostics that no `# noqa` suppresses, plus `SCL004` findings for unused codes.

    `checked` are the files whose rules ran (only their directives can be unused),
    `unused_enabled(path)` says whether `SCL004` runs for a file, and `active(path, code)`
    whether a rule runs for a file (a directive naming a rule that did not run is not unused).
    """
    cache: Dict[str, Dict[int, Noqa]] = {}
    anchors: Dict[str, List[Tuple[int, int, Tuple[int, ...]]]] = {}

    def noqa_of(path: str) -> Dict[int, Noqa]:
        if path not in cache:
            text = source_of(path)
            cache[path] = directives(text) if text else {}
        return cache[path]

    used: Dict[Tuple[str, int], Set[str]] = {}
    kept: List[Diagnostic] = []
    for d in diagnostics:
        found = noqa_of(d.path)
        if not found:
            kept.append(d)
            continue
        if d.path not in anchors:
            anchors[d.path] = anchor_lines(facts.get(d.path))
        suppressed = False
        for line in candidate_lines(d.span.line, anchors[d.path]):
            directive = found.get(line)
            if directive is not None and directive.suppresses(d.code):
                used.setdefault((d.path, line), set()).add(d.code)
                suppressed = True
                break
        if not suppressed:
            kept.append(d)

    for path in sorted(set(checked)):
        module = facts.get(path)
        if module is None or module.failure is not None or not unused_enabled(path):
            continue
        for line, directive in sorted(noqa_of(path).items()):
            if directive.codes is None or UNUSED_NOQA in directive.codes:
                continue
            finding = _unused(path, directive, used.get((path, line), set()), active)
            if finding is not None:
                kept.append(finding)
    kept.sort(key=Diagnostic.sort_key)
    return kept


def _unused(path: str, directive: Noqa, used: Set[str], active: Callable[[str, str], bool]
            ) -> Optional[Diagnostic]:
    assert directive.codes is not None
    ours = [c for c in directive.codes if c.startswith("SCL")]
    unknown = [c for c in ours if not re.fullmatch(r"SCL\d{3}", c) or not _is_known(c)]
    unused = [c for c in ours if c not in unknown and c not in used and active(path, c)]
    if not unknown and not unused:
        return None
    parts = []
    if unused:
        parts.append(f"{_names(unused)} suppressed nothing")
    if unknown:
        parts.append(f"{_names(unknown)} {'is not a rule code' if len(unknown) == 1 else 'are not rule codes'}")
    message = f"unused `noqa` directive: {' and '.join(parts)}"
    remaining = [c for c in directive.codes if c not in unused and c not in unknown]
    return Diagnostic(
        code=UNUSED_NOQA,
        name=UNUSED_NOQA_NAME,
        severity=_severity(),
        message=message,
        path=path,
        span=directive.span,
        fix=_removal_fix(directive, remaining, unused + unknown),
    )


def _names(codes: List[str]) -> str:
    return ", ".join(f"`{c}`" for c in codes)


def _is_known(code: str) -> bool:
    from sqlmodel_cascade_lint.rules import REGISTRY

    return code in REGISTRY


def _severity() -> Severity:
    from sqlmodel_cascade_lint.rules import REGISTRY

    rule = REGISTRY.get(UNUSED_NOQA)
    return rule.severity if rule is not None else Severity.WARNING


def _removal_fix(directive: Noqa, remaining: List[str], removed: List[str]) -> Fix:
    text = directive.line_text
    span = directive.span
    start, end = span.column - 1, span.end_column - 1
    if remaining:
        new = f"# noqa: {', '.join(remaining)}"
        title = f"Remove {_names(removed)} from the `noqa` directive"
        return Fix(title, (Edit(span, new),))
    title = "Remove the unused `noqa` directive"
    rest = text[end:]
    if rest.strip():
        if start == directive.comment_column - 1:
            # `# noqa: SCL101 explanation` -> `# explanation`
            return Fix(title, (Edit(span, "#"),))
    # remove the directive and the blanks before it
    cut = start
    while cut > 0 and text[cut - 1] in " \t":
        cut -= 1
    if rest.strip():
        cut = start
    return Fix(title, (Edit(Span(span.line, cut + 1, span.line, end + 1), ""),))
