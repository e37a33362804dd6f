"""Applying the edits of fixes to source text. Pure text in, text out: the CLI reads and writes."""

from __future__ import annotations

import codecs
import io
import re
import tokenize
from typing import List, Optional, Sequence, Tuple

from sqlmodel_cascade_lint.diagnostics import Diagnostic, Fix
from sqlmodel_cascade_lint.facts import Span

_NEWLINE = re.compile(r"\r\n?|\n")


def applicable(d: Diagnostic, unsafe: bool) -> bool:
    return d.fix is not None and bool(d.fix.edits) and (d.fix.applicability == "safe" or unsafe)


def _offsets(text: str) -> List[int]:
    return [0] + [m.end() for m in _NEWLINE.finditer(text)]


def _offset(starts: List[int], text: str, line: int, column: int) -> Optional[int]:
    if not 1 <= line <= len(starts):
        return None
    offset = starts[line - 1] + column - 1
    end = starts[line] if line < len(starts) else len(text)
    return offset if starts[line - 1] <= offset <= end else None


def apply_fixes(text: str, diagnostics: Sequence[Diagnostic], *, unsafe: bool = False
                ) -> Tuple[str, List[Diagnostic]]:
    """`text` with the fixes of `diagnostics` applied, and the diagnostics whose fix was applied.

    Fixes are taken in source order; a fix whose edits overlap an earlier one is left for the
    next pass (the caller lints again).
    """
    starts = _offsets(text)
    chosen: List[Tuple[int, int, str]] = []
    applied: List[Diagnostic] = []
    taken: List[Tuple[int, int]] = []
    seen_fixes: List[Fix] = []
    for d in sorted((d for d in diagnostics if applicable(d, unsafe)), key=Diagnostic.sort_key):
        assert d.fix is not None
        if d.fix in seen_fixes:
            applied.append(d)
            continue
        edits = []
        for edit in d.fix.edits:
            start = _offset(starts, text, edit.span.line, edit.span.column)
            end = _offset(starts, text, edit.span.end_line, edit.span.end_column)
            if start is None or end is None or end < start:
                edits = []
                break
            edits.append((start, end, edit.content))
        if not edits:
            continue
        if any(s < t_end and t_start < e or (s == e == t_start) for s, e, _ in edits
               for t_start, t_end in taken):
            continue
        chosen.extend(edits)
        taken.extend((s, e) for s, e, _ in edits)
        applied.append(d)
        seen_fixes.append(d.fix)
    for start, end, content in sorted(chosen, reverse=True):
        text = text[:start] + content + text[end:]
    return text, applied


def encoding_of(data: bytes) -> Optional[str]:
    """The encoding a source file declares, or None when it cannot be decoded exactly."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        data.decode(encoding)
        codecs.lookup(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return None
    return encoding


def fix_source(data: bytes, diagnostics: Sequence[Diagnostic], *, unsafe: bool = False
               ) -> Tuple[bytes, List[Diagnostic]]:
    """Bytes in, bytes out, keeping the file's encoding. Undecodable files are left alone."""
    encoding = encoding_of(data)
    if encoding is None:
        return data, []
    text = data.decode(encoding)
    bom = encoding == "utf-8-sig"
    new, applied = apply_fixes(text, diagnostics, unsafe=unsafe)
    if not applied or new == text:
        return data, []
    out = new.encode(encoding)
    if bom and not out.startswith(codecs.BOM_UTF8):
        out = codecs.BOM_UTF8 + out
    return out, applied


def span_text(text: str, span: Span) -> str:
    starts = _offsets(text)
    start = _offset(starts, text, span.line, span.column)
    end = _offset(starts, text, span.end_line, span.end_column)
    return "" if start is None or end is None else text[start:end]
