"""Reading and editing the Action Items table of a post-mortem, in place.

Pure functions, no I/O. markdown-it-py (CommonMark + GFM tables) decides *where* the tables are (their
source lines, ``token.map``); the rows are then split here, the same way markdown-it splits them, so every
cell keeps its exact position and an edit changes only the bytes of the cells it touches.

Cell formats (anything else non-empty is a problem, never a guess)
    Deadline: ``2025-11-20``, ``2025/11/20``, ``Nov 20, 2025``, ``November 20 2025``, ``20 Nov 2025``;
    ``-``/``n/a``/``TBD`` mean none. Priority: ``P0``/``P1``/``P2``. Status: see :func:`parse_status`.
    Issue: ``#12``, ``[#12](url)``, ``<url>``, ``url`` or ``[text](url)`` where url is ``…/owner/repo/issues/12``
    (with ``repo=`` given, of that repository). A cell holding only ``&nbsp;`` counts as empty.

Which tables are action items
    Every table inside a section whose heading (``##`` or ``###``) contains "Action Item" ("Action Items",
    "Action items", "Action Items & Followups", "Security-Specific Action Items", …) and that has an
    action-text column. A document without such a section instead gets, anywhere, a table whose header
    names an ``Action Item(s)`` column (published post-mortems do not always put the table under a heading);
    with a section, such a table outside it is ignored (it may be user text, e.g. the Summary). A section
    runs to the next heading of the same or a higher level, so ``### Prevention`` tables under
    ``## Action items`` count.

What is a problem and what is not
    ``problems`` lists what the sync must not act on blindly, each with the line, what is wrong and the fix:
    a row without text, an unreadable deadline / priority / status / issue cell, several logins in one
    Owner cell, and text that looks like a table but is not one for GFM (delimiter row with another number
    of cells than the header, rows re-wrapped onto shared lines). An Owner that is neither ``@login`` nor a
    name in the ``owners`` map is *not* a problem (a team name like "DevOps Team" is normal in a post-mortem):
    it is listed in ``unresolved_owners`` and ``owner_login`` is None. Empty cells are never problems.
    Placeholder rows (all cells empty, or only ``#`` and a "Not Started" status, as in the template) are
    skipped silently.

The row key (:func:`item_key`)
    ``n<number>`` when the row has a number in a ``#`` column that no other row of the document uses, else
    ``t<hash of the text>`` (``-2``, ``-3`` … for repeated texts). Not the row position: inserting or
    reordering rows would silently move a marker onto another row. The number survives edits of the text;
    the text hash survives inserting and reordering rows. The key only has to tie a freshly created tracking
    issue to its row until the row's Issue cell is written; from then on the Issue cell is the link.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from markdown_it.token import Token
from pydantic import BaseModel, ConfigDict, Field, computed_field

from postmortem.clock import MONTHS
from postmortem.markdown.escaping import cell_source, link_texts
from postmortem.markdown.fences import block_tokens
from postmortem.markdown.lines import join_lines, line_contents, split_lines
from postmortem.markdown.sections import sections_from_tokens
from postmortem.markdown.tables import BOM, MD_TRIM, Row, unescape_cell

__all__ = [
    "ActionItem",
    "ActionItemsReport",
    "ActionItemsTable",
    "CellEdit",
    "ItemField",
    "Priority",
    "ProblemKind",
    "RowProblem",
    "Status",
    "item_key",
    "parse_status",
    "read_action_items",
    "set_cells",
    "status_cell",
]

Priority = Literal["P0", "P1", "P2"]
ItemField = Literal["number", "text", "owner", "deadline", "priority", "status", "issue"]
ProblemKind = Literal[
    "not_a_table",
    "no_text_column",
    "unsupported_table",
    "text",
    "number",
    "owner",
    "deadline",
    "priority",
    "status",
    "issue",
    "unresolved_owner",
]


class Status(StrEnum):
    """The state of an action item, as the Status column of the template writes it."""

    PROPOSED = "proposed"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"


_STATUS_CELL: dict[Status, str] = {
    Status.PROPOSED: "💡 Proposed",
    Status.NOT_STARTED: "🔴 Not Started",
    Status.IN_PROGRESS: "🟡 In Progress",
    Status.DONE: "🟢 Done",
    Status.WONT_DO: "⚪ Won't Do",
}


class ActionItem(BaseModel):
    """One row of an Action Items table. Text fields hold the cell as written (trimmed, ``\\|`` unescaped)."""

    model_config = ConfigDict(frozen=True)

    key: str
    """Stable row key for hidden markers; see :func:`item_key`."""
    number: int
    """The ``#`` cell when it holds a number, else the item's 1-based position in the document."""
    number_text: str = ""
    text: str
    owner: str = ""
    owner_login: str | None = None
    """``alice`` for ``@alice``, ``[@alice](https://github.com/alice)`` or a name the owners map knows."""
    deadline: date | None = None
    deadline_text: str = ""
    priority: Priority | None = None
    priority_text: str = ""
    status: Status | None = None
    status_text: str = ""
    issue: int | None = None
    issue_text: str = ""
    line: int
    """0-based source line of the row (the line :class:`CellEdit` names)."""
    table: int
    """Index of the row's table in :attr:`ActionItemsReport.tables`."""
    cells: list[str]
    """Every cell of the row in column order (as many as the header has), trimmed, ``\\|`` unescaped."""
    extra: dict[str, str] = Field(default_factory=dict)
    """Cells of the columns this module does not interpret, by header text (first one wins)."""
    unreadable: list[ItemField] = Field(default_factory=list)
    """Fields whose cell is not empty but could not be read (each has a problem). Never overwrite those."""


