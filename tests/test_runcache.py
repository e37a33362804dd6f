"""The run record (`runcache.py`): a run answers from the last run's findings only when they
still hold, and then its output is exactly what a full run prints."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Dict, List, Optional, Set

import pytest

from sqlmodel_cascade_lint import engine, runcache
from sqlmodel_cascade_lint.cache import CACHE_DIR_NAME
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.reporters import REPORTERS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

PROJECT: Dict[str, str] = {
    "app/__init__.py": "",
    "app/team.py": (
        "from typing import List, TYPE_CHECKING\n"
        "from sqlmodel import Field, Relationship, SQLModel\n\n"
        "if TYPE_CHECKING:\n    from app.hero import Hero\n\n\n"
        "class Team(SQLModel, table=True):\n"
        "    id: int = Field(primary_key=True)\n"
        "    heroes: List[\"Hero\"] = Relationship(\n"
        "        back_populates=\"team\", sa_relationship_kwargs={\"cascade\": \"all, delete_orphan\"})\n\n\n"
        "def helper() -> int:\n    return 1\n"
    ),
    "app/hero.py": (
        "from typing import Optional\n"
        "from sqlmodel import Field, Relationship, SQLModel\n\n\n"
        "class Hero(SQLModel, table=True):\n"
        "    id: int = Field(primary_key=True)\n"
        "    team_id: Optional[int] = Field(default=None, foreign_key=\"team.id\")\n"
        "    team: Optional[\"Team\"] = Relationship(back_populates=\"heroes\")\n"
    ),
    "app/services.py": "def serve() -> None:\n    pass\n",
}


def _write(root: Path, files: Dict[str, str]) -> Path:
    (root / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text("")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


class _Runs:
    """Counts full runs (the ones that load facts) and gives each run's JSON output."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = 0
        original = engine.load_facts

        def counting(*args: object, **kwargs: object) -> object:
            if kwargs.get("cache") is not None:  # not the uncached runs the tests compare with
                self.full += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(engine, "load_facts", counting)

    def check(self, paths: List[Path], select: Optional[Set[str]] = None, cache: bool = True) -> str:
        return REPORTERS["json"](lint(paths, Options(cache=cache, jobs=1, select=select)))


def _age(root: Path) -> None:
    """Let the files' time stamps vouch for them (as if written long before the last run)."""
    for path in root.rglob("*.py"):
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))


def _fresh(paths: List[Path], select: Optional[Set[str]] = None) -> str:
    return REPORTERS["json"](lint(paths, Options(cache=False, jobs=1, select=select)))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = _write(tmp_path / "proj", PROJECT)
    _age(root)
    monkeypatch.chdir(root)
    return root


