"""Correct code must scan clean: SQLModel's own docs examples and mistake-free generated code bases."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path
from typing import List

import pytest

from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

SHARED = Path(__file__).resolve().parents[2] / "shared"
MAKE_CORPUS = SHARED / "bench" / "make_corpus.py"


def _all_rules() -> Options:
    return Options(select={c for c, r in load_rules().items() if r.default_enabled})


@pytest.fixture(scope="session")
def docs_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`docs_src/` of the SQLModel source distribution, fetched with pip."""
    folder = tmp_path_factory.mktemp("sqlmodel-sdist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
         "--dest", str(folder), "sqlmodel"],
        capture_output=True, text=True, timeout=300,
    )
    archives = sorted(folder.glob("sqlmodel-*.tar.gz"))
    if proc.returncode != 0 or not archives:
        pytest.skip(f"cannot download the SQLModel source distribution: {proc.stderr[-300:]}")
    with tarfile.open(archives[-1]) as tar:
        members = [m for m in tar.getmembers() if "/docs_src/" in m.name and m.isfile()]
        tar.extractall(folder, members=members)
    found = sorted(folder.glob("sqlmodel-*/docs_src"))
    assert found, "the source distribution has no docs_src/"
    return found[0]


def _report(diagnostics: List) -> str:
    return "\n".join(f"{d.path}:{d.span.line}:{d.span.column}: {d.code} {d.message}" for d in diagnostics)


def test_docs_src_each_file_is_clean(docs_src: Path) -> None:
    files = sorted(docs_src.rglob("*.py"))
    relationship_files = [f for f in files if b"Relationship" in f.read_bytes()]
    assert len(relationship_files) >= 10, "expected the relationship examples"
    diagnostics = []
    for path in files:
        diagnostics.extend(lint([path], _all_rules(), project_paths=[path]).diagnostics)
    assert not diagnostics, _report(diagnostics)


def test_docs_src_as_one_project_is_clean(docs_src: Path) -> None:
    result = lint([docs_src], _all_rules())
    assert not result.diagnostics, _report(result.diagnostics)


def _make_corpus(out: Path, seed: int, rate: float) -> Path:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"{MAKE_CORPUS} is not available (it lives in the shared folder beside the repository)")
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(out), "--files", "120", "--model-ratio", "0.5",
                    "--seed", str(seed), "--mistake-rate", str(rate)], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("seed", [11, 12])
def test_generated_clean_corpus_is_clean(tmp_path: Path, seed: int) -> None:
    corpus = _make_corpus(tmp_path / "clean", seed, 0.0)
    (corpus / "pyproject.toml").write_text("[project]\nname = 'corpus'\n")
    result = lint([corpus], _all_rules())
    assert not result.diagnostics, _report(result.diagnostics)