class ActionItemsTable(BaseModel):
    """One Action Items table: where it is and which column holds what."""

    model_config = ConfigDict(frozen=True)

    line: int
    """0-based line of the header row; the delimiter row is the next line."""
    end_line: int
    """Line after the last row."""
    row_lines: list[int]
    """Every body row, placeholders included."""
    heading: str
    """Text of the Action Items heading the table is under ("" when found by its header only)."""
    headers: list[str]
    columns: dict[str, int]
    """Column index by field: number, text, owner, deadline, priority, status, issue (those present)."""
    has_issue_column: bool
    has_status_column: bool


class RowProblem(BaseModel):
    """Something in the document the sync cannot use, with what to do about it."""

    model_config = ConfigDict(frozen=True)

    line: int
    """0-based source line (the row; for table-level problems the table's first line)."""
    kind: ProblemKind
    column: str = ""
    """Header of the cell at fault ("" for the whole row or table)."""
    value: str = ""
    message: str
    """What is wrong, as one sentence."""
    fix: str
    """How to fix it, as one sentence."""


class ActionItemsReport(BaseModel):
    """Everything :func:`read_action_items` found."""

    model_config = ConfigDict(frozen=True)

    found_section: bool
    """Whether the document has an Action Items heading (its content may still be a list, not a table)."""
    tables: list[ActionItemsTable] = Field(default_factory=list)
    items: list[ActionItem] = Field(default_factory=list)
    problems: list[RowProblem] = Field(default_factory=list)
    unresolved_owners: list[RowProblem] = Field(default_factory=list)
    """Warnings, not problems: owners that are not ``@login`` and not in the owners map."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def has_issue_column(self) -> bool:
        """True when there is at least one table and every table has an Issue column."""
        return bool(self.tables) and all(table.has_issue_column for table in self.tables)

    def problems_at(self, line: int) -> list[RowProblem]:
        """The problems reported for one row (or table) line."""
        return [problem for problem in self.problems if problem.line == line]


class CellEdit(BaseModel):
    """Set the ``issue`` or ``status`` cell of the row at ``line`` to ``value`` (plain text; ``|`` is escaped)."""

    model_config = ConfigDict(frozen=True)

    line: int
    column: Literal["issue", "status"]
    value: str


# ---------------------------------------------------------------------------------------------------------
# Small parsers (each takes the trimmed, unescaped cell text)

_EMPHASIS = "*_~`"
_STATUS_WORDS: dict[str, Status] = {
    "proposed": Status.PROPOSED,
    "not started": Status.NOT_STARTED,
    "todo": Status.NOT_STARTED,
    "to do": Status.NOT_STARTED,
    "open": Status.NOT_STARTED,
    "in progress": Status.IN_PROGRESS,
    "wip": Status.IN_PROGRESS,
    "ongoing": Status.IN_PROGRESS,
    "started": Status.IN_PROGRESS,
    "done": Status.DONE,
    "complete": Status.DONE,
    "completed": Status.DONE,
    "fixed": Status.DONE,
    "closed": Status.DONE,
    "won't do": Status.WONT_DO,
    "wont do": Status.WONT_DO,
    "won't fix": Status.WONT_DO,
    "wont fix": Status.WONT_DO,
    "not planned": Status.WONT_DO,
    "cancelled": Status.WONT_DO,
    "canceled": Status.WONT_DO,
}
_STATUS_EMOJI: dict[str, Status] = {
    "💡": Status.PROPOSED,
    "🔴": Status.NOT_STARTED,
    "🟡": Status.IN_PROGRESS,
    "🟢": Status.DONE,
    "✅": Status.DONE,
    "⚪": Status.WONT_DO,
}


def parse_status(text: str) -> Status | None:
    """The status a cell names, or None when it is empty or not understood.

    Case-insensitive, with or without the template's emoji, ``*``/``_`` emphasis and a final ``.``/``!``:
    ``🟢 Done``, ``done``, ``DONE``, ``**TODO**``, ``In progress``, ``in-progress``, ``won't do``,
    ``wont do``, ``not planned``. An emoji alone counts; an emoji that contradicts the words does not.
    """
    cleaned = text.strip().strip(_EMPHASIS).strip()
    emoji = {status for mark, status in _STATUS_EMOJI.items() if mark in cleaned}
    for mark in (*_STATUS_EMOJI, "\ufe0f"):
        cleaned = cleaned.replace(mark, "")
    words = cleaned.replace("’", "'").casefold().strip(_EMPHASIS + " \t.!")
    words = re.sub(r"[\s_-]+", " ", words)
    if not words:
        return next(iter(emoji)) if len(emoji) == 1 else None
    status = _STATUS_WORDS.get(words)
    if status is None or (emoji and emoji != {status}):
        return None
    return status


def status_cell(status: Status) -> str:
    """The canonical cell text of a status, as in the template: ``🟢 Done``, ``🔴 Not Started``, …"""
    return _STATUS_CELL[status]


_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_MONTH_FIRST = re.compile(r"([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})")
_NO_VALUE = {"", "-", "–", "—", "n/a", "na", "none", "tbd", "tba"}


def _parse_deadline(text: str) -> tuple[date | None, bool]:
    """(date, ok). Accepts 2025-11-20, 2025/11/20, Nov 20, 2025, November 20 2025, 20 Nov 2025.

    Empty, ``-``, ``n/a``, ``TBD`` mean no deadline (ok). Ambiguous forms like 11/20/2025 are not read.
    """
    cleaned = text.strip(_EMPHASIS + " \t").casefold()
    if cleaned in _NO_VALUE:
        return None, True
    year = month = day = 0
    if match := _ISO_DATE.fullmatch(cleaned):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    elif (match := _MONTH_FIRST.fullmatch(cleaned)) and match[1] in MONTHS:
        year, month, day = int(match[3]), MONTHS[match[1]], int(match[2])
    elif (match := _DAY_FIRST.fullmatch(cleaned)) and match[2] in MONTHS:
        year, month, day = int(match[3]), MONTHS[match[2]], int(match[1])
    else:
        return None, False
    try:
        return date(year, month, day), True
    except ValueError:
        return None, False


def _parse_priority(text: str) -> tuple[Priority | None, bool]:
    cleaned = text.strip(_EMPHASIS + " \t").upper()
    if not cleaned:
        return None, True
    if cleaned == "P0":
        return "P0", True
    if cleaned == "P1":
        return "P1", True
    if cleaned == "P2":
        return "P2", True
    return None, False


_LOGIN = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})"
_AT_LOGIN = re.compile(rf"@({_LOGIN})")
_AT_LOGIN_LINK = re.compile(rf"\[\s*@([^\]]*)\]\(\s*<?https?://[^/\s)]+/({_LOGIN})/?>?\s*\)")
_AT_ANY = re.compile(rf"(?<![\w.+-])@{_LOGIN}(?![\w/-])")


def _normalize_name(name: str) -> str:
    return re.sub(r"\s+", " ", name.strip(_EMPHASIS + " \t")).casefold()


def _parse_owner(text: str, owners: Mapping[str, str]) -> tuple[str | None, Literal["ok", "many", "unknown"]]:
    """(login, outcome) for an Owner cell. The login of ``[@text](https://github.com/login)`` is the URL's."""
    cleaned = text.strip(_EMPHASIS + " \t")
    if not cleaned:
        return None, "ok"
    known = {_normalize_name(name): login.strip().removeprefix("@") for name, login in owners.items()}
    if (login := known.get(_normalize_name(cleaned))) is not None:
        return login, "ok"
    if match := _AT_LOGIN.fullmatch(cleaned):
        return match[1], "ok"
    if match := _AT_LOGIN_LINK.fullmatch(cleaned):
        return match[2], "ok"
    # Links reduced to their text (one pass), so [@alice](https://github.com/alice) counts once.
    mentions = _AT_ANY.findall(link_texts(cleaned))
    if len(mentions) > 1:
        return None, "many"
    return None, "unknown"


_ISSUE_URL = re.compile(
    r"https?://[^/\s]+/([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)/(issues|pull)/(\d+)/?(?:[?#]\S*)?", re.IGNORECASE
)
_ISSUE_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]+)>?\s*\)")


