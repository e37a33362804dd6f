"""The real `pre-commit`, running this checkout's `.pre-commit-hooks.yaml` in a fresh repository.

The hook repository is a temporary git repository holding a copy of this checkout's working
tree (so uncommitted changes are tested too), referenced by path and commit as a user would
reference the published one. pre-commit installs it into its own virtualenv with pip; when
that is impossible (no network), the hooks are run from the same manifest as a `local` repo
with this interpreter, and a warning says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
HOOKS = CHECKOUT / ".pre-commit-hooks.yaml"

try:
    import pre_commit  # noqa: F401
    import yaml

    PRE_COMMIT: Optional[List[str]] = [sys.executable, "-m", "pre_commit"]
except ImportError:  # pragma: no cover - depends on the environment
    found = shutil.which("pre-commit")
    PRE_COMMIT = [found] if found else None
    yaml = None  # type: ignore[assignment]

pytestmark = [
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(PRE_COMMIT is None or yaml is None, reason="pre-commit is not installed"),
]

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

# Mistakes whose other side lives in another file. Which one the linter finds depends on the
# rules registered; the test uses the first that needs the other file to be found. The class
# names differ from BAD's, which is committed by then (two `Team` classes would be ambiguous).
CROSS_FILE: List[Tuple[str, str, str]] = [
    (
        # back_populates naming an attribute the other class does not have
        "member.py",
        '''\
from typing import Optional

from sqlmodel import Field, Relationship, SQLModel


class Member(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    squad_id: Optional[int] = Field(default=None, foreign_key="squad.id")
    squad: Optional["Squad"] = Relationship(back_populates="membrz")
''',
        '''\
from typing import List, Optional

from sqlmodel import Field, Relationship, SQLModel


class Squad(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    members: List["Member"] = Relationship(back_populates="squad")
''',
    ),
    (
        # a foreign key naming a column the other table does not have
        "member.py",
        '''\
from typing import Optional

from sqlmodel import Field, SQLModel


class Member(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    squad_id: Optional[int] = Field(default=None, foreign_key="squad.idd")
''',
        '''\
from typing import Optional

from sqlmodel import Field, SQLModel


class Squad(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
''',
    ),
]


# When no registered rule finds any CROSS_FILE case (early in the project's life), the hook
# repository gets this probe rule, so that what is tested is still the hook's whole-project index.
PROBE_CODE = "SCL099"
PROBE = '''

from sqlmodel_cascade_lint.facts import RelationshipDecl
from sqlmodel_cascade_lint.project import UNRESOLVED as _UNRESOLVED, back_populates_of as _bp


@rule("SCL099", Severity.ERROR)
def cross_file_probe(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for a back_populates naming a missing attribute (a test probe)."""
    name = _bp(rel)
    target = ctx.project.target_class(rel)
    if isinstance(name, str) and target is not _UNRESOLVED:
        if ctx.project.attribute_exists(target, name) is False:
            yield ctx.report(rel.span, f"probe: `{rel.target}` has no attribute `{name}`")
