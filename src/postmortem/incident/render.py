"""The post-mortem document: sandboxed Jinja2 rendering, YAML frontmatter, slug and file path.

User text (everything that comes from the incident issue) is only ever *data*: it is passed to the template as
variables and made safe by the filters ``block``, ``nested``, ``quote``, ``inline`` and ``cell`` — it is never
compiled as template source, never becomes a structural heading, and never reaches a path except through
:func:`slugify`. The frontmatter is written with ``yaml.safe_dump``, never by string concatenation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from postmortem.config import Config
from postmortem.errors import TemplateError
from postmortem.incident.model import Incident
from postmortem.markdown import escaping
from postmortem.markdown.frontmatter import (
    DocumentError,
    dump_yaml,
    load_yaml,
    split_block,
)
from postmortem.markdown.lines import normalize
from postmortem.markdown.sections import sections

DEFAULT_TEMPLATE_NAME = "postmortem.md.j2"
STATUS_DRAFT = "Draft"
NO_RESPONSE = "_No response_"

__all__ = [
    "DEFAULT_TEMPLATE_NAME",
    "default_template_source",
    "document_path",
    "document_sections",
    "render_document",
    "slugify",
    "template_variables",
]


# --------------------------------------------------------------------------------------------------------------
# Slug and path
# --------------------------------------------------------------------------------------------------------------

# Letters NFKD does not decompose into ASCII.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
    }
)
_APOSTROPHES = re.compile(r"['’`]")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


def slugify(title: str, max_length: int = 60) -> str:
    """A short ASCII slug of ``title`` for a file or branch name.

    Lowercase ``a-z0-9`` words joined by single dashes, at most ``max_length`` characters, cut at a word
    boundary where possible, never starting or ending with a dash. Accents are transliterated (NFKD); a title
    with no Latin letters or digits (Cyrillic, CJK, emoji, empty) gives ``"incident"``. The result never
    contains ``.``, ``/`` or ``\\``, so it is always a safe single path segment.
    """
    if max_length < 1:
        raise ValueError("max_length must be at least 1")
    text = unicodedata.normalize("NFKD", title.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = _APOSTROPHES.sub("", text)
    slug = "-".join(_SLUG_WORD.findall(text))
    if len(slug) > max_length:
        boundary = slug.rfind("-", 0, max_length + 1)
        # Cut at the last word boundary unless that would throw away more than half of the room.
        slug = slug[:boundary] if boundary >= max_length // 2 else slug[:max_length]
        slug = slug.strip("-")
    return slug or "incident"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def document_path(incident: Incident, directory: str) -> str:
    """``{directory}/{YYYY-MM-DD}-{slug}.md`` with the incident's date in UTC."""
    folder = directory.strip().strip("/")
    name = f"{_utc(incident.date):%Y-%m-%d}-{slugify(incident.title)}.md"
    return f"{folder}/{name}" if folder else name


# --------------------------------------------------------------------------------------------------------------
# Filters for user text
# --------------------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: object) -> str:
    """User text as a string: ``None`` and GitHub's ``_No response_`` are empty; newlines are ``\\n``."""
    if value is None:
        return ""
    text = normalize(str(value))
    # NUL and other control characters would make git and GitHub treat the document as binary.
    text = _CONTROL.sub("", text)
    return "" if text.strip() == NO_RESPONSE else text


def inline(value: object) -> str:
    """Single-line user text: whitespace (newlines included) collapsed to single spaces, trimmed.

    Raw ``<h1>``…``<h6>`` tags become text (``&lt;h2>``), as in :func:`block`.
    """
    return escaping.inline(_text(value))


def cell(value: object) -> str:
    """User text for a Markdown table cell: one line, ``|`` escaped as ``\\|`` (backslashes before it doubled)."""
    return escaping.table_cell(_text(value))


