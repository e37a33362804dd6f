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
PHASES = ["import", "configure", "create", "scenario", "done"]
_KEYWORDS = [
    ("class definition", "import"), ("import", "import"), ("field()", "import"),
    ("mapper configuration", "configure"), ("first query", "configure"), ("configure", "configure"),
    ("create_all", "create"), ("flush", "scenario"), ("load", "scenario"), ("first use", "scenario"),
    ("silent", "done"),
]


def rule_phase(rule: Rule) -> str:
    """The phase the rule's `## When it breaks` section names first."""
    text = rule.section("When it breaks").lower()
    found = [(text.find(word), phase) for word, phase in _KEYWORDS if word in text]
    if not found:
        raise AssertionError(f"{rule.code}: `## When it breaks` names no phase: {text[:80]!r}")
    return min(found)[1]


def test_every_rule_names_a_phase() -> None:
    for rule in load_rules().values():
        if rule.code.startswith("SCL0"):
            continue
        rule_phase(rule)


SINGLE_FILES = [c for c in fixture_cases() if c.is_file() and not c.parent.name.startswith("internal")]


def _run(path: Path) -> Dict[str, Any]:
    proc = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONWARNINGS": ""})
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"ok": False, "phase": "crash", "error": proc.stderr[-800:]}
    return json.loads(lines[-1])


@pytest.fixture(scope="module")
def outcomes() -> Dict[Path, Dict[str, Any]]:
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(SINGLE_FILES, pool.map(_run, SINGLE_FILES)))


@pytest.mark.parametrize("case", SINGLE_FILES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture_agrees_with_sqlalchemy(case: Path, outcomes: Dict[Path, Dict[str, Any]]) -> None:
    rules = load_rules()
    result = lint([case], Options(select=set(rules)), project_paths=[case])
    errors: List[str] = sorted({d.code for d in result.diagnostics if d.severity is Severity.ERROR})
    outcome = outcomes[case]
    if errors:
        expected = min((rule_phase(rules[c]) for c in errors), key=PHASES.index)
        if expected in ("scenario", "done"):
            assert outcome["phase"] != "crash", outcome
            return
        assert not outcome["ok"], f"{errors} claim a failure at {expected}, but SQLAlchemy accepted it"
        assert outcome["phase"] == expected, (
            f"{errors} claim a failure at {expected}, SQLAlchemy failed at {outcome['phase']}: "
            f"{outcome['error_type']}: {outcome['error']}"
        )
    else:
        assert outcome["ok"], (
            f"no error finding, but SQLAlchemy failed at {outcome['phase']}: "
            f"{outcome['error_type']}: {outcome['error']}\n{outcome.get('traceback', '')}"
        )
