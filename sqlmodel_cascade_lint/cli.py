"""The command line. The only module that prints or exits."""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import click

from sqlmodel_cascade_lint import __version__, config
from sqlmodel_cascade_lint.diagnostics import LintError
from sqlmodel_cascade_lint.engine import LintResult, Options, decode, display_path, lint
from sqlmodel_cascade_lint.fixes import applicable, fix_source
from sqlmodel_cascade_lint.reporters import REPORTERS, TEXT_FORMATS, Report, format_statistics
from sqlmodel_cascade_lint.ruledocs import metadata, render_rule, rule_json
from sqlmodel_cascade_lint.progress import progress_for
from sqlmodel_cascade_lint.rules import load_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
MAX_FIX_PASSES = 10
STDIN = Path("-")


def _list(values: Sequence[str]) -> Tuple[str, ...]:
    """Repeated and comma-separated option values, as one tuple."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _per_file(values: Sequence[str]) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    out = []
    for value in values:
        pattern, sep, codes = value.rpartition(":")
        if not sep or not pattern or not codes.strip():
            raise config.ConfigError(
                f"command line: `--per-file-ignores` takes GLOB:CODES, e.g. `tests/*:SCL1`, not `{value}`"
            )
        out.append((pattern, _list([codes])))
    return tuple(out)


def _use_color(choice: str, to_file: bool) -> bool:
    if choice == "always":
        return True
    if choice == "never" or to_file:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "").lower() not in ("", "0", "false"):
        return True
    return sys.stdout.isatty()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sqlmodel-cascade-lint")
def cli() -> None:
    """Static linter for SQLModel relationships: cascades, back_populates, foreign keys."""


@cli.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path), metavar="PATH",
              help="Read settings from this file (a pyproject.toml or a TOML file with the settings "
                   "at top level) instead of looking for pyproject.toml.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("--output-format", type=click.Choice(sorted(REPORTERS)), default=None,
              help="How findings are printed [default: full].")
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule codes or prefixes (comma separated), e.g. SCL1,SCL201. "
                   "Replaces `select` from the configuration.")
@click.option("--extend-select", multiple=True, metavar="CODES",
              help="Also these codes; name a rule that is off by default to turn it on.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes.")
@click.option("--per-file-ignores", multiple=True, metavar="GLOB:CODES",
              help="Skip codes in files matching GLOB, e.g. 'tests/*:SCL1'.")
@click.option("--exclude", multiple=True, metavar="PATTERNS",
              help="gitignore-style patterns of files to skip (replaces `exclude`).")
@click.option("--extend-exclude", multiple=True, metavar="PATTERNS", help="More patterns to skip.")
@click.option("--respect-gitignore/--no-respect-gitignore", default=None,
              help="Skip files that .gitignore excludes [default: respect].")
@click.option("--no-gitignore", "no_gitignore", is_flag=True, hidden=True)
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Apply the exclusions to files named on the command line too (for pre-commit).")
@click.option("--fix/--no-fix", default=False, help="Apply safe fixes, then check again.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a diff instead of applying them.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule.")
@click.option("--stdin-filename", metavar="PATH",
              help="The path of the file read from standard input (with `-`).")
@click.option("--ignore-noqa", is_flag=True, help="Ignore `# noqa` comments.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, without the summary.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing; only the exit code tells.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text output. Honours NO_COLOR and FORCE_COLOR.")
@click.option("--exit-zero", is_flag=True, help="Exit with 0 even when there are findings.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes for parsing (default: one per core; small runs use one).")
@click.option("--no-cache", "no_cache", is_flag=True, help="Neither read nor write the facts cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="SQLMODEL_CASCADE_LINT_CACHE_DIR", show_envvar=True,
              help="Where the facts cache lives (default: <project root>/.sqlmodel_cascade_lint_cache).")
def check(paths: Tuple[Path, ...], config_path: Optional[Path], isolated: bool,
          output_format: Optional[str], output_file: Optional[Path], select: Tuple[str, ...],
          extend_select: Tuple[str, ...], ignore: Tuple[str, ...], per_file_ignores: Tuple[str, ...],
          exclude: Tuple[str, ...], extend_exclude: Tuple[str, ...], respect_gitignore: Optional[bool],
          no_gitignore: bool, force_exclude: Optional[bool], fix: bool, unsafe_fixes: bool, diff: bool,
          statistics: bool, stdin_filename: Optional[str], ignore_noqa: bool, quiet: bool, silent: bool,
          color: str, exit_zero: bool, jobs: Optional[int], no_cache: bool,
          cache_dir: Optional[Path]) -> None:
    """Check PATHS (files or folders; default: the current folder; `-` reads standard input)."""
    use_stdin = STDIN in paths
    if use_stdin and len(paths) > 1:
        _fail("`-` (standard input) cannot be combined with other paths")
    file_paths = [p for p in paths if p != STDIN]
    if stdin_filename and not paths:
        use_stdin = True
    try:
        rules = load_rules()
        known = list(rules)
        for key, values in (("--select", select), ("--extend-select", extend_select), ("--ignore", ignore)):
            config.check_codes(values, known, key, "command line")
        cli_settings = config.Settings(
            select=_list(select) if select else None,
            extend_select=_list(extend_select),
            ignore=_list(ignore),
            per_file_ignores=_per_file(per_file_ignores),
            exclude=_list(exclude),
            extend_exclude=_list(extend_exclude),
            respect_gitignore=False if no_gitignore else respect_gitignore,
            force_exclude=force_exclude,
            output_format=output_format,
        )
        anchor = file_paths or ([Path(stdin_filename)] if stdin_filename else [])
        file_settings = config.discover(anchor, config=config_path, isolated=isolated,
                                        output_formats=sorted(REPORTERS))
        resolved = config.resolve(file_settings.merged(cli_settings), rules)
    except LintError as exc:
        _fail(str(exc))
    options = Options(
        select=set(resolved.select),
        respect_gitignore=resolved.respect_gitignore,
        exclude=resolved.exclude,
        force_exclude=resolved.force_exclude,
        per_file_ignores=resolved.per_file_ignores,
        base=resolved.base,
        noqa=not ignore_noqa,
        jobs=jobs,
        cache=not no_cache,
        cache_dir=cache_dir,
    )
    fmt = resolved.output_format or "full"
    bar = None if silent else progress_for(sys.stderr, fmt)
    options.progress = bar

    stdin_data: Optional[Tuple[str, bytes]] = None
    if use_stdin:
        shown = display_path(Path(stdin_filename)) if stdin_filename else "-"
        stdin_data = (shown, sys.stdin.buffer.read())

    try:
        if diff:
            sys.exit(_diff(file_paths, options, stdin_data, unsafe_fixes, silent))
        fixed: Counter = Counter()
        if fix:
            result, fixed, stdin_data = _fix(file_paths, options, stdin_data, unsafe_fixes)
        else:
            result = _lint(file_paths, options, stdin_data)
    except LintError as exc:
        _fail(str(exc))
    finally:
        if bar is not None:
            bar.close()

    if not silent:
        for path, reason in result.skipped:
            click.echo(f"warning: skipped {path}: {reason}", err=True)
    if fix and stdin_data is not None:
        # ruff's convention: the fixed source goes to standard output, the report elsewhere
        sys.stdout.buffer.write(stdin_data[1])
        sys.stdout.buffer.flush()
        if output_file is None:
            _emit(result, fmt, statistics, quiet, silent, color, None, sum(fixed.values()), err=True)
    else:
        _emit(result, fmt, statistics, quiet, silent, color, output_file, sum(fixed.values()))
    if result.internal_errors:
        sys.exit(EXIT_ERROR)
    if result.diagnostics and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _lint(paths: List[Path], options: Options, stdin: Optional[Tuple[str, bytes]]) -> LintResult:
    if stdin is not None:
        return lint([], options, stdin=stdin)
    return lint(paths or [Path(".")], options)


def _fix(paths: List[Path], options: Options, stdin: Optional[Tuple[str, bytes]], unsafe: bool
         ) -> Tuple[LintResult, Counter, Optional[Tuple[str, bytes]]]:
    """Lint, apply fixes, lint again, until nothing more can be fixed."""
    fixed: Counter = Counter()
    result = _lint(paths, options, stdin)
    for _ in range(MAX_FIX_PASSES):
        changed = False
        for path, found in _by_path(result, unsafe).items():
            if stdin is not None and path == stdin[0]:
                data = stdin[1]
            else:
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    continue
            new, applied = fix_source(data, found, unsafe=unsafe)
            if not applied or new == data:
                continue
            if stdin is not None and path == stdin[0]:
                stdin = (path, new)
            else:
                Path(path).write_bytes(new)
            fixed.update(d.code for d in applied)
            changed = True
        if not changed:
            break
        result = _lint(paths, options, stdin)
    return result, fixed, stdin


def _by_path(result: LintResult, unsafe: bool) -> Dict[str, list]:
    out: Dict[str, list] = {}
    for d in result.diagnostics:
        if applicable(d, unsafe):
            out.setdefault(d.path, []).append(d)
    return out


def _diff(paths: List[Path], options: Options, stdin: Optional[Tuple[str, bytes]], unsafe: bool,
          silent: bool) -> int:
    result = _lint(paths, options, stdin)
    count = 0
    chunks: List[str] = []
    for path, found in sorted(_by_path(result, unsafe).items()):
        if stdin is not None and path == stdin[0]:
            data = stdin[1]
        else:
            data = Path(path).read_bytes()
        new, applied = fix_source(data, found, unsafe=unsafe)
        if not applied or new == data:
            continue
        count += len(applied)
        old_text = decode(data).splitlines(keepends=True)
        new_text = decode(new).splitlines(keepends=True)
        chunks.append("".join(difflib.unified_diff(old_text, new_text, fromfile=f"a/{path}",
                                                   tofile=f"b/{path}")))
    if not silent:
        for chunk in chunks:
            click.echo(chunk if chunk.endswith("\n") else chunk + "\n\\ No newline at end of file", nl=False)
        if count:
            click.echo(f"\nWould fix {count} error{'s' if count != 1 else ''}.", err=True)
        else:
            click.echo("No errors would be fixed.", err=True)
    return EXIT_FINDINGS if count else EXIT_CLEAN


def _emit(result: LintResult, fmt: str, statistics: bool, quiet: bool, silent: bool, color: str,
          output_file: Optional[Path], fixed: int, err: bool = False) -> None:
    if silent:
        return
    if statistics:
        text = format_statistics(result, as_json=fmt in ("json", "json-lines"))
        if not text and fmt not in ("json", "json-lines") and not quiet:
            text = "All checks passed!\n" if not fixed else f"Fixed {fixed} error{'s' if fixed != 1 else ''}.\n"
    else:
        text = REPORTERS[fmt](result, Report(quiet=quiet, fixed=fixed))
    use_color = _use_color(color, output_file is not None) and fmt in TEXT_FORMATS
    if output_file is not None:
        try:
            output_file.parent.mkdir(parents=True, exist_ok=True)
            output_file.write_text(click.unstyle(text), encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write `{output_file}`: {exc.strerror or exc}")
        return
    click.echo(text if use_color else click.unstyle(text), nl=False, color=use_color, err=err)


@cli.command(name="rule", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rule_command(code: Optional[str], show_all: bool, output_format: str) -> None:
    """Show the documentation of rule CODE, or list all rules with --all."""
    rules = load_rules()
    as_json = output_format == "json"
    if show_all or code is None:
        if as_json:
            click.echo(json.dumps([metadata(r) for r in rules.values()], indent=2))
            return
        width = max((len(r.name) for r in rules.values()), default=4)
        click.echo(f"{'CODE':<7} {'NAME':<{width}}  {'SEVERITY':<8} {'DEFAULT':<7} {'FIX':<3}  SUMMARY")
        for r in rules.values():
            state = "on" if r.default_enabled else "off"
            fixable = "yes" if r.fixable else "no"
            click.echo(f"{r.code:<7} {r.name:<{width}}  {r.severity.value:<8} {state:<7} {fixable:<3}  {r.summary}")
        return
    found = rules.get(code.upper())
    if found is None:
        by_name = [r for r in rules.values() if r.name == code.lower()]
        found = by_name[0] if by_name else None
    if found is None:
        _fail(f"unknown rule code {code!r}; known codes: {', '.join(rules)}")
        return
    if as_json:
        click.echo(json.dumps(rule_json(found), indent=2))
        return
    click.echo(render_rule(found), nl=False)


def _tolerant_streams() -> None:
    """Never fail on printing: paths may hold bytes that are not valid in the terminal's encoding."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a stream that cannot be reconfigured
                pass


def main(argv: Optional[Sequence[str]] = None) -> None:
    _tolerant_streams()
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="sqlmodel-cascade-lint",
                 standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: never end with a bare traceback
        click.echo(f"error: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