def block(value: object) -> str:
    """Multi-line user text placed as its own block inside a section.

    Trimmed; ``_No response_`` becomes empty. Headings cannot escape into the document's structure: ATX
    headings (``#`` … ``######``, also inside quotes and lists) get their first ``#`` escaped, setext underlines
    (``---`` / ``===`` lines) their first character, raw ``<h1>``…``<h6>`` tags become text; code blocks are
    left alone. An unclosed code fence is closed; other unterminated blocks are wrapped in a code fence.
    """
    return escaping.block(_text(value).strip())


def quote(value: object) -> str:
    """``block`` as a Markdown blockquote (``> `` before every line)."""
    text = block(value)
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n")) if text else ""


def nested(value: object, placeholder: str = "") -> str:
    """User text after a list item's label (``- **Label**:{{ x | nested("[prompt]") }}``).

    One line gives ``" text"``; several lines give a newline and the ``block`` indented under the list item;
    empty text gives ``" " + placeholder`` (or ``""`` without a placeholder).
    """
    text = block(value)
    if not text:
        return f" {placeholder}" if placeholder else ""
    lines = text.split("\n")
    if len(lines) == 1:
        return f" {lines[0]}"
    return "\n" + "\n".join(f"  {line}" if line.strip() else "" for line in lines)


def format_utc(value: object) -> str:
    """A datetime (or ISO 8601 string) as ``YYYY-MM-DD HH:MM UTC``; ``None``/empty gives ``""``."""
    if value is None or value == "":
        return ""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{_utc(moment):%Y-%m-%d %H:%M} UTC"


def format_duration(minutes: object) -> str:
    """Minutes as ``1 hour 5 minutes`` / ``47 minutes`` / ``2 hours``; ``None`` gives ``""``."""
    if minutes is None or isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        return ""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


FILTERS: dict[str, Callable[..., str]] = {
    "block": block,
    "cell": cell,
    "inline": inline,
    "nested": nested,
    "quote": quote,
    "utc": format_utc,
    "duration": format_duration,
}


# --------------------------------------------------------------------------------------------------------------
# Template variables and frontmatter
# --------------------------------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else f"{_utc(moment):%Y-%m-%dT%H:%M:%SZ}"


def _frontmatter(incident: Incident) -> dict[str, Any]:
    return {
        "incident": incident.number,
        "incident_url": incident.url or None,
        "title": incident.title,
        "date": f"{_utc(incident.date):%Y-%m-%d}",
        "severity": incident.severity,
        "status": STATUS_DRAFT,
        "duration_minutes": incident.duration_minutes,
        "started_at": _iso(incident.started_at),
        "detected_at": _iso(incident.detected_at),
        "resolved_at": _iso(incident.resolved_at),
        "signoff": {},
        "published": None,
    }


def _timeline(incident: Incident) -> list[dict[str, object]]:
    day = _utc(incident.date).date()
    rows: list[dict[str, object]] = []
    for event in incident.timeline:
        if event.at is not None:
            at = _utc(event.at)
            time = f"{at:%H:%M}" if at.date() == day else f"{at:%Y-%m-%d %H:%M}"
        else:
            time = event.time_text
        rows.append(
            {
                "time": time,
                "text": event.text,
                "action": event.action,
                "by": event.by,
                "at": None if event.at is None else _utc(event.at),
            }
        )
    return rows