def _issue_ref(cleaned: str, repo: str | None) -> tuple[int | None, str | None]:
    if match := re.fullmatch(r"#(\d+)", cleaned):
        return int(match[1]), None
    label = ""
    url = cleaned
    if match := _ISSUE_LINK.fullmatch(cleaned):
        label, url = match[1].strip(), match[2]
    elif cleaned.startswith("<") and cleaned.endswith(">"):
        url = cleaned[1:-1]
    match = _ISSUE_URL.fullmatch(url)
    if match is None:
        return None, "it is not an issue reference"
    owner, name, kind, number = match[1], match[2], match[3].casefold(), int(match[4])
    if kind == "pull":
        return None, "it links a pull request, not an issue"
    if repo is not None and f"{owner}/{name}".casefold() != repo.casefold():
        return None, f"it links an issue of {owner}/{name}, not of this repository"
    if (label_match := re.fullmatch(r"#(\d+)", label)) and int(label_match[1]) != number:
        return None, f"the link text says #{label_match[1]} but the link goes to #{number}"
    return number, None


def _parse_issue(text: str, repo: str | None) -> tuple[int | None, str | None]:
    """(number, why-not). Accepts #12, [#12](url), <url>, url and [text](url) with a GitHub issues URL."""
    cleaned = text.strip()
    if not cleaned:
        return None, None
    number, why = _issue_ref(cleaned, repo)
    if why is None:
        return number, None
    if (match := re.match(r"(#\d+|\[[^\]]*\]\([^)]*\)|<[^>]*>|\S+)\s+(.+)", cleaned)) and _issue_ref(
        match[1], repo
    )[1] is None:
        return None, f"it has “{match[2]}” after the issue reference"
    if parse_status(cleaned) is not None:
        return None, "it holds a status, not an issue reference"
    return None, why


