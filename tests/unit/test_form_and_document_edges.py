"""Edge cases from real on-call use: form answers → Incident → rendered post-mortem → read back.

Each test pins what works; the bugs this review found (timeline formats, a `None` option, fields the template
left out, heading-like lines in HTML blocks, control characters) are fixed and pinned here.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import frontmatter
import pytest
import yaml
from markdown_it import MarkdownIt

from postmortem.action_items.table import read_action_items
from postmortem.config import Config
from postmortem.incident.form import (
    FormDefinition,
    checked_options,
    default_form,
    parse_form_definition,
    parse_incident,
    parse_severity,
    parse_time,
    parse_timeline,
)
from postmortem.incident.model import Incident
from postmortem.incident.render import document_path, document_sections, render_document, slugify
from postmortem.signoff.compute import hand_ticked_roles

FORM_PATH = Path(__file__).parents[2] / ".github" / "ISSUE_TEMPLATE" / "incident.yml"
MD = MarkdownIt("commonmark").enable("table")
CREATED = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
REF = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)
SEED_SECTIONS = [
    "Executive Summary",
    "Impact",
    "Timeline",
    "Root Cause Analysis",
    "Resolution",
    "What Went Well",
    "What Went Wrong",
    "Action Items",
    "Lessons Learned",
    "Appendix",
    "Sign-Off",
    "Follow-Up Review",
]
FRONTMATTER_KEYS = [
    "incident",
    "incident_url",
    "title",
    "date",
    "severity",
    "status",
    "duration_minutes",
    "started_at",
    "detected_at",
    "resolved_at",
    "signoff",
    "published",
]
GOOD: dict[str, str] = {
    "severity": "P1 - Major: a core feature unusable or badly degraded for many users",
    "incident_commander": "@alice",
    "started_at": "2026-03-14 10:00",
    "detected_at": "2026-03-14 10:05",
    "resolved_at": "2026-03-14 11:00",
    "summary": "The API returned 500s for an hour.",
    "users_affected": "All users",
    "services_impacted": "- Public API",
    "user_experience": "Errors on every page.",
    "data_loss": "No",
    "timeline": "10:00 Deploy\n10:15 Alert fired\n11:00 Resolved",
    "root_cause": "_No response_",
    "resolution": "Rolled back.",
    "links": "_No response_",
}


def body_for(form: FormDefinition, **answers: str) -> str:
    """A body as GitHub renders the form: ``### label``, blank line, answer; ``_No response_`` when empty."""
    values = {**GOOD, **answers}
    return "\n\n".join(f"### {f.label}\n\n{values.get(f.id, '_No response_')}" for f in form.fields) + "\n"


def incident(
    title: str = "[Incident]: API down", form: FormDefinition | None = None, **answers: str
) -> Incident:
    form = form or default_form()
    return parse_incident(
        number=7, title=title, body=body_for(form, **answers), created_at=CREATED, form=form
    )


def render(inc: Incident) -> str:
    return render_document(inc, Config())


def frontmatter_block(doc: str) -> str:
    match = re.match(r"---\n(.*?\n)---\n", doc, re.DOTALL)
    assert match is not None
    return match.group(1)