def _to_utc(data: object) -> object:
    if isinstance(data, datetime):
        return _utc(data)
    if isinstance(data, dict):
        return {key: _to_utc(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_to_utc(value) for value in data]
    return data


def _reviewers(config: Config, team_members: Mapping[str, Sequence[str]] | None) -> str:
    """The sign-off role holders: ``@login`` for logins (configured, or members of a team that was read), a team
    that was not read as its name without ``@``. "" when no role names anyone."""
    names: list[str] = []
    for role in config.signoff.roles:
        names += [f"@{user}" for user in role.users]
        for team in role.teams:
            members = (team_members or {}).get(team)
            names += [f"@{member}" for member in members] if members is not None else [team]
    return ", ".join(dict.fromkeys(names))


def template_variables(
    incident: Incident, config: Config, team_members: Mapping[str, Sequence[str]] | None = None
) -> dict[str, object]:
    """Exactly the variables a template sees (the default one and custom ones alike).

    - ``incident``: every field of the Incident as plain data (``number``, ``title``, ``url``, ``author``,
      ``created_at``, ``severity``, ``severity_text``, ``started_at``, ``detected_at``, ``resolved_at``,
      ``summary``, ``users_affected``, ``services_impacted``, ``user_experience``, ``data_loss``,
      ``timeline`` (``at``, ``time_text``, ``text``, ``action``, ``by``), ``root_cause``, ``resolution``, ``answers``,
      ``problems``, ``duration_minutes``); datetimes are in UTC. Raw user text: pass it through a filter.
    - ``number``, ``title``, ``url``, ``author``: the issue's number, title, URL and author login.
    - ``date``: the incident's date, ``YYYY-MM-DD`` (its start in UTC, else the issue's creation).
    - ``severity``: ``P0``/``P1``/``P2`` or ``None``; ``severity_text``: the option as chosen, for display.
    - ``status``: ``Draft``.
    - ``started``, ``detected``, ``resolved``: ``YYYY-MM-DD HH:MM UTC`` or ``""`` when unknown.
    - ``duration``: ``1 hour 5 minutes`` or ``""``; ``duration_minutes``: an int or ``None``.
    - ``timeline``: the form's events in order, each ``time`` (``HH:MM`` in UTC, with the date when it differs
      from the incident's date; as written when it could not be placed), ``text``, ``action`` (Action Taken),
      ``by`` (By Whom, ``@login``), ``at`` (UTC or ``None``).
    - ``roles``: the sign-off roles from the configuration, each ``id`` and ``title``.
    - ``reviewers``: the sign-off role holders, ``@login, @login, org/team`` ("" when no role names anyone);
      a team is expanded to ``@member`` logins when ``team_members`` has it (the team was read).
    - ``answers``: every form answer by field id (custom fields included), as text.
    - ``frontmatter``: the metadata written above the body (read-only; the action writes it itself).

    Filters: ``block`` (multi-line text as its own block), ``nested`` (text after a list item's label, with an
    optional placeholder), ``quote`` (block as a blockquote), ``inline`` (one line), ``cell`` (a table cell),
    ``utc`` (datetime → ``YYYY-MM-DD HH:MM UTC``), ``duration`` (minutes → text); plus Jinja's built-ins.
    """
    data = _to_utc(incident.model_dump(mode="python"))
    assert isinstance(data, dict)
    return {
        "incident": data,
        "number": incident.number,
        "title": incident.title,
        "url": incident.url,
        "author": incident.author,
        "date": f"{_utc(incident.date):%Y-%m-%d}",
        "severity": incident.severity,
        "severity_text": incident.severity_text.strip() or incident.severity or "",
        "status": STATUS_DRAFT,
        "started": format_utc(incident.started_at),
        "detected": format_utc(incident.detected_at),
        "resolved": format_utc(incident.resolved_at),
        "duration": format_duration(incident.duration_minutes),
        "duration_minutes": incident.duration_minutes,
        "timeline": _timeline(incident),
        "roles": [{"id": role.id, "title": role.title} for role in config.signoff.roles],
        "reviewers": _reviewers(config, team_members),
        "answers": dict(incident.answers),
        "frontmatter": _frontmatter(incident),
    }


# --------------------------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------------------------

_MAX_SEQUENCE = 1_000_000


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, plus limits on ``*`` and ``**`` so a template cannot build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 100:
            raise SecurityError("exponent too large")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(count, int)
                    and len(sequence) * count > _MAX_SEQUENCE
                ):
                    raise SecurityError("repeated sequence too long")
        return super().call_binop(context, operator, left, right)