_SPACING = re.compile(r"(?:&nbsp;|&#160;|&#xa0;|\s)*", re.IGNORECASE)


def _blank_spacing(value: str) -> str:
    """ "" for a cell that only holds spacing (``&nbsp;`` entities): it shows as empty, so it counts as empty."""
    return "" if _SPACING.fullmatch(value) else value


# ---------------------------------------------------------------------------------------------------------
# Lines and cells


# ---------------------------------------------------------------------------------------------------------
# Locating tables

_HEADER_FIELDS: dict[str, ItemField] = {
    "#": "number",
    "no": "number",
    "no.": "number",
    "nr": "number",
    "number": "number",
    "action item": "text",
    "action items": "text",
    "action": "text",
    "item": "text",
    "task": "text",
    "owner": "owner",
    "owners": "owner",
    "assignee": "owner",
    "who": "owner",
    "deadline": "deadline",
    "due": "deadline",
    "due date": "deadline",
    "priority": "priority",
    "status": "status",
    "state": "status",
    "issue": "issue",
    "tracking": "issue",
    "tracking issue": "issue",
    "ticket": "issue",
    "bug": "issue",
    "bug #": "issue",
}


def _header_field(header: str) -> ItemField | None:
    name = re.sub(r"\s+", " ", header.strip(_EMPHASIS + " \t").rstrip(":").strip()).casefold()
    return _HEADER_FIELDS.get(name)


