"""One escaper per context in which user text lands in a document the action writes.

- :func:`inline`: one line of text inside a paragraph or list item (whitespace collapsed, raw ``<h1>``…
  ``<h6>`` tags made text).
- :func:`table_cell`: literal text shown in a table cell: :func:`inline`, then backslashes before a pipe made
  literal and every pipe escaped, so the cell shows exactly the text.
- :func:`cell_source`: Markdown *source* put into a cell (an issue reference, a cell read from another table):
  only pipes escaped, the exact inverse of :func:`postmortem.markdown.tables.unescape_cell`.
- :func:`block`: multi-line text as a block of its own: headings cannot escape into the document's structure
  and unterminated blocks (a fence, ``<pre>``, ``<!--``) are closed or fenced.

Every function is linear in its input: a bounded number of markdown-it *block* parses (no inline rules) and
scans that look at each character a bounded number of times.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.token import Token

from postmortem.markdown.fences import block_tokens, code_lines, code_spans, fence_for

__all__ = ["block", "cell_source", "inline", "one_line", "table_cell"]

_SETEXT_LIKE = re.compile(r"^([ \t>]*)([=-])([=-]*[ \t]*)$")
_ATX_LIKE = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
# Only a tag name follows the "<": no quantifier can overlap, whatever the text. An HTML comment opening too:
# user text must not hide from reviewers, nor read as a ``postmortem-lint`` directive.
_HTML_HEADING = re.compile(r"<(?=/?h[1-6](?:[\s/>]|$)|!--)", re.IGNORECASE)
_SENTINEL = "postmortem-sentinel-4f1c9e"
# Escaping one heading can (rarely) turn a neighbouring line into one; after this many block parses the text is
# fenced as a whole instead, so hostile text cannot buy one parse per line.
_MAX_HEADING_PASSES = 3


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (line breaks included) made one space, trimmed."""
    return " ".join(text.split())


def escape_html_headings(line: str) -> str:
    """``line`` with the ``<`` of raw ``<h1>``…``<h6>`` tags and ``<!--`` outside code spans made ``&lt;``."""
    if "<" not in line:
        return line
    parts: list[str] = []
    position = 0
    for start, end in code_spans(line):
        parts.append(_HTML_HEADING.sub("&lt;", line[position:start]))
        parts.append(line[start:end])
        position = end
    parts.append(_HTML_HEADING.sub("&lt;", line[position:]))
    return "".join(parts)


def inline(text: str) -> str:
    """One line of user text: whitespace collapsed to single spaces, trimmed, raw heading tags made text."""
    return escape_html_headings(one_line(text))


def cell_source(markdown: str) -> str:
    """Markdown source for a table cell: trimmed, every ``|`` escaped as ``\\|``.

    The inverse of reading a cell (:func:`postmortem.markdown.tables.unescape_cell`): what is written reads back
    as ``markdown`` (a NUL as U+FFFD, as markdown-it reads it). Raises ValueError on a line break, which no cell can hold.
    """
    if "\n" in markdown or "\r" in markdown:
        raise ValueError(f"a table cell cannot hold a line break: {markdown!r}")
    # markdown-it reads NUL as U+FFFD; writing that keeps the row splitting the same for it and for us.
    return markdown.strip().replace("|", "\\|").replace("\x00", "\ufffd")


def table_cell(text: str) -> str:
    """Literal user text for a table cell: one line; a pipe and the backslashes right before it show as typed.

    Backslashes right before a pipe are doubled and the pipe escaped (``a\\|b`` → ``a\\\\\\|b``), so neither
    the table's column split nor Markdown's backslash escapes eat a character.
    """
    out: list[str] = []
    backslashes = 0
    for char in inline(text):
        if char == "\\":
            backslashes += 1
            continue
        if char == "|":
            out.append("\\" * (2 * backslashes) + "\\|")
        else:
            out.append("\\" * backslashes + char)
        backslashes = 0
    out.append("\\" * backslashes)
    return "".join(out)


