"""Code: fenced and indented code blocks, and inline code spans. One scanner for each, both linear.

Nothing inside code is escaped or read as structure (a heading, a table, a section). Block structure comes from
markdown-it's *block* parser only: :data:`BLOCKS` never runs the inline rules (emphasis, links, code spans),
whose cost on hostile text (``*_*_…``, ``[[[…``) is what made rendering super-linear; nothing here needs them.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from postmortem.markdown.lines import normalize

__all__ = [
    "BLOCKS",
    "block_tokens",
    "closes_fence",
    "code_lines",
    "code_spans",
    "fence_for",
    "fence_opening",
    "longest_run",
    "parse_count",
]

BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")
"""CommonMark + GFM tables, block rules only: ``inline`` tokens carry their source text, no children."""

_parses = 0


def parse_count() -> int:
    """How many times :func:`block_tokens` has parsed text (tests bound it; never wall-clock)."""
    return _parses


@lru_cache(maxsize=16)
def block_tokens(text: str) -> list[Token]:
    """markdown-it's block tokens of ``text`` (``map`` gives 0-based ``[start, end)`` source lines).

    Cached: one run reads the same document for its table, its sections and its sign-off checklist, and parses
    it once. Callers only read the tokens; never change them.
    """
    global _parses
    _parses += 1
    return BLOCKS.parse(text)


def code_lines(tokens: list[Token]) -> set[int]:
    """Indexes of the lines inside fenced or indented code blocks (fence lines included)."""
    found: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map is not None:
            found.update(range(token.map[0], token.map[1]))
    return found


def fence_opening(line: str) -> tuple[str, str] | None:
    """``(fence, info)`` when ``line`` opens a fence as a line-by-line reader sees it (any indentation, three or
    more backticks or tildes), else None. A backtick fence whose info string holds a backtick opens nothing
    (CommonMark), and ``info`` is what follows the fence run."""
    stripped = line.lstrip(" \t")
    char = stripped[:1]
    if char not in ("`", "~"):
        return None
    run = len(stripped) - len(stripped.lstrip(char))
    if run < 3:
        return None
    return stripped[:run], stripped[run:]


def closes_fence(line: str, fence: str) -> bool:
    """Whether ``line`` closes a fence opened by ``fence``: only that character, at least as many of it."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def longest_run(text: str, char: str = "`") -> int:
    """The length of the longest run of ``char`` in ``text`` (0 when there is none)."""
    longest = run = 0
    for current in text:
        run = run + 1 if current == char else 0
        longest = max(longest, run)
    return longest


def fence_for(text: str) -> str:
    """A backtick fence longer than any backtick run in ``text``, so ``text`` cannot close it."""
    return "`" * max(3, longest_run(normalize(text)) + 1)


def code_spans(line: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every inline code span in ``line``, as CommonMark pairs backtick strings.

    A string of n backticks opens a span that the next string of exactly n backticks closes; an opener without
    such a closer is literal text and scanning goes on after it. Each string is looked at a bounded number of
    times (one queue per length, read front to back), so this is linear in the line's length, where the
    regular expression ``(`+).*?\\1`` it replaces was cubic on ``<`` followed by thousands of backticks.
    """
    runs: list[tuple[int, int]] = []  # (start, length)
    index = 0
    while index < len(line):
        if line[index] == "`":
            start = index
            while index < len(line) and line[index] == "`":
                index += 1
            runs.append((start, index - start))
        else:
            index += 1
    by_length: dict[int, list[int]] = {}
    for position, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(position)
    cursor = dict.fromkeys(by_length, 0)
    spans: list[tuple[int, int]] = []
    position = 0
    while position < len(runs):
        start, length = runs[position]
        queue = by_length[length]
        while cursor[length] < len(queue) and queue[cursor[length]] <= position:
            cursor[length] += 1
        if cursor[length] < len(queue):
            closer = queue[cursor[length]]
            close_start, _ = runs[closer]
            spans.append((start, close_start + length))
            position = closer + 1
        else:
            position += 1
    return spans
