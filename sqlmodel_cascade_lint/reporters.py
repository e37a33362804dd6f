"""Turning diagnostics into text. Reporters return strings; only the CLI prints."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote

import click

from sqlmodel_cascade_lint import __version__
from sqlmodel_cascade_lint.diagnostics import Diagnostic, Severity
from sqlmodel_cascade_lint.engine import LintResult, count_by_severity, decode
from sqlmodel_cascade_lint.facts import Span

TOOL_NAME = "sqlmodel-cascade-lint"
INFORMATION_URI = "https://github.com/sqlmodel-cascade-lint/sqlmodel-cascade-lint"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_NEWLINE = re.compile(r"\r\n?|\n")


@dataclass(frozen=True)
class Report:
    """How to report: `quiet` leaves out the summary line; `fixed` counts fixes applied."""

    quiet: bool = False
    fixed: int = 0


_DEFAULT = Report()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(result: LintResult, report: Report = _DEFAULT) -> str:
    diagnostics = result.diagnostics
    if not diagnostics:
        if report.fixed:
            return f"Found {_plural(report.fixed, 'error')} ({report.fixed} fixed, 0 remaining)."
        return "All checks passed!"
    counts = count_by_severity(diagnostics)
    files = len({d.path for d in diagnostics})
    parts = []
    if counts[Severity.ERROR]:
        parts.append(_plural(counts[Severity.ERROR], "error"))
    if counts[Severity.WARNING]:
        parts.append(_plural(counts[Severity.WARNING], "warning"))
    text = f"Found {' and '.join(parts)} in {_plural(files, 'file')}."
    if report.fixed:
        text = text[:-1] + f" ({report.fixed} fixed, {len(diagnostics)} remaining)."
    fixable = sum(1 for d in diagnostics if d.fix is not None and d.fix.applicability == "safe")
    if fixable:
        text += f"\n[*] {fixable} fix{'es' if fixable != 1 else ''} available with the `--fix` option."
    return text


def _code(d: Diagnostic) -> str:
    colour = "red" if d.severity is Severity.ERROR else "yellow"
    return click.style(d.code, fg=colour, bold=True)


def _head(d: Diagnostic) -> str:
    marker = " [*]" if d.fix is not None else ""
    where = click.style(d.path, bold=True) + click.style(":", fg="cyan")
    position = f"{d.span.line}{click.style(':', fg='cyan')}{d.span.column}{click.style(':', fg='cyan')}"
    return f"{where}{position} {_code(d)}{marker} {d.message}"


def _end(lines: List[str], result: LintResult, report: Report) -> str:
    if not report.quiet:
        lines.append(summary(result, report))
    return "\n".join(lines) + "\n" if lines else ""


def format_concise(result: LintResult, report: Report = _DEFAULT) -> str:
    lines = [_head(d) for d in result.diagnostics]
    return _end(lines, result, report)


def _snippet(lines: List[str], span: Span, label: str) -> List[str]:
    if not 1 <= span.line <= len(lines):
        return []
    text = lines[span.line - 1].expandtabs(1)
    width = len(str(span.line))
    pad = " " * width
    end = span.end_column if span.end_line == span.line else len(text) + 1
    length = max(1, end - span.column)
    caret = " " * (span.column - 1) + click.style("^" * length + " " + label, fg="red", bold=True)
    bar = click.style("|", fg="blue", bold=True)
    number = click.style(str(span.line), fg="blue", bold=True)
    return [f"{pad} {bar}", f"{number} {bar} {text}", f"{pad} {bar} {caret}".rstrip(), f"{pad} {bar}"]


def format_full(result: LintResult, report: Report = _DEFAULT) -> str:
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
    return _end(out, result, report)


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


def format_json(result: LintResult, report: Report = _DEFAULT) -> str:
    return json.dumps([diagnostic_json(d) for d in result.diagnostics], indent=2, ensure_ascii=False) + "\n"


def format_json_lines(result: LintResult, report: Report = _DEFAULT) -> str:
    return "".join(json.dumps(diagnostic_json(d), ensure_ascii=False) + "\n" for d in result.diagnostics)


def format_grouped(result: LintResult, report: Report = _DEFAULT) -> str:
    out: List[str] = []
    by_path: Dict[str, List[Diagnostic]] = {}
    for d in result.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    for path, found in by_path.items():
        out.append(click.style(path, bold=True, underline=True) + ":")
        width = max(len(f"{d.span.line}:{d.span.column}") for d in found)
        for d in found:
            marker = " [*]" if d.fix is not None else ""
            position = f"{d.span.line}:{d.span.column}"
            out.append(f"  {position:<{width}} {_code(d)}{marker} {d.message}")
        out.append("")
    return _end(out, result, report)


# ---------------------------------------------------------------------------- CI formats


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(result: LintResult, report: Report = _DEFAULT) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    out = []
    for d in result.diagnostics:
        command = "error" if d.severity is Severity.ERROR else "warning"
        props = (f"file={_escape_property(d.path)},line={d.span.line},col={d.span.column},"
                 f"endLine={d.span.end_line},endColumn={d.span.end_column},"
                 f"title={_escape_property(d.code)}")
        out.append(f"::{command} {props}::{_escape_data(d.message)}")
    return "".join(line + "\n" for line in out)


def fingerprints(result: LintResult) -> List[str]:
    """One stable fingerprint per finding: code, path, message and the text of its line.

    The line number is left out, so that adding lines above a finding keeps its fingerprint;
    identical findings on identical lines are told apart by their order.
    """
    cache: Dict[str, List[str]] = {}
    seen: Counter = Counter()
    out = []
    for d in result.diagnostics:
        if d.path not in cache:
            data = result.sources.get(d.path)
            cache[d.path] = _NEWLINE.split(decode(data)) if data is not None else []
        lines = cache[d.path]
        text = lines[d.span.line - 1].strip() if 1 <= d.span.line <= len(lines) else ""
        key = "\0".join((d.code, d.path, d.message, text))
        seen[key] += 1
        if seen[key] > 1:
            key += f"\0{seen[key]}"
        out.append(hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest())
    return out


def format_gitlab(result: LintResult, report: Report = _DEFAULT) -> str:
    """A GitLab Code Quality report (a subset of the Code Climate format)."""
    items = []
    for d, fingerprint in zip(result.diagnostics, fingerprints(result)):
        items.append({
            "type": "issue",
            "check_name": d.code,
            "description": f"{d.code} {d.message}",
            "categories": ["Bug Risk"],
            "fingerprint": fingerprint,
            "severity": "major" if d.severity is Severity.ERROR else "minor",
            "location": {"path": d.path, "lines": {"begin": d.span.line, "end": d.span.end_line}},
        })
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _uri(path: str) -> Tuple[str, Optional[str]]:
    if path.startswith("/"):
        return "file://" + quote(path), None
    return quote(path), "%SRCROOT%"


def _artifact(path: str) -> Dict[str, str]:
    uri, base = _uri(path)
    out = {"uri": uri}
    if base:
        out["uriBaseId"] = base
    return out


def _region(span: Span) -> Dict[str, int]:
    return {"startLine": span.line, "startColumn": span.column,
            "endLine": span.end_line, "endColumn": span.end_column}


def sarif_rules() -> List[Dict[str, Any]]:
    from sqlmodel_cascade_lint.rules import load_rules

    out = []
    for rule in load_rules().values():
        why = rule.section("Why is this bad?") or rule.summary
        out.append({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": why},
            "help": {"text": rule.doc, "markdown": rule.doc},
            "helpUri": _url(rule.code),
            "defaultConfiguration": {"level": rule.severity.value, "enabled": rule.default_enabled},
            "properties": {"fixable": rule.fixable},
        })
    return out


def _url(code: str) -> str:
    from sqlmodel_cascade_lint.diagnostics import DOCS_URL

    return DOCS_URL.format(code=code)


def format_sarif(result: LintResult, report: Report = _DEFAULT) -> str:
    """SARIF 2.1.0, as GitHub code scanning reads it."""
    rules = sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for d, fingerprint in zip(result.diagnostics, fingerprints(result)):
        item: Dict[str, Any] = {
            "ruleId": d.code,
            "level": d.severity.value,
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(d.path),
                                                "region": _region(d.span)}}],
            "partialFingerprints": {"sqlmodelCascadeLint/v1": fingerprint},
        }
        if d.code in index:
            item["ruleIndex"] = index[d.code]
        if d.related:
            item["relatedLocations"] = [
                {"id": i, "message": {"text": r.message},
                 "physicalLocation": {"artifactLocation": _artifact(r.path), "region": _region(r.span)}}
                for i, r in enumerate(d.related)
            ]
        results.append(item)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": _cwd_uri()}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cwd_uri() -> str:
    from pathlib import Path

    return Path.cwd().resolve().as_uri().rstrip("/") + "/"


def format_junit(result: LintResult, report: Report = _DEFAULT) -> str:
    """JUnit XML: one test suite per checked file, one failing test case per finding."""
    # imported here: xml.sax.saxutils pulls in urllib and http (15 ms of every start-up)
    from xml.sax.saxutils import escape as xml_escape
    from xml.sax.saxutils import quoteattr

    by_path: Dict[str, List[Diagnostic]] = {path: [] for path in result.files}
    for d in result.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    total = sum(max(1, len(found)) for found in by_path.values())
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name={quoteattr(TOOL_NAME)} tests="{total}" '
             f'failures="{len(result.diagnostics)}" errors="0">']
    for path in sorted(by_path):
        found = by_path[path]
        lines.append(f'  <testsuite name={quoteattr(path)} tests="{max(1, len(found))}" '
                     f'failures="{len(found)}" errors="0">')
        if not found:
            lines.append(f'    <testcase name="No errors found" classname={quoteattr(path)} />')
        for d in found:
            lines.append(f'    <testcase name={quoteattr(f"{TOOL_NAME}.{d.code}")} classname={quoteattr(path)} '
                         f'line="{d.span.line}" column="{d.span.column}">')
            lines.append(f'      <failure message={quoteattr(d.message)} type={quoteattr(d.code)}>'
                         f'{xml_escape(f"line {d.span.line}, col {d.span.column}, {d.message}")}</failure>')
            lines.append("    </testcase>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- statistics


def statistics(result: LintResult) -> List[Dict[str, Any]]:
    counts: Counter = Counter(d.code for d in result.diagnostics)
    names = {d.code: d.name for d in result.diagnostics}
    fixable = {d.code for d in result.diagnostics if d.fix is not None}
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"code": code, "name": names[code], "count": count, "fixable": code in fixable}
            for code, count in ordered]


def format_statistics(result: LintResult, as_json: bool) -> str:
    rows = statistics(result)
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    if not rows:
        return ""
    width = max(len(str(r["count"])) for r in rows)
    return "".join(f"{r['count']:>{width}}\t{r['code']}\t{'[*] ' if r['fixable'] else ''}{r['name']}\n"
                   for r in rows)


Reporter = Callable[..., str]

REPORTERS: Dict[str, Reporter] = {
    "full": format_full,
    "concise": format_concise,
    "grouped": format_grouped,
    "json": format_json,
    "json-lines": format_json_lines,
    "github": format_github,
    "gitlab": format_gitlab,
    "sarif": format_sarif,
    "junit": format_junit,
}
TEXT_FORMATS = ("full", "concise", "grouped")