def _heading_sections(tokens: list[Token], line_count: int) -> list[tuple[int, int, str]]:
    """(start, end, heading text) of each ``##``/``###`` section whose heading mentions action items.

    Headings inside quotes and lists end sections too (as they always did here)."""
    return [
        (section.line, section.end, section.title)
        for section in sections_from_tokens(tokens, line_count, nested=True)
        if section.level in (2, 3) and _ACTION_ITEMS.search(section.title)
    ]


_ACTION_ITEMS = re.compile(r"action\s+items?\b", re.IGNORECASE)


def _delimiter_like(line: str) -> bool:
    stripped = line.strip(" \t")
    return "-" in stripped and "|" in stripped and re.fullmatch(r"[|:\-\s]+", stripped) is not None


def _cell_count(line: str, *, delimiter: bool) -> int:
    core = line.strip(MD_TRIM)
    cells = core.split("|") if delimiter else Row.parse(core).cells
    if delimiter:
        cells = [cell for i, cell in enumerate(cells) if cell.strip() or 0 < i < len(cells) - 1]
        return len(cells)
    return len(cells)


def _not_a_table(lines: list[str], start: int, end: int) -> RowProblem | None:
    """A problem when the paragraph lines [start, end) look like a table that GFM does not render as one."""
    for index in range(start, end):
        text = lines[index]
        if "|" not in text:
            continue
        if index + 1 < end and _delimiter_like(lines[index + 1]) and not _delimiter_like(text):
            header = _cell_count(text, delimiter=False)
            delimiter = _cell_count(lines[index + 1], delimiter=True)
            if header != delimiter:
                return _shown_as_text(
                    index,
                    text,
                    f"its header has {header} cells but the delimiter row below it has {delimiter}",
                    f"Give the delimiter row exactly one --- cell per column ({header}).",
                )
        if re.search(r"\|\s*:?-{3,}:?\s*\|", text) and not _delimiter_like(text):
            return _shown_as_text(
                index,
                text,
                "its header, delimiter row and rows run together on shared lines (re-wrapped)",
                "Put the header, the --- delimiter row and every row on a line of its own.",
            )
    first = lines[start].strip()
    if first.startswith("|"):
        return RowProblem(
            line=start,
            kind="not_a_table",
            value=first,
            message=f"The lines at {start + 1} look like a table but are shown as plain text (no delimiter row).",
            fix="Put a delimiter row (| --- | --- |, one cell per column) right below the header row.",
        )
    return None


def _shown_as_text(index: int, text: str, why: str, fix: str) -> RowProblem:
    """The problem of the table at line ``index`` that GFM shows as plain text, and ``why``."""
    return RowProblem(
        line=index,
        kind="not_a_table",
        value=text.strip(),
        message=f"The table at line {index + 1} is shown as plain text: {why}.",
        fix=fix,
    )


def _mentions_action_item_column(line: str) -> bool:
    if "|" not in line:
        return False
    return any(
        re.fullmatch(r"action items?", unescape_cell(cell).strip(_EMPHASIS), re.IGNORECASE)
        for cell in Row.parse(line).cells
    )


@dataclass
class _Found:
    start: int
    end: int
    heading: str
    rows: list[tuple[int, list[str]]]  # (line, cell contents markdown-it saw) for header and body rows


