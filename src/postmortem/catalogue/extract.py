"""One post-mortem document → its :class:`CatalogueEntry` (pure; never raises on any text).

Documents the action rendered carry YAML frontmatter (``incident``, ``title``, ``date``, ``severity``, ``status``,
``started_at`` …, and after publication ``published`` and ``signoff``) and the template's sections. Other documents
(hand-written ones, other templates) are read as far as they go: the first ``# heading`` as the title, a
``**Date**:`` / ``Date:`` line or a date in the file name, ``Severity:`` and ``Status:`` lines, any Action Items
table. What could not be read is said in :attr:`CatalogueEntry.notes`, so the row is listed, never dropped.

Only line scans and regexes without nested quantifiers run over the text; markdown-it (linear) finds tables.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

import yaml
from markdown_it import MarkdownIt

from postmortem.catalogue.model import CatalogueEntry, ItemRecord, ItemState
from postmortem.clock import MONTHS

__all__ = ["entry_from_document", "root_cause_words", "service_names"]

_MAX_TEXT = 2_000_000
"""Longer documents are read up to this many characters (a post-mortem is a few dozen kB)."""
_MAX_SERVICES = 20
_MAX_WORDS = 25
_MAX_LABEL = 80

_FRONTMATTER = re.compile(
    r"\A\ufeff?---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE
)
_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FIELD = re.compile(
    r"[ \t>*_#-]*(?:\*\*|__)?(?P<name>[A-Za-z][A-Za-z0-9 /-]{0,40}?)(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?"
)
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MONTH_FIRST = re.compile(
    r"\b([A-Za-z]{3,9})\.?[ \t]+(\d{1,2})(?:st|nd|rd|th)?(?:[ \t]*[-–][ \t]*\d{1,2})?,?[ \t]+(\d{4})\b"
)
_DAY_FIRST = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?[ \t]+([A-Za-z]{3,9})\.?,?[ \t]+(\d{4})\b")
_DAY_MONTH_DASH = re.compile(r"(?<!\d)(\d{1,2})-([A-Za-z]{3,9})-(\d{4})(?!\d)")
_SEVERITY = re.compile(r"\b(?:P[0-4]|SEV[ -]?[0-5]|S[0-4])\b", re.IGNORECASE)
_CHECKBOX = re.compile(r"[ \t]*[-*+][ \t]+\[([ xX])\]")
# The date excludes "(": a scan from one "(scheduled for" stops at the next, so the search stays linear.
_FOLLOW_UP = re.compile(r"\*\*30-Day Follow-Up\*\*[ \t]*\(scheduled for[ \t]*([^()\r\n]*)\)", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z0-9]*(?:['’-][a-z0-9]+)?")
_PLACEHOLDER = re.compile(r"\[[^[\]\r\n]*\]")
"""A bracketed prompt; no ``[`` inside, so scanning from each ``[`` stops at the next one (linear time)."""
_STOPWORDS = frozenset(
    """
    about above after again against also because been before being below between both cause caused causes
    could does doing down during each even from further have having here into itself just more most much
    other over same should some such than that their them then there these they this those through under
    until very were what when where which while with would your underlying happened happen root which
    wasn were weren didn doesn isn aren hadn hasn haven shouldn wouldn couldn make made many only once
    sentences sentence incident issue answer
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_inline(text: str) -> str:
    """Markdown emphasis and line noise off a one-line value."""
    text = " ".join(text.split())
    return text.strip("*_`~ \t").strip()


def _scalar(value: Any) -> str | None:
    """A frontmatter scalar as text; None for mappings and lists.

    Never ``str()`` of a container: YAML aliases let a few lines of frontmatter nest exponentially many
    references, which only turn into exponential text when printed.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float | date):
        return str(value)
    return None


def _to_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return _find_date(value)
    return None


def _to_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        except ValueError:
            return None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return None


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if 1970 <= year <= 2200 else None
    except ValueError:
        return None


def _find_date(text: str) -> date | None:
    """The first date written as 2025-11-20, 2025/11/20, Nov 20, 2025, 20 November 2025 or 07-Sept-2022."""
    found: list[tuple[int, date]] = []
    match = _ISO_DATE.search(text)
    if match and (day := _make_date(int(match[1]), int(match[2]), int(match[3]))) is not None:
        found.append((match.start(), day))
    for pattern, order in ((_MONTH_FIRST, (3, 1, 2)), (_DAY_FIRST, (3, 2, 1)), (_DAY_MONTH_DASH, (3, 2, 1))):
        for match in pattern.finditer(text):
            month = MONTHS.get(match[order[1]].casefold())
            if month is None:
                continue
            day = _make_date(int(match[order[0]]), month, int(match[order[2]]))
            if day is not None:
                found.append((match.start(), day))
                break
    return min(found, key=lambda pair: pair[0])[1] if found else None


def _frontmatter(text: str) -> tuple[dict[str, Any], str, str | None]:
    """(metadata, body, problem)."""
    match = _FRONTMATTER.match(text)
    if match is None:
        return {}, text, None
    body = text[match.end() :]
    try:
        data = yaml.safe_load(match["yaml"])
    except yaml.YAMLError:
        return {}, body, "its frontmatter is not valid YAML"
    except (RecursionError, ValueError, OverflowError):
        return {}, body, "its frontmatter cannot be read"
    if data is None:
        return {}, body, None
    if not isinstance(data, dict):
        return {}, body, "its frontmatter is not a mapping of keys"
    return {str(key): value for key, value in data.items()}, body, None


class _Lines:
    """The document's lines with which ones are inside fenced code, and its ATX headings."""

    def __init__(self, body: str) -> None:
        self.lines = body.splitlines()
        self.code = [False] * len(self.lines)
        self.headings: list[tuple[int, int, str]] = []
        fence: str | None = None
        for index, line in enumerate(self.lines):
            if fence is not None:
                self.code[index] = True
                stripped = line.strip()
                if stripped.startswith(fence) and not stripped.strip(fence[0]):
                    fence = None
                continue
            if match := _FENCE.match(line):
                fence = match[1]
                self.code[index] = True
                continue
            if match := _HEADING.match(line):
                title = match[2].strip()
                title = re.sub(r"[ \t]#+[ \t]*\Z", "", title) if title.endswith("#") else title
                self.headings.append((index, len(match[1]), title.strip()))

    def section(self, words: Iterable[str]) -> list[str]:
        """Lines of the first section whose heading contains one of ``words`` (to the next heading of its level)."""
        wanted = [word.casefold() for word in words]
        for position, (index, level, title) in enumerate(self.headings):
            if any(word in title.casefold() for word in wanted):
                end = next(
                    (later for later, other, _ in self.headings[position + 1 :] if other <= level),
                    len(self.lines),
                )
                return [
                    line
                    for at, line in enumerate(self.lines[index + 1 : end], index + 1)
                    if not self.code[at]
                ]
        return []

    def fields(self) -> dict[str, tuple[int, str]]:
        """``**Name**: value`` / ``Name: value`` lines outside code (first of each name), with their line index."""
        found: dict[str, tuple[int, str]] = {}
        for index, line in enumerate(self.lines[:400]):
            if self.code[index] or len(line) > 2000:
                continue
            match = _FIELD.match(line)
            if match is None:
                continue
            name = " ".join(match["name"].split()).casefold()
            found.setdefault(name, (index, line[match.end() :]))
        return found


def _field(fields: Mapping[str, tuple[int, str]], *names: str) -> str | None:
    for name in names:
        if name in fields:
            value = _clean_inline(re.split(r"<br\s*/?>", fields[name][1], maxsplit=1, flags=re.I)[0])
            if value and not _PLACEHOLDER.fullmatch(value):
                return value
    return None


def _title(meta: Mapping[str, Any], lines: _Lines, path: str) -> tuple[str, bool]:
    value = meta.get("title")
    if isinstance(value, str | int | float) and (cleaned := _clean_inline(str(value))):
        return _clip(cleaned, 200), True
    firsts = [heading for heading in lines.headings if heading[1] == 1] or [
        heading
        for heading in lines.headings[:1]
        if heading[1] == 2 and heading[2].casefold() not in _SECTIONS
    ]
    for _, _, title in firsts[:1]:
        if title.strip():
            cleaned = _clean_inline(
                re.sub(r"\A(?:post-?mortem|incident report)\s*:\s*", "", title, flags=re.I)
            )
            if cleaned and not _PLACEHOLDER.fullmatch(cleaned):
                return _clip(cleaned, 200), True
    stem = posixpath.splitext(posixpath.basename(path))[0]
    return _clip(stem.replace("_", " ").replace("-", " ").strip() or path, 200), False


_SECTIONS = frozenset(
    (
        "summary",
        "overview",
        "background",
        "impact",
        "timeline",
        "date",
        "details",
        "description",
        "incident summary",
    )
)


def _severity(value: Any) -> str | None:
    raw = _scalar(value)
    if raw is None:
        return None
    text = _clean_inline(raw)
    if not text or _PLACEHOLDER.fullmatch(text):
        return None
    if match := _SEVERITY.search(text):
        return match[0].upper().replace(" ", "").replace("-", "")
    return _clip(text, 30)


_DONE_WORDS = {
    "done",
    "complete",
    "completed",
    "fixed",
    "closed",
    "resolved",
    "merged",
    "shipped",
    "finished",
}
_WONT_WORDS = {
    "won't do",
    "wont do",
    "won't fix",
    "wont fix",
    "not planned",
    "cancelled",
    "canceled",
    "dropped",
}
_PROPOSED_WORDS = {"proposed", "idea", "suggested"}


def _item_state(text: str) -> ItemState:
    cleaned = text.replace("’", "'").casefold()
    if "🟢" in cleaned or "✅" in cleaned or "[x]" in cleaned:
        return "done"
    if "⚪" in cleaned:
        return "wont_do"
    if "💡" in cleaned:
        return "proposed"
    words = " ".join(re.sub(r"[^a-z' ]", " ", cleaned.replace("-", " ").replace("_", " ")).split())
    if words in _DONE_WORDS or words.split(" ")[:1] == ["done"]:
        return "done"
    if words in _WONT_WORDS:
        return "wont_do"
    if words in _PROPOSED_WORDS:
        return "proposed"
    return "open"


_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("closed", ("closed", "completed", "done on", "resolved on", "closed on", "completed on")),
    ("deadline", ("deadline", "due", "target")),
    ("priority", ("priority", "prio")),
    ("status", ("status", "state", "done")),
    ("text", ("action item", "action", "item", "task", "description", "todo", "what")),
)


def _columns(headers: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = header.casefold().strip("*_ ")
        for field, keys in _COLUMNS:
            if field not in columns and any(name == key or name.startswith(key + " ") for key in keys):
                columns[field] = index
                break
    return columns


_PARSER = MarkdownIt("commonmark").enable("table").disable("inline")
"""Block structure only: the cells' source text is all the catalogue needs, so inline parsing is skipped."""


def _tables(body: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(heading path text, header cells, body rows) for each GFM table."""
    if "|" not in body:
        return []
    tokens = _PARSER.parse(body)
    tables: list[tuple[str, list[str], list[list[str]]]] = []
    headings: list[tuple[int, str]] = []
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    in_head = False
    for position, token in enumerate(tokens):
        if token.type == "heading_open":
            level = int(token.tag[1:])
            text = tokens[position + 1].content if position + 1 < len(tokens) else ""
            headings = [(lvl, txt) for lvl, txt in headings if lvl < level] + [(level, text)]
        elif token.type == "table_open":
            header, rows = [], []
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and position > 0 and tokens[position - 1].type in ("th_open", "td_open"):
            row.append(token.content.strip())
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif token.type == "table_close":
            tables.append((" / ".join(text for _, text in headings), header, rows))
    return tables


class _Row:
    def __init__(self, cells: list[str], columns: Mapping[str, int]) -> None:
        self.cells, self.columns = cells, columns

    def __call__(self, field: str) -> str:
        index = self.columns.get(field)
        return self.cells[index] if index is not None and index < len(self.cells) else ""


def _action_items(body: str) -> tuple[list[ItemRecord], bool]:
    """The action items of every Action Items table, and whether any such table was found."""
    items: list[ItemRecord] = []
    found = False
    for heading, header, rows in _tables(body):
        columns = _columns(header)
        in_section = "action item" in heading.casefold() or "follow-up" in heading.casefold()
        named = any("action item" in cell.casefold() for cell in header)
        if "text" not in columns or not (in_section or named):
            continue
        found = True
        for cells in rows:
            cell = _Row(cells, columns)
            text = _clean_inline(cell("text"))
            if not text or _PLACEHOLDER.fullmatch(text):
                continue
            priority_text = _clean_inline(cell("priority")).upper()
            state: ItemState = _item_state(cell("status")) if "status" in columns else "open"
            closed = _find_date(cell("closed")) if "closed" in columns else None
            if closed is not None and state == "open":
                state = "done"
            items.append(
                ItemRecord(
                    state=state,
                    priority=priority_text if priority_text in ("P0", "P1", "P2", "P3") else None,
                    deadline=_find_date(cell("deadline")),
                    closed=closed,
                )
            )
    return items, found


def service_names(text: str) -> list[str]:
    """The services named in a Services Impacted answer: split on commas, semicolons, lines and bullets."""
    names: list[str] = []
    seen: set[str] = set()
    for line in text.replace(";", ",").replace(" and ", ",").replace("\n", ",").split(","):
        name = _clean_inline(line.lstrip(" \t-*+•"))
        name = (
            _clean_inline(_PLACEHOLDER.sub("", name)) if name.startswith("[") and name.endswith("]") else name
        )
        if not name or len(name) > 60 or name.casefold() in seen:
            continue
        seen.add(name.casefold())
        names.append(name)
        if len(names) == _MAX_SERVICES:
            break
    return names


def _services(meta: Mapping[str, Any], lines: _Lines) -> list[str]:
    for key in ("services", "services_impacted", "components"):
        value = meta.get(key)
        if isinstance(value, list):
            return service_names(",".join(text for part in value[:50] if (text := _scalar(part)) is not None))
        if isinstance(value, str) and value.strip():
            return service_names(value)
    for index, line in enumerate(lines.lines):
        if lines.code[index] or "services impacted" not in line.casefold():
            continue
        match = _FIELD.match(line)
        if match is None or "services impacted" not in match["name"].casefold():
            continue
        parts = [line[match.end() :]]
        for follow in lines.lines[index + 1 : index + 30]:
            if not follow.strip() or not follow.startswith((" ", "\t")):
                break
            parts.append(follow)
        return service_names("\n".join(parts))
    return []


def root_cause_words(text: str) -> list[str]:
    """The distinctive words of a root cause: lowercase, 4+ letters, no stopwords; the most frequent first."""
    counts: dict[str, int] = {}
    for word in _WORD.findall(text.casefold()[:20_000]):
        word = word.replace("’", "'")
        if len(word) < 4 or word in _STOPWORDS or word.isdigit():
            continue
        counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts, key=lambda word: (-counts[word], word))
    return sorted(ranked[:_MAX_WORDS])


def _root_cause_text(lines: _Lines) -> str:
    """The Root Cause answer: the ``**Root Cause**:`` quote of the template, else a Root Cause section."""
    for index, line in enumerate(lines.lines):
        if lines.code[index] or not line.lstrip().casefold().startswith("**root cause**"):
            continue
        parts = [line.split(":", 1)[1] if ":" in line else ""]
        for follow in lines.lines[index + 1 : index + 40]:
            if not follow.strip() or _HEADING.match(follow):
                if any(part.strip() for part in parts):
                    break
                continue
            parts.append(follow.lstrip("> \t"))
        return _prose("\n".join(parts))
    return _prose("\n".join(lines.section(["root cause"])[:60]))


def _prose(text: str) -> str:
    """Text without the template's italic prompts and placeholders."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip().lstrip("> ").strip()
        if stripped.startswith("*") and stripped.endswith("*") and not stripped.startswith("**"):
            continue
        kept.append(_PLACEHOLDER.sub(" ", line))
    return "\n".join(kept)


def _signoff(meta: Mapping[str, Any], lines: _Lines) -> tuple[int, int | None]:
    section = lines.section(["sign-off", "signoff", "sign off"])
    boxes = [match[1] for line in section if (match := _CHECKBOX.match(line))]
    roles = len(boxes) if boxes else None
    recorded = meta.get("signoff")
    if isinstance(recorded, dict) and recorded:
        signed = len(recorded)
        return signed, max(roles, signed) if roles is not None else None
    return sum(1 for box in boxes if box in "xX"), roles


def _follow_up(meta: Mapping[str, Any], body: str) -> str:
    done = meta.get("follow_up_done")
    if done:
        when = _to_date(done)
        return f"done {when.isoformat()}" if when else "done"
    for key in ("follow_up_not_planned", "follow_up_skipped"):
        if meta.get(key):
            return "not planned"
    state = meta.get("follow_up")
    if isinstance(state, str) and state.strip().casefold() in ("not planned", "not_planned", "skipped"):
        return "not planned"
    when = _to_date(state)
    if when is not None:
        return f"due {when.isoformat()}"
    if match := _FOLLOW_UP.search(body[:_MAX_TEXT]):
        scheduled = _find_date(match[1])
        if scheduled is not None:
            return f"due {scheduled.isoformat()}"
    return ""


def _labels(meta: Mapping[str, Any]) -> list[str]:
    labels: list[str] = []
    for key in ("labels", "tags"):
        value = meta.get(key)
        values = value if isinstance(value, list) else str(value).split(",") if isinstance(value, str) else []
        for label in values[:50]:
            raw = _scalar(label)
            text = _clip(_clean_inline(raw), _MAX_LABEL) if raw is not None else ""
            if text and text not in labels:
                labels.append(text)
    return labels[:20]


def _minutes(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and 0 <= value < 10_000_000:
        return int(value)
    return None


def entry_from_document(path: str, blob_sha: str, text: str) -> CatalogueEntry:
    """What the post-mortem at ``path`` contributes to the catalogue. Never raises: unreadable parts are noted."""
    try:
        return _entry(path, blob_sha, text)
    except Exception as error:  # a document must never take the catalogue down
        return CatalogueEntry(
            path=path,
            blob_sha=blob_sha,
            title=_clip(posixpath.basename(path), 200),
            notes=[
                f"This document could not be read ({type(error).__name__}); it is listed by its file name."
            ],
        )


def _entry(path: str, blob_sha: str, text: str) -> CatalogueEntry:
    notes: list[str] = []
    if len(text) > _MAX_TEXT:
        text = text[:_MAX_TEXT]
        notes.append(f"Only the first {_MAX_TEXT:,} characters were read.")
    meta, body, problem = _frontmatter(text)
    if problem:
        notes.append(f"Its frontmatter was ignored: {problem}.")
    generated = "incident" in meta and "status" in meta
    lines = _Lines(body)
    fields = lines.fields()

    title, titled = _title(meta, lines, path)
    day = _to_date(meta.get("date")) or _to_date(_field(fields, "date", "incident date") or "")
    if day is None:
        day = _find_date(posixpath.basename(path)) or _find_date(title)
    severity = _severity(meta.get("severity")) or _severity(
        _field(fields, "severity", "incident severity", "impact level")
    )
    status_value = meta.get("status")
    status = (
        _clip(_clean_inline(str(status_value)), 40)
        if isinstance(status_value, str | int | float)
        and not isinstance(status_value, bool)
        and str(status_value).strip()
        else _field(fields, "status")
    )
    status = _clip(status, 40) if status else None
    started = _to_datetime(meta.get("started_at"))
    detected = _to_datetime(meta.get("detected_at"))
    resolved = _to_datetime(meta.get("resolved_at"))
    duration = _minutes(meta.get("duration_minutes"))
    if duration is None and started and resolved and resolved >= started:
        duration = int((resolved - started) / timedelta(minutes=1))
    published = _to_date(meta.get("published"))
    signed, roles = _signoff(meta, lines)
    items, _ = _action_items(body)

    missing = [
        name
        for name, value in (("title", title if titled else None), ("date", day), ("severity", severity))
        if value is None
    ]
    if not generated:
        notes.append(
            "Not written by postmortem-action, so read from its text"
            + (f"; no {', '.join(missing)} found." if missing else ".")
        )
    elif missing:
        notes.append(f"No {', '.join(missing)} found.")
    if started and detected and detected < started:
        notes.append("detected_at is before started_at; time to detect is left out.")
    if started and resolved and resolved < started:
        notes.append("resolved_at is before started_at; time to resolve is left out.")

    return CatalogueEntry(
        path=path,
        blob_sha=blob_sha,
        title=title,
        date=day,
        severity=severity,
        started=started,
        detected=detected,
        resolved=resolved,
        duration_minutes=duration,
        status=status,
        published=published,
        signed=signed,
        roles=roles,
        items=items,
        follow_up=_follow_up(meta, body),
        services=_services(meta, lines),
        root_cause_words=root_cause_words(_root_cause_text(lines)),
        labels=_labels(meta),
        generated=generated,
        notes=notes,
    )
