"""Family 0: files the linter could not read, and failures of the linter itself."""

from __future__ import annotations

from typing import Iterator

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Severity
from sqlmodel_cascade_lint.facts import ModuleFacts
from sqlmodel_cascade_lint.rules import Context, rule


@rule("SCL001", Severity.ERROR)
def syntax_error(module: ModuleFacts, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for files that cannot be parsed.

    ## Why is this bad?
    A file that does not parse cannot be imported, so none of its models exist at run time, and
    the linter cannot check it either. Tutorials people copy from sometimes contain exactly this:
    a field named with a keyword (`class: str`) or an unclosed parenthesis.

    ## When it breaks
    Import: Python raises `SyntaxError` when the module is imported. The linter asks the running
    Python's own parser (`ast.parse`, which never runs the code) first, so the message and the
    position are the ones Python gives; code that needs a newer Python than the one running the
    linter is reported too. Python 2 code, unclosed brackets, bad indentation, a field named
    with a keyword (`class: str`), NUL bytes and expressions nested too deeply for Python are
    all syntax errors.

    Two messages say "cannot check" instead, and are not mistakes in your code: a few valid
    but unusual constructs, such as a parenthesised annotated target `(x): int = 1`, are
    rejected by libcst (the parser the linter uses) although Python accepts them; and
    expressions nested more than 500 levels deep are not handed to libcst, whose native parser
    would crash. Such files are not checked; nothing else is affected.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
    ```

    ## Known problems
    A checked file that does not mention SQLModel and that no model of the project depends on
    is not parsed (that keeps scans of large repositories fast), so its syntax errors are left
    to the tools that check every file, such as ruff.
    """
    failure = module.failure
    if failure is None or failure.kind not in ("syntax", "recursion", "parser"):
        return
    if failure.kind in ("recursion", "parser"):
        yield ctx.report(failure.span, f"cannot check `{module.path}`: {failure.message}")
        return
    yield ctx.report(failure.span, f"syntax error: {failure.message}; the module cannot be imported")


@rule("SCL002", Severity.ERROR)
def internal_error(module: ModuleFacts, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for failures of the linter itself while checking a file.

    ## Why is this bad?
    A rule crashed on this file (or reading the file's facts did), so the file was not fully
    checked. The message names the rule's code, the file, the exception and where in the
    linter it was raised. The other rules and files were still checked. The run exits with
    code 2 so that CI notices, and this finding is reported whatever `--select` says.

    ## When it breaks
    Never at run time of your code: this is a bug in sqlmodel-cascade-lint. Report it with the
    file that triggers it.

    ## Example
    ```python
    # (no example: any code that makes a rule crash)
    ```

    ## Use instead
    ```python
    # (nothing to change in your code)
    ```
    """
    return iter(())  # reported by the engine, never by this function


@rule("SCL003", Severity.ERROR)
def unreadable_file(module: ModuleFacts, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for files that cannot be read or decoded.

    ## Why is this bad?
    A source file that cannot be decoded (bytes that are not valid in its declared encoding, an
    unknown `coding:` cookie) cannot be imported, and the linter cannot check it. A file that
    exists but cannot be read (no permission, an I/O error) is reported here too, so that a
    file is never silently left unchecked.

    Things that are not files are not findings: a FIFO, a socket or device, a broken or looping
    symbolic link, or a file deleted while the scan runs is skipped with a one-line
    `warning: skipped PATH: REASON` on standard error, and does not change the exit code. A
    folder named `x.py` is a folder: the files in it are checked.

    ## When it breaks
    Import: Python raises `SyntaxError` (or `UnicodeDecodeError`) when the module is imported,
    `PermissionError` or `OSError` when it cannot be read.

    ## Example
    ```python
    # -*- coding: no-such-codec -*-
    from sqlmodel import SQLModel
    ```

    ## Use instead
    ```python
    # -*- coding: utf-8 -*-
    from sqlmodel import SQLModel
    ```

    ## Known problems
    A checked file that does not mention SQLModel and that no model of the project depends on
    is not parsed at all (that keeps scans of large repositories fast), so its syntax and
    encoding errors are left to the tools that check every file, such as ruff.
    """
    failure = module.failure
    if failure is None or failure.kind not in ("decode", "read"):
        return
    if failure.kind == "read":
        yield ctx.report(failure.span, f"`{module.path}` {failure.message}; the file was not checked")
    else:
        yield ctx.report(failure.span, f"{failure.message}; the module cannot be imported")


@rule("SCL004", Severity.WARNING, default=False, fixable=True)
def unused_noqa(module: ModuleFacts, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for `# noqa` comments naming `SCL` codes that suppress nothing.

    ## Why is this bad?
    A `# noqa: SCL101` comment that no longer suppresses anything (the mistake was fixed, or
    the code was mistyped) hides the next real finding on that line. Codes of other tools
    (`E501`, `RUF100`) and bare `# noqa` comments are left alone, and so are codes of rules
    that are not enabled for the file. This rule is off by default, like ruff's `RUF100`:
    turn it on with `extend-select = ["SCL004"]`.

    ## When it breaks
    Never at run time: this is about the linter's own comments.

    ## Example
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str  # noqa: SCL101
    ```

    ## Use instead
    ```python
    from sqlmodel import Field, SQLModel


    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        name: str
    ```

    ## Fix safety
    The fix removes the unused codes, or the whole directive when none is left. It is safe:
    the codes it removes suppress nothing.
    """
    return iter(())  # reported by the engine's suppression pass
