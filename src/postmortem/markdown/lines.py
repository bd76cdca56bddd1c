"""Line endings: the one rule every module uses.

A line ends at ``\\r\\n``, a lone ``\\r`` or ``\\n`` (as markdown-it and GitHub see it). Reading code splits with
:func:`split_lines`, which keeps each line's own ending, so that :func:`join_lines` gives the text back byte for
byte after an edit of some lines' content. Code that only reads content may work on :func:`normalize` (every
ending made ``\\n``), whose line numbers are the same.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Line", "dominant_ending", "join_lines", "line_contents", "normalize", "split_lines"]


@dataclass
class Line:
    """One line: its content (no ending) and its ending (``"\\r\\n"``, ``"\\r"``, ``"\\n"`` or ``""`` at the end)."""

    content: str
    ending: str


def split_lines(text: str) -> list[Line]:
    """The lines of ``text`` with their own endings; ``join_lines(split_lines(t)) == t`` for every ``t``.

    Text ending with a line ending has a last, empty line with no ending (like ``str.split``), so the number of
    lines is the number of endings plus one and line ``n`` is the same line markdown-it calls ``n``.
    """
    lines: list[Line] = []
    start = 0
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\n" or char == "\r":
            end = index + 2 if char == "\r" and text.startswith("\n", index + 1) else index + 1
            lines.append(Line(text[start:index], text[index:end]))
            start = index = end
            continue
        index += 1
    lines.append(Line(text[start:], ""))
    return lines


def join_lines(lines: list[Line]) -> str:
    """The text of ``lines`` (content then ending of each), the inverse of :func:`split_lines`."""
    return "".join(line.content + line.ending for line in lines)


def line_contents(text: str) -> list[str]:
    """The content of every line of ``text`` (endings dropped; same numbering as :func:`split_lines`)."""
    return [line.content for line in split_lines(text)]


def normalize(text: str) -> str:
    """``text`` with every line ending made ``\\n`` (same line numbers)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def dominant_ending(text: str) -> str:
    """The ending new lines in ``text`` should use: the first line's ending, ``\\n`` when it has none."""
    for line in split_lines(text):
        if line.ending:
            return line.ending
    return "\n"
