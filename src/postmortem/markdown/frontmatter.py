"""YAML frontmatter: the ``---`` block at the top of a post-mortem, read and updated in place.

The body after the block is never touched: :func:`update_frontmatter` rewrites only the lines of the keys that
change, keeps the document's line ending, and returns the text unchanged when nothing changes (so a rerun
writes nothing). YAML is read with the safe loader and written with ``yaml.safe_dump``, never by concatenation.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from postmortem.errors import PostmortemError

__all__ = [
    "DocumentError",
    "dump_yaml",
    "frontmatter_lines",
    "load_yaml",
    "split_block",
    "split_frontmatter",
    "update_frontmatter",
]


class DocumentError(PostmortemError):
    """A post-mortem document in the repository cannot be read (e.g. its frontmatter is not valid YAML)."""


_FRONTMATTER = re.compile(
    r"\A(?P<open>\ufeff?---[ \t]*\r?\n)(?P<yaml>.*?)(?P<close>^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z))",
    re.DOTALL | re.MULTILINE,
)
_YAML = YAMLHandler()


def split_block(text: str) -> tuple[tuple[str, str, str, str] | None, str]:
    """``((open, yaml, close, body), body)`` or ``(None, text)`` when the text has no frontmatter block."""
    match = _FRONTMATTER.match(text)
    if match is None:
        return None, text
    body = text[match.end() :]
    return (match["open"], match["yaml"], match["close"], body), body


def load_yaml(source: str) -> dict[str, Any]:
    try:
        data = _YAML.load(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise DocumentError(f"the frontmatter is not valid YAML{where}: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DocumentError(f"the frontmatter must be a mapping of keys, not {type(data).__name__}")
    return data


def dump_yaml(data: Mapping[str, Any]) -> str:
    stream = io.StringIO()
    yaml.safe_dump(
        dict(data), stream, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
    )
    return stream.getvalue()


def split_frontmatter(text: str) -> tuple[dict[str, Any], str]:
    """The document's frontmatter metadata and its body.

    The body is exactly the text after the closing ``---`` line (not stripped), so the metadata block plus the
    body is the whole text. Text without a frontmatter block gives ``({}, text)``. Raises
    :class:`DocumentError` when the block is not valid YAML or not a mapping.
    """
    parts, body = split_block(text)
    if parts is None:
        return {}, text
    return load_yaml(parts[1]), body


def update_frontmatter(text: str, changes: Mapping[str, Any]) -> str:
    """``text`` with ``changes`` applied to its frontmatter only.

    The body stays byte-identical (line endings, trailing spaces); keys keep their order and new keys are
    appended. Only the lines of the keys that change are rewritten, so what people wrote elsewhere in the
    frontmatter (comments, their own keys and layout) stays; where that cannot be done faithfully (flow
    style, anchors), the block is dumped anew. When nothing changes, ``text`` is returned as is (so a rerun
    writes nothing). The block keeps the document's line ending. Text without frontmatter gets a new block in
    front.
    """
    parts, body = split_block(text)
    if parts is None:
        return f"---\n{dump_yaml(changes)}---\n{text}" if changes else text
    opening, source, closing, _ = parts
    current = load_yaml(source)
    updated = dict(current)
    updated.update(changes)
    if updated == current and list(updated) == list(current):
        return text
    newline = "\r\n" if opening.endswith("\r\n") else "\n"
    dumped = _replace_keys(source.replace("\r\n", "\n"), current, updated)
    if dumped is None:
        dumped = dump_yaml(updated)
    return f"{opening}{dumped.replace(chr(10), newline)}{closing}{body}"


def _replace_keys(source: str, current: Mapping[str, Any], updated: Mapping[str, Any]) -> str | None:
    """``source`` (LF) with the top-level keys whose value changed rewritten in place, new keys appended; None
    when the result would not load back as ``updated``."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for key, value in updated.items():
        if key in current and current[key] == value:
            continue
        block = dump_yaml({key: value}).splitlines(keepends=True)
        start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
        if start is None:
            lines.extend(block)
            continue
        end = start + 1
        while end < len(lines):
            if lines[end][:1] in (" ", "\t", "-"):
                end += 1
                continue
            # blank lines belong to the block only when it goes on after them (a literal block scalar)
            after = next((line for line in lines[end:] if line.strip()), "")
            if not lines[end].strip() and after[:1] in (" ", "\t"):
                end += 1
                continue
            break
        lines[start:end] = block
    result = "".join(lines)
    try:
        return result if load_yaml(result) == dict(updated) else None
    except DocumentError:
        return None


def frontmatter_lines(text: str) -> int:
    """How many lines the frontmatter block takes at the top of ``text`` (0 without one)."""
    parts, _ = split_block(text)
    if parts is None:
        return 0
    block = parts[0] + parts[1] + parts[2]
    # Lines are counted as everywhere (a lone "\r" ends one too); the block ends with its closing line's ending.
    return len(block.replace("\r\n", "\n").replace("\r", "\n").split("\n")) - (
        1 if block.endswith(("\n", "\r")) else 0
    )
