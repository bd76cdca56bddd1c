"""Tests for document.py: rendering, filters, frontmatter, slug and path.

Golden documents live in tests/incident/golden/. After an intended change to the template or the renderer,
regenerate them with::

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/incident/test_render.py

and review the diff before committing.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import frontmatter
import pytest
import yaml
from markdown_it import MarkdownIt

from postmortem.config import Config, Role, SignoffConfig
from postmortem.errors import TemplateError
from postmortem.incident.form import (
    default_form,
    parse_incident,
)
from postmortem.incident.model import Incident, TimelineEvent
from postmortem.incident.render import (
    block,
    cell,
    default_template_source,
    document_path,
    document_sections,
    format_duration,
    inline,
    nested,
    render_document,
    slugify,
    template_variables,
)
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter, update_frontmatter
from postmortem.signoff.compute import hand_ticked_roles
from tests.incident.answers import (
    BODIES,
    CREATED,
    SEED_SECTIONS,
    assert_document_is_sound,
    body_for,
    frontmatter_block,
    incident,
    render,
    team_form,
)
from tests.material import fixture

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
SEED = fixture("seed", "postmortem-template.md")
MD = MarkdownIt("commonmark").enable("table")


def _at(hour: int, minute: int, day: int = 14) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def full_incident() -> Incident:
    return Incident(
        number=123,
        title="Checkout API outage after database migration",
        url="https://github.com/acme/shop/issues/123",
        author="octocat",
        created_at=_at(11, 30),
        severity="P1",
        severity_text="P1 - Major: significant degradation",
        started_at=_at(10, 15),
        detected_at=_at(10, 17),
        resolved_at=_at(11, 20),
        summary=(
            "The checkout API returned 500 errors for 65 minutes after a migration added a NOT NULL column.\n\n"
            "Rolling back the deployment restored service."
        ),
        users_affected="About 40% of checkout attempts",
        services_impacted="- Checkout API\n- Order confirmation emails",
        user_experience="Customers saw an error page when paying.",
        data_loss="No",
        timeline=[
            TimelineEvent(at=_at(10, 15), time_text="10:15", text="Deployment v1.2.3 started"),
            TimelineEvent(at=_at(10, 17), time_text="10:17", text="Alert: error rate > 5%"),
            TimelineEvent(at=_at(11, 20), time_text="11:20", text="Rollback complete, errors back to normal"),
            TimelineEvent(at=_at(9, 0, day=15), time_text="2026-03-15 09:00", text="Follow-up meeting"),
            TimelineEvent(at=None, time_text="", text="Status page updated (time unknown)"),
        ],
        root_cause="The migration ran before the code that writes the new column was deployed.",
        resolution="1. Rolled back the deployment.\n2. Verified the health check.\n3. Monitored for 30 minutes.",
        answers={"summary": "…", "customer-ticket": "ZD-4711"},
    )


def minimal_incident() -> Incident:
    return Incident(number=7, title="Something broke", created_at=_at(8, 5))


def custom_roles_config() -> Config:
    return Config(
        signoff=SignoffConfig(
            roles=[
                Role(id="owner", title="Service Owner", users=["alice"]),
                Role(id="sre", title="SRE On-Call", teams=["acme/sre"]),
            ],
            required=["owner"],
        )
    )


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs; UPDATE_GOLDEN=1 to accept"


# ---------------------------------------------------------------------------------------------------------------
# Golden documents and structure
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "incident", "config"),
    [
        ("full.md", full_incident(), Config()),
        ("minimal.md", minimal_incident(), Config()),
        ("custom-roles.md", full_incident(), custom_roles_config()),
    ],
)
def test_golden_documents(name: str, incident: Incident, config: Config) -> None:
    _check_golden(name, render_document(incident, config))


def test_template_copies_are_identical() -> None:
    user_copy = (ROOT / "templates" / "postmortem.md.j2").read_text(encoding="utf-8")
    embedded = (ROOT / "src" / "postmortem" / "defaults" / "postmortem.md.j2").read_text(encoding="utf-8")
    assert user_copy == embedded
    assert default_template_source() == embedded


def test_seed_sections_constant_matches_the_seed_template() -> None:
    assert document_sections(SEED.read_text(encoding="utf-8")) == SEED_SECTIONS


def _headings(text: str) -> list[tuple[str, str]]:
    """Every heading in the rendered body, at any nesting: (tag, title)."""
    _, body = split_frontmatter(text)
    tokens = MD.parse(body)
    return [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


def _seed_subsections() -> list[tuple[str, str]]:
    text = render_document(minimal_incident(), Config())
    return [h for h in _headings(text) if h[0] in ("h2", "h3")]


@pytest.mark.parametrize("incident", [full_incident(), minimal_incident()], ids=["full", "minimal"])
def test_sections_follow_the_seed_template(incident: Incident) -> None:
    text = render_document(incident, Config())
    assert document_sections(text) == SEED_SECTIONS
    h3 = [title for tag, title in _headings(text) if tag == "h3"]
    assert h3 == [
        "User Impact",
        "Business Impact",
        "Data Impact",
        "Chronological Timeline",
        "What Happened?",
        "Why Did It Happen?",
        "Contributing Factors",
        "How Was It Resolved?",
        "Immediate Remediation",
        "Long-Term Fix",
        "Technical Lessons",
        "Process Lessons",
        "People Lessons",
        "Supporting Data",
        "Related Incidents",
        "References",
    ]


def test_no_seed_examples_and_no_empty_answers() -> None:
    for inc in (full_incident(), minimal_incident()):
        text = render_document(inc, Config())
        assert "Umbrella" not in text
        assert "**Example**" not in text
        assert "_No response_" not in text
        assert "{{" not in text
        assert "{%" not in text


def test_header_fields_are_filled_from_the_form() -> None:
    text = render_document(full_incident(), Config())
    assert "# Post-Mortem: Checkout API outage after database migration\n" in text
    assert "**Date**: 2026-03-14\n" in text
    assert "**Severity**: P1 - Major: significant degradation\n" in text
    assert "**Duration**: 1 hour 5 minutes\n" in text
    assert "**Status**: Draft\n" in text
    assert "**Author**: octocat\n" in text
    assert "- **Duration of Impact**: 2026-03-14 10:15 UTC - 2026-03-14 11:20 UTC (1 hour 5 minutes)" in text
    assert "- **Data Loss**: No\n" in text


def test_minimal_incident_has_prompts() -> None:
    text = render_document(minimal_incident(), Config())
    assert "**Severity**: [P0 / P1 / P2]\n" in text
    assert "**Duration**: [XX hours YY minutes]\n" in text
    assert "**Author**: [Name]\n" in text
    assert "*2-3 sentence summary of what happened, the impact, and the resolution.*" in text
    assert "- **Users Affected**: [Number or percentage of users]\n" in text
    assert "| | | | |\n" in text


def _table_rows(text: str, header_first_cell: str) -> list[list[str]]:
    _, body = split_frontmatter(text)
    tokens = MD.parse(body)
    tables: list[list[list[str]]] = []
    row: list[str] = []
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "table_open":
            rows = []
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            row.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")
        elif token.type == "tr_close":
            rows.append(row)
        elif token.type == "table_close":
            tables.append(rows)
    return next(t for t in tables if t[0][0] == header_first_cell)


def test_timeline_table() -> None:
    rows = _table_rows(render_document(full_incident(), Config()), "Time (UTC)")
    assert rows[0] == ["Time (UTC)", "Event", "Action Taken", "By Whom"]
    assert rows[1] == ["10:15", "Deployment v1.2.3 started", "", ""]
    assert rows[2] == ["10:17", "Alert: error rate > 5%", "", ""]
    assert rows[4] == ["2026-03-15 09:00", "Follow-up meeting", "", ""]
    assert rows[5] == ["", "Status page updated (time unknown)", "", ""]


def test_action_items_table_has_the_columns_and_one_empty_row() -> None:
    text = render_document(minimal_incident(), Config())
    assert "| # | Action Item | Owner | Deadline | Priority | Status | Issue |\n" in text
    assert "| 1 | | | | | 🔴 Not Started | |\n" in text
    rows = _table_rows(text, "#")
    assert rows == [
        ["#", "Action Item", "Owner", "Deadline", "Priority", "Status", "Issue"],
        ["1", "", "", "", "", "🔴 Not Started", ""],
    ]


def test_signoff_lists_the_default_roles() -> None:
    text = render_document(minimal_incident(), Config())
    assert (
        "- [ ] **Incident Commander**: [Name] - [Date]\n"
        "- [ ] **CTO**: [Name] - [Date]\n"
        "- [ ] **Lead Engineer**: [Name] - [Date]\n"
        "- [ ] **DevOps Lead**: [Name] - [Date]\n"
    ) in text


def test_signoff_lists_custom_roles() -> None:
    text = render_document(minimal_incident(), custom_roles_config())
    assert "- [ ] **Service Owner**: [Name] - [Date]\n- [ ] **SRE On-Call**: [Name] - [Date]\n" in text
    assert "Incident Commander" not in text


# ---------------------------------------------------------------------------------------------------------------
# User text is data
# ---------------------------------------------------------------------------------------------------------------

HOSTILE = (
    "## Injected\n"
    "Setext injected\n"
    "---\n"
    "Also injected\n"
    "===\n"
    "# H1 injected\n"
    "   ### indented injected\n"
    "> ## quoted injected\n"
    "- ## listed injected\n"
    "<h2>html injected</h2>\n"
    "| a | b |\n"
    "{{ 7*7 }} {% raw %} {# c #}\n"
    "```\n"
    "## inside an unclosed fence"
)


def hostile_incident() -> Incident:
    return Incident(
        number=666,
        title="## Injected: --- | {{ 7*7 }} {% raw %}\n---\ninjected: true",
        url="https://github.com/acme/shop/issues/666",
        author="mallory",
        created_at=_at(11, 30),
        severity_text="## Injected | {{ 7*7 }}\n---",
        started_at=_at(10, 15),
        resolved_at=_at(11, 20),
        summary=HOSTILE,
        users_affected=HOSTILE,
        services_impacted=HOSTILE,
        user_experience=HOSTILE,
        data_loss=HOSTILE,
        timeline=[
            TimelineEvent(at=_at(10, 15), time_text="10:15 | x", text=HOSTILE),
            TimelineEvent(at=None, time_text="## Injected\n---", text="| a | b |\n## Injected"),
        ],
        root_cause=HOSTILE,
        resolution=HOSTILE,
        answers={"x": HOSTILE},
    )


def test_hostile_user_text_cannot_change_the_structure() -> None:
    text = render_document(hostile_incident(), Config())
    assert document_sections(text) == SEED_SECTIONS
    headings = _headings(text)
    # The only headings are the template's own: one h1 and the seed's h2/h3, nothing nested, no injected one.
    assert [h for h in headings if h[0] != "h1"] == _seed_subsections()
    assert [tag for tag, _ in headings].count("h1") == 1
    assert not any("html injected" in line and "<h2>" in line for line in text.splitlines())


def test_hostile_user_text_renders_literally() -> None:
    text = render_document(hostile_incident(), Config())
    assert "{{ 7*7 }}" in text
    assert "{% raw %}" in text
    assert "49" not in text
    assert "_No response_" not in text


def test_hostile_timeline_keeps_the_table_shape() -> None:
    rows = _table_rows(render_document(hostile_incident(), Config()), "Time (UTC)")
    assert len(rows) == 3
    assert all(len(row) == 4 for row in rows)
    assert rows[1][0] == "10:15"
    assert rows[2][0] == "## Injected ---"
    assert rows[2][1] == "| a | b | ## Injected"


def test_hostile_title_cannot_break_the_frontmatter() -> None:
    incident = hostile_incident()
    metadata, body = split_frontmatter(render_document(incident, Config()))
    assert metadata["title"] == incident.title
    assert "injected" not in metadata
    assert list(metadata)[:3] == ["incident", "incident_url", "title"]
    assert body.startswith("\n# Post-Mortem: ## Injected: --- | {{ 7*7 }} {% raw %} --- injected: true\n")


def test_the_sections_check_sees_a_body_heading() -> None:
    """The sections list is what a caller uses to detect that user text added a section."""
    text = render_document(minimal_incident(), Config())
    tampered = text.replace("## Appendix", "## Injected\n\n## Appendix")
    assert document_sections(tampered) != SEED_SECTIONS


# ---------------------------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("", ""),
        (None, ""),
        ("  _No response_  ", ""),
        ("\n\n  Hello\n\n", "Hello"),
        ("## Heading", "\\## Heading"),
        ("###### Six", "\\###### Six"),
        ("####### Seven is text", "####### Seven is text"),
        ("#hashtag", "#hashtag"),
        ("Text\n---", "Text\n\\---"),
        ("Text\n===", "Text\n\\==="),
        ("> ## quoted", "> \\## quoted"),
        ("1. # listed", "1. \\# listed"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("```yaml\n---\n# comment\n```", "```yaml\n---\n# comment\n```"),
        ("    # stripped, so a heading", "\\# stripped, so a heading"),
        ("keep `<h2>` in code", "keep `<h2>` in code"),
        ("<h2>x</h2>", "&lt;h2>x&lt;/h2>"),
        ("```\nunclosed\n## Injected", "```\nunclosed\n## Injected\n```"),
        ("~~~~\nunclosed", "~~~~\nunclosed\n~~~~"),
    ],
)
def test_block(source: str | None, expected: str) -> None:
    assert block(source) == expected


@pytest.mark.parametrize("opener", ["<pre>", "<!--", "<script>", "<textarea>"])
def test_block_contains_unterminated_html(opener: str) -> None:
    text = block(f"{opener}\nswallow ``` everything\n## Injected")
    doc = f"## First\n\n{text}\n\n## Second\n"
    assert document_sections(doc) == ["First", "Second"]
    # a comment opening is made text (tests/security/test_lint_directives.py); the other blocks are fenced
    assert text.startswith("&lt;!--\n" if opener == "<!--" else "````text\n")


def test_cell() -> None:
    assert cell("a | b") == "a \\| b"
    assert cell("a \\| b") == "a \\\\\\| b"
    assert cell(" line one\nline two \n") == "line one line two"
    assert cell("_No response_") == ""
    assert cell(None) == ""


def test_inline() -> None:
    assert inline("  one\n\ntwo\tthree ") == "one two three"
    assert inline("_No response_") == ""


def test_nested() -> None:
    assert nested("", "[prompt]") == " [prompt]"
    assert nested("") == ""
    assert nested("one line") == " one line"
    assert nested("- a\n\n- b\n## c") == "\n  - a\n\n  - b\n  \\## c"
    assert nested("===") == " \\==="


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (None, ""),
        (0, "0 minutes"),
        (1, "1 minute"),
        (47, "47 minutes"),
        (60, "1 hour"),
        (65, "1 hour 5 minutes"),
        (121, "2 hours 1 minute"),
        (1500, "25 hours"),
    ],
)
def test_format_duration(minutes: int | None, expected: str) -> None:
    assert format_duration(minutes) == expected


# ---------------------------------------------------------------------------------------------------------------
# Custom templates and errors
# ---------------------------------------------------------------------------------------------------------------

DOCUMENTED_VARIABLES = {
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
}


def test_template_variables_are_the_documented_ones() -> None:
    variables = template_variables(full_incident(), Config())
    assert set(variables) == DOCUMENTED_VARIABLES
    assert variables["date"] == "2026-03-14"
    assert variables["started"] == "2026-03-14 10:15 UTC"
    assert variables["detected"] == "2026-03-14 10:17 UTC"
    assert variables["duration"] == "1 hour 5 minutes"
    assert variables["duration_minutes"] == 65
    assert variables["roles"] == [
        {"id": "incident-commander", "title": "Incident Commander"},
        {"id": "cto", "title": "CTO"},
        {"id": "lead-engineer", "title": "Lead Engineer"},
        {"id": "devops-lead", "title": "DevOps Lead"},
    ]
    assert variables["answers"] == {"summary": "…", "customer-ticket": "ZD-4711"}


def test_custom_template_gets_the_variables() -> None:
    source = (
        "# {{ title | inline }} (#{{ number }})\n"
        "{{ date }} {{ severity }} {{ status }} {{ duration }} {{ started }}..{{ resolved }}\n"
        "Ticket: {{ answers['customer-ticket'] }} / {{ incident.answers['customer-ticket'] }}\n"
        "Summary: {{ incident.summary | inline }}\n"
        "{% for event in timeline %}- {{ event.time }} {{ event.text | inline }}\n{% endfor %}"
        "{% for role in roles %}- [ ] **{{ role.title }}** ({{ role.id }})\n{% endfor %}"
        "{{ incident.started_at | utc }} {{ 65 | duration }} {{ frontmatter.status }}\n"
    )
    text = render_document(full_incident(), custom_roles_config(), source, template_name=".github/pm.md.j2")
    metadata, body = split_frontmatter(text)
    assert metadata["incident"] == 123
    assert body == (
        "\n# Checkout API outage after database migration (#123)\n"
        "2026-03-14 P1 Draft 1 hour 5 minutes 2026-03-14 10:15 UTC..2026-03-14 11:20 UTC\n"
        "Ticket: ZD-4711 / ZD-4711\n"
        "Summary: The checkout API returned 500 errors for 65 minutes after a migration added a NOT NULL "
        "column. Rolling back the deployment restored service.\n"
        "- 10:15 Deployment v1.2.3 started\n"
        "- 10:17 Alert: error rate > 5%\n"
        "- 11:20 Rollback complete, errors back to normal\n"
        "- 2026-03-15 09:00 Follow-up meeting\n"
        "-  Status page updated (time unknown)\n"
        "- [ ] **Service Owner** (owner)\n"
        "- [ ] **SRE On-Call** (sre)\n"
        "2026-03-14 10:15 UTC 1 hour 5 minutes Draft\n"
    )


def test_custom_template_frontmatter_extra_keys_are_kept_but_cannot_override() -> None:
    source = "---\ntags: [db]\nstatus: Published\n---\n# {{ title }}\n"
    metadata, body = split_frontmatter(render_document(minimal_incident(), Config(), source))
    assert metadata["status"] == "Draft"
    assert metadata["tags"] == ["db"]
    assert list(metadata)[-1] == "tags"
    assert body == "\n# Something broke\n"


@pytest.mark.parametrize(
    ("source", "fragments"),
    [
        ("line one\n{% if %}\n", ["my.md.j2 (line 2)", "syntax error", "fix the Jinja2 syntax"]),
        ("{% for x in timeline %}\n", ["my.md.j2", "syntax error"]),
        (
            "a\nb\n{{ nope }}\n",
            ["my.md.j2 (line 3)", "undefined", "'nope' is undefined", "documented variables"],
        ),
        ("{{ incident.nope }}", ["my.md.j2 (line 1)", "undefined"]),
        ("x\n{{ ''.__class__.__mro__ }}\n", ["my.md.j2 (line 2)", "sandbox forbids"]),
        ("{{ incident.__class__ }}", ["sandbox forbids"]),
        ("{{ incident.answers.update({'a': 1}) }}", ["sandbox forbids"]),
        ("{{ timeline.append(1) }}", ["sandbox forbids"]),
        ("{{ 'x' * 100000000 }}", ["sandbox forbids"]),
        ("{{ 10 ** 100000000 }}", ["sandbox forbids"]),
        ("{% include 'other.md.j2' %}", ["include, import or extend"]),
        ("{{ 1 / 0 }}", ["ZeroDivisionError", "line 1"]),
        ("---\n- not\n- a mapping\n---\nbody\n", ["frontmatter block", "not a YAML mapping"]),
    ],
)
def test_template_errors(source: str, fragments: list[str]) -> None:
    with pytest.raises(TemplateError) as caught:
        render_document(full_incident(), Config(), source, template_name="my.md.j2")
    message = str(caught.value)
    assert message.startswith("The post-mortem template my.md.j2")
    for fragment in fragments:
        assert fragment in message


def test_user_text_is_never_template_source() -> None:
    """Even a custom template that prints raw user text only prints it."""
    incident = full_incident().model_copy(update={"title": "{{ ''.__class__.__mro__ }}{% raw %}"})
    text = render_document(incident, Config(), "{{ title }}\n")
    assert text.endswith("\n{{ ''.__class__.__mro__ }}{% raw %}\n")


# ---------------------------------------------------------------------------------------------------------------
# Frontmatter
# ---------------------------------------------------------------------------------------------------------------


def test_frontmatter_fields() -> None:
    metadata, _ = split_frontmatter(render_document(full_incident(), Config()))
    assert metadata == {
        "incident": 123,
        "incident_url": "https://github.com/acme/shop/issues/123",
        "title": "Checkout API outage after database migration",
        "date": "2026-03-14",
        "severity": "P1",
        "status": "Draft",
        "duration_minutes": 65,
        "started_at": "2026-03-14T10:15:00Z",
        "detected_at": "2026-03-14T10:17:00Z",
        "resolved_at": "2026-03-14T11:20:00Z",
        "signoff": {},
        "published": None,
    }


def test_frontmatter_of_a_minimal_incident() -> None:
    metadata, _ = split_frontmatter(render_document(minimal_incident(), Config()))
    assert metadata["severity"] is None
    assert metadata["duration_minutes"] is None
    assert metadata["started_at"] is None
    assert metadata["incident_url"] is None
    assert metadata["date"] == "2026-03-14"


def test_frontmatter_round_trips() -> None:
    text = render_document(full_incident(), Config())
    metadata, body = split_frontmatter(text)
    assert update_frontmatter(text, metadata) == text
    assert update_frontmatter(text, {}) == text
    again = update_frontmatter(text, {"status": "In Review"})
    assert update_frontmatter(again, {"status": "Draft"}) == text
    assert text.endswith(body)


def test_split_frontmatter_without_frontmatter() -> None:
    assert split_frontmatter("# Title\n\n---\n\nText\n") == ({}, "# Title\n\n---\n\nText\n")
    assert split_frontmatter("") == ({}, "")


def test_split_frontmatter_invalid_yaml() -> None:
    with pytest.raises(DocumentError, match="not valid YAML"):
        split_frontmatter("---\ntitle: [unclosed\n---\nbody\n")
    with pytest.raises(DocumentError, match="mapping"):
        split_frontmatter("---\n- a\n---\nbody\n")


def test_update_frontmatter_keeps_the_body_byte_identical_with_crlf() -> None:
    body = "\r\n# Title  \r\n\r\n| a | b |  \r\n---\r\n\ttrailing tab\t\r\nno final newline  "
    text = "---\r\nincident: 1\r\nstatus: Draft\r\nsignoff: {}\r\n---\r\n" + body
    updated = update_frontmatter(
        text, {"status": "In Review", "signoff": {"cto": "alice"}, "published": None}
    )
    assert updated.endswith(body)
    metadata, new_body = split_frontmatter(updated)
    assert new_body == body
    assert list(metadata) == ["incident", "status", "signoff", "published"]
    assert metadata["status"] == "In Review"
    assert metadata["signoff"] == {"cto": "alice"}
    head = updated[: -len(body)]
    assert "\n" not in head.replace("\r\n", "")


def test_update_frontmatter_keeps_key_order_and_appends_new_keys() -> None:
    text = render_document(minimal_incident(), Config())
    _, body = split_frontmatter(text)
    updated = update_frontmatter(text, {"published": "2026-04-01", "status": "Published", "zzz": 1})
    metadata, new_body = split_frontmatter(updated)
    assert new_body == body
    assert list(metadata) == [*list(split_frontmatter(text)[0]), "zzz"]
    assert metadata["published"] == "2026-04-01"


def test_update_frontmatter_values_are_yaml_dumped() -> None:
    text = "---\ntitle: x\n---\nbody\n"
    evil = "a: b\n---\nstatus: hacked"
    updated = update_frontmatter(text, {"title": evil})
    metadata, body = split_frontmatter(updated)
    assert metadata == {"title": evil}
    assert body == "body\n"


def test_update_frontmatter_bom_and_missing_block() -> None:
    text = "\ufeff---\nstatus: Draft\n---\nbody"
    assert update_frontmatter(text, {"status": "x"}) == "\ufeff---\nstatus: x\n---\nbody"
    assert update_frontmatter("body\n", {"status": "x"}) == "---\nstatus: x\n---\nbody\n"


# ---------------------------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------------------------


def test_document_sections() -> None:
    text = (
        "---\ntitle: Not a heading\n---\n"
        "# Title\n\n## One\n\nText\n\nTwo\n---\n\n> ## Quoted\n\n- ## Listed\n\n"
        "```\n## Code\n```\n\n\\## Escaped\n\n### Sub\n\n## Three ##\n"
    )
    assert document_sections(text) == ["One", "Two", "Three"]


# ---------------------------------------------------------------------------------------------------------------
# Slug and path
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Checkout API outage", "checkout-api-outage"),
        ("  --Hello,   World!--  ", "hello-world"),
        ("Café crème brûlée à Zürich", "cafe-creme-brulee-a-zurich"),
        ("Straße Ærø Łódź", "strasse-aero-lodz"),
        ("Don't panic: it's DNS", "dont-panic-its-dns"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "incident"),
        ("/", "incident"),
        ("", "incident"),
        ("   ", "incident"),
        ("Отказ базы данных", "incident"),
        ("数据库故障", "incident"),
        ("🔥🔥🔥", "incident"),
        ("انقطاع الخدمة", "incident"),
        ("Отказ DB 🔥 v2", "db-v2"),
        ("ｆｕｌｌｗｉｄｔｈ ①", "fullwidth-1"),
        ("a\x00b\nc\u202ed", "a-b-cd"),
    ],
)
def test_slugify(title: str, expected: str) -> None:
    assert slugify(title) == expected


def test_slugify_cuts_at_a_word_boundary() -> None:
    title = "Database migration broke the checkout API for forty seven minutes on Saturday"
    slug = slugify(title)
    assert slug == "database-migration-broke-the-checkout-api-for-forty-seven"
    assert len(slug) <= 60
    assert slugify("a" * 100) == "a" * 60
    assert slugify("abc " + "b" * 100) == "abc-" + "b" * 56


@pytest.mark.parametrize(
    "title",
    [
        "Ж" * 256,
        "故" * 256,
        "🔥" * 256,
        "ש" * 256,
        "../" * 85 + "x",
        "É" * 256,
        ("word " * 52)[:256],
        "a-" * 128,
    ],
)
def test_slugify_long_titles_are_safe(title: str) -> None:
    slug = slugify(title)
    assert 1 <= len(slug) <= 60
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug)


def test_document_path() -> None:
    assert document_path(full_incident(), "postmortems") == (
        "postmortems/2026-03-14-checkout-api-outage-after-database-migration.md"
    )
    assert (
        document_path(minimal_incident(), "docs/postmortems/")
        == "docs/postmortems/2026-03-14-something-broke.md"
    )


def test_document_path_uses_the_utc_date() -> None:
    plus_two = timezone(timedelta(hours=2))
    incident = Incident(
        number=1,
        title="../../etc/passwd",
        created_at=datetime(2026, 3, 20, tzinfo=UTC),
        started_at=datetime(2026, 3, 15, 1, 30, tzinfo=plus_two),
    )
    assert document_path(incident, "postmortems") == "postmortems/2026-03-14-etc-passwd.md"
    metadata, _ = split_frontmatter(render_document(incident, Config()))
    assert metadata["date"] == "2026-03-14"
    assert metadata["started_at"] == "2026-03-14T23:30:00Z"


def test_document_path_of_a_long_non_latin_title() -> None:
    incident = Incident(number=1, title="Отказ " * 50, created_at=_at(0, 0))
    assert document_path(incident, "postmortems") == "postmortems/2026-03-14-incident.md"


def test_rendered_yaml_is_safe_yaml() -> None:
    text = render_document(hostile_incident(), Config())
    match = re.match(r"---\n(.*?\n)---\n", text, re.DOTALL)
    assert match is not None
    assert yaml.safe_load(match[1])["title"] == hostile_incident().title


@pytest.mark.parametrize(
    ("before", "changes", "after"),
    [
        (
            "---\n# reviewed in the Monday meeting\nincident: 3\nstatus: Draft  # keep\nsignoff: {}\n---\nBody\n",
            {"status": "Published", "signoff": {"cto": {"login": "bob", "date": "2026-03-15"}}},
            "---\n# reviewed in the Monday meeting\nincident: 3\nstatus: Published\nsignoff:\n  cto:\n"
            "    login: bob\n    date: '2026-03-15'\n---\nBody\n",
        ),
        (
            "---\ntitle: x\n\nnotes: |\n  line one\n\n  line two\nstatus: Draft\n---\n",
            {"status": "In Review", "published": None},
            "---\ntitle: x\n\nnotes: |\n  line one\n\n  line two\nstatus: In Review\npublished: null\n---\n",
        ),
        (  # flow style that cannot be edited line by line: dumped anew, values still right
            "---\n{incident: 3, status: Draft}\n---\nB\n",
            {"status": "Published"},
            "---\nincident: 3\nstatus: Published\n---\nB\n",
        ),
    ],
    ids=["comments-kept", "block-scalar-and-blank-lines-kept", "flow-style-falls-back"],
)
def test_update_frontmatter_rewrites_only_the_changed_keys(
    before: str, changes: dict[str, object], after: str
) -> None:
    assert update_frontmatter(before, changes) == after
    assert update_frontmatter(after, changes) == after


# ====================================================================================================
# Forms and documents as teams really fill them in (times, timelines, severities, team forms)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_body_renders_a_sound_document(name: str) -> None:
    form = default_form()
    inc = parse_incident(
        number=7,
        title="[Incident]: API down",
        body=body_for(form, **BODIES[name]),
        created_at=CREATED,
        form=form,
    )
    doc = render(inc)
    assert_document_is_sound(doc, inc)


def test_render_shell_answer_arrives_unwrapped_and_is_rendered_as_text() -> None:
    inc = incident(form=team_form(), services_impacted="API", commands="```shell\nrm -rf /tmp/x\n```")
    assert inc.answers["commands"] == "rm -rf /tmp/x"
    assert_document_is_sound(render(inc), inc)


@pytest.mark.parametrize(
    "title",
    [
        "---",
        "a: b # c 'single' \"double\"",
        "line one\nline two",
        "# Heading",
        "## Sign-Off",
        "{{ 7*7 }}",
        "null",
        "2026-03-14",
        "yes",
        "...",
    ],
)
def test_title_round_trips_through_frontmatter(title: str) -> None:
    inc = incident(title=f"[Incident]: {title}")
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["title"] == title
    assert yaml.safe_load(frontmatter_block(doc))["title"] == title
    heading = doc.split("\n---\n\n", 1)[1].split("\n", 1)[0]
    assert heading == "# Post-Mortem: " + " ".join(title.split())


def test_user_html_comment_headings_do_not_break_action_items() -> None:
    inc = incident(summary="<!--\n## Action Items\n| # | Action Item |\n|---|---|\n| 1 | x |\n-->")
    assert_document_is_sound(render(inc), inc)


@pytest.mark.parametrize("wrapper", ["<!--\n{}\n-->", "<div>\n{}\n</div>"])
def test_user_html_block_cannot_supply_the_signoff_section(wrapper: str) -> None:
    inc = incident(summary=wrapper.format("## Sign-Off\n- [x] **CTO**: looks good"))
    doc = render(inc)
    assert hand_ticked_roles(doc, Config().signoff.roles) == []


def test_links_answer_reaches_the_document() -> None:
    doc = render(incident(links="https://grafana.example/d/api-errors"))
    assert "https://grafana.example/d/api-errors" in doc


def test_incident_commander_answer_reaches_the_document() -> None:
    doc = render(incident(incident_commander="@alice-oncall"))
    assert "alice-oncall" in doc


def test_nul_and_control_characters_do_not_reach_the_markdown_body() -> None:
    inc = incident(title="[Incident]: API\x00 down", summary="a\x00b\x1b[31mc")
    doc = render(inc)
    body = doc.split("\n---\n", 1)[1]
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", body)


# ---------------------------------------------------------------------------------------------------------------
# Slug and path


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("数据库故障", "incident"),
        ("🔥🔥🔥", "incident"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "incident"),
        ("日本 API 障害 2026", "api-2026"),
        ("Ünïcödé Straße", "unicode-strasse"),
    ],
)
def test_slug_of_odd_titles(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.mark.parametrize("title", ["a" * 256, "word " * 52, "数" * 256, "🔥" * 256, "../" * 86, "Ü" * 256])
def test_256_character_titles_give_a_short_safe_path(title: str) -> None:
    inc = incident(title=title[:256])
    path = document_path(inc, "postmortems")
    name = path.removeprefix("postmortems/")
    assert re.fullmatch(r"2026-03-14-[a-z0-9]+(?:-[a-z0-9]+)*\.md", name), path
    assert len(name.removesuffix(".md")) - len("2026-03-14-") <= 60
    assert ".." not in path and path.count("/") == 1
