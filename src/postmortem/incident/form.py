"""Issue forms: the form's YAML → :class:`FormDefinition`; a rendered issue body → answers by id → :class:`Incident`.

GitHub renders each form field into the issue body as ``### <label>``, a blank line and the answer
(``_No response_`` when empty, ``None`` for an unselected dropdown, ``- [X] option`` lines for checkboxes, a fenced
block for a textarea with ``render:``). Bodies are often edited by hand afterwards, so the body is read line by
line with code-fence tracking, and a ``###`` heading only starts a field when its text is one of the form's labels.

Decisions (where GitHub's format leaves room):

* A ``###`` heading whose text is not a label of the form is part of the answer it appears in (so are ``#``,
  ``##`` and ``####`` headings, and anything inside a fenced code block). Text before the first label is ignored.
  A label heading that occurs a second time is also kept as text of the answer it appears in.
* Labels are compared trimmed, case-insensitively, with whitespace collapsed and emoji variation selectors
  dropped; failing that, by their words only (``Custom release notes`` matches ``Custom release notes?``).
* Answers: ``""`` for ``_No response_``, a whitespace-only answer, a missing section, and ``None`` from a
  dropdown. Inputs and dropdowns are stripped; textareas keep their inner lines (leading blank lines and trailing
  whitespace removed); a ``render:`` textarea's code fence is unwrapped. A multi-select dropdown stays
  ``"a, b"``. Checkboxes keep their lines as Markdown, normalised to ``- [x] option`` / ``- [ ] option``
  (``[X]`` and ``[]`` accepted; lines without a box kept as written); :func:`checked_options` lists the ticked ones.
* Severity: the answer's first word must be ``P0``, ``P1`` or ``P2`` in any case (``P1 - Major: …``, ``p1``,
  ``P1:``, leading emoji allowed). ``SEV1`` and the like are refused, as SEV scales differ between companies.
* Times: ``YYYY-MM-DD HH:MM`` (UTC); also ``T`` as separator, seconds, and a zone ``Z``/``UTC``/``GMT``/``±HH:MM``
  (converted to UTC).
* Timeline: one event a line (blank lines and code-fence lines skipped, a ``-``/``*``/``+`` bullet stripped);
  ``[YYYY-MM-DD ]HH:MM[:SS][ AM|PM][ zone]`` then an optional ``-``/``–``/``:``/``|`` separator and the text.
  A bare time is put on the day that places it closest to the previous dated event (the start time, else the
  detection or resolution time, for the first), so ``23:50`` then ``00:10`` crosses midnight in either order;
  gaps of more than 12 hours between bare times need a full date. With no reference date a bare time has
  ``at=None``. A line without a time is an event with an empty ``time_text``. ``event -> action taken`` (an arrow
  ``->`` or ``→`` with a space on each side) fills the Action Taken column.
* The issue title loses the form's ``title:`` prefix (``[Incident]: ``) when it has one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

from postmortem.errors import FormError
from postmortem.incident.model import FormProblem, Incident, Severity, TimelineEvent
from postmortem.markdown.fences import closes_fence, fence_opening
from postmortem.markdown.lines import normalize
from postmortem.markdown.markers import FORM_PROBLEMS, marker

DEFAULT_FORM_PATH = ".github/ISSUE_TEMPLATE/incident.yml"
NO_RESPONSE = "_No response_"
TIME_FORMAT_HINT = "YYYY-MM-DD HH:MM in UTC, e.g. 2026-03-14 10:15"

FieldType = Literal["input", "textarea", "dropdown", "checkboxes"]
_FIELD_TYPES: tuple[FieldType, ...] = ("input", "textarea", "dropdown", "checkboxes")


class FormField(BaseModel):
    """One answerable element of the issue form (``markdown`` elements are not kept)."""

    model_config = ConfigDict(frozen=True)

    id: str
    label: str
    """The label as written in the form, trimmed (GitHub renders it as the ``###`` heading)."""
    type: FieldType
    options: list[str] = []
    """Dropdown options, or the labels of the checkboxes."""
    required: bool = False
    multiple: bool = False
    render: str | None = None
    """A textarea's ``render:`` language: its answer arrives as a fenced code block."""


class FormDefinition(BaseModel):
    """The parts of an issue form the action needs."""

    model_config = ConfigDict(frozen=True)

    name: str
    labels: list[str]
    fields: list[FormField]
    title: str = ""
    """The form's ``title:`` (the prefix new issues start with, e.g. ``[Incident]: ``)."""

    def field(self, field_id: str) -> FormField | None:
        """The field with this id, or None."""
        return next((f for f in self.fields if f.id == field_id), None)


# --------------------------------------------------------------------------------------------------------------
# Form definition


class _TextLoader(yaml.SafeLoader):
    """SafeLoader that keeps scalars as text, except ``true``/``false`` and null.

    GitHub options such as ``- Yes``, ``- 1.10`` or a placeholder ``2026-03-14 10:15`` must stay the strings
    they read as, not become True, 1.1 or a datetime.
    """


_TextLoader.yaml_implicit_resolvers = {}
_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_TextLoader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])
_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "on"}
    return bool(value)