def assert_document_is_sound(doc: str, inc: Incident) -> None:
    """Every seed section in order; frontmatter types; Action Items and Sign-Off read back empty/unticked."""
    assert document_sections(doc) == SEED_SECTIONS
    for metadata in (frontmatter.loads(doc).metadata, yaml.safe_load(frontmatter_block(doc))):
        assert list(metadata) == FRONTMATTER_KEYS
        assert metadata["incident"] == 7
        assert metadata["title"] == inc.title
        assert isinstance(metadata["date"], str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", metadata["date"])
        assert metadata["severity"] in (None, "P0", "P1", "P2")
        assert metadata["severity"] == inc.severity
        assert metadata["status"] == "Draft"
        assert metadata["duration_minutes"] is None or type(metadata["duration_minutes"]) is int
        assert metadata["duration_minutes"] == inc.duration_minutes
        for key in ("started_at", "detected_at", "resolved_at"):
            assert metadata[key] is None or isinstance(metadata[key], str)
        assert metadata["signoff"] == {}
        assert metadata["published"] is None
    report = read_action_items(doc)
    assert report.items == []
    assert report.problems == []
    assert hand_ticked_roles(doc, Config().signoff.roles) == []


def timeline_rows(doc: str) -> list[list[str]]:
    """The cells of the Chronological Timeline table's body rows, as a Markdown renderer sees them."""
    part = doc.split("### Chronological Timeline", 1)[1].split("\n---\n", 1)[0]
    tokens = MD.parse(part)
    rows: list[list[str]] = []
    row: list[str] | None = None
    in_body = False
    for token in tokens:
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tr_open" and in_body:
            row = []
        elif token.type == "inline" and row is not None:
            row.append(token.content)
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
    return rows


# ---------------------------------------------------------------------------------------------------------------
# Times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-14 10:15 UTC", "2026-03-14T10:15:00+00:00"),
        ("2026-03-14T10:15:00+02:00", "2026-03-14T08:15:00+00:00"),
        ("2026-03-14 10:15Z", "2026-03-14T10:15:00+00:00"),
        ("`2026-03-14 10:15`", "2026-03-14T10:15:00+00:00"),
        # Europe/Berlin, 2026-10-25: 02:30 happens twice; the offset decides which one.
        ("2026-10-25 02:30 +02:00", "2026-10-25T00:30:00+00:00"),
        ("2026-10-25 02:30 +01:00", "2026-10-25T01:30:00+00:00"),
    ],
)
def test_time_answers_that_parse(text: str, expected: str) -> None:
    assert parse_time(text).isoformat() == expected


@pytest.mark.parametrize("text", ["14/03/2026 10:15", "10:15", "2026-03-14 24:00", "2026-03-14 10:15 CET"])
def test_unusable_time_is_a_problem_and_the_document_still_renders(text: str) -> None:
    inc = incident(started_at=text)
    assert inc.started_at is None
    assert inc.duration_minutes is None
    messages = [p.message for p in inc.problems if p.field_id == "started_at"]
    assert len(messages) == 1 and "YYYY-MM-DD HH:MM" in messages[0]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["date"] == "2026-03-14"  # falls back to the creation date


def test_dst_ambiguous_times_with_offsets_give_the_right_duration() -> None:
    inc = incident(
        started_at="2026-10-25 02:30 +02:00",
        detected_at="2026-10-25 02:45 +01:00",
        resolved_at="2026-10-25T03:10:00+01:00",
        timeline="00:30 start\n01:45 alert",
    )
    assert inc.problems == []
    assert inc.duration_minutes == 100
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["started_at"] == "2026-10-25T00:30:00Z"


def test_resolved_on_the_next_day() -> None:
    inc = incident(
        started_at="2026-03-14 23:30",
        detected_at="2026-03-14 23:40",
        resolved_at="2026-03-15 01:15",
        timeline="23:30 deploy\n23:55 alert\n00:10 rollback\n01:15 resolved",
    )
    assert inc.problems == []
    assert inc.duration_minutes == 105
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert "**Duration**: 1 hour 45 minutes" in doc
    assert [row[0] for row in timeline_rows(doc)] == [
        "23:30",
        "23:55",
        "2026-03-15 00:10",
        "2026-03-15 01:15",
    ]


def test_resolved_before_detected_is_one_problem_and_duration_still_counts_from_start() -> None:
    inc = incident(detected_at="2026-03-14 10:40", resolved_at="2026-03-14 10:30")
    assert [p.field_id for p in inc.problems] == ["resolved_at"]
    assert inc.duration_minutes == 30
    assert_document_is_sound(render(inc), inc)


def test_resolved_before_started_gives_null_duration() -> None:
    inc = incident(resolved_at="2026-03-14 09:30")
    assert "resolved_at" in [p.field_id for p in inc.problems]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["duration_minutes"] is None


# ---------------------------------------------------------------------------------------------------------------
# Timeline lines


