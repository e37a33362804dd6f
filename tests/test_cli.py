"""The `check` command: output formats, output options, stdin, fixes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any, Dict, List

import pytest
from click.testing import CliRunner

from sqlmodel_cascade_lint.cli import cli
from sqlmodel_cascade_lint.reporters import _escape_data, _escape_property
from sqlmodel_cascade_lint.rules import load_rules

BAD = '''\
from typing import List, Optional

from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    heroes: List["Hero"] = Relationship(
        back_populates="team", sa_relationship_kwargs={"cascade": "all, delete_orphan"}
    )


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
'''
GOOD = BAD.replace("delete_orphan", "delete-orphan")
BAD_LINE, BAD_COLUMN = 9, 67


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n', encoding="utf-8")
    (tmp_path / "models.py").write_text(BAD, encoding="utf-8")
    (tmp_path / "clean.py").write_text(GOOD.replace("Team", "Squad").replace("Hero", "Member")
                                       .replace('"team.id"', '"squad.id"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def run(*args: str, input: Any = None, env: Any = None):
    return CliRunner().invoke(cli, ["check", *args], input=input, env=env)


def test_full_output(project: Path) -> None:
    result = run()
    assert result.exit_code == 1
    assert f"models.py:{BAD_LINE}:{BAD_COLUMN}: SCL101 [*]" in result.output
    assert "^^^" in result.output and "= help: Replace" in result.output
    assert "Found 1 error in 1 file." in result.output
    assert "[*] 1 fix available with the `--fix` option." in result.output
    assert "\x1b[" not in result.output


def test_concise_and_grouped(project: Path) -> None:
    concise = run("--output-format", "concise")
    assert concise.output.splitlines()[0].startswith(f"models.py:{BAD_LINE}:{BAD_COLUMN}: SCL101 [*] ")
    grouped = run("--output-format", "grouped")
    lines = grouped.output.splitlines()
    assert lines[0] == "models.py:"
    assert lines[1].startswith(f"  {BAD_LINE}:{BAD_COLUMN} SCL101 [*] ")
    assert grouped.exit_code == 1


def test_json_lines(project: Path) -> None:
    result = run("--output-format", "json-lines")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["code"] for r in rows] == ["SCL101"]
    assert rows[0]["location"] == {"row": BAD_LINE, "column": BAD_COLUMN}
    assert rows[0]["url"].endswith("docs/rules/SCL101.md")


def test_github(project: Path) -> None:
    result = run("--output-format", "github")
    assert result.exit_code == 1
    pattern = (rf"^::error file=models\.py,line={BAD_LINE},col={BAD_COLUMN},endLine={BAD_LINE},"
               r"endColumn=\d+,title=SCL101::`Team\.heroes` has invalid cascade token")
    assert re.match(pattern, result.output), result.output
    assert len(result.output.splitlines()) == 1


def test_github_escaping() -> None:
    assert _escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert _escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_warning_level(project: Path) -> None:
    (project / "models.py").write_text(GOOD + "x = 1  # noqa: SCL101\n", encoding="utf-8")
    result = run("--output-format", "github", "--extend-select", "SCL004", "models.py")
    assert result.output.startswith("::warning file=models.py,line=17,"), result.output
    assert "title=SCL004::" in result.output


def _sarif(project: Path) -> Dict[str, Any]:
    result = run("--output-format", "sarif")
    assert result.exit_code == 1
    return json.loads(result.output)


def test_sarif_structure(project: Path) -> None:
    doc = _sarif(project)
    assert doc["$schema"].endswith("sarif-2.1.0.json") and doc["version"] == "2.1.0"
    (sarif_run,) = doc["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "sqlmodel-cascade-lint"
    assert driver["version"] and driver["informationUri"].startswith("https://")
    rules = load_rules()
    assert [r["id"] for r in driver["rules"]] == list(rules)
    for entry in driver["rules"]:
        assert set(entry) >= {"id", "name", "shortDescription", "fullDescription", "help",
                              "defaultConfiguration"}
        assert entry["shortDescription"]["text"] and entry["fullDescription"]["text"]
        assert entry["help"]["text"]
        assert entry["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")
    (result,) = sarif_run["results"]
    assert result["ruleId"] == "SCL101" and result["level"] == "error"
    assert driver["rules"][result["ruleIndex"]]["id"] == "SCL101"
    assert result["message"]["text"].startswith("`Team.heroes`")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "models.py"
    region = location["region"]
    assert region["startLine"] == BAD_LINE and region["startColumn"] == BAD_COLUMN
    assert region["endLine"] >= region["startLine"] and region["endColumn"] > 0
    assert all(isinstance(v, str) and v for v in result["partialFingerprints"].values())
    base = sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_sarif_validates_against_the_schema_when_available(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import os

    schema_file = Path(os.environ.get("SARIF_SCHEMA_FILE", Path(__file__).parent / "sarif-schema-2.1.0.json"))
    if not schema_file.is_file():
        pytest.skip("the SARIF 2.1.0 schema file is not available offline")
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    jsonschema.validate(_sarif(project), schema)


def _gitlab(project: Path) -> List[Dict[str, Any]]:
    return json.loads(run("--output-format", "gitlab").output)


def test_gitlab(project: Path) -> None:
    (item,) = _gitlab(project)
    assert item["check_name"] == "SCL101"
    assert item["severity"] == "major"
    assert item["description"].startswith("SCL101 `Team.heroes`")
    assert item["location"] == {"path": "models.py", "lines": {"begin": BAD_LINE, "end": BAD_LINE}}
    assert re.fullmatch(r"[0-9a-f]{64}", item["fingerprint"])


def test_fingerprints_survive_lines_added_above(project: Path) -> None:
    before = _gitlab(project)[0]
    (project / "models.py").write_text("# a comment\n\n" + BAD, encoding="utf-8")
    after = _gitlab(project)[0]
    assert after["location"]["lines"]["begin"] == before["location"]["lines"]["begin"] + 2
    assert after["fingerprint"] == before["fingerprint"]
    sarif = _sarif(project)["runs"][0]["results"][0]["partialFingerprints"]
    assert list(sarif.values()) == [before["fingerprint"]]


def test_junit(project: Path) -> None:
    result = run("--output-format", "junit")
    assert result.exit_code == 1
    root = ET.fromstring(result.output)
    assert root.tag == "testsuites" and root.get("failures") == "1"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"models.py", "clean.py"}
    (case,) = suites["models.py"].findall("testcase")
    assert case.get("line") == str(BAD_LINE)
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "SCL101"
    assert suites["clean.py"].find("testcase/failure") is None


def test_output_file(project: Path) -> None:
    result = run("--output-format", "json", "--output-file", "out/report.json", "--color", "always")
    assert result.exit_code == 1
    assert result.output == ""
    data = json.loads((project / "out" / "report.json").read_text(encoding="utf-8"))
    assert data[0]["code"] == "SCL101"


def test_statistics(project: Path) -> None:
    text = run("--statistics")
    assert text.exit_code == 1
    assert text.output == "1\tSCL101\t[*] invalid-cascade-token\n"
    as_json = json.loads(run("--statistics", "--output-format", "json").output)
    assert as_json == [{"code": "SCL101", "name": "invalid-cascade-token", "count": 1, "fixable": True}]


def test_quiet_and_silent(project: Path) -> None:
    quiet = run("-q")
    assert quiet.exit_code == 1
    assert "SCL101" in quiet.output and "Found" not in quiet.output
    silent = run("--silent")
    assert silent.exit_code == 1 and silent.output == ""
    clean_quiet = run("-q", "clean.py")
    assert clean_quiet.exit_code == 0 and clean_quiet.output == ""


def test_color(project: Path) -> None:
    assert "\x1b[" in run("--color", "always").output
    assert "\x1b[" not in run("--color", "never", env={"FORCE_COLOR": "1"}).output
    assert "\x1b[" in run(env={"FORCE_COLOR": "1"}).output
    assert "\x1b[" not in run(env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).output
    assert "\x1b[" not in run("--output-format", "json", "--color", "always").output


def test_stdin(project: Path) -> None:
    result = run("-", "--stdin-filename", "models.py", "--output-format", "concise",
                 input=BAD.replace("Team", "Crew").replace('"team.id"', '"crew.id"'))
    assert result.exit_code == 1
    assert result.output.startswith(f"models.py:{BAD_LINE}:{BAD_COLUMN}: SCL101"), result.output
    assert "`Crew.heroes`" in result.output  # the text from stdin, not the file on disk
    clean = run("-", "--stdin-filename", "models.py", input=GOOD)
    assert clean.exit_code == 0 and "All checks passed!" in clean.output
    unnamed = run("-", input=BAD)
    assert unnamed.exit_code == 1 and "-:9:" in unnamed.output


def test_fix(project: Path) -> None:
    result = run("--fix")
    assert result.exit_code == 0, result.output
    assert "1 fixed, 0 remaining" in result.output
    assert (project / "models.py").read_text(encoding="utf-8") == GOOD


def test_fix_stdin_prints_the_fixed_source(project: Path) -> None:
    silent = run("-", "--stdin-filename", "models.py", "--fix", "--silent", input=BAD)
    assert silent.exit_code == 0
    assert silent.output == GOOD
    assert (project / "models.py").read_text(encoding="utf-8") == BAD
    remaining = run("-", "--stdin-filename", "models.py", "--fix", input=BAD + "x = 1  # noqa: SCL101\n",
                    )
    assert remaining.exit_code == 0


def test_diff(project: Path) -> None:
    result = run("--diff")
    assert result.exit_code == 1
    assert "--- a/models.py" in result.output and "+++ b/models.py" in result.output
    assert '-        back_populates="team", sa_relationship_kwargs={"cascade": "all, delete_orphan"}' in result.output
    assert '+        back_populates="team", sa_relationship_kwargs={"cascade": "all, delete-orphan"}' in result.output
    assert (project / "models.py").read_text(encoding="utf-8") == BAD
    assert run("--diff", "clean.py").exit_code == 0


def test_fix_keeps_crlf_and_encoding(project: Path) -> None:
    data = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BAD).replace("\n", "\r\n").encode("latin-1")
    (project / "models.py").write_bytes(data)
    assert run("--fix").exit_code == 0
    fixed = (project / "models.py").read_bytes()
    assert fixed == data.replace(b"delete_orphan", b"delete-orphan")


def test_missing_path_is_an_error(project: Path) -> None:
    result = run("nope.py")
    assert result.exit_code == 2
    assert "No such file or directory" in result.output
    assert "Traceback" not in result.output
