#!/usr/bin/env python3
"""Write docs/rules/SCLnnn.md (one page per registered rule) and docs/rules/index.md.

The pages are generated from the rules' docstrings. `--check` writes nothing and exits with 1
when a page is missing, stale or left over from a removed rule.

    python scripts/gen_rule_docs.py          # regenerate
    python scripts/gen_rule_docs.py --check  # what the test suite does
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
sys.path.insert(0, str(ROOT))

from sqlmodel_cascade_lint.ruledocs import DOCS_DIR, pages, readme_with_table  # noqa: E402
from sqlmodel_cascade_lint.rules import load_rules  # noqa: E402


def expected() -> Dict[str, str]:
    return pages(load_rules())


def problems(folder: Path) -> List[str]:
    """What is out of date in `folder`, as sentences; empty when the docs are current."""
    want = expected()
    out = []
    for name, text in sorted(want.items()):
        path = folder / name
        if not path.is_file():
            out.append(f"{path} is missing")
        elif path.read_text(encoding="utf-8") != text:
            out.append(f"{path} is out of date")
    if folder.is_dir():
        for path in sorted(folder.glob("SCL*.md")):
            if path.name not in want:
                out.append(f"{path} documents a rule that does not exist")
    readme = README.read_text(encoding="utf-8")
    if readme_with_table(readme, load_rules()) != readme:
        out.append(f"the rule table in {README} is out of date")
    return out


def write(folder: Path) -> List[str]:
    folder.mkdir(parents=True, exist_ok=True)
    want = expected()
    changed = []
    for name, text in sorted(want.items()):
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(str(path))
    for path in sorted(folder.glob("SCL*.md")):
        if path.name not in want:
            path.unlink()
            changed.append(f"{path} (removed)")
    readme = README.read_text(encoding="utf-8")
    updated = readme_with_table(readme, load_rules())
    if updated != readme:
        README.write_text(updated, encoding="utf-8", newline="\n")
        changed.append(str(README))
    return changed


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the docs are current")
    parser.add_argument("--dir", type=Path, default=ROOT / DOCS_DIR, help="the docs/rules folder")
    args = parser.parse_args(argv)
    if args.check:
        found = problems(args.dir)
        for line in found:
            print(line)
        if found:
            print("run `python scripts/gen_rule_docs.py` to regenerate the rule docs")
        return 1 if found else 0
    for line in write(args.dir):
        print(f"wrote {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