def _content_start(line: str) -> int:
    """Where a line's content starts after any container markers: indentation, ``>``, ``-``/``*``/``+`` and
    ``1.``/``1)`` list markers, in any order and nesting. A superset of what CommonMark strips (it ignores
    indentation limits), so every line that can hold a heading is found; one pass over the prefix."""
    index, length = 0, len(line)
    while index < length:
        char = line[index]
        if char in " \t>" or (char in "-*+" and (index + 1 == length or line[index + 1] in " \t")):
            index += 1
        elif char.isdigit():
            end = index
            while end < length and end - index < 9 and line[end].isdigit():
                end += 1
            if end < length and line[end] in ".)" and (end + 1 == length or line[end + 1] in " \t"):
                index = end + 1
            else:
                break
        else:
            break
    return index


_STRUCTURAL_START = frozenset("#=->*+0123456789")


def _escape_line(line: str) -> str:
    """A line with its setext underline or ATX ``#`` made literal and raw heading tags made text."""
    stripped = line.lstrip(" \t")
    if not stripped or (stripped[0] not in _STRUCTURAL_START and "<" not in line):
        return line  # most lines of prose: nothing can make them a heading
    if match := _SETEXT_LIKE.match(line):
        return f"{match.group(1)}\\{match.group(2)}{match.group(3)}"
    start = _content_start(line)
    hashes = 0
    while start + hashes < len(line) and line[start + hashes] == "#" and hashes < 7:
        hashes += 1
    if 1 <= hashes <= 6 and (start + hashes == len(line) or line[start + hashes] in " \t"):
        line = f"{line[:start]}\\{line[start:]}"
    return escape_html_headings(line)


def _force_escape(line: str) -> str:
    """``line`` escaped by :func:`_escape_line`, or else its first ``#``, ``=`` or ``-`` made literal."""
    escaped = _escape_line(line)
    if escaped != line:
        return escaped
    for index, char in enumerate(line):
        if char in "#=-":
            return f"{line[:index]}\\{line[index:]}"
    return line


def _may_open_code(line: str) -> bool:
    """Whether ``line`` could open or be code: a fence run, or four columns of indentation before content."""
    if "```" in line or "~~~" in line:
        return True
    if not line or (line[0] not in " \t>-*+" and not line[0].isdigit()):
        return False
    prefix = line[: _content_start(line)]
    return "\t" in prefix or "    " in prefix


_OPEN_HTML = ("<!", "<?", "<script", "<pre", "<style", "<textarea")


def _may_stay_open(text: str) -> bool:
    """Whether ``text`` holds the start of a block that only an end marker closes (a fence, ``<pre>``, ``<!--``,
    …); any other block ends at the blank line the document puts after user text."""
    lower = text.lower()
    return "```" in text or "~~~" in text or any(opener in lower for opener in _OPEN_HTML)


def _escape_headings(text: str) -> tuple[str, list[Token] | None]:
    """``text`` with no line that can be a heading, and the block tokens of the result followed by a blank line
    and a ``## sentinel`` heading (for :func:`_contain`).

    Every line outside code is escaped by :func:`_escape_line`, which finds heading-like lines at any nesting
    (quotes, lists, HTML blocks) by their prefix. One parse finds the code lines, one more checks the result;
    only if that still shows a heading (escaping can turn a code block into paragraph text) are those headings
    escaped and the check repeated, a bounded number of times, before the whole text is fenced instead.
    """
    lines = text.split("\n")
    # Without a fence or an indented line no line can be code, and the first parse is not needed. When it is
    # needed it parses the text with the sentinel after it, so that if escaping changes nothing (a text of code
    # blocks) the same tokens also answer the check below.
    may_hold_code = any(_may_open_code(line) for line in lines)
    first = block_tokens(f"{text}\n\n## {_SENTINEL}\n") if may_hold_code else None
    code = code_lines(first) if first is not None else set()
    changed = False
    for index, line in enumerate(lines):
        if index not in code and (escaped_line := _escape_line(line)) != line:
            lines[index] = escaped_line
            changed = True
    if not may_hold_code and not _may_stay_open(text):
        # No code, so every heading-like line was escaped above (the prefix scan is a superset of CommonMark's
        # containers), and nothing can stay open: no parse is needed to know the result is safe.
        return "\n".join(lines), None
    reuse = None if changed else first
    for _ in range(_MAX_HEADING_PASSES):
        escaped = "\n".join(lines)
        tokens = reuse if reuse is not None else block_tokens(f"{escaped}\n\n## {_SENTINEL}\n")
        reuse = None
        # A setext heading's underline is its last line; an ATX heading is its one line.
        rows = [
            t.map[0] if t.markup[:1] == "#" else t.map[1] - 1
            for t in tokens
            if t.type == "heading_open" and t.map is not None and t.map[0] < len(lines)
        ]
        now_code = code_lines(tokens)
        rows += [
            i for i in code if i not in now_code and i < len(lines) and _escape_line(lines[i]) != lines[i]
        ]
        if not rows:
            return escaped, tokens
        for row in rows:
            lines[row] = _force_escape(lines[row])
        code = now_code
    fence = fence_for(text)
    fenced = f"{fence}text\n{text}\n{fence}"
    return fenced, block_tokens(f"{fenced}\n\n## {_SENTINEL}\n")


