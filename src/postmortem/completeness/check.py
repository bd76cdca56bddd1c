"""The completeness check: what a post-mortem still lacks before its sign-offs mean anything.

:func:`check` is pure and linear in the document's size. The template (the repository's, else the embedded one,
which implements the seed template) says which sections a post-mortem has, in which order, which ``[…]``
placeholders and italic prompts it starts with, and which lines are its own (a line copied unchanged from the
template is never a section's content). See :data:`postmortem.completeness.model.RULES` for the rules.

Decisions where the issue is silent:

* Headings are compared by their words only (``## Sign-Off`` matches ``### Sign off``), at any level.
* A missing section is reported at the heading it should precede; an Executive Summary, Root Cause or Timeline
  that is missing altogether is reported once, by ``section-missing`` when the template has it, else by the rule.
* Committed action items are those with any status but Proposed and Won't Do (no Status column: all).
* The sign-off checklist lines (``- [ ] **CTO**: [Name] - [Date]``), ``**Publication Date**`` and the 30-day
  follow-up date are filled by the action at sign-off and publication, so their placeholders are not problems.
* ``<!-- postmortem-lint disable=rule-id[,rule-id…] -->`` on a line of its own (outside code) turns the rules off
  for the whole document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import lru_cache
from importlib.resources import files

from postmortem.action_items.table import Status, read_action_items
from postmortem.completeness.document import (
    Document,
    bold_label,
    brackets,
    heading_key,
    is_rule,
    is_table_delimiter,
    line_key,
    normalise_newlines,
    parse,
    strip_markers,
)
from postmortem.completeness.model import LEVELS, Problem
from postmortem.config import COMPLETENESS_RULE_IDS, CompletenessConfig
from postmortem.markdown.fences import block_tokens, code_lines

__all__ = ["check", "default_template"]

_FIXED_PLACEHOLDERS = frozenset({"names", "name", "yyyy-mm-dd", "answer"})
_DISABLE = "<!-- postmortem-lint disable="
_NOT_COMMITTED = (Status.PROPOSED, Status.WONT_DO)


def default_template() -> str:
    """The embedded post-mortem template (the seed's sections, prompts and placeholders)."""
    return (files("postmortem") / "defaults" / "postmortem.md.j2").read_text(encoding="utf-8")


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f'"{text[: limit - 1]}…"' if len(text) > limit else f'"{text}"'


# ----------------------------------------------------------------------------------------------------------------
# The template


@dataclass(frozen=True)
class _Template:
    sections: tuple[tuple[str, str], ...]
    """(heading key, heading text) of every ``##``-``######`` heading without a template variable, in order."""
    prompts: frozenset[str]
    """:func:`line_key` of the template's italic prompt lines."""
    placeholders: frozenset[str]
    """The casefolded text of every ``[…]`` placeholder the template writes."""
    lines: frozenset[str]
    """:func:`line_key` of every template line without a variable: never a section's own content."""


def _without_jinja_comments(source: str) -> str:
    out: list[str] = []
    position = 0
    while True:
        start = source.find("{#", position)
        if start < 0:
            out.append(source[position:])
            return "".join(out)
        end = source.find("#}", start + 2)
        out.append(source[position:start])
        if end < 0:
            return "".join(out)
        # Keep the line count so the template's lines stay where they were.
        out.append("\n" * source.count("\n", start, end))
        position = end + 2


def _is_prompt(line: str) -> bool:
    text = strip_markers(line)
    for mark in "*_":
        if len(text) > 2 and text[0] == mark and text[-1] == mark and text[1] != mark and text[-2] != mark:
            return True
    return False


@lru_cache(maxsize=8)
def _template(source: str) -> _Template:
    text = normalise_newlines(_without_jinja_comments(source))
    raw_lines = text.split("\n")
    static = [line if "{%" not in line and "{{" not in line else "" for line in raw_lines]
    document = parse("\n".join(static))
    sections = tuple((h.key, h.text) for h in document.headings if h.level >= 2 and h.key)
    prompts = frozenset(line_key(line) for line in static if _is_prompt(line))
    placeholders = {inner.strip().casefold() for line in raw_lines for _, inner in brackets(line)}
    placeholders = {p for p in placeholders if p and "{{" not in p and "{%" not in p}
    lines = frozenset(line_key(line) for line in static if line.strip())
    return _Template(sections, prompts, frozenset(placeholders), lines)


# ----------------------------------------------------------------------------------------------------------------
# Content


def _is_placeholder(inner: str, template: _Template) -> bool:
    key = inner.strip().casefold()
    return key in template.placeholders or key in _FIXED_PLACEHOLDERS or key.startswith("estimated ")


def _is_content(text: str, template: _Template) -> bool:
    """Whether a line says something of its own (not blank, a rule, a template line, a placeholder or a label)."""
    if not text.strip() or is_rule(text) or is_table_delimiter(text) or line_key(text) in template.lines:
        return False
    if line_key(text) in template.prompts:
        return False
    for column, inner in reversed(brackets(text)):
        if _is_placeholder(inner, template):
            text = text[:column] + text[column + len(inner) + 2 :]
    rest = strip_markers(text)
    if rest.startswith("**"):
        end = rest.find("**", 2)
        if end > 0:
            rest = rest[end + 2 :]
    if rest.lower().strip() in ("**example**:", "example:"):
        return False
    return any(c.isalnum() for c in rest)


def _has_content(document: Document, lines: Iterable[int], template: _Template) -> bool:
    for number in lines:
        if number in document.heading_lines:
            continue
        if number in document.code:
            return True
        if number in document.hidden:
            continue
        line = document.lines[number]
        header = number + 1 < len(document.lines) and is_table_delimiter(document.lines[number + 1])
        if not header and _is_content(line, template):
            return True
    return False


# ----------------------------------------------------------------------------------------------------------------
# Rules


@dataclass
class _Context:
    document: Document
    template: _Template
    config: CompletenessConfig
    text: str
    problems: list[Problem]
    missing: set[str]
    """Heading keys ``section-missing`` reported."""
    empty: set[int]
    """Lines of the headings reported empty (their prompt is not reported again)."""

    def add(self, rule: str, line: int, message: str, col: int = 1) -> None:
        self.problems.append(Problem(rule=rule, line=line + 1, col=col, message=message, level=LEVELS[rule]))

    def end_line(self) -> int:
        return max(len(self.document.lines) - 1, 0)


def _sections(ctx: _Context) -> None:
    headings = ctx.document.headings
    position = 0
    for key, text in ctx.template.sections:
        after = next((i for i in range(position, len(headings)) if headings[i].key == key), None)
        if after is not None:
            position = after + 1
            continue
        before = next((i for i in range(position) if headings[i].key == key), None)
        if before is not None:
            where = headings[position].line if position < len(headings) else headings[before].line
            ctx.add(
                "section-order",
                headings[before].line,
                f"section {_quote(text)} is out of the template's order: move it before line {where + 1}",
            )
            continue
        ctx.missing.add(key)
        where = headings[position].line if position < len(headings) else ctx.end_line()
        ctx.add("section-missing", where, f"section {_quote(text)} of the template is missing: add it here")


def _placeholders(ctx: _Context) -> None:
    document = ctx.document
    for number, line in _visible(document):
        stripped = line.strip()
        if stripped.startswith(("- [ ]", "- [x]", "- [X]", "* [ ]", "* [x]")):
            continue
        label = bold_label(line)
        if label is not None and label.casefold() == "publication date":
            continue
        if "(scheduled for [" in line:
            continue
        found = [
            (column, inner.strip())
            for column, inner in brackets(line)
            if _is_placeholder(inner, ctx.template)
        ]
        if found:
            names = ", ".join(f"[{inner}]" for _, inner in found[:3]) + (", …" if len(found) > 3 else "")
            ctx.add(
                "placeholder",
                number,
                f"{names} left from the template: fill in this incident's facts",
                found[0][0] + 1,
            )
        label_only = stripped.replace(" ", "").casefold()
        if label_only in ("**example**:", "**example:**", "**example**"):
            ctx.add(
                "example-block",
                number,
                "an **Example**: block from the template is left: replace it with this incident's text",
            )


def _prompts(ctx: _Context) -> None:
    document = ctx.document
    for index in range(len(document.headings)):
        own = document.own_lines(index)
        prompt = next(
            (
                n
                for n in own
                if n not in document.hidden and line_key(document.lines[n]) in ctx.template.prompts
            ),
            None,
        )
        heading = document.headings[index]
        if prompt is None or heading.line in ctx.empty or _has_content(document, own, ctx.template):
            continue
        # A parent whose subsections hold the content ("Root Cause Analysis" → "What Happened?").
        parent = index + 1 < len(document.headings) and document.headings[index + 1].level > heading.level
        if parent and _has_content(document, document.section_lines(index), ctx.template):
            continue
        ctx.add(
            "template-prompt",
            prompt,
            f"section {_quote(heading.text)} holds only the template's prompt: write this incident's own text",
        )


def _section_rule(
    ctx: _Context, rule: str, name: str, predicate: Callable[[str], bool], template_key: str
) -> None:
    index = ctx.document.find(predicate)
    if index is None:
        if template_key not in ctx.missing:
            ctx.add(rule, 0, f"the post-mortem has no {name} section: add one")
        return
    heading = ctx.document.headings[index]
    if not _has_content(ctx.document, ctx.document.section_lines(index), ctx.template):
        ctx.empty.add(heading.line)
        ctx.add(rule, heading.line, f"{name} is empty: write it")


def _visible(document: Document) -> Iterator[tuple[int, str]]:
    """``(number, line)`` of every line the rules read (not code, comments or frontmatter)."""
    return ((number, line) for number, line in enumerate(document.lines) if number not in document.hidden)


def _block_end(document: Document, start: int, ends: Callable[[str], bool]) -> int:
    """The line after the block below ``start``: it stops at a heading, a thematic break, or a visible line
    for which ``ends`` holds."""
    end = start + 1
    while (
        end < len(document.lines) and end not in document.heading_lines and not is_rule(document.lines[end])
    ):
        if end not in document.hidden and ends(document.lines[end]):
            break
        end += 1
    return end


def _root_cause(ctx: _Context) -> None:
    document = ctx.document
    for number, line in _visible(document):
        label = bold_label(line)
        if label is None or heading_key(label) != "root cause":
            continue
        end = _block_end(document, number, lambda text: bold_label(text) is not None)
        stripped = strip_markers(line)
        after_label = stripped[stripped.find("**", 2) + 2 :].lstrip(":").strip() if stripped else ""
        if _is_content(after_label, ctx.template) or _has_content(
            document, range(number + 1, end), ctx.template
        ):
            return
        ctx.add("root-cause-empty", number, "the Root Cause is empty: say what caused the incident")
        return
    _section_rule(ctx, "root-cause-empty", "Root Cause", lambda k: "root cause" in k, "root cause analysis")


def _answer(line: str) -> str:
    for arrow in ("→", "->", "=>"):
        at = line.find(arrow)
        if at >= 0:
            return line[at + len(arrow) :]
    if strip_markers(line) != line.strip():
        at = line.rfind("?")
        return line[at + 1 :].replace("**", "") if at >= 0 else ""
    return line


def _five_whys(ctx: _Context) -> None:
    document = ctx.document
    for number, line in _visible(document):
        key = heading_key(line)
        if "5 whys" not in key and "five whys" not in key:
            continue
        # A new bold label that is not a list item ("**Root Cause**:") ends the analysis.
        end = _block_end(
            document,
            number,
            lambda text: bold_label(text) is not None and strip_markers(text) == text.strip(),
        )
        for answer_line in range(number + 1, end):
            if answer_line in document.hidden:
                continue
            if _is_content(_answer(document.lines[answer_line]), ctx.template):
                return
        ctx.add("five-whys", number, "the 5 Whys analysis has no answer: answer at least the first why")
        return
    anchor = document.find(lambda k: "root cause" in k)
    where = document.headings[anchor].line if anchor is not None else 0
    ctx.add("five-whys", where, "the post-mortem has no 5 Whys analysis: add one with at least one answer")


def _frontmatter_value(ctx: _Context, key: str) -> object:
    return ctx.document.frontmatter.get(key)


def _severity_text(ctx: _Context) -> tuple[str | None, int]:
    value = _frontmatter_value(ctx, "severity")
    if value is not None and str(value).strip():
        at = next((n for n, text in enumerate(ctx.document.lines) if text.startswith("severity:")), 0)
        return str(value), at
    for number, line in enumerate(ctx.document.lines):
        if number in ctx.document.hidden:
            continue
        label = bold_label(line)
        if label is not None and heading_key(label) == "severity":
            stripped = strip_markers(line)
            return stripped[stripped.find("**", 2) + 2 :].lstrip(":").strip(), number
    return None, 0


def _severity_level(text: str, scale: Iterable[str]) -> str | None:
    word = text.strip()
    start = 0
    while start < len(word) and not word[start].isalnum():
        start += 1
    end = start
    while end < len(word) and word[end].isalnum():
        end += 1
    found = word[start:end].casefold()
    return next((level for level in scale if level.casefold() == found), None)


def _severity(ctx: _Context) -> str | None:
    text, line = _severity_text(ctx)
    scale = list(ctx.config.severity_rules)
    if text is None or not text.strip():
        ctx.add("severity", line, f"the post-mortem has no severity: set one of {', '.join(scale)}")
        return None
    if any(_is_placeholder(inner, ctx.template) for _, inner in brackets(text)):
        ctx.add("severity", line, f"the severity is still the placeholder: set one of {', '.join(scale)}")
        return None
    level = _severity_level(text, scale)
    if level is None:
        ctx.add("severity", line, f"severity {_quote(text)} is not one of {', '.join(scale)}")
    return level


def _as_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    if isinstance(value, str) and len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value.strip().replace(" UTC", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def _times(ctx: _Context) -> None:
    names = ("started_at", "detected_at", "resolved_at")
    times: dict[str, datetime] = {}
    for name in names:
        value = _frontmatter_value(ctx, name)
        if value is None or value == "":
            continue
        line = next((n for n, text in enumerate(ctx.document.lines) if text.startswith(f"{name}:")), 0)
        parsed = _as_time(value)
        if parsed is None:
            ctx.add(
                "time-order", line, f"{name} {_quote(str(value))} is not a time: write YYYY-MM-DDTHH:MM:SSZ"
            )
        else:
            times[name] = parsed
    # Like the incident form: one problem per time, the first order it breaks.
    pairs = (("detected_at", ("started_at",)), ("resolved_at", ("detected_at", "started_at")))
    for later, earlier_names in pairs:
        for earlier in earlier_names:
            if earlier in times and later in times and times[later] < times[earlier]:
                line = next(
                    (n for n, text in enumerate(ctx.document.lines) if text.startswith(f"{later}:")), 0
                )
                ctx.add(
                    "time-order",
                    line,
                    f"{later} ({times[later]:%Y-%m-%d %H:%M}) is before {earlier} "
                    f"({times[earlier]:%Y-%m-%d %H:%M}): correct one of them",
                )
                break


def _action_items(ctx: _Context, severity: str | None, ignored: set[str]) -> None:
    if {"action-item-fields", "action-items-required"} <= ignored:
        return  # Reading the table is the check's most expensive step.
    report = read_action_items(ctx.text)
    committed = [item for item in report.items if item.status not in _NOT_COMMITTED]
    if "action-item-fields" not in ignored:
        for item in committed:
            lacks = []
            if not item.owner:
                lacks.append("no owner")
            if item.deadline is None:
                lacks.append(
                    f"deadline {_quote(item.deadline_text)} is not a date"
                    if item.deadline_text
                    else "no deadline"
                )
            if item.priority is None:
                lacks.append(
                    f"priority {_quote(item.priority_text)} is not P0-P2"
                    if item.priority_text
                    else "no priority"
                )
            if lacks:
                ctx.add(
                    "action-item-fields",
                    item.line,
                    f"action item {_quote(item.text, 40)} has {', '.join(lacks)}: fill the row in",
                )
    if "action-items-required" in ignored or severity is None:
        return
    wanted = ctx.config.severity_rules[severity].min_action_items
    if len(committed) >= wanted:
        return
    index = ctx.document.find(lambda k: "action item" in k)
    line = ctx.document.headings[index].line if index is not None else ctx.end_line()
    ctx.add(
        "action-items-required",
        line,
        f"a {severity} post-mortem needs {wanted} committed action item{'s' if wanted != 1 else ''}, "
        f"it has {len(committed)}: add them to the Action Items table",
    )


def _disabled(text: str) -> set[str]:
    """The rules a directive turns off. It counts only on a line of its own outside code: the draft's text from
    the incident issue (anyone's) can hold a directive only inside a code block, a code span or a line of text."""
    found: set[str] = set()
    if _DISABLE not in text:
        return found
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines as markdown-it numbers them
    code = code_lines(block_tokens(text))
    for index, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if index in code or not stripped.startswith(_DISABLE) or not stripped.endswith("-->"):
            continue
        inside = stripped[len(_DISABLE) : -3]
        if "-->" in inside:
            continue
        found.update(rule.strip() for rule in inside.replace(",", " ").split())
    return found


def check(text: str, *, template: str | None, config: CompletenessConfig, path: str) -> list[Problem]:
    """The completeness problems of a post-mortem, by line. Pure; never raises on document text.

    ``template`` is the repository's post-mortem template (Jinja2 or Markdown), None for the embedded one;
    ``path`` is only used in messages that name the file.
    """
    del path  # Problems carry lines; the caller joins them with the path it shows.
    ignored = set(config.ignore) | _disabled(text)
    ctx = _Context(
        document=parse(text),
        template=_template(template if template is not None else default_template()),
        config=config,
        text=normalise_newlines(text),
        problems=[],
        missing=set(),
        empty=set(),
    )
    _sections(ctx)
    _placeholders(ctx)
    _section_rule(ctx, "summary-empty", "Executive Summary", lambda k: "summary" in k, "executive summary")
    _root_cause(ctx)
    _five_whys(ctx)
    _section_rule(ctx, "timeline-empty", "Timeline", lambda k: "timeline" in k, "timeline")
    _prompts(ctx)
    _times(ctx)
    severity = _severity(ctx)
    if severity is not None:
        ignored |= set(config.severity_rules[severity].ignore)
    _action_items(ctx, severity, ignored)
    problems = [p for p in ctx.problems if p.rule not in ignored]
    order = {rule: position for position, rule in enumerate(COMPLETENESS_RULE_IDS)}
    return sorted(problems, key=lambda p: (p.line, p.col, order[p.rule]))
