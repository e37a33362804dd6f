"""Runs fixtures with inline `# expect:` comments and compares findings exactly.

A fixture is a single `.py` file under `fixtures/<family>/`, or a folder there, which is one
multi-file project. Each `# expect: SCL101 "text"` comment names a finding that must start on
that line; the quoted text, when given, must occur in the message. Several expectations may
share a line: `# expect: SCL101, SCL105 "save-update"`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import List, Optional, Tuple

from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_EXPECT = re.compile(r"#\s*expect:\s*(.*)$")
_ITEM = re.compile(r'(SCL\d{3})(?:\s+"([^"]*)")?')

Expectation = Tuple[str, int, str, Optional[str]]


def fixture_cases() -> List[Path]:
    cases: List[Path] = []
    for family in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for entry in sorted(family.iterdir()):
            if entry.name.startswith(("_", ".")):
                continue
            if entry.is_dir() or entry.suffix in (".py", ".pyi"):
                cases.append(entry)
    return cases


def case_files(case: Path) -> List[Path]:
    if case.is_dir():
        return sorted(p for p in case.rglob("*.py*") if p.suffix in (".py", ".pyi"))
    return [case]


def expectations(case: Path) -> List[Expectation]:
    out: List[Expectation] = []
    for path in case_files(case):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = _EXPECT.search(line)
            if not match:
                continue
            for code, snippet in _ITEM.findall(match.group(1)):
                out.append((path.resolve().as_posix(), number, code, snippet or None))
    return out


def run_case(case: Path) -> List[str]:
    """Problems found when linting `case`: an empty list means the fixture passes."""
    files = case_files(case)
    all_codes = set(load_rules())
    result = lint(files, Options(select=all_codes), project_paths=files)
    got = Counter((str(Path(d.path).resolve().as_posix()), d.span.line, d.code) for d in result.diagnostics)
    messages = {}
    for d in result.diagnostics:
        messages.setdefault((str(Path(d.path).resolve().as_posix()), d.span.line, d.code), []).append(d.message)
    want = expectations(case)
    want_count = Counter((p, line, code) for p, line, code, _ in want)
    problems: List[str] = []
    for key in sorted(set(got) | set(want_count)):
        if got[key] != want_count[key]:
            path, line, code = key
            shown = Path(path).name
            if got[key] > want_count[key]:
                problems.append(f"unexpected {code} at {shown}:{line}: {messages.get(key)}")
            else:
                problems.append(f"missing {code} at {shown}:{line}")
    for path, line, code, snippet in want:
        if snippet is None:
            continue
        found = messages.get((path, line, code), [])
        if found and not any(snippet in m for m in found):
            problems.append(f"{code} at {Path(path).name}:{line}: no message contains {snippet!r}: {found}")
    return problems
