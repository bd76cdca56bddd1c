"""Pipe tables, read and edited in place.

markdown-it (CommonMark + GFM tables) decides *where* a table is; this module cuts a row line into cells the same
way markdown-it does (a pipe after a backslash does not separate cells) and keeps every byte: ``str(Row.parse(
line)) == line`` for every line, and :meth:`Row.set` changes only the bytes of the cell it sets. Each row is
scanned once, so reading or editing a table is linear in its size.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BOM", "MD_TRIM", "Row", "fit_cell", "unescape_cell"]

BOM = "\ufeff"
# markdown-it's mdTrim: the CommonMark whitespace set (not str.strip()'s).
MD_TRIM = "".join(
    chr(code)
    for code in sorted(
        {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0x2028, 0x2029}
        | set(range(0x2000, 0x200B))
    )
)


def unescape_cell(raw: str) -> str:
    """What markdown-it keeps of a cell: trimmed, the backslash of every escaped pipe dropped.

    The inverse of :func:`postmortem.markdown.escaping.cell_source`.
    """
    out: list[str] = []
    escaped = False
    for char in raw:
        if char == "|" and escaped:
            out[-1] = "|"
        else:
            out.append(char)
        escaped = char == "\\"
    return "".join(out).strip(MD_TRIM)


@dataclass
class Row:
    """A table row line cut into cells, so that ``str(row)`` is the line again, byte for byte."""

    indent: str
    lead_pipe: bool
    cells: list[str]
    trail_pipe: bool
    tail: str

    @classmethod
    def parse(cls, line: str) -> Row:
        body = line.lstrip(MD_TRIM)
        indent = line[: len(line) - len(body)]
        core = body.rstrip(MD_TRIM)
        tail = body[len(core) :]
        cuts: list[int] = []
        escaped = False
        for index, char in enumerate(core):
            if char == "|" and not escaped:
                cuts.append(index)
            escaped = char == "\\"
        lead_pipe = bool(cuts) and cuts[0] == 0
        trail_pipe = bool(cuts) and cuts[-1] == len(core) - 1 and len(core) > 1
        bounds = [-1, *cuts, len(core)]
        cells = [core[bounds[i] + 1 : bounds[i + 1]] for i in range(len(bounds) - 1)]
        if lead_pipe:
            cells.pop(0)
        if trail_pipe:
            cells.pop()
        return cls(indent, lead_pipe, cells, trail_pipe, tail)

    def __str__(self) -> str:
        lead = "|" if self.lead_pipe else ""
        trail = "|" if self.trail_pipe else ""
        return f"{self.indent}{lead}{'|'.join(self.cells)}{trail}{self.tail}"

    @property
    def padded(self) -> bool:
        return any(cell[:1] in (" ", "\t") for cell in self.cells)

    def values(self, count: int) -> list[str]:
        values = [unescape_cell(cell) for cell in self.cells[:count]]
        return values + [""] * (count - len(values))

    def _empty(self) -> str:
        return " " if self.padded else ""

    def _pad_to(self, count: int) -> None:
        if (
            len(self.cells) < count
            and not self.trail_pipe
            and self.cells
            and self.padded
            and not self.cells[-1].endswith((" ", "\t"))
        ):
            self.cells[-1] += " "
        while len(self.cells) < count:
            self.cells.append(self._empty())

    def set(self, index: int, value: str) -> None:
        self._pad_to(index + 1)
        last = not self.trail_pipe and index == len(self.cells) - 1
        if last and not value:
            self.trail_pipe = True  # an empty last cell needs its closing pipe to exist at all
            last = False
        self.cells[index] = fit_cell(self.cells[index], value, self.padded, last=last)

    def insert(self, index: int, value: str) -> None:
        self._pad_to(index)
        if index == len(self.cells) and not self.trail_pipe:
            # The row ends with its last cell, without a pipe: separate it from the new one.
            if self.cells and self.padded and not self.cells[-1].endswith((" ", "\t")):
                self.cells[-1] += " "
            if not value:
                self.trail_pipe = True  # "| a | b |": the new, empty last cell is implied
            else:
                self.cells.append(f" {value}" if self.padded else value)
            return
        self.cells.insert(index, (f" {value} " if value else " ") if self.padded else value)


def fit_cell(old: str, value: str, padded: bool, *, last: bool) -> str:
    """``value`` in place of the cell ``old``: same leading space; same width if ``old`` was padded out.

    A cell counts as padded out (a column the user aligned) when it ends with two or more spaces, or is
    empty and three or more wide; then the new value is padded to the old width when it fits.
    """
    stripped = old.strip(MD_TRIM)
    if not stripped:
        if not value:
            return old
        lead = " " if (old or padded) else ""
        tail = "" if last else lead
        aligned = len(old) >= 3
    else:
        lead = old[: len(old) - len(old.lstrip(MD_TRIM))]
        tail = old[len(old.rstrip(MD_TRIM)) :]
        aligned = len(tail) >= 2
        tail = tail[:1]
    core = lead + value
    if aligned and len(core) + len(tail) <= len(old):
        return core.ljust(len(old))
    return core + tail
