"""Form answers as on-call people really write them, and checks that a rendered post-mortem is sound.

``body_for`` renders an issue body for the repository's form, ``incident`` parses one, ``render`` renders its
document, ``assert_document_is_sound`` checks frontmatter, sections and tables survived.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from postmortem.action_items.table import read_action_items
from postmortem.config import Config
from postmortem.incident.form import (
    FormDefinition,
    default_form,
    parse_form_definition,
    parse_incident,
)
from postmortem.incident.model import Incident
from postmortem.incident.render import document_sections, render_document
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
