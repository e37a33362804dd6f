"""Scan the installed standard library and site-packages; print files scanned, findings, crashes.

Every file is linted as its own one-file project with every rule enabled, through the same
code path as `sqlmodel-cascade-lint check FILE`, minus the printing. A crash is anything that
escapes `lint()` or an SCL002 internal-error finding; the script exits with 1 if there is one.

    python scripts/scan_site_packages.py [--limit N] [--jobs N] [FOLDER ...]

Findings on third-party code are expected to be rare (it is not SQLModel code) and are
counted by code; the SCL001 "cannot check" ones (libcst rejecting valid Python, expressions
nested too deeply for it) are counted apart from real syntax errors (Python 2 test data).
"""

from __future__ import annotations

import argparse
import os
import site
import sys
import sysconfig
import time
import traceback
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel_cascade_lint.engine import Options, lint  # noqa: E402
from sqlmodel_cascade_lint.rules import load_rules  # noqa: E402


def default_roots() -> List[Path]:
    roots = {Path(sysconfig.get_paths()["stdlib"])}
    for folder in [*site.getsitepackages(), site.getusersitepackages(), sysconfig.get_paths()["purelib"]]:
        if folder and Path(folder).is_dir():
            roots.add(Path(folder))
    # the standard library folder contains site-packages in some layouts: keep the outermost
    ordered = sorted(roots)
    return [r for r in ordered if not any(r != o and o in r.parents for o in ordered)]


def python_files(roots: List[Path]) -> Iterator[Path]:
    seen = set()
    for root in roots:
        for folder, dirs, files in os.walk(root, followlinks=False):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".pyi")):
                    path = Path(folder) / name
                    key = os.path.realpath(path)
                    if key not in seen:
                        seen.add(key)
                        yield path


def scan_one(path_text: str) -> Tuple[str, List[Tuple[str, str]], str]:
    """(path, [(code, message)], crash traceback or "")."""
    path = Path(path_text)
    try:
        result = lint([path], Options(select=set(load_rules())), project_paths=[path])
    except BaseException:  # noqa: BLE001 - that is what we count
        return path_text, [], traceback.format_exc()
    return path_text, [(d.code, d.message) for d in result.diagnostics], ""


class _Serial:
    def __enter__(self) -> "_Serial":
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, func, items):  # type: ignore[no-untyped-def]
        return map(func, items)


def _progress(done: int, total: int, started: float) -> None:
    if done % 500 == 0:
        print(f"  {done}/{total} files, {time.monotonic() - started:.0f}s", file=sys.stderr, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="stop after N files")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show", type=int, default=10, help="print up to N findings of each code")
    parser.add_argument("--time-limit", type=float, default=0,
                        help="stop starting new files after this many seconds and report what was scanned")
    args = parser.parse_args()
    roots = args.roots or default_roots()
    files = [str(p) for p in python_files(roots)]
    if args.limit:
        files = files[: args.limit]
    print(f"scanning {len(files)} files under {', '.join(str(r) for r in roots)}", flush=True)
    started = time.monotonic()
    findings: Counter = Counter()
    cannot_check = 0
    crashes: List[Tuple[str, str]] = []
    examples: Dict[str, List[str]] = {}
    results: List[Tuple[str, List[Tuple[str, str]], str]] = []
    deadline = started + args.time_limit if args.time_limit else float("inf")
    batch = max(1, args.jobs) * 8
    with ProcessPoolExecutor(args.jobs) if args.jobs > 1 else _Serial() as pool:
        for start in range(0, len(files), batch):
            if time.monotonic() > deadline:
                break
            for item in pool.map(scan_one, files[start:start + batch]):
                results.append(item)
                if item[2] or any(code == "SCL002" for code, _ in item[1]):
                    print(f"CRASH on {item[0]}", file=sys.stderr, flush=True)
                _progress(len(results), len(files), started)
    if len(results) < len(files):
        print(f"time limit reached: {len(files) - len(results)} files not scanned")
    for path, diagnostics, crash in results:
        if crash:
            crashes.append((path, crash))
        for code, message in diagnostics:
            if code == "SCL002":
                crashes.append((path, message))
                continue
            findings[code] += 1
            if code == "SCL001" and message.startswith("cannot check"):
                cannot_check += 1
            shown = examples.setdefault(code, [])
            if len(shown) < args.show:
                shown.append(f"  {path}: {message[:160]}")
    elapsed = time.monotonic() - started
    print(f"files scanned: {len(results)} of {len(files)} in {elapsed:.0f}s")
    print(f"findings: {sum(findings.values())} "
          f"({', '.join(f'{c}: {n}' for c, n in sorted(findings.items())) or 'none'}; "
          f"of SCL001, {cannot_check} 'cannot check')")
    for code in sorted(examples):
        print(f"{code} examples:")
        print("\n".join(examples[code]))
    print(f"crashes: {len(crashes)}")
    for path, text in crashes[:20]:
        print(f"--- {path}\n{text}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