def _find(document: str) -> tuple[list[str], list[_Found], list[RowProblem], bool]:
    """Source lines (BOM removed), candidate tables, table-level problems, whether a section exists."""
    source = document.removeprefix(BOM)
    lines = line_contents(source)
    tokens = block_tokens(source)
    sections = _heading_sections(tokens, len(lines))

    def section_of(line: int) -> str | None:
        inside = [text for start, end, text in sections if start <= line < end]
        return inside[-1] if inside else None

    found: list[_Found] = []
    problems: list[RowProblem] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "table_open" and token.map is not None:
            rows: list[tuple[int, list[str]]] = []
            depth = 0
            while index < len(tokens):
                inner = tokens[index]
                if inner.type == "tr_open" and inner.map is not None:
                    rows.append((inner.map[0], []))
                elif inner.type == "inline" and rows and tokens[index - 1].type in ("th_open", "td_open"):
                    rows[-1][1].append(inner.content)
                depth += inner.nesting if inner.type.startswith("table_") else 0
                index += 1
                if depth == 0:
                    break
            heading = section_of(token.map[0])
            # With an Action Items section, only its tables count (a table in user text elsewhere, such as the
            # Summary, must not become tracking issues); without one, the header alone identifies the table.
            if heading is not None or (not sections and _mentions_action_item_column(lines[token.map[0]])):
                found.append(_Found(token.map[0], token.map[1], heading or "", rows))
            continue
        if token.type == "paragraph_open" and token.map is not None:
            start, end = token.map
            in_section = section_of(start) is not None
            if in_section or (
                not sections and any(_mentions_action_item_column(lines[i]) for i in range(start, end))
            ):
                problem = _not_a_table(lines, start, end)
                if problem is not None:
                    problems.append(problem)
        index += 1
    return lines, found, problems, bool(sections)


# ---------------------------------------------------------------------------------------------------------
# Reading


def _problem(line: int, kind: ProblemKind, column: str, value: str, message: str, fix: str) -> RowProblem:
    return RowProblem(line=line, kind=kind, column=column, value=value, message=message, fix=fix)


def _is_placeholder(values: Mapping[ItemField, str], others: Sequence[str]) -> bool:
    if values.get("text") or any(others):
        return False
    if any(values.get(field) for field in ("owner", "deadline", "priority", "issue")):
        return False
    number = values.get("number", "")
    status = values.get("status", "")
    return (not number or number.rstrip(".").isdigit()) and (
        not status or parse_status(status) == Status.NOT_STARTED
    )


def read_action_items(
    document: str, *, owners: Mapping[str, str] = {}, repo: str | None = None
) -> ActionItemsReport:
    """Every action item of the document's Action Items table(s), with the problems found.

    ``owners`` maps names written in the Owner column (case-insensitive) to GitHub logins. ``repo``
    (``owner/name``) makes issue URLs of other repositories a problem; without it their repository is not
    checked. Never raises on document content.
    """
    lines, found, problems, found_section = _find(document)
    tables: list[ActionItemsTable] = []
    drafts: list[dict[str, object]] = []
    unresolved: list[RowProblem] = []

    for table_found in found:
        header_line, header_cells = table_found.rows[0]
        header_row = Row.parse(lines[header_line])
        headers = header_row.values(len(header_cells))
        if headers != header_cells:
            problems.append(
                _problem(
                    header_line,
                    "unsupported_table",
                    "",
                    lines[header_line].strip(),
                    f"The action items table at line {header_line + 1} is inside a list or quote, "
                    "which this action does not edit.",
                    "Move the table out of the list or quote, to the start of its own lines.",
                )
            )
            continue
        columns: dict[ItemField, int] = {}
        for position, header in enumerate(headers):
            field = _header_field(header)
            if field is not None and field not in columns:
                columns[field] = position
        if "text" not in columns:
            problems.append(
                _problem(
                    header_line,
                    "no_text_column",
                    "",
                    lines[header_line].strip(),
                    f"The table at line {header_line + 1} under “{table_found.heading}” has no Action Item "
                    "column, so it is not read as action items.",
                    "Name the column with the action text “Action Item” if this table lists action items.",
                )
            )
            continue
        body = table_found.rows[1:]
        table_index = len(tables)
        tables.append(
            ActionItemsTable(
                line=table_found.start,
                end_line=table_found.end,
                row_lines=[line for line, _ in body],
                heading=table_found.heading,
                headers=headers,
                columns=dict(columns),
                has_issue_column="issue" in columns,
                has_status_column="status" in columns,
            )
        )
        known_positions = set(columns.values())
        for line, seen in body:
            row = Row.parse(lines[line])
            cells = row.values(len(headers))
            if cells != seen:  # cannot happen for a top-level table; never edit what we did not split right
                problems.append(
                    _problem(
                        line,
                        "unsupported_table",
                        "",
                        lines[line].strip(),
                        f"Line {line + 1} cannot be split into cells reliably.",
                        "Write the row as | cell | cell | on one line.",
                    )
                )
                continue
            values: dict[ItemField, str] = {
                field: _blank_spacing(cells[position]) for field, position in columns.items()
            }
            others = [cell for position, cell in enumerate(cells) if position not in known_positions]
            if _is_placeholder(values, others):
                continue
            header_of = {field: headers[position] for field, position in columns.items()}
            if not values["text"]:
                problems.append(
                    _problem(
                        line,
                        "text",
                        header_of["text"],
                        "",
                        f"The action item at line {line + 1} has no text.",
                        f"Write what has to be done in its “{header_of['text']}” cell, or delete the row.",
                    )
                )
                continue
            draft = _read_row(line, values, header_of, owners, repo, problems, unresolved)
            draft.update(
                table=table_index,
                cells=cells,
                extra={
                    headers[p]: cells[p]
                    for p in range(len(headers))
                    if p not in known_positions and headers[p] not in {headers[q] for q in range(p)}
                },
            )
            drafts.append(draft)

    items = _with_keys(drafts)
    return ActionItemsReport(
        found_section=found_section,
        tables=tables,
        items=items,
        problems=sorted(problems, key=lambda problem: problem.line),
        unresolved_owners=unresolved,
    )