def slugify_label(label: str) -> str:
    """An id derived from a label: lowercase words joined by underscores (``"✔️ Expected Behavior"`` →
    ``expected_behavior``); empty when the label has no letters or digits."""
    decomposed = unicodedata.normalize("NFKD", label)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "_", plain.casefold()).strip("_")


def parse_form_definition(yaml_text: str, path: str = DEFAULT_FORM_PATH) -> FormDefinition:
    """Read an issue form. Raises :class:`FormError` naming the file, the element and the fix.

    Lenient where GitHub is strict but the meaning is clear (missing ``name``, ``labels`` as a comma-separated
    string, unknown keys); strict where the body could not be read back (no ``body``, a field without a label,
    duplicate ids or labels). Fields without an ``id`` get one from their label (see :func:`slugify_label`).
    """
    try:
        data: Any = yaml.load(yaml_text, Loader=_TextLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise FormError(
            f"The issue form {path} is not valid YAML{where}: fix the syntax ({error})."
        ) from error
    if not isinstance(data, dict):
        raise FormError(f"The issue form {path} must be a mapping with name:, description: and body: keys.")
    body = data.get("body")
    if not isinstance(body, list) or not body:
        raise FormError(f"The issue form {path} has no body: list its fields under body:.")

    raw_labels = data.get("labels")
    if isinstance(raw_labels, str):
        labels = [part.strip() for part in raw_labels.split(",") if part.strip()]
    elif isinstance(raw_labels, list):
        labels = [_text(label).strip() for label in raw_labels if _text(label).strip()]
    else:
        labels = []

    fields: list[FormField] = []
    explicit_ids: set[str] = set()
    pending: list[tuple[int, dict[str, Any]]] = []
    for index, element in enumerate(body, start=1):
        where = f"The issue form {path}, body element {index}"
        if not isinstance(element, dict):
            raise FormError(f"{where} is not a mapping: give it a type: and attributes:.")
        kind = _text(element.get("type")).strip()
        if kind == "markdown":
            continue
        if kind not in _FIELD_TYPES:
            raise FormError(
                f"{where} has type {kind or '(none)'!r}: use one of markdown, {', '.join(_FIELD_TYPES)}."
            )
        attributes = element.get("attributes")
        if not isinstance(attributes, dict):
            raise FormError(f"{where} ({kind}) has no attributes: give it attributes: with a label:.")
        label = " ".join(_text(attributes.get("label")).split())
        if not label:
            raise FormError(f"{where} ({kind}) has no label: add attributes.label.")
        field_id = _text(element.get("id")).strip()
        if field_id:
            if field_id in explicit_ids:
                raise FormError(f"{where} repeats the id {field_id!r}: ids must be unique.")
            explicit_ids.add(field_id)
        validations = element.get("validations")
        pending.append(
            (
                index,
                {
                    "id": field_id,
                    "label": label,
                    "kind": kind,
                    "attributes": attributes,
                    "validations": validations if isinstance(validations, dict) else {},
                },
            )
        )

    taken = set(explicit_ids)
    seen_labels: dict[str, str] = {}
    for index, item in pending:
        attributes = item["attributes"]
        field_id = item["id"]
        if not field_id:
            base = slugify_label(item["label"]) or f"field_{index}"
            field_id, suffix = base, 2
            while field_id in taken:
                field_id, suffix = f"{base}_{suffix}", suffix + 1
            taken.add(field_id)
        key = _label_key(item["label"])
        if key in seen_labels:
            raise FormError(
                f"The issue form {path} has two fields labelled {item['label']!r} ({seen_labels[key]} and "
                f"{field_id}): give them different labels, as answers are found by label."
            )
        seen_labels[key] = field_id
        kind = item["kind"]
        options: list[str] = []
        raw_options = attributes.get("options")
        if isinstance(raw_options, list):
            for option in raw_options:
                text = _text(option.get("label")) if isinstance(option, dict) else _text(option)
                if text.strip():
                    options.append(" ".join(text.split()))
        if kind == "dropdown" and not options:
            raise FormError(
                f"The issue form {path}: the dropdown {item['label']!r} has no options: add some."
            )
        validations = item["validations"]
        render = _text(attributes.get("render")).strip() or None
        fields.append(
            FormField(
                id=field_id,
                label=item["label"],
                type=kind,
                options=options,
                required=_flag(validations.get("required")),
                multiple=_flag(attributes.get("multiple")),
                render=render if kind == "textarea" else None,
            )
        )
    if not fields:
        raise FormError(f"The issue form {path} has no input, textarea, dropdown or checkboxes fields.")
    return FormDefinition(
        name=_text(data.get("name")).strip(), labels=labels, fields=fields, title=_text(data.get("title"))
    )


@cache
def _default_form_text() -> str:
    return files("postmortem").joinpath("defaults/incident.yml").read_text(encoding="utf-8")


def default_form() -> FormDefinition:
    """The form shipped with the action (``defaults/incident.yml``)."""
    return parse_form_definition(_default_form_text(), "defaults/incident.yml (built in)")


# --------------------------------------------------------------------------------------------------------------
# Issue body → answers by id

_CHECKBOX = re.compile(r"^(?P<indent>[ \t]*)[-*+][ \t]*\[(?P<mark>[ xX]?)\][ \t]*(?P<text>.*)$")


def _label_key(text: str) -> str:
    """Exact comparison key: trimmed, case-folded, whitespace collapsed, variation selectors dropped."""
    cleaned = unicodedata.normalize("NFC", text).replace("\ufe0f", "").replace("\ufe0e", "")
    return " ".join(cleaned.casefold().split())


def _loose_key(text: str) -> str:
    """Looser key: the words only (punctuation, emoji and markup ignored)."""
    return " ".join(re.findall(r"[^\W_]+", _label_key(text)))


class _LabelIndex:
    def __init__(self, form: FormDefinition) -> None:
        self.exact = {_label_key(f.label): f for f in form.fields}
        loose: dict[str, FormField | None] = {}
        for f in form.fields:
            key = _loose_key(f.label)
            if key:
                loose[key] = None if key in loose else f
        self.loose = {k: v for k, v in loose.items() if v is not None}

    def find(self, heading: str) -> FormField | None:
        found = self.exact.get(_label_key(heading))
        return found if found is not None else self.loose.get(_loose_key(heading))


def _normalise_newlines(body: str) -> str:
    return normalize(body.lstrip("\ufeff"))


def _field_heading(line: str) -> str | None:
    """The text of a ``### Label`` line (the headings GitHub writes for form fields), else None.

    Up to three spaces, ``###``, then the text after spaces with a closing ``#`` sequence dropped; ``###Label``
    (no space, as some tools write it) counts too, ``####`` does not. A scan, not a regular expression: the
    lazy ``(.*?)`` before optional ``[ \t]+#+`` and ``[ \t]*$`` was quadratic on a line of spaces.
    """
    start = len(line) - len(line.lstrip(" "))
    if start > 3 or not line.startswith("###", start):
        return None
    rest = line[start + 3 :].rstrip(" \t")
    if not rest:
        return ""
    if rest[0] not in " \t":
        return None if rest[0] == "#" or rest[0].isspace() else rest
    text = rest.strip(" \t")
    closing = text.rstrip("#")
    if closing != text and closing[-1:] in (" ", "\t"):
        text = closing.rstrip(" \t")
    return text


def _split_sections(
    lines: list[str], index: _LabelIndex, ignored: set[int]
) -> tuple[dict[str, list[str]], int | None]:
    """Split the body's lines into sections by field id; fence openings on ``ignored`` lines are plain text.

    Returns the sections and the line of a fence left open at the end, if any.
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    fence: str | None = None
    fence_line: int | None = None
    for number, line in enumerate(lines):
        if fence is not None:
            if closes_fence(line, fence):
                fence, fence_line = None, None
            if current is not None:
                current.append(line)
            continue
        opening = fence_opening(line)
        if opening and number not in ignored and not (opening[0][0] == "`" and "`" in opening[1]):
            fence, fence_line = opening[0], number
            if current is not None:
                current.append(line)
            continue
        heading = _field_heading(line)
        if heading is not None:
            found = index.find(heading)
            if found is not None and found.id not in sections:
                current = sections[found.id] = []
                continue
        if current is not None:
            current.append(line)
    return sections, fence_line


def _unwrap_fence(value: str) -> str:
    lines = value.split("\n")
    opening = fence_opening(lines[0]) if lines else None
    if opening is None or len(lines) < 2 or not closes_fence(lines[-1], opening[0]):
        return value
    return "\n".join(lines[1:-1]).strip("\n")


def _normalise_checkboxes(value: str) -> str:
    out = []
    for line in value.split("\n"):
        match = _CHECKBOX.match(line)
        if match:
            mark = "x" if match["mark"] in ("x", "X") else " "
            out.append(f"{match['indent']}- [{mark}] {match['text'].rstrip()}")
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _clean_answer(lines: list[str], field: FormField) -> str:
    while lines and not lines[0].strip():
        lines = lines[1:]
    value = "\n".join(lines).rstrip()
    if not value.strip() or value.strip() == NO_RESPONSE:
        return ""
    if field.type == "dropdown" and value.strip() == "None" and "None" not in field.options:
        return ""
    if field.type in ("input", "dropdown"):
        return value.strip()
    if field.type == "checkboxes":
        return _normalise_checkboxes(value)
    if field.render is not None:
        value = _unwrap_fence(value)
        if not value.strip():
            return ""
    return value


def _parse_sections(body: str | None, form: FormDefinition) -> tuple[dict[str, str], set[str]]:
    """Answers by id for every field of the form, and the ids whose section was found in the body."""
    lines = _normalise_newlines(body or "").split("\n")
    index = _LabelIndex(form)
    ignored: set[int] = set()
    while True:
        sections, open_fence = _split_sections(lines, index, ignored)
        # A fence never closed would swallow every later heading: read the body again without it.
        if open_fence is None or open_fence in ignored:
            break
        ignored.add(open_fence)
    answers = {f.id: _clean_answer(sections.get(f.id, []), f) for f in form.fields}
    return answers, set(sections)


def parse_issue_body(body: str | None, form: FormDefinition) -> dict[str, str]:
    """The answers of a rendered issue body, by field id, for every field of ``form`` (``""`` when empty/missing).

    See the module docstring for how headings, empty answers, checkboxes and code fences are read.
    """
    return _parse_sections(body, form)[0]


def checked_options(answer: str) -> list[str]:
    """The ticked options of a checkboxes answer (``- [x] option`` lines)."""
    found = []
    for line in answer.split("\n"):
        match = _CHECKBOX.match(line)
        if match and match["mark"] in ("x", "X"):
            found.append(match["text"].strip())
    return found


# --------------------------------------------------------------------------------------------------------------
# Severity, times, timeline

_SEVERITY = re.compile(r"^[\W_]*(?P<level>[pP][0-2])(?![^\W_])")
_ZONE = r"(?P<zone>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)"
# In a timeline line a bare "-12" after the time is text ("10:15 -12 pods evicted"): only +HH:MM / +HHMM there.
_EVENT_ZONE = r"(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})"
_DATETIME = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})(?:[Tt]|[ \t]+)(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.\d+)?)?[ \t]*" + _ZONE + r"?$",
    re.IGNORECASE,
)
_EVENT = re.compile(
    r"^(?:(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:[Tt]|[ \t]+))?(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
    r"(?:[ \t]*(?P<ampm>[AaPp]\.?[Mm]\.?))?(?:[ \t]*" + _EVENT_ZONE + r")?(?=$|[\s\-–—:|,.;)])",
    re.IGNORECASE,
)
_EVENT_SEPARATOR = re.compile(r"^[ \t]*(?:[-–—:|,;][ \t]*)?")
_BULLET = re.compile(r"^[ \t]*(?:(?:[-*+]|\d{1,3}[.)])[ \t]+(?:\[[ xX]?\][ \t]*)?)?")
_CHAT_TIME = re.compile(r"^\[(\d{1,2}:\d{2}[^\]]*)\]")
_TABLE_DELIMITER = re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?$")


def parse_severity(text: str) -> Severity | None:
    """``P0``/``P1``/``P2`` from a dropdown answer (``P1 - Major: …``, ``p1``, ``🔴 P0``), else None."""
    match = _SEVERITY.match(text.strip())
    if match is None:
        return None
    level = match["level"].upper()
    if level == "P0":
        return "P0"
    if level == "P1":
        return "P1"
    return "P2"


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a UTC offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_time(text: str) -> datetime:
    """A form time as an aware UTC datetime; raises ValueError when it is not ``YYYY-MM-DD HH:MM`` (see module doc)."""
    cleaned = text.strip().strip("`*_").strip()
    match = _DATETIME.match(cleaned)
    if match is None:
        raise ValueError(f"{text!r} is not YYYY-MM-DD HH:MM")
    try:
        moment = datetime(
            int(match["y"]),
            int(match["mo"]),
            int(match["d"]),
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),
            tzinfo=_zone(match["zone"]),
        )
        return moment.astimezone(UTC)
    except OverflowError as error:  # year 1 or 9999 pushed out of range by an offset
        raise ValueError(f"{text!r} is out of range") from error


def _clock(match: re.Match[str]) -> time:
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("hour out of range for AM/PM")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return time(hour, minute, second)


def _nearest(candidate: datetime, reference: datetime) -> datetime:
    """``candidate`` moved by whole days to within 12 hours of ``reference``."""
    while candidate - reference > timedelta(hours=12):
        candidate -= timedelta(days=1)
    while reference - candidate > timedelta(hours=12):
        candidate += timedelta(days=1)
    return candidate


_ACTION_ARROWS = (" -> ", " → ")


def _split_action(text: str) -> tuple[str, str]:
    """``event -> action taken``: the first arrow with a space on each side splits a line (follow-through)."""
    cut = min(((text.find(arrow), arrow) for arrow in _ACTION_ARROWS if arrow in text), default=None)
    if cut is None:
        return text, ""
    return text[: cut[0]].strip(), text[cut[0] + len(cut[1]) :].strip()


def parse_timeline(text: str, reference: datetime | None = None) -> tuple[list[TimelineEvent], list[str]]:
    """Timeline events from the textarea, one a line, and the lines whose date or time is impossible.

    ``reference`` (the start time) places bare ``HH:MM`` times on a date; see the module docstring.
    """
    events: list[TimelineEvent] = []
    invalid: list[str] = []
    previous = reference.astimezone(UTC) if reference is not None else None
    for raw in _normalise_newlines(text).split("\n"):
        line = raw.strip()
        if not line or fence_opening(line):
            continue
        if _TABLE_DELIMITER.match(line):
            continue  # a Markdown table pasted as the timeline: its rows are events, its delimiter is not
        if line.startswith("|"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if cells and not _EVENT.match(cells[0]):
                continue  # the table's header row
            line = " | ".join(cell for cell in cells if cell)
        line = _BULLET.sub("", line, count=1).strip()
        if not line or line in ("-", "*", "+"):
            continue
        line = _CHAT_TIME.sub(r"\1", line, count=1)
        match = _EVENT.match(line)
        if match is None:
            text, action = _split_action(line)
            events.append(TimelineEvent(time_text="", text=text, action=action))
            continue
        time_text = match.group(0).strip()
        rest = _EVENT_SEPARATOR.sub("", line[match.end() :], count=1).strip()
        at: datetime | None = None
        try:
            clock = _clock(match)
            zone = _zone(match["zone"])
            if match["date"]:
                day = date.fromisoformat("-".join(part.zfill(2) for part in match["date"].split("-")))
                at = datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
            elif previous is not None:
                local_day = previous.astimezone(zone).date()
                candidate = datetime.combine(local_day, clock, tzinfo=zone).astimezone(UTC)
                at = _nearest(candidate, previous)
        except (ValueError, OverflowError):
            invalid.append(line)
            at = None
        if at is not None:
            previous = at
        rest, action = _split_action(rest)
        events.append(TimelineEvent(at=at, time_text=time_text, text=rest, action=action))
    return events, invalid


# --------------------------------------------------------------------------------------------------------------
# Incident


def _quote(value: str, limit: int = 80) -> str:
    """``value`` as an inline code span (safe from Markdown, mentions and links), shortened to ``limit``."""
    flat = " ".join(value.split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    if not flat:
        return "(empty)"
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") else ""
    return f"{ticks}{pad}{flat}{pad}{ticks}"


def _strip_title_prefix(title: str, prefix: str) -> str:
    prefix = prefix.strip()
    stripped = title.strip()
    if prefix and stripped.casefold().startswith(prefix.casefold()):
        stripped = stripped[len(prefix) :].strip()
    return stripped


def _names(fields: Iterable[FormField]) -> str:
    """The headings of the required fields (all fields when none is required), for messages."""
    listed = list(fields)
    return ", ".join(f"### {f.label}" for f in [f for f in listed if f.required] or listed)


def parse_incident(
    *,
    number: int,
    title: str,
    body: str | None,
    created_at: datetime,
    form: FormDefinition,
    url: str = "",
    author: str = "",
) -> Incident:
    """The incident an issue describes. Never raises on user input: what cannot be used becomes a problem."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    answers, found = _parse_sections(body, form)
    problems: list[FormProblem] = []

    def problem(field: FormField | None, value: str, message: str) -> None:
        problems.append(
            FormProblem(
                field_id=field.id if field else "body",
                label=field.label if field else "",
                value=value,
                message=message,
            )
        )

    clean_title = _strip_title_prefix(title, form.title) or title.strip()
    if form.title.strip() and not _strip_title_prefix(title, form.title):
        problems.append(
            FormProblem(
                field_id="title",
                label="Title",
                value=title,
                message=f"The issue title is only {_quote(title.strip())}: edit the title to say what happened.",
            )
        )

    if not (body or "").strip():
        problem(
            None,
            "",
            "The issue has no description: file the incident with the incident issue form, or edit this issue "
            f"and add the form's sections ({_names(form.fields)}).",
        )
    elif not found:
        problem(
            None,
            "",
            "None of the incident form's sections were found in the issue (it was probably not filed with the "
            f"form): edit the issue and add them as headings ({_names(form.fields)}), or file a new one with the form.",
        )
    else:
        for field in form.fields:
            if not field.required or answers[field.id]:
                continue
            if field.id not in found:
                problem(
                    field,
                    "",
                    f"The section ### {field.label} is missing: edit the issue and add it back with an answer.",
                )
            elif field.type == "dropdown":
                problem(field, "", f"{field.label} is empty: edit the issue and choose one of its options.")
            else:
                problem(field, "", f"{field.label} is empty: edit the issue and fill it in.")

    def get(field_id: str) -> str:
        return answers.get(field_id, "")

    severity: Severity | None = None
    severity_field = form.field("severity")
    if get("severity"):
        severity = parse_severity(get("severity"))
        if severity is None:
            problem(
                severity_field,
                get("severity"),
                f"Severity {_quote(get('severity'))} is not one of P0, P1, P2: edit the issue and pick one "
                "from the dropdown.",
            )

    times: dict[str, datetime | None] = {}
    for field_id in ("started_at", "detected_at", "resolved_at"):
        value = get(field_id)
        times[field_id] = None
        if not value:
            continue
        try:
            times[field_id] = parse_time(value)
        except ValueError:
            time_field = form.field(field_id)
            name = time_field.label if time_field else field_id
            problem(
                time_field,
                value,
                f"{name} {_quote(value)} is not a time: edit the issue and write it as {TIME_FORMAT_HINT}.",
            )
    started, detected, resolved = times["started_at"], times["detected_at"], times["resolved_at"]

    def order(later_id: str, later: datetime | None, earlier_id: str, earlier: datetime | None) -> None:
        if later is None or earlier is None or later >= earlier:
            return
        later_field, earlier_field = form.field(later_id), form.field(earlier_id)
        later_name = later_field.label if later_field else later_id
        earlier_name = earlier_field.label if earlier_field else earlier_id
        problem(
            later_field,
            get(later_id),
            f"{later_name} is {later:%Y-%m-%d %H:%M}, before {earlier_name}, {earlier:%Y-%m-%d %H:%M} (UTC): "
            "edit the issue and correct one of them.",
        )

    order("detected_at", detected, "started_at", started)
    order("resolved_at", resolved, "started_at", started)
    if started is None or resolved is None or resolved >= started:
        order("resolved_at", resolved, "detected_at", detected)

    reference = started or detected or resolved
    timeline, invalid = parse_timeline(get("timeline"), reference)
    for line in invalid:
        problem(
            form.field("timeline"),
            line,
            f"The timeline line {_quote(line)} has an impossible date or time: edit the issue and write it as "
            "HH:MM or YYYY-MM-DD HH:MM (UTC).",
        )

    return Incident(
        number=number,
        title=clean_title,
        url=url,
        author=author,
        created_at=created_at.astimezone(UTC),
        severity=severity,
        severity_text=get("severity"),
        started_at=started,
        detected_at=detected,
        resolved_at=resolved,
        summary=get("summary"),
        users_affected=get("users_affected"),
        services_impacted=get("services_impacted"),
        user_experience=get("user_experience"),
        data_loss=get("data_loss"),
        timeline=timeline,
        root_cause=get("root_cause"),
        resolution=get("resolution"),
        answers=answers,
        problems=problems,
    )


def problems_comment(incident: Incident) -> str:
    """The Markdown of the one comment listing the issue's form problems (edited in place by the bot).

    Starts with the :data:`~postmortem.markdown.markers.FORM_PROBLEMS` marker. With no problems left, it says so (for editing the old comment).
    """
    if not incident.problems:
        return (
            f"{marker(FORM_PROBLEMS)}\n"
            "✅ **The incident form is complete.** Every answer could be used for the post-mortem.\n"
        )
    count = len(incident.problems)
    lines = [
        marker(FORM_PROBLEMS),
        f"⚠️ **{count} answer{'s' if count != 1 else ''} in this incident could not be used for the post-mortem.**",
        "",
        "Edit the issue (**···** → **Edit**) to fix "
        + ("it" if count == 1 else "them")
        + "; the post-mortem draft is updated when the issue is saved.",
        "",
    ]
    lines += [f"- {p.message}" for p in incident.problems]
    return "\n".join(lines) + "\n"
