"""Unit tests for the facts and project helpers the foreign-key rules (SCL3xx) rely on."""

from __future__ import annotations

from typing import Dict

from sqlmodel_cascade_lint.extract import extract
from sqlmodel_cascade_lint.facts import UNKNOWN
from sqlmodel_cascade_lint.project import Project, known_table_names, run_together, tables_with_column


def _project(files: Dict[str, str]) -> Project:
    modules = []
    for path, source in files.items():
        module = path[:-3].replace("/", ".")
        modules.append(extract(path, module, source.encode()))
    return Project(modules)


HEADER = "from sqlmodel import Field, SQLModel\nimport sqlalchemy as sa\n"


def test_table_calls_are_recorded() -> None:
    facts = extract("m.py", "m", (HEADER + 'a = sa.Table("legacy", meta)\nb = Table(NAME, meta)\n').encode())
    assert facts.sa_tables == ("legacy", UNKNOWN)


def test_known_table_names_include_plain_sqlalchemy() -> None:
    project = _project({"m.py": HEADER + (
        'legacy = sa.Table("legacy", SQLModel.metadata)\n'
        "class Old(Base):\n    __tablename__ = 'old_things'\n"
        "class TeamMember(SQLModel, table=True):\n    id: int = Field(primary_key=True)\n"
    )})
    names, complete = known_table_names(project)
    assert names == {"legacy", "old_things", "teammember"}
    assert complete


def test_known_table_names_incomplete() -> None:
    computed = _project({"m.py": HEADER + "t = sa.Table(NAME, SQLModel.metadata)\n"})
    assert known_table_names(computed)[1] is False
    declared = _project({"m.py": HEADER + (
        "class Mixin:\n    @declared_attr\n    def __tablename__(cls):\n        return 'x'\n")})
    assert known_table_names(declared)[1] is False
    flask = _project({"m.py": HEADER + "class TeamMember(db.Model):\n    id = db.Column(db.Integer)\n"})
    assert known_table_names(flask)[1] is False


def test_tables_with_column_follows_inheritance() -> None:
    project = _project({"m.py": HEADER + (
        "class HeroBase(SQLModel):\n    team_id: int | None = Field(default=None, foreign_key='team.id')\n"
        "class Hero(HeroBase, table=True):\n    id: int = Field(primary_key=True)\n"
        "class HeroCreate(HeroBase):\n    pass\n"
    )})
    base = next(c for c in project.classes if c.name == "HeroBase")
    assert [c.name for c in tables_with_column(project, base.fields[0])] == ["Hero"]


def test_run_together() -> None:
    project = _project({
        "pkg/__init__.py": "",
        "pkg/a.py": HEADER,
        "pkg/b.py": HEADER,
        "pkg/c.py": HEADER + "from pkg import a\n",
        "pkg/d.py": HEADER + "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import b\n",
        "pkg/main.py": "from pkg import b, c\n",
    })
    assert run_together(project, "pkg.a", "pkg.c")  # c imports a
    assert run_together(project, "pkg.a", "pkg.b")  # main imports b and (through c) a
    assert not run_together(project, "pkg.b", "pkg.d")  # TYPE_CHECKING imports do not run
