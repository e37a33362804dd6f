"""The command line. The only module that prints or exits."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence, Set, Tuple

import click

from sqlmodel_cascade_lint import __version__
from sqlmodel_cascade_lint.diagnostics import LintError
from sqlmodel_cascade_lint.engine import Options, lint
from sqlmodel_cascade_lint.reporters import REPORTERS
from sqlmodel_cascade_lint.rules import load_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(values: Sequence[str], known: Sequence[str], option: str) -> Set[str]:
    """Expand codes and prefixes (`SCL1`, `SCL101`, `ALL`) into full codes."""
    out: Set[str] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip().upper()
            if not part:
                continue
            if part == "ALL":
                out.update(known)
                continue
            matched = [c for c in known if c.startswith(part)]
            if not matched:
                raise click.BadParameter(
                    f"unknown rule code or prefix {part!r}; known codes: {', '.join(known)}",
                    param_hint=option,
                )
            out.update(matched)
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sqlmodel-cascade-lint")
def cli() -> None:
    """Static linter for SQLModel relationships: cascades, back_populates, foreign keys."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output-format", type=click.Choice(sorted(REPORTERS)), default="full",
              show_default=True, help="How findings are printed.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these rule codes or prefixes (comma separated), e.g. SCL1,SCL201.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Skip these rule codes or prefixes.")
@click.option("--exit-zero", is_flag=True, help="Exit with 0 even when there are findings.")
@click.option("--no-gitignore", "no_gitignore", is_flag=True,
              help="Also check files that .gitignore excludes.")
def check(paths: Tuple[Path, ...], output_format: str, select: Tuple[str, ...], ignore: Tuple[str, ...],
          exit_zero: bool, no_gitignore: bool) -> None:
    """Check PATHS (files or folders; default: the current folder)."""
    rules = load_rules()
    known = list(rules)
    chosen: Optional[Set[str]] = None
    if select:
        chosen = _codes(select, known, "--select")
    if ignore:
        base = chosen if chosen is not None else {c for c, r in rules.items() if r.default_enabled}
        chosen = base - _codes(ignore, known, "--ignore")
    options = Options(select=chosen, respect_gitignore=not no_gitignore)
    try:
        result = lint(list(paths) or [Path(".")], options)
    except LintError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for path, reason in result.skipped:
        click.echo(f"warning: skipped {path}: {reason}", err=True)
    click.echo(REPORTERS[output_format](result), nl=False)
    if result.internal_errors:
        sys.exit(EXIT_ERROR)
    if result.diagnostics and not exit_zero:
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


@cli.command(name="rule")
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every rule.")
def rule_command(code: Optional[str], show_all: bool) -> None:
    """Show the documentation of rule CODE, or list all rules with --all."""
    rules = load_rules()
    if show_all or code is None:
        for r in rules.values():
            state = "on" if r.default_enabled else "off"
            click.echo(f"{r.code}  {r.name:<42} {r.severity.value:<8} {state:<4} {r.summary}")
        return
    found = rules.get(code.upper())
    if found is None:
        click.echo(f"error: unknown rule code {code!r}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"# {found.name} ({found.code})\n\nSeverity: {found.severity.value}\n\n{found.doc}")


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