def _read_row(
    line: int,
    values: Mapping[ItemField, str],
    header_of: Mapping[ItemField, str],
    owners: Mapping[str, str],
    repo: str | None,
    problems: list[RowProblem],
    unresolved: list[RowProblem],
) -> dict[str, object]:
    unreadable: list[ItemField] = []

    def report(field: ItemField, message: str, fix: str) -> None:
        unreadable.append(field)
        value = values.get(field, "")
        problems.append(_problem(line, field, header_of[field], value, message, fix))

    where = f"at line {line + 1}"
    number_text = values.get("number", "")
    number: int | None = None
    if number_text:
        if re.fullmatch(r"\d+\.?", number_text):
            number = int(number_text.rstrip("."))
        else:
            report(
                "number",
                f"The number “{number_text}” {where} is not a number.",
                "Write a whole number like 3.",
            )

    owner = values.get("owner", "")
    login, outcome = _parse_owner(owner, owners)
    if outcome == "many":
        report(
            "owner",
            f"The owner cell “{owner}” {where} names several people; a tracking issue gets one owner.",
            "Keep one @login in the cell and mention the others in the text.",
        )
    elif outcome == "unknown":
        unresolved.append(
            _problem(
                line,
                "unresolved_owner",
                header_of["owner"],
                owner,
                f"The owner “{owner}” {where} is not a GitHub @login, so the tracking issue is not assigned.",
                f"Write the owner as @login, or map “{owner}” to a login under action_items.owners "
                "in .github/postmortem.yml.",
            )
        )

    deadline_text = values.get("deadline", "")
    deadline, ok = _parse_deadline(deadline_text)
    if not ok:
        report(
            "deadline",
            f"The deadline “{deadline_text}” {where} is not a date this action can read.",
            "Write the date as YYYY-MM-DD, e.g. 2025-11-20.",
        )

    priority_text = values.get("priority", "")
    priority, ok = _parse_priority(priority_text)
    if not ok:
        report("priority", f"The priority “{priority_text}” {where} is unknown.", "Use P0, P1 or P2.")

    status_text = values.get("status", "")
    status = parse_status(status_text)
    if status is None and status_text:
        report(
            "status",
            f"The status “{status_text}” {where} is unknown.",
            "Use one of " + ", ".join(_STATUS_CELL.values()) + " (the emoji is optional).",
        )

    issue_text = values.get("issue", "")
    issue, why = _parse_issue(issue_text, repo)
    if why is not None:
        report(
            "issue",
            f"The issue cell “{issue_text}” {where} cannot be read: {why}.",
            "Write only the tracking issue, like #12, or leave the cell empty to have one created; "
            "put notes and status words in their own columns.",
        )

    return {
        "number_cell": number,
        "number_text": number_text,
        "text": values["text"],
        "owner": owner,
        "owner_login": login,
        "deadline": deadline,
        "deadline_text": deadline_text,
        "priority": priority,
        "priority_text": priority_text,
        "status": status,
        "status_text": status_text,
        "issue": issue,
        "issue_text": issue_text,
        "line": line,
        "unreadable": unreadable,
    }


