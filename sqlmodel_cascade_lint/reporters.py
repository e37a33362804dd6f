"""Turning diagnostics into text. Reporters return strings; only the CLI prints."""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, List

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Severity
from sqlmodel_cascade_lint.engine import LintResult, count_by_severity
from sqlmodel_cascade_lint.facts import Span


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(result: LintResult) -> str:
    diagnostics = result.diagnostics
    if not diagnostics:
        return "All checks passed!"
    counts = count_by_severity(diagnostics)
    files = len({d.path for d in diagnostics})
    parts = []
    if counts[Severity.ERROR]:
        parts.append(_plural(counts[Severity.ERROR], "error"))
    if counts[Severity.WARNING]:
        parts.append(_plural(counts[Severity.WARNING], "warning"))
    return f"Found {' and '.join(parts)} in {_plural(files, 'file')}."


def _head(d: Diagnostic) -> str:
    marker = " [*]" if d.fix is not None else ""
    return f"{d.path}:{d.span.line}:{d.span.column}: {d.code}{marker} {d.message}"


def format_concise(result: LintResult) -> str:
    lines = [_head(d) for d in result.diagnostics]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _snippet(lines: List[str], span: Span, label: str) -> List[str]:
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].expandtabs(1)
    width = len(str(span.line))
    pad = " " * width
    end = span.end_column if span.end_line == span.line else len(text) + 1
    length = max(1, end - span.column)
    caret = " " * (span.column - 1) + "^" * length
    return [f"{pad} |", f"{span.line} | {text}", f"{pad} | {caret} {label}".rstrip(), f"{pad} |"]


def format_full(result: LintResult) -> str:
    out: List[str] = []
    cache: Dict[str, List[str]] = {}
    for d in result.diagnostics:
        if d.path not in cache:
            cache[d.path] = result.source_lines(d.path)
        out.append(_head(d))
        out.extend(_snippet(cache[d.path], d.span, d.code))
        width = len(str(d.span.line))
        for rel in d.related:
            out.append(f"{' ' * width} = note: {rel.path}:{rel.span.line}:{rel.span.column}: {rel.message}")
        if d.fix is not None:
            out.append(f"{' ' * width} = help: {d.fix.title}")
        out.append("")
    out.append(summary(result))
    return "\n".join(out) + "\n"


def _location(span: Span) -> Dict[str, int]:
    return {"row": span.line, "column": span.column}


def diagnostic_json(d: Diagnostic) -> Dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "message": d.fix.title,
            "applicability": d.fix.applicability,
            "edits": [
                {"content": e.content, "location": _location(e.span),
                 "end_location": {"row": e.span.end_line, "column": e.span.end_column}}
                for e in d.fix.edits
            ],
        }
    return {
        "code": d.code,
        "name": d.name,
        "severity": d.severity.value,
        "message": d.message,
        "filename": d.path,
        "location": _location(d.span),
        "end_location": {"row": d.span.end_line, "column": d.span.end_column},
        "fix": fix,
        "url": d.url,
        "related": [
            {"filename": r.path, "location": _location(r.span), "message": r.message}
            for r in d.related
        ],
    }


def format_json(result: LintResult) -> str:
    return json.dumps([diagnostic_json(d) for d in result.diagnostics], indent=2, ensure_ascii=False) + "\n"


REPORTERS: Dict[str, Callable[[LintResult], str]] = {
    "full": format_full,
    "concise": format_concise,
    "json": format_json,
}
