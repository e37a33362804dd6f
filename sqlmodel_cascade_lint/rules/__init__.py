"""The rule registry.

A rule is a function decorated with `@rule(code, severity)`. The decorator takes the rule's
name from the function name (snake_case to kebab-case), its subject from the type of the first
parameter (`RelationshipDecl`, `FieldDecl`, `ClassDecl` or `ModuleFacts`), and its summary
from the first line of the docstring.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Fix, Related, Severity
from sqlmodel_cascade_lint.facts import ClassDecl, FieldDecl, ModuleFacts, RelationshipDecl, Span
from sqlmodel_cascade_lint.project import Project

SUBJECTS = {
    "RelationshipDecl": RelationshipDecl,
    "FieldDecl": FieldDecl,
    "ClassDecl": ClassDecl,
    "ModuleFacts": ModuleFacts,
}

RuleFunc = Callable[[Any, "Context"], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    subject: type
    func: RuleFunc
    doc: str
    default_enabled: bool = True
    fixable: bool = False

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""

    def section(self, title: str) -> str:
        """The text of one `## title` section of the docstring, without its heading."""
        match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", self.doc, re.M | re.S)
        return match.group(1).strip() if match else ""


REGISTRY: Dict[str, Rule] = {}

_FAMILIES = ("internal", "cascade", "back_populates", "foreign_keys", "arguments", "targets")


def rule(code: str, severity: Severity, *, default: bool = True, fixable: bool = False
         ) -> Callable[[RuleFunc], RuleFunc]:
    if not re.fullmatch(r"SCL\d{3}", code):
        raise ValueError(f"bad rule code {code!r}")

    def register(func: RuleFunc) -> RuleFunc:
        if code in REGISTRY:
            raise ValueError(f"rule code {code} is used twice")
        params = list(inspect.signature(func).parameters.values())
        annotation = params[0].annotation
        subject_name = annotation if isinstance(annotation, str) else annotation.__name__
        if subject_name not in SUBJECTS:
            raise ValueError(f"{func.__name__}: unknown subject type {subject_name}")
        REGISTRY[code] = Rule(
            code=code,
            name=func.__name__.replace("_", "-"),
            severity=severity,
            subject=SUBJECTS[subject_name],
            func=func,
            doc=inspect.cleandoc(func.__doc__ or ""),
            default_enabled=default,
            fixable=fixable,
        )
        return func

    return register


def load_rules() -> Dict[str, Rule]:
    for family in _FAMILIES:
        importlib.import_module(f"sqlmodel_cascade_lint.rules.{family}")
    return dict(sorted(REGISTRY.items()))


@dataclass
class Context:
    """What a rule may use: the project index, and a way to report."""

    project: Project
    rule: Rule
    path: str
    diagnostics: List[Diagnostic] = field(default_factory=list)

    def report(self, span: Span, message: str, *, path: Optional[str] = None,
               related: Iterable[Tuple[str, Span, str]] = (), fix: Optional[Fix] = None) -> Diagnostic:
        return Diagnostic(
            code=self.rule.code,
            name=self.rule.name,
            severity=self.rule.severity,
            message=message,
            path=path or self.path,
            span=span,
            related=tuple(Related(p, s, m) for p, s, m in related),
            fix=fix,
        )


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> Optional[str]:
    """The closest of `choices` to `word`, trying case and separator variants first."""
    import difflib

    options = sorted(set(choices))
    if not options:
        return None
    norm = _normalise(word)
    for option in options:
        if _normalise(option) == norm:
            return option
    found = difflib.get_close_matches(word, options, n=1, cutoff=cutoff)
    if found:
        return found[0]
    lowered = {o.lower(): o for o in options}
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def _normalise(word: str) -> str:
    return re.sub(r"[\s_\-]", "", word).lower()