def test_unchanged_project_is_answered_from_the_record(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    first = runs.check([project])
    assert "SCL101" in first and runs.full == 1
    assert list((project / CACHE_DIR_NAME).glob("run-*.pickle"))
    assert runs.check([project]) == first and runs.full == 1
    # a time stamp moved, the content did not
    os.utime(project / "app/hero.py")
    assert runs.check([project]) == first and runs.full == 1
    # every time stamp moved (a fresh clone, a restored CI cache)
    for path in project.rglob("*.py"):
        os.utime(path)
    assert runs.check([project]) == first and runs.full == 1
    assert first == _fresh([project])


def test_one_file_named_uses_the_whole_project_record(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    runs.check([project])
    for rel in PROJECT:
        named = [project / rel]
        assert runs.check(named) == _fresh(named), rel
    assert runs.full == 1


def test_edit_that_keeps_the_facts_reapplies_suppressions_only(project: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    runs.check([project], select={"SCL101", "SCL004"})
    team = project / "app/team.py"
    text = team.read_text()
    # a new `# noqa` comment on the finding's line: same facts, the finding goes
    team.write_text(text.replace("delete_orphan\"})\n", "delete_orphan\"})  # noqa: SCL101\n"))
    quiet = runs.check([project], select={"SCL101", "SCL004"})
    assert runs.full == 1 and "SCL101" not in quiet
    assert quiet == _fresh([project], select={"SCL101", "SCL004"})
    # an unused one is reported (SCL004) without a full run either
    team.write_text(text.replace("return 1\n", "return 1  # noqa: SCL101\n"))
    loud = runs.check([project], select={"SCL101", "SCL004"})
    assert runs.full == 1 and "SCL004" in loud and "SCL101" in loud
    assert loud == _fresh([project], select={"SCL101", "SCL004"})


def test_edit_that_changes_facts_runs_everything(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    runs.check([project])
    team = project / "app/team.py"
    team.write_text(team.read_text().replace("delete_orphan", "delete-orphan"))
    fixed = runs.check([project])
    assert runs.full == 2 and "SCL101" not in fixed and fixed == _fresh([project])
    # a line moved in the other module: its spans change, so may notes pointing into it
    hero = project / "app/hero.py"
    hero.write_text("\n" + hero.read_text().replace("\"heroes\"", "\"heros\""))
    moved = runs.check([project])
    assert runs.full == 3 and moved == _fresh([project]) and "SCL201" in moved


def test_added_or_removed_file_or_other_settings_miss(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    runs.check([project])
    (project / "app/extra.py").write_text("X = 1\n")
    assert runs.check([project]) == _fresh([project]) and runs.full == 2
    (project / "app/extra.py").unlink()
    assert runs.check([project]) == _fresh([project]) and runs.full == 3
    only = runs.check([project], select={"SCL205"})
    assert only == _fresh([project], select={"SCL205"}) and runs.full == 4 and "SCL101" not in only
    # a run that checked fewer files cannot answer for more
    runs.check([project / "app/hero.py"])
    assert runs.full == 5
    assert runs.check([project]) == _fresh([project]) and runs.full == 6


def test_damaged_or_planted_record_is_a_miss(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    first = runs.check([project])
    record = next((project / CACHE_DIR_NAME).glob("run-*.pickle"))

    class Evil:
        def __reduce__(self) -> object:
            return (os.system, ("echo pwned",))

    good = record.read_bytes()
    for garbage in (b"", b"junk", good[: len(good) // 2], pickle.dumps({"format": 1, "record": Evil()}),
                    pickle.dumps({"format": 1, "key": "x", "root": "/", "record": ()})):
        record.write_bytes(garbage)
        before = runs.full
        assert runs.check([project]) == first
        assert runs.full == before + 1


def test_full_run_filtered_equals_single_file_run(tmp_path: Path) -> None:
    """What the record relies on for named files: a file's findings do not depend on which
    other files were checked in the same run."""
    projects = [sorted(d.rglob("*.py")) for family in sorted(FIXTURES.iterdir()) if family.is_dir()
                for d in sorted(family.iterdir()) if d.is_dir()]
    assert len(projects) > 10
    for files in projects:
        root = files[0].parent
        while not (root / "pyproject.toml").exists() and root.parent != root and root != FIXTURES:
            root = root.parent
        everything = lint(files, Options(cache=False, jobs=1), project_paths=files)
        for path in files:
            alone = lint([path], Options(cache=False, jobs=1), project_paths=files)
            shown = {d.path for d in alone.diagnostics} | set(alone.files)
            expected = [d for d in everything.diagnostics if d.path in shown]
            assert alone.diagnostics == expected, path


def test_settings_key_covers_what_changes_output() -> None:
    base = Path(".")
    keys = {
        engine._settings(Options(), {"SCL101"}, base, "/w"),
        engine._settings(Options(), {"SCL101", "SCL004"}, base, "/w"),
        engine._settings(Options(noqa=False), {"SCL101"}, base, "/w"),
        engine._settings(Options(exclude=("x",)), {"SCL101"}, base, "/w"),
        engine._settings(Options(per_file_ignores=(("x", frozenset({"SCL101"})),)), {"SCL101"}, base, "/w"),
        engine._settings(Options(respect_gitignore=False), {"SCL101"}, base, "/w"),
        engine._settings(Options(), {"SCL101"}, Path("/elsewhere"), "/w"),
        engine._settings(Options(), {"SCL101"}, base, "/elsewhere"),  # shown paths are relative to it
    }
    assert len(keys) == 8
    from sqlmodel_cascade_lint.cache import FACT_SOURCES, source_fingerprint

    assert source_fingerprint("run1") == source_fingerprint("run1") != source_fingerprint("run2")
    assert source_fingerprint("run1") != source_fingerprint("run1", FACT_SOURCES)  # rules count for findings


def test_lines_moved_in_one_file_move_the_findings(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = _Runs(monkeypatch)
    hero = project / "app/hero.py"
    hero.write_text(hero.read_text().replace("\"heroes\"", "\"heros\""))  # SCL201, noted at Team.heroes
    first = runs.check([project])
    assert "SCL201" in first and "SCL101" in first and runs.full == 1
    team = project / "app/team.py"
    text = team.read_text()
    edits = [
        "# a comment line on top\n" + text,  # every line moves
        "\n\n# a comment line on top\n" + text,  # again, from the moved version
        ("# a comment line on top\n" + text).replace("class Team", "# before the class\nclass Team"),
        ("# a comment line on top\n" + text).replace(  # inside the multi-line call
            "        back_populates=", "        # the other side\n        back_populates="),
    ]
    for number, edited in enumerate(edits):
        team.write_text(edited)
        assert runs.check([project]) == _fresh([project]), number
        assert runs.full == 1, number
        assert runs.check([project / "app/hero.py"]) == _fresh([project / "app/hero.py"]), number
    # a moved line that also changed is a full run
    team.write_text(edits[-1].replace("delete_orphan", "delete-orphan"))
    assert runs.check([project]) == _fresh([project]) and runs.full == 2


def test_line_map() -> None:
    from sqlmodel_cascade_lint.extract import extract

    before = ("from sqlmodel import SQLModel, Field\n\n\n"
              "class A(SQLModel, table=True):\n    id: int = Field(primary_key=True)\n")
    old = extract("a.py", "a", before.encode())
    assert runcache.line_map(old, extract("a.py", "a", ("#\n" + before).encode())) == {1: 2, 4: 5, 5: 6}
    # a column moved, a name changed, lines swapped order: not a move
    assert runcache.line_map(old, extract("a.py", "a", before.replace("    id", "     id").replace(
        "    id", "\tid").encode())) is None
    assert runcache.line_map(old, extract("a.py", "a", before.replace("A(", "B(").encode())) is None
    assert runcache.line_map(old, old) == {1: 1, 4: 4, 5: 5}


def test_concurrent_runs_never_corrupt_the_cache(project: Path) -> None:
    """Pre-commit in two terminals, an editor's linter and a CLI run at once: every run prints
    what an uncached run prints, and the cache they leave behind still answers correctly."""
    import json
    import subprocess
    import sys

    command = [sys.executable, "-m", "sqlmodel_cascade_lint", "check", "--output-format", "json", "--exit-zero", "."]
    env = {k: v for k, v in os.environ.items() if k != "SQLMODEL_CASCADE_LINT_CACHE_DIR"}
    team = project / "app/team.py"
    text = team.read_text()
    edits = [text, "# moved\n" + text, text.replace("delete_orphan", "delete-orphan"), text + "# appended\n"]
    for edited in edits:
        team.write_text(edited)
        expected = json.loads(_fresh([project]))
        runs = [subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(4)]
        for run in runs:
            out, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
            assert json.loads(out) == expected
        after = subprocess.run(command, cwd=project, env=env, capture_output=True, timeout=300)
        assert json.loads(after.stdout) == expected
