#!/usr/bin/env python3
"""Benchmark sqlmodel-cascade-lint against ruff, fixit and the libcst parse floor.

    python benchmarks/run.py [--quick] [--out DIR] [--corpora 1000 20000 2000m] [--runs N]

For each generated code base (`make_corpus.py`: 1,000 files with 10% model modules, 20,000
with 5%, 2,000 with 100%; `--quick` uses 200 / 2,000 / 200) it measures, in separate processes,
the median wall time of `--runs` runs and the peak memory (largest resident set of the process
and its children, from `resource.getrusage(RUSAGE_CHILDREN)` in a wrapper process):

- this tool cold (empty cache), warm (nothing changed), after one model file changed (a comment
  appended: its facts stay the same; a line inserted at its top: only its lines move; a
  `back_populates` value edited: its facts change), and with one model file given on the
  command line as pre-commit does (warm cache; and after that file's facts changed);
- `ruff check --no-cache` with its default rules and with `--select E9,F63,F7`;
- fixit (`fixit lint`), when a fixit is installed (`--fixit PATH`, default /work/fixit-venv/bin/fixit),
  once, with a time limit (`--fixit-timeout`);
- the floor: reading every file, and parsing only the files that mention `Relationship` with
  libcst on two processes.

It prints a Markdown table and writes `results.md` and `results.json` to `--out`.
This is a script, not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MAKE_CORPUS = Path(os.environ.get("SCL_MAKE_CORPUS", REPO.parent.parent / "shared" / "bench" / "make_corpus.py"))
if not MAKE_CORPUS.exists():
    MAKE_CORPUS = Path("/work/shared/bench/make_corpus.py")

CORPORA = {  # name: (files, model ratio)
    "1000": (1000, 0.10),
    "20000": (20000, 0.05),
    "2000m": (2000, 1.0),
}
QUICK = {"1000": (200, 0.10), "20000": (2000, 0.05), "2000m": (200, 1.0)}

# Runs a command, prints its wall time and the peak RSS of its process tree (KiB on Linux).
_WRAPPER = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"wall": wall, "peak_kib": peak, "rc": proc.returncode,
                  "stderr": proc.stderr.decode("utf-8", "replace")[-2000:]}))
"""

# The floor: read every file; parse the files that mention Relationship with libcst, two processes.
_FLOOR = r"""
import os, sys
from multiprocessing import Pool
import libcst

def parse(path):
    with open(path, "rb") as handle:
        libcst.parse_module(handle.read())
    return 0

if __name__ == "__main__":
    root = sys.argv[1]
    parse_too = sys.argv[2] == "parse"
    wanted = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    if b"Relationship" in handle.read():
                        wanted.append(path)
    if parse_too:
        with Pool(2) as pool:
            pool.map(parse, wanted, chunksize=8)
"""


