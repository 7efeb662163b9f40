"""Model text -> statements (lavaan-style syntax).

A model is a sequence of statements ``lhs op rhs1 + rhs2 + ...``. Supported
operators: ``=~`` (is measured by), ``~~`` (covariance), ``~1`` (intercept/mean),
``|`` (thresholds of an ordered item, ``x | t1 + t2``) and ``~*~`` (scale factor of an
ordered item, ``x ~*~ x``).
Each right-hand term may carry modifiers joined by ``*``: a number (fixed value),
``NA`` (free), a label, ``start(v)`` (starting value), or a per-group vector
``c(...)`` of any of these. ``#`` and ``!`` start comments; a statement continues on
the next line when the line ends with an operator or ``+``, as in lavaan. A term
repeated within one statement has its modifiers merged, as lavaan does with
``f =~ NA*x1 + a*x1`` (the form semTools' ``measEq.syntax`` writes).
Errors are :class:`~werkalliantie_stats.exceptions.ModelSyntaxError` pointing at the
line and position with a caret.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from werkalliantie_stats.exceptions import ModelSyntaxError

__all__ = ["Modifier", "Statement", "Term", "parse_model"]

_OPERATORS = ("=~", "~*~", "~~", "~1", "|", "~")
_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


@dataclass(frozen=True)
class Modifier:
    """One modifier value: ``fixed`` (a number), ``free`` (NA), ``label`` or ``start``."""

    kind: str
    value: float | str | None = None


@dataclass(frozen=True)
class Term:
    """A right-hand-side term with its modifiers (one tuple per group-vector slot)."""

    name: str
    modifiers: tuple[tuple[Modifier, ...], ...] = ()


@dataclass(frozen=True)
class Statement:
    """A parsed statement with its source position (1-based line)."""

    lhs: str
    op: str
    terms: tuple[Term, ...] = field(default_factory=tuple)
    line: int = 0


def _error(message: str, lines: list[str], lineno: int, col: int) -> ModelSyntaxError:
    text = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    caret = " " * max(col - 1, 0) + "^"
    return ModelSyntaxError(f"{message} (line {lineno}, position {col}):\n  {text}\n  {caret}")


def _strip_comment(line: str) -> str:
    for marker in ("#", "!"):
        cut = line.find(marker)
        if cut >= 0:
            line = line[:cut]
    return line


def _logical_statements(lines: list[str]) -> list[tuple[str, int, list[int]]]:
    """Join continuation lines; return (text, first line, offsets map to (line, col))."""
    statements, buffer, start, origin = [], "", 0, []
    for lineno, raw in enumerate(lines, start=1):
        for piece in _strip_comment(raw).split(";"):
            if not piece.strip():
                continue
            if not buffer:
                start = lineno
            for col, ch in enumerate(piece, start=1):
                buffer += ch
                origin.append((lineno, col))
            stripped = buffer.rstrip()
            if stripped.endswith(("+", "*", "=~", "~~", "~", "|", ",", "(")):
                buffer += " "
                origin.append((lineno, len(piece) + 1))
                continue
            statements.append((buffer, start, origin))
            buffer, origin = "", []
    if buffer.strip():
        statements.append((buffer, start, origin))
    return statements


def _split_top(text: str, sep: str) -> list[tuple[str, int]]:
    """Split at ``sep`` outside parentheses; return pieces with their offsets."""
    pieces, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == sep and depth == 0:
            pieces.append((text[begin:i], begin))
            begin = i + 1
    pieces.append((text[begin:], begin))
    return pieces


def _parse_value(token: str) -> Modifier:
    token = token.strip().strip("'\"")
    if token in ("NA", "NA_real_"):
        return Modifier("free")
    if _NUMBER.match(token):
        return Modifier("fixed", float(token))
    start = re.match(r"^start\((.*)\)$", token)
    if start:
        return Modifier("start", float(start.group(1)))
    if _NAME.match(token):
        return Modifier("label", token)
    raise ValueError(token)


def _parse_modifier(token: str) -> tuple[Modifier, ...]:
    token = token.strip()
    vector = re.match(r"^c\((.*)\)$", token)
    if vector:
        return tuple(_parse_value(v) for v in vector.group(1).split(","))
    return (_parse_value(token),)


def _parse_term(text: str) -> Term:
    parts = [p for p, _ in _split_top(text, "*")]
    name = parts[-1].strip()
    if not _NAME.match(name):
        raise ValueError(name)
    return Term(name, tuple(_parse_modifier(p) for p in parts[:-1]))


def _find_operator(text: str) -> tuple[str, int]:
    for i in range(len(text)):
        for op in _OPERATORS:
            if text.startswith(op, i):
                if op == "~" and text.startswith("~~", i):
                    return "~~", i
                return op, i
    return "", -1


def _merge_terms(terms: list[Term]) -> tuple[Term, ...]:
    """Join repeated terms of one statement (``NA*x + a*x``) into one, modifiers in order."""
    merged: dict[str, Term] = {}
    for term in terms:
        before = merged.get(term.name)
        merged[term.name] = term if before is None else Term(
            term.name, before.modifiers + term.modifiers)
    return tuple(merged.values())


def _intercept_statement(lhs: str, rhs: str, start: int, lines: list[str],
                         at: tuple[int, int]) -> Statement:
    modifiers: tuple = ()
    for piece, _ in _split_top(rhs, "+"):
        parts = [p for p, _ in _split_top(piece, "*")]
        if parts[-1].strip() != "1":
            raise _error("regressions ('~') are not part of a CFA model; use '~~' for a "
                         "covariance or 'x ~ 1' for an intercept", lines, *at)
        try:
            modifiers += tuple(_parse_modifier(p) for p in parts[:-1])
        except ValueError as exc:
            raise _error(f"cannot read {str(exc).strip()!r} in intercept", lines,
                         *at) from None
    return Statement(lhs, "~1", (Term("", modifiers),), start)


def _parse_statement(text: str, start: int, origin: list, lines: list[str]) -> Statement:
    def where(offset: int) -> tuple[int, int]:
        return origin[min(max(offset, 0), len(origin) - 1)] if origin else (start, 1)

    op, at = _find_operator(text)
    if not op:
        first = len(text) - len(text.lstrip())
        raise _error("no operator (=~, ~~, ~1, |, ~*~) found in statement", lines, *where(first))
    lhs = text[:at].strip()
    if not _NAME.match(lhs):
        raise _error(f"invalid left-hand side {lhs!r}", lines, *where(0))
    rhs_text = text[at + len(op):]
    if op == "~":
        return _intercept_statement(lhs, rhs_text, start, lines, where(at))
    terms = []
    for piece, offset in _split_top(rhs_text, "+"):
        if not piece.strip():
            raise _error("empty term (a '+' without a variable)", lines,
                         *where(at + len(op) + offset))
        try:
            terms.append(_parse_term(piece))
        except ValueError as exc:
            col = at + len(op) + offset + max(piece.find(str(exc).strip()), 0)
            raise _error(f"cannot read {str(exc).strip()!r} in term {piece.strip()!r}",
                         lines, *where(col)) from None
    intercept = [t for t in terms if t.name == "1"]
    if intercept and op == "~~":
        raise _error("'1' is not a variable", lines, *where(at))
    if op == "~*~" and any(t.name != lhs for t in terms):
        raise _error(f"a scale factor is written '{lhs} ~*~ {lhs}' (same variable on both "
                     "sides)", lines, *where(at))
    return Statement(lhs, op, _merge_terms(terms), start)


def parse_model(model: str) -> list[Statement]:
    """Parse lavaan-style model text into statements.

    Parameters
    ----------
    model : str
        Model text, e.g. ``"visual =~ x1 + x2 + x3"``.

    Returns
    -------
    list of Statement

    Raises
    ------
    ModelSyntaxError
        With the line, the position and a caret under the offending spot.
    """
    if not isinstance(model, str):
        raise TypeError(f"parse_model: `model` must be a string, got {type(model).__name__}")
    lines = model.splitlines()
    statements = [_parse_statement(text, start, origin, lines)
                  for text, start, origin in _logical_statements(lines)]
    if not statements:
        raise ModelSyntaxError("parse_model: the model text has no statements")
    return statements
