"""Differential test: every single-file fixture against the real SQLModel and SQLAlchemy.

A fixture with an error-severity finding must fail at the phase its rule's docs name
(`## When it breaks`); a fixture with only warnings, or none, must import, configure and
create its tables, and run its `scenario(engine)` (which demonstrates silent effects with
`assert`s) without failing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import pytest

from fixture_runner import FIXTURES, fixture_cases
from sqlmodel_cascade_lint.diagnostics import Severity
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import Rule, load_rules

pytest.importorskip("sqlmodel")

CHECKER = Path(__file__).resolve().parent / "runtime_check.py"
MARK = "@@runtime-check@@"
PHASES = ["import", "configure", "create", "scenario", "done"]
_KEYWORDS = [
    ("class definition", "import"), ("import", "import"), ("field()", "import"),
    ("mapper configuration", "configure"), ("first query", "configure"), ("configure", "configure"),
    ("create_all", "create"), ("flush", "scenario"), ("load", "scenario"), ("first use", "scenario"),
    ("silent", "done"),
]


def rule_phases(rule: Rule) -> List[str]:
    """The phases the rule's `## When it breaks` section names, the first-named first."""
    text = rule.section("When it breaks").lower()
    found = sorted((text.find(word), phase) for word, phase in _KEYWORDS if word in text)
    if not found:
        raise AssertionError(f"{rule.code}: `## When it breaks` names no phase: {text[:80]!r}")
    return list(dict.fromkeys(phase for _, phase in found))


def rule_phase(rule: Rule) -> str:
    """The phase the rule's `## When it breaks` section names first."""
    return rule_phases(rule)[0]


def test_every_rule_names_a_phase() -> None:
    for rule in load_rules().values():
        if rule.code.startswith("SCL0"):
            continue
        rule_phase(rule)


SINGLE_FILES = [c for c in fixture_cases() if c.is_file() and not c.parent.name.startswith("internal")]


def _run(paths: List[Path]) -> Dict[str, Dict[str, Any]]:
    """Outcomes of `paths`, run by one checker process (which forks once per file)."""
    if not hasattr(os, "fork"):
        out: Dict[str, Dict[str, Any]] = {}
        for path in paths:
            out.update(_parse(subprocess.run([sys.executable, str(CHECKER), str(path)],
                                             capture_output=True, text=True, timeout=120)))
        return out
    proc = subprocess.run([sys.executable, str(CHECKER), *map(str, paths)], capture_output=True,
                          text=True, timeout=60 + 60 * len(paths), env={**os.environ, "PYTHONWARNINGS": ""})
    return _parse(proc)


def _parse(proc: "subprocess.CompletedProcess[str]") -> Dict[str, Dict[str, Any]]:
    out = {}
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK):])
            out[result["path"]] = result
    return out


@pytest.fixture(scope="module")
def outcomes() -> Dict[str, Dict[str, Any]]:
    workers = max(2, os.cpu_count() or 2)
    chunks = [SINGLE_FILES[i::workers] for i in range(workers)]
    results: Dict[str, Dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_run, chunks):
            results.update(part)
    return results


@pytest.mark.parametrize("case", SINGLE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_agrees_with_sqlalchemy(case: Path, outcomes: Dict[str, Dict[str, Any]]) -> None:
    rules = load_rules()
    result = lint([case], Options(select=set(rules)), project_paths=[case])
    errors: List[str] = sorted({d.code for d in result.diagnostics if d.severity is Severity.ERROR})
    if "# runtime: skip" in case.read_text(encoding="utf-8", errors="replace"):
        pytest.skip("the fixture imports a package that does not exist, on purpose")
    outcome = outcomes.get(str(case), {"ok": False, "phase": "crash", "error": "no result"})
    if errors:
        expected = min((rule_phase(rules[c]) for c in errors), key=PHASES.index)
        if expected in ("scenario", "done"):
            assert outcome["phase"] != "crash", outcome
            return
        assert not outcome["ok"], f"{errors} claim a failure at {expected}, but SQLAlchemy accepted it"
        named = {phase for c in errors for phase in rule_phases(rules[c])}
        assert outcome["phase"] == expected or outcome["phase"] in named, (
            f"{errors} claim a failure at {expected}, SQLAlchemy failed at {outcome['phase']}: "
            f"{outcome['error_type']}: {outcome['error']}"
        )
    else:
        assert outcome["ok"], (
            f"no error finding, but SQLAlchemy failed at {outcome['phase']}: "
            f"{outcome['error_type']}: {outcome['error']}\n{outcome.get('traceback', '')}"
        )
