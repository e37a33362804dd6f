"""Each cascade rule's `## Example` triggers exactly that rule; `## Use instead` is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.rules import load_rules

RULES = {code: r for code, r in load_rules().items() if code.startswith("SCL1")}
SECTIONS = ("Why is this bad?", "When it breaks", "Example", "Use instead", "Known problems",
            "Fix safety", "References")


def _block(text: str) -> str:
    match = re.search(r"```python\n(.*?)```", text, re.S)
    assert match, "no python block"
    return match.group(1)


@pytest.mark.parametrize("code", sorted(RULES))
def test_examples(tmp_path: Path, code: str) -> None:
    rule = RULES[code]
    codes = set(load_rules())
    for title, want in (("Example", [code]), ("Use instead", [])):
        path = tmp_path / f"{title.replace(' ', '_').lower()}.py"
        path.write_text(_block(rule.section(title)))
        found = lint([path], Options(select=codes), project_paths=[path]).diagnostics
        assert sorted({d.code for d in found}) == want, (title, [d.message for d in found])


@pytest.mark.parametrize("code", sorted(RULES))
def test_doc_sections(code: str) -> None:
    rule = RULES[code]
    assert rule.summary.startswith("Checks for ")
    titles = re.findall(r"^## (.+?)\s*$", rule.doc, re.M)
    assert titles == [t for t in SECTIONS if t in titles], titles
    assert titles[:4] == list(SECTIONS[:4])
    assert ("Fix safety" in titles) == rule.fixable