def measure(cmd: List[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(samples: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {
        "median_s": round(statistics.median(s["wall"] for s in samples), 3),
        "runs": [round(s["wall"], 3) for s in samples],
        "peak_mib": round(max(s["peak_kib"] for s in samples) / 1024, 1),
        "rc": samples[-1]["rc"],
    }


def touch_model(corpus: Path, model: Path, counter: int) -> None:
    """An edit that moves no model line (a comment appended): the file's facts stay the same."""
    with open(model, "a", encoding="utf-8") as handle:
        handle.write(f"\n# benchmark edit {counter}\n")


def edit_relationship(corpus: Path, model: Path, counter: int) -> None:
    """An edit that changes what the file declares: the first `back_populates` value gets a
    suffix (a new finding), so the project index and every file's findings must be redone."""
    text = model.read_text(encoding="utf-8")
    model.write_text(re.sub(r'back_populates="(\w+?)(_e\d+)?"', rf'back_populates="\1_e{counter}"', text, count=1),
                     encoding="utf-8")


def shift_model(corpus: Path, model: Path, counter: int) -> None:
    """An edit that changes the file's facts: a comment line inserted at the top moves every
    line below it, so every position the index holds for that file changes."""
    model.write_text(f"# benchmark edit {counter}\n" + model.read_text(encoding="utf-8"), encoding="utf-8")


def bench_corpus(name: str, files: int, ratio: float, args: argparse.Namespace, work: Path) -> Dict[str, Any]:
    corpus = work / f"corpus-{name}"
    if not corpus.exists():
        subprocess.run([sys.executable, str(MAKE_CORPUS), str(corpus), "--files", str(files),
                        "--model-ratio", str(ratio), "--force"], check=True, stdout=subprocess.DEVNULL)
    # keep the generated tree pristine: every run works on a copy it may edit
    tree = work / f"tree-{name}"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(corpus, tree)
    (tree / "pyproject.toml").write_text("[project]\nname = 'bench'\n")
    package = next(p for p in tree.iterdir() if p.is_dir() and not p.name.startswith("."))
    models = sorted(p for p in package.rglob("*.py") if b"Relationship(" in p.read_bytes())
    size = sum(p.stat().st_size for p in package.rglob("*.py"))
    count = sum(1 for _ in package.rglob("*.py"))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop(  "SQLMODEL_CASCADE_LINT_CACHE_DIR", None)
    tool = [sys.executable, "-m", "sqlmodel_cascade_lint", "check", "--exit-zero"]
    cache = tree / ".sqlmodel_cascade_lint_cache"
    runs = args.runs
    results: Dict[str, Any] = {"files": count, "bytes": size, "model_files": len(models)}

    def timed(label: str, cmd: List[str], before: Any = None, n: int = runs) -> None:
        if args.rows and label not in args.rows:
            return
        samples = []
        for i in range(n):
            if before is not None:
                before(i)
            samples.append(measure(cmd, tree, env))
        results[label] = summary(samples)
        print(f"  {name:>6} {label:<28} {results[label]['median_s']:>8.3f} s  "
              f"{results[label]['peak_mib']:>7.1f} MiB", flush=True)

    timed("cold", tool + ["."], before=lambda i: shutil.rmtree(cache, ignore_errors=True))
    if args.no_cache_row:
        timed("cold --no-cache", tool + ["--no-cache", "."])
    if args.rows and "cold" not in args.rows:
        measure(tool + ["."], tree, env)  # build the cache the warm rows use
    timed("warm", tool + ["."], before=lambda i: None)
    timed("one model file changed", tool + ["."], before=lambda i: touch_model(tree, models[i % len(models)], i))
    timed("one model file changed, lines moved", tool + ["."],
          before=lambda i: shift_model(tree, models[(i + 7) % len(models)], i))
    with_pairs = [m for m in models if b"back_populates=" in m.read_bytes()]
    timed("one model file changed, facts changed", tool + ["."],
          before=lambda i: edit_relationship(tree, with_pairs[(i + 3) % len(with_pairs)], i))
    one = models[len(models) // 2].relative_to(tree).as_posix()
    measure(tool + ["."], tree, env)  # warm the cache after the edits
    timed("pre-commit (1 file, warm)", tool + [one])
    edited = with_pairs[len(with_pairs) // 3]
    measure(tool + ["."], tree, env)

    def stage(i: int) -> None:
        edit_relationship(tree, edited, 100 + i)

    timed("pre-commit, the named file's facts changed", tool + [edited.relative_to(tree).as_posix()], before=stage)
    if args.jobs1:
        timed("cold, --jobs 1", tool + ["--no-cache", "--jobs", "1", "."])
    ruff = args.ruff
    if ruff and Path(ruff).exists():
        timed("ruff (default rules)", [ruff, "check", "--no-cache", "--exit-zero", "."])
        timed("ruff --select E9,F63,F7", [ruff, "check", "--no-cache", "--exit-zero", "--select", "E9,F63,F7", "."])
    floor_script = work / "floor.py"
    floor_script.write_text(_FLOOR)
    timed("floor: read all files", [sys.executable, str(floor_script), str(package), "read"])
    timed("floor: read + parse models (2 proc)", [sys.executable, str(floor_script), str(package), "parse"])
    fixit = args.fixit
    if fixit and Path(fixit).exists() and name in args.fixit_on and not args.rows:
        start = time.perf_counter()
        try:
            sample = measure(["timeout", str(args.fixit_timeout), fixit, "lint", "."], tree, env)
            if sample["rc"] == 124:
                results["fixit"] = {"skipped": f"did not finish in {args.fixit_timeout} s",
                                    "median_s": None, "lower_bound_s": args.fixit_timeout}
            else:
                results["fixit"] = summary([sample])
        except subprocess.CalledProcessError as exc:
            results["fixit"] = {"skipped": f"failed: {exc}", "median_s": None}
        print(f"  {name:>6} fixit {results['fixit']} ({time.perf_counter() - start:.0f} s)", flush=True)
    else:
        results["fixit"] = {"skipped": "not installed" if not (fixit and Path(fixit).exists())
                            else "not run on this corpus (--fixit-on)", "median_s": None}
    shutil.rmtree(tree, ignore_errors=True)
    return results


ROWS = ["cold", "cold --no-cache", "warm", "one model file changed", "one model file changed, lines moved",
        "one model file changed, facts changed", "pre-commit (1 file, warm)",
        "pre-commit, the named file's facts changed", "cold, --jobs 1",
        "ruff (default rules)", "ruff --select E9,F63,F7", "fixit", "floor: read all files",
        "floor: read + parse models (2 proc)"]


def markdown(all_results: Dict[str, Any], meta: Dict[str, Any]) -> str:
    names = list(all_results)
    head = "| | " + " | ".join(
        f"{n}: {r['files']:,} files, {r['model_files']:,} model files, {r['bytes'] / 1e6:.1f} MB"
        for n, r in all_results.items()) + " |"
    lines = [head, "|---|" + "---|" * len(names)]
    for row in ROWS:
        cells = []
        present = False
        for n in names:
            r = all_results[n].get(row)
            if r is None:
                cells.append("")
                continue
            present = True
            if r.get("median_s") is None:
                cells.append(r.get("skipped", ""))
            else:
                cells.append(f"{r['median_s']:.2f} s, {r['peak_mib']:.0f} MiB")
        if present:
            lines.append(f"| {row} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(f"Medians of {meta['runs']} runs (fixit: one run); peak memory is the largest resident set of the "
                 f"process tree. Machine: {meta['machine']}, {meta['cpus']} CPUs, Python {meta['python']}, "
                 f"load average at start {meta['load_start']}, at end {meta['load_end']}.")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small code bases (200 / 2,000 / 200 files)")
    parser.add_argument("--corpora", nargs="*", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--work", type=Path, default=None, help="where corpora are generated (kept for reuse)")
    parser.add_argument("--ruff", default=shutil.which("ruff") or "/work/venv/bin/ruff")
    parser.add_argument("--fixit", default="/work/fixit-venv/bin/fixit")
    parser.add_argument("--fixit-on", nargs="*", default=["1000"], help="corpora to run fixit on")
    parser.add_argument("--fixit-timeout", type=int, default=600)
    parser.add_argument("--jobs1", action="store_true", help="also time a cold run on one process")
    parser.add_argument("--no-cache-row", action="store_true", help="also time cold runs with --no-cache")
    parser.add_argument("--rows", nargs="*", default=None, help="time only these rows (by label)")
    args = parser.parse_args()
    sizes = QUICK if args.quick else CORPORA
    work = args.work or Path(tempfile.gettempdir()) / ("scl-bench-quick" if args.quick else "scl-bench")
    work.mkdir(parents=True, exist_ok=True)
    meta = {"machine": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "runs": args.runs, "load_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
            "quick": args.quick}
    all_results: Dict[str, Any] = {}
    for name in args.corpora:
        files, ratio = sizes[name]
        all_results[name] = bench_corpus(name, files, ratio, args, work)
    meta["load_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    table = markdown(all_results, meta)
    print()
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(table)
    (args.out / "results.json").write_text(json.dumps({"meta": meta, "results": all_results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
