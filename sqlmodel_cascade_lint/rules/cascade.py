"""Family 1: cascades, and what they do depending on the relationship's direction."""

from __future__ import annotations

from typing import Iterator, List, Optional

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Edit, Fix, Severity
from sqlmodel_cascade_lint.facts import RelationshipDecl
from sqlmodel_cascade_lint.rules import Context, did_you_mean, rule
from sqlmodel_cascade_lint.semantics import CASCADE_TOKENS, cascade_arg, split_cascade


def _suggest(token: str) -> Optional[str]:
    """What an invalid cascade token was probably meant to be."""
    stripped = token.strip()
    lowered = stripped.lower().replace("_", "-")
    if lowered in CASCADE_TOKENS:
        return lowered
    if lowered.replace(" ", "-") in CASCADE_TOKENS:
        return lowered.replace(" ", "-")
    for separator in (" ", ";", "|", "+", "/"):
        parts = [p for p in lowered.split(separator) if p]
        if len(parts) > 1 and all(p.strip() in CASCADE_TOKENS for p in parts):
            return ", ".join(p.strip() for p in parts)
    return did_you_mean(lowered, CASCADE_TOKENS, cutoff=0.7)


@rule("SCL101", Severity.ERROR, fixable=True)
def invalid_cascade_token(rel: RelationshipDecl, ctx: Context) -> Iterator[Diagnostic]:
    """Checks for cascade strings with a token SQLAlchemy does not know.

    ## Why is this bad?
    SQLAlchemy splits a cascade string on commas only, keeps the case and the surrounding
    whitespace of the whole string, and accepts exactly eight tokens: `save-update`, `merge`,
    `expunge`, `delete`, `delete-orphan`, `refresh-expire`, `all` and `none`. Anything else,
    such as `delete_orphan`, `Delete`, `" all"` or `all delete-orphan` (a space instead of a
    comma), is rejected.

    ## When it breaks
    Class definition: the `relationship()` constructor raises
    `ArgumentError: Invalid cascade option(s): 'delete_orphan'` when the model class is defined,
    that is when its module is imported.

    ## Example
    ```python
    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all, delete_orphan"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Use instead
    ```python
    class Team(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        heroes: list["Hero"] = Relationship(
            back_populates="team", sa_relationship_kwargs={"cascade": "all, delete-orphan"}
        )


    class Hero(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        team_id: int | None = Field(default=None, foreign_key="team.id")
        team: Team | None = Relationship(back_populates="heroes")
    ```

    ## Fix safety
    The fix rewrites the cascade string with the suggested tokens. It is safe: the original
    string cannot work, and the fix keeps every token's meaning.
    """
    arg = cascade_arg(rel)
    if arg is None:
        return
    value = arg.value.value
    if not isinstance(value, str):
        return
    tokens = split_cascade(value)
    bad = [t for t in tokens if t not in CASCADE_TOKENS]
    if not bad:
        return
    fixed: List[str] = []
    suggestions = {}
    for token in tokens:
        if token in CASCADE_TOKENS:
            fixed.append(token)
            continue
        suggestion = _suggest(token)
        suggestions[token] = suggestion
        if suggestion is None:
            fixed = []
            break
        fixed.append(suggestion)
    names = ", ".join(f"`{t!r}`" if t != t.strip() else f"`{t}`" for t in bad)
    plural = "s" if len(bad) > 1 else ""
    message = (f"`{rel.symbol}` has invalid cascade token{plural} {names} in `{value}`; "
               f"SQLAlchemy raises `ArgumentError` when `{rel.owner}` is defined")
    hints = [f"`{t}` means `{s}`" for t, s in suggestions.items() if s is not None]
    if hints:
        message += f" (did you mean: {'; '.join(hints)}?)"
    fix = None
    if fixed:
        new = ", ".join(dict.fromkeys(fixed))
        fix = Fix(f"Replace `{value}` with `{new}`", (Edit(arg.value.span, f'"{new}"'),))
    yield ctx.report(arg.value.span, message, fix=fix)
