"""`[tool.sqlmodel-cascade-lint]` settings, their CLI flags, and configuration errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

import pytest
from click.testing import CliRunner

from sqlmodel_cascade_lint import config
from sqlmodel_cascade_lint.cli import cli
from sqlmodel_cascade_lint.rules import load_rules

from test_cli import BAD, GOOD

UNUSED = "x = 1  # noqa: SCL001\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "models.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_models.py").write_text(
        BAD.replace("Team", "Crew").replace("Hero", "Pilot").replace('"team.id"', '"crew.id"'), encoding="utf-8")
    (tmp_path / "build_out").mkdir()
    (tmp_path / "build_out" / "gen.py").write_text(
        BAD.replace("Team", "Gen").replace("Hero", "Out").replace('"team.id"', '"gen.id"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def settings(root: Path, body: str) -> None:
    (root / "pyproject.toml").write_text(f'[project]\nname = "app"\n\n[tool.sqlmodel-cascade-lint]\n{body}\n',
                                         encoding="utf-8")


def files_with_findings(*args: str) -> List[str]:
    result = CliRunner().invoke(cli, ["check", "--output-format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return sorted({d["filename"] for d in json.loads(result.output)})


def codes(*args: str) -> List[str]:
    result = CliRunner().invoke(cli, ["check", "--output-format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return sorted(d["code"] for d in json.loads(result.output))


def test_no_configuration(project: Path) -> None:
    assert files_with_findings() == ["build_out/gen.py", "models.py", "tests/test_models.py"]


def test_per_file_ignores(project: Path) -> None:
    settings(project, '[tool.sqlmodel-cascade-lint.per-file-ignores]\n"tests/*" = ["SCL1"]\n"gen.py" = ["SCL101"]')
    assert files_with_findings() == ["models.py"]
    flags = files_with_findings("--isolated", "--per-file-ignores", "tests/*:SCL101")
    assert flags == ["build_out/gen.py", "models.py"]


def test_exclude_and_extend_exclude(project: Path) -> None:
    settings(project, 'exclude = ["tests/"]\nextend-exclude = ["build_out"]')
    assert files_with_findings() == ["models.py"]
    # a named file is checked anyway, unless force-exclude says otherwise
    assert files_with_findings("tests/test_models.py") == ["tests/test_models.py"]
    assert files_with_findings("--force-exclude", "tests/test_models.py", "models.py") == ["models.py"]
    # --exclude replaces the file's exclude, extend-exclude still applies
    assert files_with_findings("--exclude", "models.py") == ["tests/test_models.py"]


def test_force_exclude_in_the_file(project: Path) -> None:
    settings(project, 'extend-exclude = ["tests"]\nforce-exclude = true')
    result = CliRunner().invoke(cli, ["check", "tests/test_models.py"])
    assert result.exit_code == 0 and "All checks passed!" in result.output
    assert files_with_findings("--no-force-exclude", "tests/test_models.py") == ["tests/test_models.py"]


def test_respect_gitignore(project: Path) -> None:
    (project / ".gitignore").write_text("tests/\n", encoding="utf-8")
    settings(project, "")
    assert "tests/test_models.py" not in files_with_findings()
    settings(project, "respect-gitignore = false")
    assert "tests/test_models.py" in files_with_findings()
    assert "tests/test_models.py" not in files_with_findings("--respect-gitignore")


def test_select_ignore_and_specificity(project: Path) -> None:
    (project / "models.py").write_text(BAD + UNUSED, encoding="utf-8")
    settings(project, 'select = ["SCL0"]')
    assert codes("models.py") == []  # SCL0 selects only the rules on by default; SCL101 is off
    settings(project, 'select = ["SCL0"]\nextend-select = ["SCL004"]')
    assert codes("models.py") == ["SCL004"]
    settings(project, 'ignore = ["SCL1"]\nextend-select = ["SCL101"]')
    assert codes("models.py") == ["SCL101"]  # the more specific selector wins
    settings(project, 'ignore = ["SCL101"]')
    assert codes("models.py") == []
    assert codes("models.py", "--select", "SCL101") == []  # --select replaces select, ignore stays
    settings(project, 'select = ["ALL"]')
    assert codes("models.py") == ["SCL004", "SCL101"]
    assert codes("models.py", "--ignore", "SCL004") == ["SCL101"]
    assert codes("models.py", "--isolated") == ["SCL101"]


def test_output_format_from_the_file_and_the_flag_wins(project: Path) -> None:
    settings(project, 'output-format = "json-lines"')
    result = CliRunner().invoke(cli, ["check", "models.py"])
    assert json.loads(result.output.splitlines()[0])["code"] == "SCL101"
    result = CliRunner().invoke(cli, ["check", "models.py", "--output-format", "concise"])
    assert result.output.startswith("models.py:9:")


def test_config_flag_reads_another_file(project: Path) -> None:
    settings(project, 'ignore = ["SCL101"]')
    (project / "lint.toml").write_text('select = ["SCL101"]\nextend-exclude = ["tests", "build_out"]\n',
                                       encoding="utf-8")
    assert files_with_findings("--config", "lint.toml") == ["models.py"]
    (project / "other").mkdir()
    (project / "other" / "pyproject.toml").write_text('[tool.sqlmodel-cascade-lint]\nselect = ["SCL101"]\n',
                                                      encoding="utf-8")
    assert "models.py" in files_with_findings("--config", "other/pyproject.toml")


def test_found_from_a_subfolder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings(project, 'ignore = ["SCL101"]')
    monkeypatch.chdir(project / "tests")
    result = CliRunner().invoke(cli, ["check", "test_models.py"])
    assert result.exit_code == 0, result.output


def error_of(project: Path, body: str, *args: str) -> str:
    settings(project, body)
    result = CliRunner().invoke(cli, ["check", *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_unknown_key(project: Path) -> None:
    output = error_of(project, 'selct = ["SCL1"]')
    assert "unknown key `selct`" in output and "did you mean `select`" in output
    assert "valid keys: select, extend-select, ignore, per-file-ignores" in output
    assert "pyproject.toml" in output


def test_snake_case_key_suggests_kebab_case(project: Path) -> None:
    assert "did you mean `extend-select`" in error_of(project, 'extend_select = ["SCL1"]')


@pytest.mark.parametrize("body, key, expected", [
    ('select = "SCL1"', "select", "must be a list of strings"),
    ("ignore = [101]", "ignore", "must be a list of strings"),
    ('respect-gitignore = "yes"', "respect-gitignore", "must be `true` or `false`"),
    ('force-exclude = 1', "force-exclude", "must be `true` or `false`"),
    ('output-format = "xml"', "output-format", "must be one of"),
    ('per-file-ignores = ["tests/*"]', "per-file-ignores", "must be a table"),
    ('per-file-ignores = {"tests/*" = "SCL1"}', "per-file-ignores", "must be a list of rule codes"),
])
def test_bad_type(project: Path, body: str, key: str, expected: str) -> None:
    output = error_of(project, body)
    assert f"`{key}" in output and expected in output


@pytest.mark.parametrize("body, key", [
    ('select = ["SCL999"]', "select"),
    ('extend-select = ["SCX"]', "extend-select"),
    ('ignore = ["E501"]', "ignore"),
    ('per-file-ignores = {"tests/*" = ["SCL9"]}', 'per-file-ignores."tests/*"'),
])
def test_unknown_code(project: Path, body: str, key: str) -> None:
    output = error_of(project, body)
    assert f"`{key}` has unknown rule code or prefix" in output
    assert "known codes: SCL001" in output and "SCL101" in output


def test_unknown_code_on_the_command_line(project: Path) -> None:
    settings(project, "")
    for flag in ("--select", "--extend-select", "--ignore"):
        result = CliRunner().invoke(cli, ["check", flag, "SCL999"])
        assert result.exit_code == 2
        assert f"`{flag}` has unknown rule code or prefix `SCL999`" in result.output
    result = CliRunner().invoke(cli, ["check", "--per-file-ignores", "nocolon"])
    assert result.exit_code == 2 and "GLOB:CODES" in result.output


def test_broken_toml(project: Path) -> None:
    output = error_of(project, 'select = ["SCL1"')
    assert "is not valid TOML" in output


def test_missing_config_file(project: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", "nope.toml"])
    assert result.exit_code == 2
    assert "configuration file `nope.toml` does not exist" in result.output


def test_section_not_a_table(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool]\nsqlmodel-cascade-lint = 3\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2 and "must be a table" in result.output


def test_resolve_api() -> None:
    rules = load_rules()
    chosen = config.resolve(config.Settings(select=("SCL",), ignore=("SCL0",)), rules).select
    assert "SCL101" in chosen and not any(c.startswith("SCL0") for c in chosen)
    everything: Any = config.resolve(config.Settings(select=("ALL",)), rules).select
    assert everything == frozenset(rules)
    default = config.resolve(config.Settings(), rules).select
    assert default == frozenset(c for c, r in rules.items() if r.default_enabled)
    assert "SCL004" not in default


def test_clean_project_with_configuration(project: Path) -> None:
    (project / "models.py").write_text(GOOD, encoding="utf-8")
    settings(project, 'extend-exclude = ["tests", "build_out"]\nextend-select = ["SCL004"]')
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0 and result.output == "All checks passed!\n"