'''


def _git_env(home: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env.update({
        "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_RETRIES": "1", "PIP_DEFAULT_TIMEOUT": "20",
    })
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "PRE_COMMIT_COLOR"):
        env.pop(key, None)
    return env


def _run(args: List[str], cwd: Path, env: Dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _git(cwd: Path, env: Dict[str, str], *args: str) -> str:
    done = _run(["git", *args], cwd, env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _hook_repo(target: Path, env: Dict[str, str], *, probe: bool) -> str:
    """A git repository holding this checkout's working tree; returns its commit."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(CHECKOUT / name, target / name)
    shutil.copytree(CHECKOUT / "sqlmodel_cascade_lint", target / "sqlmodel_cascade_lint",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if probe:
        internal = target / "sqlmodel_cascade_lint" / "rules" / "internal.py"
        internal.write_text(internal.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    _git(target, env, "init", "-q")
    _git(target, env, "add", "-A")
    _git(target, env, "commit", "-q", "-m", "hook repository")
    return _git(target, env, "rev-parse", "HEAD")


class Project:
    """A user's repository with the hook configured."""

    def __init__(self, root: Path, env: Dict[str, str], cross_file: Optional[Tuple[str, str, str, str]]) -> None:
        self.root = root
        self.env = env
        self.cross_file = cross_file  # (file name, staged text, other text, code) or None

    def write(self, name: str, text: str, *, stage: bool = True) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if stage:
            _git(self.root, self.env, "add", name)

    def run(self) -> subprocess.CompletedProcess:
        assert PRE_COMMIT is not None
        return _run([*PRE_COMMIT, "run", "--color", "never"], self.root, self.env)


def _local_config() -> str:
    """The manifest's hooks as a `local` repo that runs this checkout with this interpreter."""
    assert yaml is not None
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    for hook in hooks:
        args = hook["entry"].split()[1:]
        hook["entry"] = " ".join([sys.executable, "-m", "sqlmodel_cascade_lint", *args])
        hook["language"] = "system"
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]})


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    base = tmp_path_factory.mktemp("pre-commit")
    env = _git_env(base / "cache")
    cross_file = _cross_file_case()
    probe = cross_file is None
    if probe:
        name, staged, other = CROSS_FILE[0]
        cross_file = (name, staged, other, PROBE_CODE)
    rev = _hook_repo(base / "hooks", env, probe=probe)
    root = base / "project"
    root.mkdir()
    _git(root, env, "init", "-q")
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0"\n', encoding="utf-8")
    config = f"repos:\n  - repo: {(base / 'hooks').as_posix()}\n    rev: {rev}\n" \
             f"    hooks:\n      - id: sqlmodel-cascade-lint\n"
    (root / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    _git(root, env, "add", "-A")
    _git(root, env, "commit", "-q", "-m", "initial")
    installed = _run([*PRE_COMMIT, "install-hooks"], root, env, timeout=300)  # type: ignore[misc]
    if installed.returncode != 0:
        warnings.warn("pre-commit could not install the hook repository (no network?); running "
                      "the hooks of .pre-commit-hooks.yaml as a local repo instead:\n"
                      + installed.stdout[-2000:] + installed.stderr[-2000:])
        env["PYTHONPATH"] = str(CHECKOUT)
        (root / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
        _git(root, env, "add", "-A")
        _git(root, env, "commit", "-q", "-m", "local hooks")
        if probe:
            cross_file = None  # the local hooks run this checkout, which has no probe
    return Project(root, env, cross_file)


def test_manifest_declares_the_hook() -> None:
    assert yaml is not None
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "sqlmodel-cascade-lint")
    assert hook["entry"] == "sqlmodel-cascade-lint check --force-exclude"
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "pyi"]
    assert hook["require_serial"] is True


def test_staged_mistake_fails_and_fixed_change_passes(project: Project) -> None:
    project.write("app/models.py", BAD)
    failed = project.run()
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert "SCL101" in failed.stdout and "app/models.py" in failed.stdout, failed.stdout

    project.write("app/models.py", GOOD)
    passed = project.run()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
    _git(project.root, project.env, "commit", "-q", "-m", "models")


def _cross_file_case() -> Optional[Tuple[str, str, str, str]]:
    """The first CROSS_FILE case that the registered rules find only with the other file."""
    import tempfile

    from sqlmodel_cascade_lint.engine import Options, lint

    for name, staged, other in CROSS_FILE:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "pyproject.toml").write_text("", encoding="utf-8")
            (root / name).write_text(staged, encoding="utf-8")
            (root / "other.py").write_text(other, encoding="utf-8")
            both = {d.code for d in lint([root / name], Options(),
                                         project_paths=[root / name, root / "other.py"]).diagnostics}
            alone = {d.code for d in lint([root / name], Options(), project_paths=[root / name]).diagnostics}
        needs_other = sorted(both - alone)
        if needs_other:
            return name, staged, other, needs_other[0]
    return None


def test_other_side_in_an_unstaged_file_is_found(project: Project) -> None:
    if project.cross_file is None:
        pytest.skip("no registered rule reports a mistake whose other side is in another file")
    name, staged, other, code = project.cross_file
    project.write(f"cross/{name}", staged)
    project.write("cross/other.py", other, stage=False)  # present, but neither staged nor tracked
    failed = project.run()
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert code in failed.stdout and f"cross/{name}" in failed.stdout, failed.stdout
    # and the finding came from the untracked file: without it, the same staged file passes
    (project.root / "cross" / "other.py").unlink()
    passed = project.run()
    assert code not in passed.stdout, passed.stdout
