"""The line structure of a Markdown post-mortem (or of its template) that the completeness rules read.

One linear pass over the lines: the YAML frontmatter, fenced code blocks and HTML comments (never read as
structure or content), ATX and setext headings and the section each opens. No regex here has nested or
overlapping quantifiers, as every line is user text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

_BRACKET = re.compile(r"\[([^\[\]\n]{1,200})\]")
_BOLD_LABEL = re.compile(r"^\*\*([^*\n]{1,120})\*\*")


def normalise_newlines(text: str) -> str:
    """LF line ends, no byte-order mark."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def heading_key(text: str) -> str:
    """A heading compared loosely: lowercase words of letters and digits (``Sign-Off`` → ``sign off``)."""
    words = "".join(c if c.isalnum() else " " for c in text.casefold()).split()
    return " ".join(words)


def line_key(line: str) -> str:
    """A line compared loosely: no white space at all, lowercase (table padding does not matter)."""
    return "".join(line.split()).casefold()


def is_rule(line: str) -> bool:
    """A thematic break (``---``, ``***``, ``___``)."""
    compact = "".join(line.split())
    return len(compact) >= 3 and len(set(compact)) == 1 and compact[0] in "-*_"


def is_table_delimiter(line: str) -> bool:
    """A GFM table delimiter row (``|---|:--:|``)."""
    stripped = line.strip()
    return "-" in stripped and "|" in stripped and not set(stripped) - set("|:- \t")


def brackets(line: str) -> list[tuple[int, str]]:
    """``[text]`` spans of a line that are not links, references or task boxes: (0-based column, text)."""
    found = []
    for match in _BRACKET.finditer(line):
        after = line[match.end() : match.end() + 1]
        inner = match.group(1)
        if after in ("(", "[") or inner.strip() in ("", "x", "X"):
            continue
        found.append((match.start(), inner))
    return found


def bold_label(line: str) -> str | None:
    """``Root Cause`` for ``**Root Cause**:`` (or ``**Root Cause:**``), list markers and quotes allowed first."""
    stripped = strip_markers(line)
    match = _BOLD_LABEL.match(stripped)
    if match is None:
        return None
    return match.group(1).strip().rstrip(":").strip()


def strip_markers(line: str) -> str:
    """A line without leading quote markers, a list bullet or number, and white space."""
    text = line.strip()
    while text.startswith(">"):
        text = text[1:].lstrip()
    if text[:2] in ("- ", "* ", "+ "):
        return text[2:].lstrip()
    digits = 0
    while digits < len(text) and digits < 4 and text[digits].isdigit():
        digits += 1
    if digits and text[digits : digits + 2] in (". ", ") "):
        return text[digits + 2 :].lstrip()
    return text


@dataclass(frozen=True)
class Heading:
    """One heading: 0-based line, level 1-6, its text and :func:`heading_key`."""

    line: int
    level: int
    text: str
    key: str


@dataclass
class Document:
    """A Markdown document split into what the rules read."""

    lines: list[str]
    frontmatter: dict[str, Any] = field(default_factory=dict)
    hidden: set[int] = field(default_factory=set)
    """0-based lines that are frontmatter, fenced code or HTML comment: neither structure nor placeholders."""
    code: set[int] = field(default_factory=set)
    """The fenced code lines among ``hidden`` (content of a section, but not checked for placeholders)."""
    headings: list[Heading] = field(default_factory=list)
    heading_lines: set[int] = field(default_factory=set)
    section_ends: list[int] = field(default_factory=list)
    """For each heading, the line its section (with subsections) ends before."""
    """The 0-based lines of :attr:`headings` (setext underlines not included)."""

    def own_lines(self, index: int) -> range:
        """Lines of heading ``index``'s own content: up to the next heading of any level."""
        start = self.headings[index].line + 1
        end = self.headings[index + 1].line if index + 1 < len(self.headings) else len(self.lines)
        return range(start, end)

    def section_lines(self, index: int) -> range:
        """Lines of heading ``index``'s section with its subsections: up to a heading of the same or a higher level."""
        return range(self.headings[index].line + 1, self.section_ends[index])

    def find(self, predicate: Any) -> int | None:
        """Index of the first heading whose key satisfies ``predicate``."""
        return next((i for i, h in enumerate(self.headings) if predicate(h.key)), None)


def _frontmatter(lines: list[str]) -> tuple[int, dict[str, Any]]:
    """The number of frontmatter lines (0 when none) and its mapping (empty when it is not YAML)."""
    if not lines or lines[0].strip() != "---":
        return 0, {}
    for number in range(1, len(lines)):
        if lines[number].strip() in ("---", "..."):
            try:
                data = yaml.safe_load("\n".join(lines[1:number]))
            except yaml.YAMLError:
                data = None
            return number + 1, data if isinstance(data, dict) else {}
    return 0, {}


def _fence(line: str) -> str | None:
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return None
    for char in "`~":
        if stripped.startswith(char * 3):
            count = len(stripped) - len(stripped.lstrip(char))
            if char == "`" and "`" in stripped[count:]:
                return None
            return char * count
    return None


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}


def _atx(line: str) -> tuple[int, str] | None:
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    text = rest.strip()
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.strip()
    return level, text


def _plain(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip()


def parse(text: str) -> Document:
    """Split ``text`` into lines, frontmatter, hidden lines and headings. Never raises."""
    lines = normalise_newlines(text).split("\n")
    skip, front = _frontmatter(lines)
    document = Document(lines=lines, frontmatter=front, hidden=set(range(skip)))
    fence: str | None = None
    in_comment = False
    previous_text: int | None = None
    for number in range(skip, len(lines)):
        line = lines[number]
        if fence is not None:
            document.hidden.add(number)
            document.code.add(number)
            if _closes(line, fence):
                fence = None
            previous_text = None
            continue
        if in_comment:
            document.hidden.add(number)
            in_comment = "-->" not in line
            previous_text = None
            continue
        opening = _fence(line)
        if opening is not None:
            fence = opening
            document.hidden.add(number)
            document.code.add(number)
            previous_text = None
            continue
        stripped = line.strip()
        if stripped.startswith("<!--"):
            document.hidden.add(number)
            in_comment = "-->" not in stripped[4:]
            previous_text = None
            continue
        atx = _atx(line)
        if atx is not None:
            level, heading = atx
            document.headings.append(Heading(number, level, _plain(heading), heading_key(heading)))
            previous_text = None
            continue
        compact = "".join(stripped.split())
        if previous_text is not None and compact and set(compact) in ({"="}, {"-"}):
            heading = lines[previous_text].strip()
            level = 1 if compact[0] == "=" else 2
            document.headings.append(Heading(previous_text, level, _plain(heading), heading_key(heading)))
            previous_text = None
            continue
        starts_block = stripped[:1] in ("|", ">", "-", "*", "+", "#") or strip_markers(stripped) != stripped
        previous_text = number if stripped and not starts_block else None
    document.heading_lines = {heading.line for heading in document.headings}
    # One pass with a stack of open sections: a heading closes every open one of its level or deeper.
    ends = [len(lines)] * len(document.headings)
    open_sections: list[int] = []
    for index, found in enumerate(document.headings):
        while open_sections and document.headings[open_sections[-1]].level >= found.level:
            ends[open_sections.pop()] = found.line
        open_sections.append(index)
    document.section_ends = ends
    return document