@pytest.mark.parametrize(
    ("line", "at", "text"),
    [
        ("10:15 - text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15: text", "2026-03-14T10:15:00+00:00", "text"),
        ("* 10:15 text", "2026-03-14T10:15:00+00:00", "text"),
        ("- [ ] 10:15 text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15 AM text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15 – text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15 | text", "2026-03-14T10:15:00+00:00", "text"),
        ("2026-03-14 10:15 UTC - text", "2026-03-14T10:15:00+00:00", "text"),
        ("10:15", "2026-03-14T10:15:00+00:00", ""),
    ],
)
def test_timeline_line_formats(line: str, at: str, text: str) -> None:
    events, invalid = parse_timeline(line, REF)
    assert invalid == []
    assert len(events) == 1
    assert events[0].at is not None and events[0].at.isoformat() == at
    assert events[0].text == text


@pytest.mark.parametrize("lines", [["23:50 a", "00:10 b"], ["00:10 b", "23:50 a"]])
def test_timeline_crosses_midnight_in_either_order(lines: list[str]) -> None:
    events, _ = parse_timeline("\n".join(lines), datetime(2026, 3, 14, 23, 40, tzinfo=UTC))
    at = {e.text: e.at for e in events}
    assert at["a"] == datetime(2026, 3, 14, 23, 50, tzinfo=UTC)
    assert at["b"] == datetime(2026, 3, 15, 0, 10, tzinfo=UTC)


def test_timeline_cell_with_pipes_stays_one_cell() -> None:
    doc = render(incident(timeline="10:15 grep 'a|b' | wc -l\n10:20 ok"))
    rows = timeline_rows(doc)
    assert len(rows) == 2
    assert all(len(row) == 4 for row in rows)
    assert rows[0][:2] == ["10:15", "grep 'a|b' | wc -l"]


def test_line_with_only_a_time_renders_an_empty_event_cell() -> None:
    inc = incident(timeline="10:15")
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert timeline_rows(doc) == [["10:15", "", "", ""]]


def test_timeline_pasted_as_markdown_table() -> None:
    pasted = (
        "| Time (UTC) | Event | Action Taken | By Whom |\n"
        "|------------|-------|--------------|---------|\n"
        "| 10:15 | Alert fired | Acknowledged | Engineer A |\n"
        "| 10:32 | Rollback started | `rollback` | Engineer A |"
    )
    events, _ = parse_timeline(pasted, REF)
    assert not any(set(e.text) <= set("|-: ") for e in events), "the delimiter row became an event"
    placed = [(e.at, e.text.split("|")[0].strip()) for e in events if e.at is not None]
    assert placed == [
        (datetime(2026, 3, 14, 10, 15, tzinfo=UTC), "Alert fired"),
        (datetime(2026, 3, 14, 10, 32, tzinfo=UTC), "Rollback started"),
    ]


def test_timeline_numbered_list_keeps_its_times() -> None:
    events, _ = parse_timeline("1. 10:15 Alert fired\n2. 10:32 Rollback", REF)
    assert [(e.time_text, e.text) for e in events] == [("10:15", "Alert fired"), ("10:32", "Rollback")]


def test_timeline_bracketed_chat_log_times() -> None:
    events, _ = parse_timeline("[10:15] Alert fired\n[10:32] Rollback", REF)
    assert [(e.time_text, e.text) for e in events] == [("10:15", "Alert fired"), ("10:32", "Rollback")]


def test_timeline_text_starting_with_a_signed_number_is_text() -> None:
    events, invalid = parse_timeline("10:15 -12 pods evicted", REF)
    assert invalid == []
    assert events[0].at == datetime(2026, 3, 14, 10, 15, tzinfo=UTC)
    assert events[0].text.endswith("12 pods evicted")  # the "-" may be read as the separator


# ---------------------------------------------------------------------------------------------------------------
# Severity and team forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [("🔴 P0 — Critical", "P0"), ("P1 (Major)", "P1"), ("🟥 P0", "P0"), ("p2", "P2"), ("Sev-1", None)],
)
def test_reworded_severity_options(text: str, expected: str | None) -> None:
    assert parse_severity(text) == expected


