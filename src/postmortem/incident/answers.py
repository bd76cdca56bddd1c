"""An issue form's answers as typed JSON (``postmortem parse`` and the ``answers`` step output).

Built on the public functions of :mod:`postmortem.incident.form`. Types follow the form field:

* inputs and textareas: the text; a single dropdown: the chosen option; a multiple dropdown: the list of chosen
  options; checkboxes: the list of ticked labels; ``None`` for no answer (``_No response_``, an unselected
  optional dropdown's ``None``, an empty or missing section).
* HTML comments are not part of an answer: GitHub does not show them, and bots append metadata comments.
  They are dropped before the body is read (outside fenced code, where they are text).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from postmortem.incident.form import (
    FormDefinition,
    FormField,
    checked_options,
    parse_incident,
    parse_issue_body,
)

__all__ = ["Answer", "answers", "answers_json", "parse_result", "strip_html_comments"]

Answer = str | list[str] | None


def strip_html_comments(body: str) -> str:
    """``body`` without ``<!-- … -->`` comments outside fenced code blocks. Linear; an unclosed comment runs to
    the end, as on GitHub."""
    out: list[str] = []
    fence = ""
    in_comment = False
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence:
            out.append(line)
            stripped = line.strip()
            if len(stripped) >= len(fence) and set(stripped) == {fence[0]}:
                fence = ""
            continue
        if not in_comment:
            fence = _fence_opening(line)
            if fence:
                out.append(line)
                continue
        text, in_comment = _without_comments(line, in_comment)
        if text == line:
            out.append(line)
        elif text.strip():
            out.append(text.rstrip())
        # A line that held only a comment disappears instead of leaving a blank line inside an answer.
    return "\n".join(out)


def _fence_opening(line: str) -> str:
    stripped = line.lstrip(" ")
    if len(line) - len(stripped) > 3:
        return ""
    for char in "`~":
        if stripped.startswith(char * 3):
            count = len(stripped) - len(stripped.lstrip(char))
            if char != "`" or "`" not in stripped[count:]:
                return char * count
    return ""


def _without_comments(line: str, in_comment: bool) -> tuple[str, bool]:
    """The parts of ``line`` outside comments, and whether a comment is still open at its end."""
    kept: list[str] = []
    position = 0
    while True:
        if in_comment:
            end = line.find("-->", position)
            if end < 0:
                return "".join(kept), True
            in_comment, position = False, end + 3
            continue
        start = line.find("<!--", position)
        if start < 0:
            kept.append(line[position:])
            return "".join(kept), False
        kept.append(line[position:start])
        in_comment, position = True, start + 4


def _options(value: str, field: FormField) -> list[str]:
    """A multiple dropdown's ``a, b`` as options; options containing ", " are matched whole, longest first."""
    chosen: list[str] = []
    rest = value.strip()
    ordered = sorted(field.options, key=len, reverse=True)
    while rest:
        match = next((o for o in ordered if rest == o or rest.startswith(o + ", ")), None)
        if match is None:
            head, _, rest = rest.partition(", ")
            chosen.append(head.strip())
        else:
            chosen.append(match)
            rest = rest[len(match) + 2 :] if rest != match else ""
        rest = rest.strip()
    return [c for c in chosen if c]


def _typed(value: str, field: FormField) -> Answer:
    if field.type == "checkboxes":
        return checked_options(value) if value.strip() else None
    if not value.strip():
        return None
    if field.type == "dropdown" and field.multiple:
        return _options(value, field)
    return value


def answers(form: FormDefinition, body: str | None) -> dict[str, Answer]:
    """Every field of ``form`` by id with its typed answer (see the module docstring)."""
    raw = parse_issue_body(strip_html_comments(body or ""), form)
    return {field.id: _typed(raw.get(field.id, ""), field) for field in form.fields}


def answers_json(form: FormDefinition, body: str | None) -> str:
    """:func:`answers` as one line of JSON (the ``answers`` step output on incident events)."""
    return json.dumps(answers(form, body), ensure_ascii=False, separators=(",", ":"))


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def parse_result(
    form: FormDefinition, body: str | None, *, title: str | None = None, created_at: datetime | None = None
) -> dict[str, Any]:
    """``{"answers": …, "incident": …}``: the typed answers and the normalised incident fields.

    ``incident`` holds severity, ISO 8601 UTC times, the duration in minutes, the timeline events and the problems
    found. Without a ``title`` the title is not checked.
    """
    cleaned = strip_html_comments(body or "")
    incident = parse_incident(
        number=0,
        title=title or "",
        body=cleaned,
        created_at=created_at or datetime(1970, 1, 1, tzinfo=UTC),
        form=form,
    )
    problems = [p for p in incident.problems if title is not None or p.field_id != "title"]
    return {
        "answers": answers(form, body),
        "incident": {
            "severity": incident.severity,
            "severity_text": incident.severity_text or None,
            "started_at": _iso(incident.started_at),
            "detected_at": _iso(incident.detected_at),
            "resolved_at": _iso(incident.resolved_at),
            "duration_minutes": incident.duration_minutes,
            "timeline": [
                {"at": _iso(event.at), "time": event.time_text, "text": event.text}
                for event in incident.timeline
            ],
            "problems": [
                {"field": p.field_id, "label": p.label, "value": p.value, "message": p.message}
                for p in problems
            ],
        },
    }
