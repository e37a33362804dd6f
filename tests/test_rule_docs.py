"""Rule documentation: generated pages are current, examples do what they say, `rule` command."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import List

import pytest
from click.testing import CliRunner

from sqlmodel_cascade_lint.cli import cli
from sqlmodel_cascade_lint.diagnostics import DOCS_URL
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import Rule, load_rules

ROOT = Path(__file__).resolve().parent.parent
RULES = load_rules()


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_are_current() -> None:
    problems = _generator().problems(ROOT / "docs" / "rules")
    assert not problems, "\n".join(problems) + "\nrun `python scripts/gen_rule_docs.py`"


def test_generator_writes_what_check_expects(tmp_path: Path) -> None:
    gen = _generator()
    (tmp_path / "SCL999.md").write_text("stale", encoding="utf-8")
    assert gen.problems(tmp_path)
    gen.write(tmp_path)
    assert gen.problems(tmp_path) == []
    assert not (tmp_path / "SCL999.md").exists()
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    for code in RULES:
        assert f"[{code}]({code}.md)" in index


@pytest.mark.parametrize("code", list(RULES))
def test_finding_url_points_at_the_rule_page(code: str) -> None:
    url = DOCS_URL.format(code=code)
    assert url.endswith(f"/docs/rules/{code}.md")
    assert (ROOT / "docs" / "rules" / f"{code}.md").is_file()


def _code_blocks(rule: Rule, section: str) -> str:
    text = rule.section(section)
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    return "\n\n".join(blocks)


def _runnable(code: str) -> bool:
    return any(line.strip() and not line.strip().startswith("#") for line in code.splitlines()) or \
        "coding" in code


def _lint_example(tmp_path: Path, code: str) -> List[str]:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    path = tmp_path / "example.py"
    path.write_text(code, encoding="utf-8")
    result = lint([path], Options(select=set(RULES)), project_paths=[path])
    return sorted(d.code for d in result.diagnostics)


@pytest.mark.parametrize("code", list(RULES))
def test_example_gives_exactly_its_rule(code: str, tmp_path: Path) -> None:
    rule = RULES[code]
    example = _code_blocks(rule, "Example")
    assert example, f"{code} has no ```python block under `## Example`"
    if not _runnable(example):
        pytest.skip(f"{code}'s example is comments only (it needs a failing linter or several modules)")
    found = _lint_example(tmp_path, example)
    assert found and set(found) == {code}, f"{code}'s Example gives {found}"


@pytest.mark.parametrize("code", list(RULES))
def test_use_instead_is_clean(code: str, tmp_path: Path) -> None:
    rule = RULES[code]
    fixed = _code_blocks(rule, "Use instead")
    assert fixed, f"{code} has no ```python block under `## Use instead`"
    found = _lint_example(tmp_path, fixed)
    assert found == [], f"{code}'s Use instead gives {found}"


@pytest.mark.parametrize("code", list(RULES))
def test_docstring_sections_in_order(code: str) -> None:
    rule = RULES[code]
    assert rule.summary.startswith("Checks for "), rule.summary
    headings = re.findall(r"^## (.+?)\s*$", rule.doc, re.M)
    order = ["Why is this bad?", "When it breaks", "Example", "Use instead", "Known problems",
             "Fix safety", "References"]
    assert all(h in order for h in headings), headings
    assert headings == sorted(headings, key=order.index), headings
    for required in order[:4]:
        assert required in headings, f"{code} lacks `## {required}`"
    assert ("Fix safety" in headings) == rule.fixable, f"{code}: `## Fix safety` iff fixable"


def test_rule_command_prints_the_page() -> None:
    result = CliRunner().invoke(cli, ["rule", "SCL101"])
    assert result.exit_code == 0
    assert result.output.startswith("# invalid-cascade-token (SCL101)")
    assert "## Why is this bad?" in result.output and "## Example" in result.output
    by_name = CliRunner().invoke(cli, ["rule", "invalid-cascade-token"])
    assert by_name.output == result.output


def test_rule_command_json() -> None:
    result = CliRunner().invoke(cli, ["rule", "scl101", "--output-format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["code"] == "SCL101" and data["name"] == "invalid-cascade-token"
    assert data["severity"] == "error" and data["default_enabled"] is True and data["fixable"] is True
    assert "## Why is this bad?" in data["explanation"]
    assert data["url"].endswith("docs/rules/SCL101.md")


def test_rule_all_lists_every_rule() -> None:
    result = CliRunner().invoke(cli, ["rule", "--all"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "SEVERITY", "DEFAULT", "FIX", "SUMMARY"]
    for code, rule in RULES.items():
        line = next(ln for ln in lines if ln.startswith(code))
        assert rule.name in line and rule.severity.value in line
        assert (" off " in line) == (not rule.default_enabled)
    as_json = json.loads(CliRunner().invoke(cli, ["rule", "--all", "--output-format", "json"]).output)
    assert [r["code"] for r in as_json] == list(RULES)
    unused = next(r for r in as_json if r["code"] == "SCL004")
    assert unused["default_enabled"] is False and unused["fixable"] is True


def test_rule_command_unknown_code() -> None:
    result = CliRunner().invoke(cli, ["rule", "SCL999"])
    assert result.exit_code == 2
    assert "unknown rule code" in result.output and "SCL101" in result.output