def team_form(**changes: Any) -> FormDefinition:
    """The default form, customised like a team would: reworded/extra severity options, a multi-select, a
    checkbox field, a ``render: shell`` textarea."""
    source = yaml.safe_load(FORM_PATH.read_text(encoding="utf-8"))
    for element in source["body"]:
        if element.get("id") == "severity":
            element["attributes"]["options"] = [
                "🔴 P0 — Critical",
                "🟠 P1 (Major)",
                "🟡 P2 — Minor",
                "⚪ P3 — Cosmetic",
            ]
        if element.get("id") == "services_impacted":
            element["type"] = "dropdown"
            element["attributes"] = {
                "label": "Services impacted",
                "multiple": True,
                "options": ["API", "Login"],
            }
        if element.get("id") == "data_loss" and "data_loss" in changes:
            element["attributes"]["options"] = changes["data_loss"]
    source["body"].append(
        {
            "type": "checkboxes",
            "id": "comms",
            "attributes": {
                "label": "Customer communication",
                "options": [{"label": "Status page"}, {"label": "Email"}],
            },
        }
    )
    source["body"].append(
        {"type": "textarea", "id": "commands", "attributes": {"label": "Commands run", "render": "shell"}}
    )
    return parse_form_definition(yaml.safe_dump(source, allow_unicode=True, sort_keys=False))


def test_team_form_with_multiselect_checkboxes_and_render_shell() -> None:
    form = team_form()
    inc = incident(
        form=form,
        severity="🟠 P1 (Major)",
        services_impacted="API, Login",
        comms="- [X] Status page\n- [ ] Email",
        commands="```shell\nkubectl rollout undo deploy/api\n```",
    )
    assert inc.problems == []
    assert inc.severity == "P1"
    assert inc.services_impacted == "API, Login"
    assert checked_options(inc.answers["comms"]) == ["Status page"]
    assert inc.answers["commands"] == "kubectl rollout undo deploy/api"
    assert_document_is_sound(render(inc), inc)


def test_team_extra_severity_option_is_a_problem_with_null_severity() -> None:
    inc = incident(form=team_form(), severity="⚪ P3 — Cosmetic", services_impacted="API")
    assert inc.severity is None
    assert [p.field_id for p in inc.problems] == ["severity"]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert frontmatter.loads(doc)["severity"] is None
    assert "**Severity**: ⚪ P3 — Cosmetic" in doc


def test_dropdown_option_named_none_is_an_answer() -> None:
    inc = incident(
        form=team_form(data_loss=["None", "Partial", "Total"]), data_loss="None", services_impacted="API"
    )
    assert inc.data_loss == "None"
    assert [p.field_id for p in inc.problems] == []


def test_github_empty_forms_are_empty() -> None:
    inc = incident(root_cause="_No response_", links="_No response_", data_loss="None")
    assert inc.root_cause == "" and inc.answers["links"] == "" and inc.data_loss == ""
    assert [p.field_id for p in inc.problems] == ["data_loss"]
    doc = render(inc)
    assert_document_is_sound(doc, inc)
    assert "_No response_" not in doc


# ---------------------------------------------------------------------------------------------------------------
# Bodies → document


BODIES = {
    "fenced_code": {"summary": "```shell\n$ kubectl get pods\n### Resolution\n## Sign-Off\n```"},
    "unclosed_fence": {"resolution": "```\n## Action Items\n| 1 | x |"},
    "markdown_table": {"summary": "| a | b |\n|---|---|\n| 1 | 2 |"},
    "html_comment": {"summary": "before <!-- note --> after\n<!-- hidden\n## Action Items"},
    "details": {"summary": "<details>\n<summary>Logs</summary>\n\n## Timeline\nfoo\n</details>"},
    "details_unclosed": {"summary": "<details>\n<summary>Logs</summary>\n\nfoo"},
    "setext": {"root_cause": "Title\n---\nmore\n==="},
    "long_line": {"summary": "x" * 60000},
    "emoji_rtl": {"summary": "🔥 الخدمة متوقفة \u202e", "user_experience": "שגיאה 500 🙁"},
    "control_chars": {"summary": "a\x07b\x1b[31mc\x7f"},
    "none_text": {"summary": "None"},
    "user_signoff_list": {"resolution": "- [x] **CTO**: approved\n- [X] **Incident Commander**: me"},
    "user_action_items_table": {
        "resolution": "| # | Action Item | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|---|\n"
        "| 1 | Fix | Engineer A | 2026-04-01 | P0 | 🔴 Not Started |"
    },
}


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