def _with_keys(drafts: list[dict[str, object]]) -> list[ActionItem]:
    # Counted once (list.count per row made reading a 1,000-row table quadratic).
    numbers = Counter(draft["number_cell"] for draft in drafts if draft["number_cell"] is not None)
    seen_texts: dict[str, int] = {}
    items: list[ActionItem] = []
    for position, draft in enumerate(drafts, start=1):
        number = draft.pop("number_cell")
        if isinstance(number, int) and numbers[number] == 1:
            key = f"n{number}"
        else:
            text = re.sub(r"\s+", " ", str(draft["text"])).strip().casefold()
            digest = "t" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
            seen_texts[digest] = seen_texts.get(digest, 0) + 1
            key = digest if seen_texts[digest] == 1 else f"{digest}-{seen_texts[digest]}"
        items.append(
            ActionItem.model_validate(
                {**draft, "key": key, "number": number if isinstance(number, int) else position}
            )
        )
    return items


def item_key(item: ActionItem) -> str:
    """The row's stable key for hidden markers: ``n<number>`` or ``t<text hash>`` (see the module doc)."""
    return item.key


# ---------------------------------------------------------------------------------------------------------
# Editing


def set_cells(document: str, edits: Sequence[CellEdit]) -> str:
    """The document with the given Issue / Status cells replaced and every other byte unchanged.

    A cell keeps its leading space, and its width when it was padded out and the new value fits. A table
    without an Issue column gets one (header ``Issue``, delimiter ``---``, or dashes as wide as the header
    cell when the delimiter row is drawn that way) after its last header column, when an ``issue`` edit
    names one of its rows; every other row gets an empty cell. Rows without a trailing pipe keep none. Several edits of one cell: the last wins. Raises ValueError when an edit names a line
    that is not a row of an action items table, a ``status`` edit names a table without a Status column,
    or a value has a line break.
    """
    if not edits:
        return document
    report = read_action_items(document)
    table_of = {line: table for table in report.tables for line in table.row_lines}
    lines = split_lines(document)
    bom = lines[0].content.startswith(BOM)
    if bom:
        lines[0].content = lines[0].content[1:]

    values: dict[tuple[int, str], str] = {}
    for edit in edits:
        table = table_of.get(edit.line)
        if table is None:
            raise ValueError(f"line {edit.line} is not a row of an action items table")
        if edit.column == "status" and not table.has_status_column:
            raise ValueError(f"the table at line {table.line} has no Status column")
        values[(edit.line, edit.column)] = cell_source(edit.value)

    new_issue_tables = {
        table_of[line].line: table_of[line]
        for line, column in values
        if column == "issue" and not table_of[line].has_issue_column
    }
    for table in new_issue_tables.values():
        at = len(table.headers)
        header = Row.parse(lines[table.line].content)
        header.insert(at, "Issue")
        lines[table.line].content = str(header)
        delimiter = Row.parse(lines[table.line + 1].content)
        # dashes as wide as the header cell when the user drew the delimiter row that way (the template does)
        matched = [len(cell) for cell in delimiter.cells[:at]] == [len(cell) for cell in header.cells[:at]]
        width = len(header.cells[at]) if matched and not delimiter.padded else 3
        delimiter.insert(at, "-" * max(3, width))
        lines[table.line + 1].content = str(delimiter)
        for line in table.row_lines:
            row = Row.parse(lines[line].content)
            row.insert(at, values.pop((line, "issue"), ""))
            lines[line].content = str(row)

    for (line, column), value in values.items():
        table = table_of[line]
        row = Row.parse(lines[line].content)
        row.set(table.columns[column], value)
        lines[line].content = str(row)

    if bom:
        lines[0].content = BOM + lines[0].content
    return join_lines(lines)
