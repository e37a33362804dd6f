"""`# noqa` comments: finding them, what they suppress, and SCL004 unused-noqa."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Set

import pytest
from click.testing import CliRunner

from sqlmodel_cascade_lint.cli import cli
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.fixes import apply_fixes
from sqlmodel_cascade_lint.rules import load_rules
from sqlmodel_cascade_lint.suppressions import comments, directives

HEAD = '''\
from typing import List, Optional

from sqlmodel import Field, Relationship, SQLModel


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional["Team"] = Relationship(back_populates="heroes")


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
'''


def test_hash_inside_strings_is_not_a_comment() -> None:
    text = (
        'a = "# noqa"  # real\n'
        "b = '''\n# noqa: SCL101\n'''\n"
        'c = f"{x!r} # not"  # noqa: SCL101\n'
        'd = "escaped \\" # still a string"\n'
        "e = r'\\' # raw'  # after\n"
        'f = """one"""  # three\n'
    )
    found = comments(text)
    assert {line: body for line, (_, body) in found.items()} == {
        1: "# real", 5: "# noqa: SCL101", 7: "# after", 8: "# three"}
    assert found[1][0] == 15
    assert set(directives(text)) == {5}


def test_unterminated_string_does_not_swallow_the_file() -> None:
    text = 'x = "open\ny = 1  # noqa: SCL101\n'
    assert set(directives(text)) == {2}


def test_directive_forms() -> None:
    text = ("a = 1  # noqa\n"
            "b = 1  # NOQA:SCL101,SCL205\n"
            "c = 1  # type: ignore  # noqa: SCL101 SCL102 because reasons\n"
            "d = 1  # noqa: E501\n"
            "e = 1  # noqa:\n")
    found = directives(text)
    assert found[1].codes is None
    assert found[2].codes == ("SCL101", "SCL205")
    assert found[3].codes == ("SCL101", "SCL102")
    assert found[4].codes == ("E501",)
    assert found[5].codes is None
    assert found[3].span.column == text.splitlines()[2].index("# noqa") + 1


PAIR = '    heroes: List[Hero] = Relationship(back_populates="team")\n'  # completes Hero.team's pair


def _lint(tmp_path: Path, body: str, select: Optional[Set[str]] = None, **kw) -> List[str]:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    path = tmp_path / "m.py"
    if "heroes" not in body:
        body += PAIR
    path.write_text(HEAD + body, encoding="utf-8")
    result = lint([path], Options(select=select, **kw), project_paths=[path])
    return [f"{d.span.line}:{d.code}" for d in result.diagnostics]


MULTI = '''\
    heroes: List["Hero"] = Relationship(  {first}
        back_populates="team",
        sa_relationship_kwargs={{"cascade": "all, delete_orphan"}},  {inner}
    )
'''
LINE = len(HEAD.splitlines()) + 3  # the line of the cascade string


@pytest.mark.parametrize("first, inner, found", [
    ("", "", [f"{LINE}:SCL101"]),
    ("", "# noqa: SCL101", []),
    ("", "# noqa", []),
    ("", "# noqa: SCL102", [f"{LINE}:SCL101"]),
    ("# noqa: SCL101", "", []),  # the line of the Relationship( call
    ("# noqa", "", []),
    ("# noqa: E501", "", [f"{LINE}:SCL101"]),
])
def test_noqa_on_the_finding_or_the_call_line(tmp_path: Path, first: str, inner: str, found: List[str]) -> None:
    assert _lint(tmp_path, MULTI.format(first=first, inner=inner)) == found


def test_noqa_on_another_line_does_not_count(tmp_path: Path) -> None:
    body = MULTI.format(first="", inner="") + "    # noqa: SCL101\n"
    assert _lint(tmp_path, body) == [f"{LINE}:SCL101"]


def test_ignore_noqa(tmp_path: Path) -> None:
    assert _lint(tmp_path, MULTI.format(first="", inner="# noqa"), noqa=False) == [f"{LINE}:SCL101"]


ALL = set(load_rules())


def test_unused_noqa_is_off_by_default(tmp_path: Path) -> None:
    assert _lint(tmp_path, '    name: str = ""  # noqa: SCL101\n') == []


def test_unused_noqa(tmp_path: Path) -> None:
    line = len(HEAD.splitlines()) + 1
    assert _lint(tmp_path, '    name: str = ""  # noqa: SCL101\n', ALL) == [f"{line}:SCL004"]
    assert _lint(tmp_path, '    name: str = ""  # noqa: SCL101, SCL004\n', ALL) == []
    assert _lint(tmp_path, '    name: str = ""  # noqa\n', ALL) == []
    assert _lint(tmp_path, '    name: str = ""  # noqa: E501\n', ALL) == []
    # a rule that does not run for the file: its code may be needed elsewhere
    assert _lint(tmp_path, '    name: str = ""  # noqa: SCL101\n', {"SCL004"}) == []
    # a used code is not reported
    assert _lint(tmp_path, MULTI.format(first="# noqa: SCL101", inner=""), ALL) == []


def test_unused_noqa_fix(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    path = tmp_path / "m.py"
    body = ('    name: str = ""  # noqa: SCL101\n'
            '    motto: str = ""  # noqa: E501, SCL101\n'
            '    slogan: str = ""  # noqa: SCL101 kept for the old checker\n')
    path.write_text(HEAD + body + PAIR, encoding="utf-8")
    result = lint([path], Options(select=ALL), project_paths=[path])
    assert [d.code for d in result.diagnostics] == ["SCL004"] * 3
    fixed, applied = apply_fixes(path.read_text(encoding="utf-8"), result.diagnostics)
    assert len(applied) == 3
    assert fixed == HEAD + ('    name: str = ""\n'
                            '    motto: str = ""  # noqa: E501\n'
                            '    slogan: str = ""  # kept for the old checker\n') + PAIR


def test_cli_fix_removes_unused_noqa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.sqlmodel-cascade-lint]\nextend-select = ["SCL004"]\n',
                                             encoding="utf-8")
    (tmp_path / "m.py").write_text(HEAD + '    name: str = ""  # noqa: SCL101\n' + PAIR, encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--fix"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "m.py").read_text(encoding="utf-8") == HEAD + '    name: str = ""\n' + PAIR


def test_comment_scanner_agrees_with_tokenize() -> None:
    import io
    import tokenize

    root = Path(__file__).resolve().parent.parent
    files = sorted(root.glob("sqlmodel_cascade_lint/**/*.py")) + sorted(root.glob("tests/*.py"))
    files += sorted(root.glob("fixtures/**/*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8")
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        want = {t.start[0]: (t.start[1] + 1, t.string) for t in tokens if t.type == tokenize.COMMENT}
        assert comments(text) == want, path
