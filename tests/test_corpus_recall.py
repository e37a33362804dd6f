"""Generated code bases with planted mistakes: every mistake reported at its line, nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

MAKE_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "make_corpus.py"

# Which codes may report each planted kind.
KIND_CODES: Dict[str, Set[str]] = {
    "cascade-typo": {"SCL101"},
    "back-populates-missing": {"SCL201"},
    "back-populates-not-reciprocal": {"SCL203", "SCL204", "SCL205"},
    "delete-orphan-many-to-one": {"SCL107"},
    "delete-orphan-many-to-many": {"SCL108"},
    "viewonly-cascade": {"SCL111"},
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_mistakes_are_found_and_nothing_else(tmp_path: Path, seed: int) -> None:
    if not MAKE_CORPUS.is_file():
        pytest.skip(f"{MAKE_CORPUS} is not available")
    out = tmp_path / "corpus"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(out), "--files", "200", "--model-ratio", "0.5",
                    "--seed", str(seed), "--mistake-rate", "0.06"], check=True, capture_output=True)
    (out / "pyproject.toml").write_text("[project]\nname = 'corpus'\n")
    manifest = json.loads((out / ".expected.json").read_text())
    result = lint([out], Options(select={c for c, r in load_rules().items() if r.default_enabled}))
    found: Dict[Tuple[str, int], Set[str]] = {}
    for d in result.diagnostics:
        rel = Path(os.path.abspath(d.path)).relative_to(out.resolve()).as_posix()
        found.setdefault((rel, d.span.line), set()).add(d.code)

    allowed: Set[Tuple[str, int]] = set()
    missed: List[str] = []
    for mistake in manifest["mistakes"]:
        codes = KIND_CODES[mistake["kind"]]
        places = [(mistake["file"], mistake["line"])]
        if "related" in mistake:
            places.append((mistake["related"]["file"], mistake["related"]["line"]))
        allowed.update(places)
        # A finding inside the Relationship(...) statement counts: rules point at the bad argument.
        hit = any(
            codes & found.get((path, line + offset), set())
            for path, line in places for offset in range(0, 8)
        )
        if not hit:
            missed.append(f"{mistake['kind']} {mistake['symbol']} at {mistake['file']}:{mistake['line']}")
    extra = [f"{path}:{line}: {sorted(codes)}" for (path, line), codes in sorted(found.items())
             if not any((path, line - offset) in allowed for offset in range(0, 8))]
    assert not missed, "missed planted mistakes:\n" + "\n".join(missed)
    assert not extra, "findings that match no planted mistake:\n" + "\n".join(extra)
