"""Loading facts: the prefilter never drops a file the index uses, the cache is safe, and the
output does not depend on the number of worker processes."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Dict, List

import pytest
from click.testing import CliRunner

from sqlmodel_cascade_lint import cache as cache_module
from sqlmodel_cascade_lint import loader, prefilter
from sqlmodel_cascade_lint.cli import cli
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.extract import extract
from sqlmodel_cascade_lint.facts import UNKNOWN, ModuleFacts
from sqlmodel_cascade_lint.project import Project
from sqlmodel_cascade_lint.reporters import REPORTERS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

# Projects built to trip a text prefilter (see issue 7).
TRAPS: Dict[str, Dict[str, str]] = {
    "base_elsewhere": {
        # the model modules never mention sqlmodel: they subclass a project base
        "app/db.py": "from sqlmodel import Field, SQLModel\n\n\nclass Base(SQLModel):\n    pass\n",
        "app/models/team.py": (
            "from typing import List\nfrom app.db import Base\nfrom sqlmodel import Field, Relationship\n\n\n"
            "class TeamBase(Base):\n    name: str\n\n\n"
            "class Team(TeamBase, table=True):\n    id: int = Field(primary_key=True)\n"
            "    heroes: List[\"Hero\"] = Relationship(back_populates=\"team\", "
            "sa_relationship_kwargs={\"cascade\": \"all, delete_orphan\"})  # expect: SCL101\n"
        ),
        "app/models/schemas.py": "from app.models.team import TeamBase\n\n\nclass TeamCreate(TeamBase):\n    pass\n",
        "app/models/hero_base.py": (
            "from app.db import Base, Field\n\n\nclass HeroBase(Base):\n    name: str\n"
            "    team_id: int | None = Field(default=None, foreign_key=\"team.id\")\n"
        ),
        "app/models/hero.py": (
            "from app.models.hero_base import HeroBase as HB\nfrom sqlmodel import Field, Relationship\n\n\n"
            "class Hero(HB, table=True):\n    id: int = Field(primary_key=True)\n"
            "    team: \"Team\" = Relationship(back_populates=\"heroes\")\n"
        ),
    },
    "mixins": {
        # plain mixins (no sqlmodel, no markers) are part of the models' MRO
        "pkg/mixins.py": (
            "class TimestampMixin:\n    created: int = 0\n\n\nclass NamedMixin(TimestampMixin):\n"
            "    __tablename__ = \"named\"\n"
        ),
        "pkg/models.py": (
            "from sqlmodel import SQLModel, Field, Relationship\nfrom pkg.mixins import NamedMixin\n\n\n"
            "class Thing(NamedMixin, SQLModel, table=True):\n    id: int = Field(primary_key=True)\n"
        ),
        "pkg/services.py": "class ThingError(Exception):\n    pass\n\n\nclass Service:\n    pass\n",
        "pkg/other.py": "class TimestampMixin:\n    other: int = 0\n",  # same name: ambiguity must stay
    },
    "fk_only_and_links": {
        "m/link.py": (
            "import sqlmodel as sm\n\n\nclass HeroTeamLink(sm.SQLModel, table=True):\n"
            "    hero_id: int = sm.Field(foreign_key=\"hero.id\", primary_key=True)\n"
            "    team_id: int = sm.Field(foreign_key=\"team.id\", primary_key=True)\n"
        ),
        "m/hero.py": (
            "from sqlmodel import *\n\n\nclass Hero(SQLModel, table=True):\n    id: int = Field(primary_key=True)\n"
            "    teams: list[\"Team\"] = Relationship(link_model=HeroTeamLink)\n"
        ),
        "m/team.py": (
            "from sqlmodel import SQLModel as Model, Field\n\n\nclass Team(Model, table=True):\n"
            "    __tablename__ = \"team\"\n    id: int = Field(primary_key=True)\n"
        ),
        "m/multi.py": (
            "from m.team import Team\n\n\nclass Special(\n    Team,\n):\n    extra: int = 0\n"
        ),
    },
    "local_names": {
        # a nested class or a name defined twice is not resolved in its own module
        "q/models.py": (
            "from sqlmodel import SQLModel, Field\n\n\ndef make():\n    class Helper:\n        pass\n"
            "    return Helper\n\n\nclass Thing(Helper, SQLModel, table=True):\n    id: int = Field(primary_key=True)\n"
        ),
        "q/helpers.py": "class Helper:\n    note: str = ''\n",
        "q/dup.py": (
            "from sqlmodel import SQLModel\n\n\nclass Base:\n    pass\n\n\nclass Base:\n    pass\n\n\n"
            "class Item(Base, SQLModel):\n    x: int = 0\n"
        ),
        "q/base2.py": "class Base:\n    y: int = 0\n",
        "q/imported.py": (
            "from sqlmodel import SQLModel\nfrom q.helpers import Helper\n\n\nclass Helper(SQLModel):\n    pass\n\n\n"
            "class Other(Helper):\n    pass\n"
        ),
    },
}


def _write(tmp_path: Path, files: Dict[str, str]) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _projects(tmp_path: Path) -> List[List[Path]]:
    out = []
    for name, files in TRAPS.items():
        root = _write(tmp_path / name, files)
        out.append(sorted(root.rglob("*.py")))
    for family in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        for entry in sorted(family.iterdir()):
            if entry.is_dir():
                out.append(sorted(entry.rglob("*.py")))
    out.append(sorted(FIXTURES.rglob("*.py")))
    return out


def _used_files(paths: List[Path]) -> set:
    """Files holding a class the full index uses: a model or a table, a class in the MRO of one,
    or a class sharing a name with one of those. (A class whose base the index cannot find,
    such as `class E(Exception)`, is neither: rules say nothing about it.)"""
    modules = [extract(p.as_posix(), p.stem, p.read_bytes()) for p in paths]
    project = Project([m for m in modules if m.failure is None])
    used = set()
    names = set()
    for cls in project.classes:
        if project.is_model(cls) is True or cls.table_kw is not None:
            for member in project.mro(cls)[0]:
                used.add(member.path)
                names.add(member.name)
                names.update(b.rsplit(".", 1)[-1] for b in member.bases)
    for cls in project.classes:
        if cls.name in names:
            used.add(cls.path)
    return used


def test_prefilter_keeps_every_file_the_index_uses(tmp_path: Path) -> None:
    for paths in _projects(tmp_path):
        scans = {p.as_posix(): prefilter.scan(p.read_bytes()) for p in paths}
        kept = prefilter.needed(scans, [])
        missing = _used_files(paths) - kept
        assert not missing, f"the prefilter drops {sorted(missing)}"


def test_prefilter_skips_unrelated_files(tmp_path: Path) -> None:
    root = _write(tmp_path / "p", TRAPS["mixins"])
    scans = {p.name: prefilter.scan(p.read_bytes()) for p in root.rglob("*.py")}
    # other.py defines a second TimestampMixin, but mixins.py names its own, which wins
    assert prefilter.needed(scans, []) == {"mixins.py", "models.py"}


def _check(paths: List[Path], **options: object) -> str:
    result = lint(paths, Options(select=None, **options), project_paths=paths)  # type: ignore[arg-type]
    return REPORTERS["json"](result)


def test_output_same_with_and_without_prefilter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for paths in _projects(tmp_path):
        filtered = _check(paths, jobs=1)
        with monkeypatch.context() as patch:
            patch.setattr(prefilter, "needed", lambda scans, seeds: set(scans) | set(seeds))
            full = _check(paths, jobs=1)
        assert filtered == full


def test_output_same_for_any_worker_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(loader, "POOL_MIN_BYTES", 0)
    paths = sorted(FIXTURES.rglob("*.py")) + sorted(p for root in [_write(tmp_path / "t", TRAPS["base_elsewhere"])]
                                                     for p in root.rglob("*.py"))
    outputs = {jobs: _check(paths, jobs=jobs) for jobs in (1, 2, 3)}
    assert outputs[1] == outputs[2] == outputs[3]
    assert "SCL101" in outputs[1]


def _dying_worker(items: object) -> object:
    os._exit(3)  # a worker killed (out of memory, a crash in the parser)


@pytest.mark.parametrize("early", [True, False])
def test_broken_pool_falls_back_to_this_process(early: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether the pool breaks while files are still being scanned (early) or after: every
    file still gets its facts, here, and the output is the same."""
    paths = sorted(FIXTURES.rglob("*.py"))
    expected = _check(paths, jobs=1)
    monkeypatch.setattr(loader, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(loader, "POOL_MIN_BYTES", 0 if early else 1)
    if not early:  # no early pool: the one `finish` starts breaks
        monkeypatch.setattr(loader._Parser, "early", lambda self, item: None)
        monkeypatch.setattr(loader, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(loader, "_extract_many", _dying_worker)
    assert _check(paths, jobs=2) == expected


def test_every_fact_type_pickles() -> None:
    data = (ROOT / "tests" / "test_positions.py").read_bytes()
    from test_positions import CASES

    for name, case in CASES.items():
        facts = extract(f"{name}.py", "m", case)
        assert repr(pickle.loads(pickle.dumps(facts))) == repr(facts)
        loaded = cache_module.Unpickler(__import__("io").BytesIO(pickle.dumps(facts))).load()
        assert repr(loaded) == repr(facts)
    assert pickle.loads(pickle.dumps(UNKNOWN)) is UNKNOWN
    assert data


def _cli(args: List[str], cwd: Path) -> "tuple[int, str]":
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = runner.invoke(cli, ["check", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def test_cache_is_written_reused_and_survives_corruption(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", TRAPS["base_elsewhere"])
    code, cold = _cli(["--output-format", "concise", "."], root)
    assert code == 1 and "SCL101" in cold
    folder = root / cache_module.CACHE_DIR_NAME
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    files = list(folder.glob("facts-*.pickle"))
    assert len(files) == 1
    assert _cli(["--output-format", "concise", "."], root) == (code, cold)

    # a changed file is read again
    team = root / "app/models/team.py"
    team.write_text(team.read_text().replace("delete_orphan", "delete-orphan"))
    assert _cli(["--output-format", "concise", "."], root)[0] == 0

    for garbage in (b"", b"not a pickle", pickle.dumps({"format": 1, "root": "/elsewhere", "entries": {},
                                                        "written_ns": 0}),
                    pickle.dumps(("os", "system")), files[0].read_bytes()[:100]):
        files[0].write_bytes(garbage)
        assert _cli(["--output-format", "concise", "."], root)[0] == 0


def test_cache_refuses_code(tmp_path: Path) -> None:
    class Evil:
        def __reduce__(self) -> object:
            return (os.system, ("echo pwned",))

    path = tmp_path / "c.pickle"
    path.write_bytes(pickle.dumps({"format": 1, "entries": {"x": Evil()}}))
    store = cache_module.FactsCache(tmp_path, tmp_path)
    store.path = path
    store.load()
    assert store.entries == {}


def test_no_cache_and_cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "proj", TRAPS["mixins"])
    assert _cli(["--no-cache", "."], root)[0] == 0
    assert not (root / cache_module.CACHE_DIR_NAME).exists()
    elsewhere = tmp_path / "cachedir"
    assert _cli(["--cache-dir", str(elsewhere), "."], root)[0] == 0
    assert list(elsewhere.glob("facts-*.pickle"))
    env_dir = tmp_path / "envdir"
    monkeypatch.setenv(cache_module.ENV_CACHE_DIR, str(env_dir))
    assert _cli(["."], root)[0] == 0
    assert list(env_dir.glob("facts-*.pickle"))


def test_stat_fast_path_and_racy_files(tmp_path: Path) -> None:
    root = _write(tmp_path / "proj", TRAPS["mixins"])
    lint([root], Options(cache=True))
    store = cache_module.FactsCache(root / cache_module.CACHE_DIR_NAME, root)
    store.load()
    key = os.path.abspath(root / "pkg/models.py")
    entry = store.entries[key]
    assert entry.facts is not None and isinstance(store.unpack(entry.facts), ModuleFacts)
    # written just now: the time stamps cannot vouch for the files yet
    assert store.lookup_stat(key, entry.size, entry.mtime_ns) is None
    store.written_ns = entry.mtime_ns + 10 * cache_module.RACY_NS
    assert store.lookup_stat(key, entry.size, entry.mtime_ns) is entry
    assert store.lookup_stat(key, entry.size + 1, entry.mtime_ns) is None


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    from sqlmodel_cascade_lint.progress import ProgressBar, progress_for

    assert progress_for(io.StringIO(), "full") is None

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress_for(Tty(), "json") is None
    stream = Tty()
    bar = progress_for(stream, "full")
    assert isinstance(bar, ProgressBar)
    bar(1, 10)
    assert stream.getvalue() == ""  # not before a second has passed
    bar.start -= 5
    bar(10, 10)
    assert "10/10" in stream.getvalue()
    bar.close()
    assert stream.getvalue().endswith("\r")
    bar.last -= 1  # past the tenth of a second between two draws
    bar.reading(5, 10)  # the stage before the parse has its own label
    assert "reading [" in stream.getvalue().rsplit("\r", 1)[-1] and "5/10" in stream.getvalue()


def test_unchanged_scans_reuse_the_prefilter_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _write(tmp_path / "proj", TRAPS["base_elsewhere"])
    first = _check_cached(root)
    calls: List[int] = []
    original = prefilter.needed
    monkeypatch.setattr(prefilter, "needed", lambda scans, seeds: calls.append(1) or original(scans, seeds))
    store = cache_module.FactsCache(root / cache_module.CACHE_DIR_NAME, root)
    store.load()
    store.written_ns += 10 * cache_module.RACY_NS  # let the time stamps vouch for the files
    store.dirty = True
    store.save()
    assert _check_cached(root) == first and not calls
    # a body-only edit keeps the scan, and the answer
    schemas = root / "app/models/schemas.py"
    schemas.write_text(schemas.read_text() + "\n# note\n")
    assert _check_cached(root) == first and not calls
    # a new class header does not
    schemas.write_text(schemas.read_text() + "\n\nclass TeamRead(TeamBase):\n    pass\n")
    assert _check_cached(root) == first and calls


def _check_cached(root: Path) -> str:
    return REPORTERS["json"](lint([root], Options(cache=True, jobs=1)))


def test_plain_sqlalchemy_table_module_is_indexed(tmp_path: Path) -> None:
    """A module with only `Table("name", ...)` holds a table name that a foreign key may use."""
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "legacy.py").write_text(
        "from sqlalchemy import Column, Integer, MetaData, Table\n\n"
        "metadata = MetaData()\n"
        'audit_log = Table("audit_log", metadata, Column("id", Integer, primary_key=True))\n'
    )
    model = tmp_path / "models.py"
    model.write_text(
        "from typing import Optional\n\nfrom sqlmodel import Field, SQLModel\n\n\n"
        "class Entry(SQLModel, table=True):\n"
        "    id: Optional[int] = Field(default=None, primary_key=True)\n"
        '    audit_id: Optional[int] = Field(default=None, foreign_key="audit_logs.id")\n'
    )
    found = lint([model], Options(select={"SCL301"})).diagnostics
    assert [d.code for d in found] == ["SCL301"] and "audit_log.id" in found[0].message
    model.write_text(model.read_text().replace("audit_logs.id", "audit_log.id"))
    assert lint([model], Options(select={"SCL301"})).diagnostics == []
