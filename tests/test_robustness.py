"""Hostile input: every file gets an answer, the scan always finishes, nothing is executed.

Exit codes: 0 clean, 1 findings, 2 usage or internal error (SCL002).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest
from click.testing import CliRunner, Result

from sqlmodel_cascade_lint import engine
from sqlmodel_cascade_lint.cli import cli
from sqlmodel_cascade_lint.diagnostics import Diagnostic, Severity
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.extract import MAX_EXPRESSION_DEPTH, extract
from sqlmodel_cascade_lint.facts import ModuleFacts, RelationshipDecl
from sqlmodel_cascade_lint.rules import REGISTRY, Context, load_rules, rule

ROOT = Path(__file__).resolve().parent.parent
HEADER = b"from typing import Optional\n\nfrom sqlmodel import Field, Relationship, SQLModel\n\n\n"
TEAM = (
    b"class Team(SQLModel, table=True):\n"
    b"    id: Optional[int] = Field(default=None, primary_key=True)\n"
    b"    heroes: list[\"Hero\"] = Relationship(\n"
    b"        back_populates=\"team\",\n"
    b"        sa_relationship_kwargs={\"cascade\": \"all, delete_orphan\"},\n"
    b"    )\n"
)
HERO = (
    b"\n\nclass Hero(SQLModel, table=True):\n"
    b"    id: Optional[int] = Field(default=None, primary_key=True)\n"
    b"    team_id: Optional[int] = Field(default=None, foreign_key=\"team.id\")\n"
    b"    team: Optional[Team] = Relationship(back_populates=\"heroes\")\n"
)
BAD_MODELS = HEADER + TEAM + HERO  # one SCL101 finding, on line 10
CLEAN_MODELS = BAD_MODELS.replace(b"delete_orphan", b"delete-orphan")


def run_cli(*args: str, cwd: Optional[Path] = None) -> Result:
    """`check ARGS` through click's runner, with stderr kept apart (click 8.0 to 8.2)."""
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames else CliRunner()
    if cwd is None:
        return runner.invoke(cli, ["check", *args], catch_exceptions=False)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(cli, ["check", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def codes_by_file(result: engine.LintResult) -> Dict[str, List[str]]:
    out: Dict[str, List[str]] = {}
    for d in result.diagnostics:
        out.setdefault(Path(d.path).name, []).append(d.code)
    return out


def lint_one(path: Path, **kwargs: object) -> engine.LintResult:
    return lint([path], Options(select=set(load_rules())), project_paths=[path], **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- never run user code


def test_scanned_code_is_never_imported_or_run(tmp_path: Path) -> None:
    marker = tmp_path / "executed.txt"
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    evil = (
        "import os, socket, sys\n"
        f"open({str(marker)!r}, 'w').write('module ran')\n"
        f"socket.create_connection(('127.0.0.1', {port}))\n"
        "os._exit(17)\n"
        "sys.exit(18)\n"
    ).encode()
    project = tmp_path / "proj"
    (project / "pkg").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname='x'\n")
    for name in ("models.py", "pkg/__init__.py", "conftest.py", "setup.py", "click.py", "difflib.py", "json.py"):
        (project / name).write_bytes(evil + BAD_MODELS)
    # through the API
    result = lint([project], Options(select=set(load_rules())))
    assert {Path(d.path).name for d in result.diagnostics} >= {"models.py", "__init__.py"}
    # through `python -m` run from inside the project, where `click.py` and `json.py` shadow
    # the real modules if the working folder is on sys.path
    proc = subprocess.run(
        [sys.executable, "-m", "sqlmodel_cascade_lint", "check", "--output-format", "json", "."],
        cwd=project, capture_output=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 1, proc.stderr.decode()
    assert b"SCL101" in proc.stdout
    assert not marker.exists()
    with pytest.raises(OSError):  # nobody connected
        listener.accept()
    listener.close()


# ---------------------------------------------------------------------------- hostile files


def _hostile_tree(folder: Path) -> Dict[str, Optional[str]]:
    """Writes hostile files; returns name -> the code expected for it (None: no finding)."""
    m = HEADER
    cases: Dict[str, tuple] = {
        "py2.py": (m + b'print "hello"\n', "SCL001"),
        "py2_except.py": (m + b"try:\n    pass\nexcept Exception, e:\n    pass\n", "SCL001"),
        "py2_bom_crlf.py": (b"\xef\xbb\xbf" + (m + b"exec 'x = 1'\n").replace(b"\n", b"\r\n"), "SCL001"),
        "unclosed.py": (m + b"class A(SQLModel, table=True):\n    id: int = Field(default=None\n", "SCL001"),
        "unclosed_string.py": (m + b'x = "abc\n', "SCL001"),
        "bad_indent.py": (m + b"class A(SQLModel):\n    x: int\n      y: int\n", "SCL001"),
        "dedent.py": (m + b"class A(SQLModel):\n        x: int\n    y: int\n", "SCL001"),
        "tabs_spaces.py": (m + b"if True:\n        x = 1\n\ty = 2\n", "SCL001"),
        "keyword_field.py": (m + b"class A(SQLModel, table=True):\n    class: str\n", "SCL001"),
        "nul.py": (m + b"x = 1\x00\n", "SCL001"),
        "non_utf8.py": (m + b'x = "\xff\xfe"\n', "SCL003"),
        "non_utf8_first_line.py": (b'x = "\xf6"\n' + m, "SCL003"),
        "bad_cookie.py": (b"# -*- coding: no-such-codec -*-\n" + m, "SCL003"),
        "rot13_cookie.py": (b"# coding: rot13\n" + m, "SCL003"),
        "latin1_cookie.py": (b"# -*- coding: latin-1 -*-\n" + m + b'x = "caf\xe9"\n' + CLEAN_MODELS[len(m):], None),
        "bom.py": (b"\xef\xbb\xbf" + CLEAN_MODELS, None),
        "bom_bad.py": (b"\xef\xbb\xbf" + BAD_MODELS, "SCL101"),
        "crlf.py": (BAD_MODELS.replace(b"\n", b"\r\n"), "SCL101"),
        "lone_cr.py": (BAD_MODELS.replace(b"\n", b"\r"), "SCL101"),
        "form_feed.py": (b"\x0c\n" + BAD_MODELS, "SCL101"),
        "empty.py": (b"", None),
        "only_comment.py": (b"# nothing\n", None),
        "no_newline.py": (b"x = 1", None),
        "long_line.py": (m + b"x = [" + b"1, " * 300_000 + b"]\n" + CLEAN_MODELS[len(m):], None),
        "deep_parens.py": (m + b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n", "SCL001"),
        "deep_lists.py": (m + b"x = " + b"[" * 3000 + b"]" * 3000 + b"\n", "SCL001"),
        "deep_unary.py": (m + b"x = " + b"-" * 20000 + b"1\n", "SCL001"),
        "deep_plus.py": (m + b"x = " + b"+".join([b"1"] * 50000) + b"\n", "SCL001"),
        # Python accepts these; at top level they are data the extractor skips, inside a class
        # they are too deep for libcst: "cannot check"
        "deep_attr.py": (m + b"x = a" + b".b" * 2000 + b"\n" + CLEAN_MODELS[len(m):], None),
        "deep_attr_in_class.py": (m + b"class A:\n    x = a" + b".b" * 2000 + b"\n", "SCL001"),
        "deep_lambda.py": (m + b"x = " + b"lambda: " * 1000 + b"1\n" + CLEAN_MODELS[len(m):], None),
        "deep_lambda_in_def.py": (m + b"def f():\n    return " + b"lambda: " * 1000 + b"1\n", "SCL001"),
        "deep_dict.py": (m + b"x = " + b"{1: " * 3000 + b"1" + b"}" * 3000 + b"\n", "SCL001"),
        "deep_concat.py": (m + b"x = (" + b" ".join([b'"a"'] * 3000) + b")\n" + CLEAN_MODELS[len(m):], None),
        "deep_fstring.py": (m + b'x = f"{' * 300 + b"1" + b'}"' * 300 + b"\n", "SCL001"),
        "deep_indent.py": (m + b"".join(b" " * i + b"if x:\n" for i in range(150)) + b" " * 150 + b"pass\n", "SCL001"),
        "paren_annotation.py": (m + b"(x): int = 1\n" + CLEAN_MODELS[len(m):], None),
        "paren_annotation_in_class.py": (m + b"class A:\n    (x): int = 1\n", "SCL001"),
        "with space.py": (BAD_MODELS, "SCL101"),
        "héros 漢字.py": (BAD_MODELS, "SCL101"),
        "clean.py": (CLEAN_MODELS, None),
    }
    for name, (data, _) in cases.items():
        (folder / name).write_bytes(data)
    (folder / "dir.py").mkdir()
    (folder / "dir.py" / "inner.py").write_bytes(BAD_MODELS)
    os.mkfifo(folder / "fifo.py")
    os.symlink("loop_b.py", folder / "loop_a.py")
    os.symlink("loop_a.py", folder / "loop_b.py")
    os.symlink("missing_target.py", folder / "broken.py")
    expected = {name: code for name, (_, code) in cases.items()}
    expected["inner.py"] = "SCL101"
    return expected


@pytest.fixture()
def hostile(tmp_path: Path) -> tuple:
    folder = tmp_path / "hostile tree"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[project]\nname = 'hostile'\n")
    return folder, _hostile_tree(folder)


def _finish_within(seconds: float, func, *args, **kwargs):  # type: ignore[no-untyped-def]
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"did not finish within {seconds}s (a hang)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_every_hostile_file_gets_an_answer(hostile: tuple) -> None:
    folder, expected = hostile
    result = _finish_within(240, lint, [folder], Options(select=set(load_rules())))
    got = codes_by_file(result)
    for name, code in expected.items():
        if code is None:
            assert name not in got, (name, got.get(name), [d.message for d in result.diagnostics if d.path.endswith(name)])
        else:
            assert code in got.get(name, []), (name, got.get(name))
    assert "SCL002" not in {c for codes in got.values() for c in codes}
    skipped = dict((Path(p).name, why) for p, why in result.skipped)
    assert set(skipped) == {"fifo.py", "loop_a.py", "loop_b.py", "broken.py"}
    assert "FIFO" in skipped["fifo.py"] and "loop" in skipped["loop_a.py"] and "broken" in skipped["broken.py"]
    # every file is either checked or skipped
    checked = {Path(p).name for p in result.files}
    assert set(expected) <= checked
    assert not set(skipped) & checked


def test_hostile_tree_through_the_cli(hostile: tuple) -> None:
    folder, _ = hostile
    res = _finish_within(240, run_cli, "--output-format", "concise", ".", cwd=folder)
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output
    stderr = res.stderr if hasattr(res, "stderr") else ""
    for name in ("fifo.py", "loop_a.py", "broken.py"):
        assert f"warning: skipped {name}:" in stderr
    lines = [line for line in res.stdout.splitlines() if re.match(r".+:\d+:\d+: SCL\d{3} ", line)]
    assert any(line.startswith("with space.py:") for line in lines)
    assert any(line.startswith("dir.py/inner.py:10:") for line in lines)
    # full output (code snippets) must not crash either, nor the json output
    assert run_cli(".", cwd=folder).exit_code == 1
    assert run_cli("--output-format", "json", ".", cwd=folder).exit_code == 1


def test_syntax_errors_say_what_python_says(tmp_path: Path) -> None:
    cases = {
        b'print "hello"\n': (1, 1, "Missing parentheses"),
        b"x = (1,\n": (1, 5, "'(' was never closed"),
        b"class A:\n    class: str\n": (2, 10, "invalid syntax"),
        b"if x:\npass\n": (2, 1, "expected an indented block"),
    }
    for source, (line, column, text) in cases.items():
        facts = extract("m.py", "m", source)
        assert facts.failure is not None and facts.failure.kind == "syntax", source
        assert (facts.failure.span.line, facts.failure.span.column) == (line, column), (source, facts.failure)
        assert text in facts.failure.message


def test_decode_errors_say_where(tmp_path: Path) -> None:
    for data, (line, column) in {b'x = "\xf6"\n': (1, 6), b'# ok\ny = 1\nx = "\xc3(\xff"\n': (3, 6),
                                 b"\xef\xbb\xbf\xff = 1\n": (1, 1)}.items():
        facts = extract("m.py", "m", data)
        assert facts.failure is not None and facts.failure.kind == "decode", data
        assert (facts.failure.span.line, facts.failure.span.column) == (line, column), (data, facts.failure)


def test_parser_rejection_is_not_called_a_syntax_error(tmp_path: Path) -> None:
    # at top level, libcst's rejection is worked around: the rest of the file is checked
    path = tmp_path / "ann.py"
    path.write_bytes(HEADER + b"(x): int = 1\n" + BAD_MODELS[len(HEADER):])
    assert [d.code for d in lint_one(path).diagnostics] == ["SCL101"]
    # inside a class it cannot be
    path.write_bytes(HEADER + b"class A:\n    (x): int = 1\n")
    [d] = lint_one(path).diagnostics
    assert d.code == "SCL001"
    assert "libcst" in d.message and "Python accepts" in d.message
    assert "syntax error" not in d.message


def test_deep_nesting_never_reaches_libcst() -> None:
    # Python accepts this, libcst's native parser would crash the process on it
    source = b"x = " + b"-" * (MAX_EXPRESSION_DEPTH + 10) + b"1\n"
    facts = extract("m.py", "m", source)
    assert facts.failure is not None and facts.failure.kind == "recursion"
    assert "libcst" in facts.failure.message
    # and just below the limit it is checked normally
    facts = extract("m.py", "m", b"x = " + b"-" * (MAX_EXPRESSION_DEPTH - 10) + b"1\n")
    assert facts.failure is None


def test_ten_megabyte_generated_file(tmp_path: Path) -> None:
    parts = [HEADER]
    size = len(HEADER)
    n = 0
    while size < 10_000_000:
        piece = (b"DATA_%d = {" % n) + b", ".join(b'"k%d": %d' % (i, i) for i in range(500)) + b"}\n"
        parts.append(piece)
        size += len(piece)
        n += 1
    path = tmp_path / "big.py"
    path.write_bytes(b"".join(parts[:-1]) + BAD_MODELS[len(HEADER):])
    result = _finish_within(300, lint_one, path)
    assert [d.code for d in result.diagnostics] == ["SCL101"]


def test_unreadable_file_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.py"
    path.write_bytes(BAD_MODELS)
    other = tmp_path / "other.py"
    other.write_bytes(BAD_MODELS)
    real_open = os.open

    def deny(file, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if os.fspath(file).endswith("secret.py"):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    # tests run as root, where chmod 000 does not stop reading: simulate it
    path.chmod(0)
    monkeypatch.setattr(engine.os, "open", deny)
    result = lint([path, other], Options(select=set(load_rules())), project_paths=[path, other])
    got = codes_by_file(result)
    assert got == {"secret.py": ["SCL003"], "other.py": ["SCL101"]}
    message = next(d.message for d in result.diagnostics if d.code == "SCL003")
    assert "Permission denied" in message
    res = run_cli("--output-format", "concise", str(path), str(other))
    assert res.exit_code == 1
    assert "SCL003" in res.stdout and "SCL101" in res.stdout


def test_file_deleted_during_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "gone.py"
    gone.write_bytes(BAD_MODELS)
    kept = tmp_path / "kept.py"
    kept.write_bytes(BAD_MODELS)
    real_collect = engine.collect

    def collect_then_delete(*args, **kwargs):  # type: ignore[no-untyped-def]
        files, missing = real_collect(*args, **kwargs)
        if gone.exists():
            gone.unlink()
        return files, missing

    monkeypatch.setattr(engine, "collect", collect_then_delete)
    result = lint([tmp_path], Options(select=set(load_rules())))
    assert codes_by_file(result) == {"kept.py": ["SCL101"]}
    assert [(Path(p).name, why) for p, why in result.skipped] == [("gone.py", "no longer exists (deleted during the scan)")]


def test_fifo_named_on_the_command_line_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    clean = tmp_path / "clean.py"
    clean.write_bytes(CLEAN_MODELS)
    res = _finish_within(60, run_cli, str(fifo), str(clean))
    assert res.exit_code == 0
    assert "warning: skipped" in res.stderr and "FIFO" in res.stderr


def test_device_named_like_a_source_file_is_skipped(tmp_path: Path) -> None:
    link = tmp_path / "zero.py"
    os.symlink("/dev/zero", link)
    result = _finish_within(60, lint, [link], Options())
    assert result.diagnostics == []
    assert "character device" in result.skipped[0][1]


def test_non_utf8_file_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff name.py")
    (tmp_path / name).write_bytes(BAD_MODELS)
    result = lint([tmp_path], Options(select=set(load_rules())))
    assert [d.code for d in result.diagnostics] == ["SCL101"]
    proc = subprocess.run(
        [sys.executable, "-m", "sqlmodel_cascade_lint", "check", "--output-format", "concise", str(tmp_path)],
        capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"},
    )
    assert proc.returncode == 1, proc.stderr
    assert b"Traceback" not in proc.stderr
    assert b"SCL101" in proc.stdout


def test_unlistable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "m.py").write_bytes(BAD_MODELS)
    (tmp_path / "open.py").write_bytes(BAD_MODELS)
    from sqlmodel_cascade_lint import discovery

    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(discovery.os, "scandir", scandir)
    result = lint([tmp_path], Options(select=set(load_rules())))
    assert codes_by_file(result) == {"open.py": ["SCL101"]}
    assert [(Path(p).name, why) for p, why in result.skipped] == [("locked", "cannot list the folder: Permission denied")]


# ---------------------------------------------------------------------------- broken rules


def test_a_broken_rule_does_not_end_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rules()
    registry = dict(REGISTRY)
    monkeypatch.setattr("sqlmodel_cascade_lint.rules.REGISTRY", registry)

    def broken_relationship_rule(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
        """Checks for nothing: raises on every relationship."""
        raise KeyError("boom")
        yield  # pragma: no cover

    def broken_module_rule(module: ModuleFacts, ctx: Context) -> Iterator[Diagnostic]:
        """Checks for nothing: yields garbage."""
        yield "not a diagnostic"

    import sqlmodel_cascade_lint.rules as rules_module

    monkeypatch.setattr(rules_module, "REGISTRY", registry)
    rule("SCL998", Severity.ERROR)(broken_relationship_rule)
    rule("SCL999", Severity.WARNING)(broken_module_rule)
    assert "SCL998" in rules_module.REGISTRY
    a = tmp_path / "a.py"
    a.write_bytes(BAD_MODELS)
    b = tmp_path / "b.py"
    b.write_bytes(CLEAN_MODELS)
    result = lint([tmp_path], Options())
    got = codes_by_file(result)
    assert got["a.py"].count("SCL101") == 1  # the other rules still report
    internal = [d for d in result.diagnostics if d.code == "SCL002"]
    assert {(Path(d.path).name, d.message.split(" (")[0]) for d in internal} == {
        ("a.py", "internal error in rule SCL998"), ("a.py", "internal error in rule SCL999"),
        ("b.py", "internal error in rule SCL998"), ("b.py", "internal error in rule SCL999"),
    }
    boom = next(d for d in internal if "SCL998" in d.message)
    assert "KeyError" in boom.message and "boom" in boom.message and "a.py" in boom.message
    assert boom.span.line in (8, 18)  # on the relationship that broke it
    res = run_cli("--output-format", "concise", str(tmp_path))
    assert res.exit_code == 2
    assert "SCL101" in res.stdout and "SCL002" in res.stdout
    # an internal error is reported even when SCL002 is not selected
    res = run_cli("--select", "SCL101,SCL998", str(tmp_path))  # SCL002 itself not selected
    assert res.exit_code == 2


def test_a_crash_while_extracting_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlmodel_cascade_lint.extract as extract_module

    def broken(self, node, nested):  # type: ignore[no-untyped-def]
        raise AttributeError("no such thing")

    monkeypatch.setattr(extract_module._Extractor, "_class", broken)
    (tmp_path / "a.py").write_bytes(BAD_MODELS)
    (tmp_path / "b.py").write_bytes(b"x = 1\n")
    result = lint([tmp_path], Options())
    [d] = result.diagnostics
    assert d.code == "SCL002" and d.path.endswith("a.py")
    assert "AttributeError" in d.message and "extract.py" in d.message
    assert run_cli(str(tmp_path)).exit_code == 2


# ---------------------------------------------------------------------------- determinism


def _jobs_supported() -> bool:
    return "--jobs" in run_cli("--help").output


def test_output_is_byte_identical_on_every_run(hostile: tuple) -> None:
    folder, _ = hostile
    for fmt in ("full", "concise", "json"):
        outputs = {run_cli("--output-format", fmt, ".", cwd=folder).stdout for _ in range(2)}
        if _jobs_supported():
            for jobs in ("1", "2", "3"):
                outputs.add(run_cli("--output-format", fmt, "--jobs", jobs, ".", cwd=folder).stdout)
        assert len(outputs) == 1, fmt


# ---------------------------------------------------------------------------- positions


@pytest.mark.parametrize("prefix", ["", 'x = "\t\t"; ', 'x = "漢字"; ', 'x = "e\u0301e\u0301"; ',
                                    'x = "\U0001F600\U0001F1EB\U0001F1F7"; ', 'x = "a\u200bb"; ', "𝔘𝔫𝔦 = 1; "])
@pytest.mark.parametrize("indent", ["    ", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_columns_count_characters(tmp_path: Path, prefix: str, indent: str, newline: str) -> None:
    body = f'{indent}{prefix}heroes: list["Hero"] = Relationship(sa_relationship_kwargs={{"cascade": "all, delete_orphan"}})'
    source = (
        "from typing import Optional\n\nfrom sqlmodel import Field, Relationship, SQLModel\n\n# 漢字 ünïcödé\n"
        "class Team(SQLModel, table=True):\n"
        f"{indent}id: Optional[int] = Field(default=None, primary_key=True)\n"
        + body + "\n"
        + HERO.decode()
    ).replace("\n", newline)
    path = tmp_path / "m.py"
    path.write_bytes(source.encode())
    result = lint_one(path)
    [d] = [d for d in result.diagnostics if d.code == "SCL101"]
    assert d.span.line == 8
    expected_column = body.index('"all, delete_orphan"') + 1  # 1-based, in characters (code points)
    assert d.span.column == expected_column
    assert d.span.end_column == expected_column + len('"all, delete_orphan"')
    # the reporter shows the right line
    assert result.source_lines(d.path)[d.span.line - 1] == body


def test_a_crash_while_indexing_is_an_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index broke")

    monkeypatch.setattr(engine, "Project", broken)
    (tmp_path / "a.py").write_bytes(BAD_MODELS)
    result = lint([tmp_path], Options())
    [d] = result.diagnostics
    assert d.code == "SCL002" and d.path.endswith("a.py") and "index broke" in d.message
    assert run_cli(str(tmp_path)).exit_code == 2


def test_only_large_plain_statements_without_markers_are_blanked() -> None:
    import ast

    from sqlmodel_cascade_lint.extract import without_bulk

    table = b"link = Table(\n    'hero_team',\n" + b"".join(b"    Column('c%d', Integer),\n" % i for i in range(60)) + b")\n"
    data_literal = b"DATA = {\n" + b"".join(b"    'k%d': %d,\n" % (i, i) for i in range(100)) + b"}\n"
    small = b"CASCADE = 'all, delete-orphan'\n"
    source = HEADER + table + data_literal + small + b"x = 1; " + data_literal.replace(b"\n", b" ") + b"\n"
    out = without_bulk(source, ast.parse(source))
    assert out.count(b"\n") == source.count(b"\n")  # positions unchanged
    assert table in out and small in out
    assert b"'k5': 5" in out  # the one-line copy shares its line with the small `x = 1`: kept whole
    assert data_literal not in out
    ast.parse(out)
