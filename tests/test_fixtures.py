from __future__ import annotations

from pathlib import Path

import pytest

from fixture_runner import FIXTURES, fixture_cases, run_case


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_fixture(case: Path) -> None:
    problems = run_case(case)
    assert not problems, "\n".join(problems)