def _environment() -> _Sandbox:
    env = _Sandbox(
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def default_template_source() -> str:
    """The embedded default template (``postmortem/defaults/postmortem.md.j2``)."""
    return (
        resources.files("postmortem").joinpath("defaults", DEFAULT_TEMPLATE_NAME).read_text(encoding="utf-8")
    )


def _error_line(error: BaseException, template_name: str) -> int | None:
    line = getattr(error, "lineno", None)
    if isinstance(line, int):
        return line
    found = None
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == template_name:
            found = traceback.tb_lineno
        traceback = traceback.tb_next
    return found


def _template_error(error: Exception, template_name: str) -> TemplateError:
    line = _error_line(error, template_name)
    where = f"{template_name} (line {line})" if line else template_name
    if isinstance(error, jinja2.TemplateSyntaxError):
        what = f"has a syntax error: {error.message}"
        fix = "fix the Jinja2 syntax"
    elif isinstance(error, jinja2.UndefinedError):
        names = ", ".join(_VARIABLE_NAMES)
        what = f"uses an undefined variable or attribute: {error.message}"
        fix = f"use one of the documented variables ({names}) or guard it with `is defined`"
    elif isinstance(error, SecurityError):
        what = f"tried something the sandbox forbids: {error}"
        fix = "use only the documented variables and filters (no attributes starting with _, no mutation)"
    elif isinstance(error, TypeError) and "no loader" in str(error):
        what = "tried to include, import or extend another template"
        fix = "put everything in one template file"
    else:
        what = f"failed while rendering: {type(error).__name__}: {error}"
        fix = "fix the expression on that line"
    return TemplateError(f"The post-mortem template {where} {what}; {fix}.")


_VARIABLE_NAMES = (
    "incident",
    "number",
    "title",
    "url",
    "author",
    "date",
    "severity",
    "severity_text",
    "status",
    "started",
    "detected",
    "resolved",
    "duration",
    "duration_minutes",
    "timeline",
    "roles",
    "reviewers",
    "answers",
    "frontmatter",
)


def render_document(
    incident: Incident,
    config: Config,
    template_source: str | None = None,
    *,
    template_name: str = DEFAULT_TEMPLATE_NAME,
    team_members: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The post-mortem as Markdown: YAML frontmatter (written by the action) and the rendered template body.

    ``template_source`` None renders the embedded default; otherwise it is a custom template's text (read from
    the repository by the caller) and ``template_name`` is its path, used in error messages. ``team_members``:
    the members of the sign-off roles' teams that were read (``reviewers``; see :func:`template_variables`). Both see
    :func:`template_variables` in the same sandbox. A custom template renders the body only; if its output
    starts with its own frontmatter block, its extra keys are kept after the action's (the action's keys win).

    Raises :class:`TemplateError` naming the template, the line and the fix on a syntax error, an undefined
    variable, a sandbox violation or any other rendering failure.
    """
    source = default_template_source() if template_source is None else template_source
    env = _environment()
    variables = template_variables(incident, config, team_members)
    try:
        code = env.compile(source, name=template_name, filename=template_name)
        template = env.template_class.from_code(env, code, env.make_globals(None))
        body = template.render(variables)
    except Exception as error:  # every failure of a user's template is reported as a TemplateError
        raise _template_error(error, template_name) from error

    metadata = _frontmatter(incident)
    extra, rest = split_block(body)
    if extra is not None:
        try:
            parsed = load_yaml(extra[1])
        except DocumentError as error:
            raise TemplateError(
                f"The post-mortem template {template_name} starts with a frontmatter block that is not a YAML "
                f"mapping ({error}); fix it or remove it (the action writes the frontmatter itself)."
            ) from error
        metadata.update({key: value for key, value in parsed.items() if key not in metadata})
        body = rest
    body = body.lstrip("\n")
    if not body.endswith("\n"):
        body += "\n"
    return f"---\n{dump_yaml(metadata)}---\n\n{body}"


# --------------------------------------------------------------------------------------------------------------
# Structure
# --------------------------------------------------------------------------------------------------------------


def document_sections(text: str) -> list[str]:
    """The document's own top-level (``##``) section titles in order, frontmatter excluded.

    Only level-2 headings at the top level of the Markdown tree count (ATX ``##`` or a setext ``---``
    underline); headings inside quotes or list items, and escaped ``\\##`` text, do not.
    """
    return [section.title for section in sections(text) if section.level == 2 and not section.nested]