def _is_contained(tokens: list[Token]) -> bool:
    """True when the sentinel heading after the text (see :func:`_escape_headings`) is still its own block."""
    return any(
        t.type == "inline" and t.content == _SENTINEL and i > 0 and tokens[i - 1].type == "heading_open"
        for i, t in enumerate(tokens)
    )


def _contain(text: str, tokens: list[Token] | None) -> str:
    """Close what user text left open (a code fence, ``<pre>``, ``<!--``) so it cannot swallow the document.

    ``tokens`` None: :func:`_escape_headings` found that nothing can stay open."""
    if tokens is None or _is_contained(tokens):
        return text
    fences = [t for t in tokens if t.type == "fence"]
    if fences:
        last = fences[-1]
        closed = f"{text}\n{last.markup}"
        # A fence at the top level that runs to the end (over the sentinel) is certainly closed by its own
        # markup on a line of its own, and nothing before it is open: no second parse needed.
        if last.level == 0 and last.map is not None and last.map[1] > text.count("\n") + 1:
            return closed
        if _is_contained(block_tokens(f"{closed}\n\n## {_SENTINEL}\n")):
            return closed
    fence = fence_for(text)
    return f"{fence}text\n{text}\n{fence}"


@lru_cache(maxsize=32)  # a template shows one answer in several places (the Summary twice): escape it once
def block(text: str) -> str:
    """Multi-line user text (``\\n`` line endings, trimmed) placed as its own block inside a section.

    ATX headings (``#`` … ``######``, also inside quotes and lists) get their first ``#`` escaped, setext
    underlines (``---`` / ``===`` lines) their first character, raw ``<h1>``…``<h6>`` tags become text; code
    blocks are left alone. An unclosed code fence is closed; other unterminated blocks are wrapped in a fence.
    At most six block parses, whatever the text; none when it holds no fence, indented line or raw HTML
    block opener, two for almost every other text.
    """
    if not text:
        return ""
    return _contain(*_escape_headings(text))


def link_texts(text: str) -> str:
    """``text`` with every ``[label](target)`` and ``![alt](src)`` reduced to its label.

    Pairs the brackets as ``!?\\[([^\\]]*)\\]\\([^)]*\\)`` would, left to right, but in one pass: the next ``]``
    and the next ``)`` after each position are looked up in tables built from the end, where the regular
    expression scanned to the end of the text once per ``[`` (quadratic on a flood of ``[``).
    """
    length = len(text)
    next_close = [length] * (length + 1)
    next_paren = [length] * (length + 1)
    for index in range(length - 1, -1, -1):
        next_close[index] = index if text[index] == "]" else next_close[index + 1]
        next_paren[index] = index if text[index] == ")" else next_paren[index + 1]
    out: list[str] = []
    position = index = 0
    while index < length:
        if text[index] == "[":
            close = next_close[index + 1]
            if close + 1 < length and text[close + 1] == "(" and next_paren[close + 2] < length:
                start = index - 1 if index > 0 and text[index - 1] == "!" and index - 1 >= position else index
                out.append(text[position:start])
                out.append(text[index + 1 : close])
                position = index = next_paren[close + 2] + 1
                continue
        index += 1
    out.append(text[position:])
    return "".join(out)
