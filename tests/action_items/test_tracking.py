"""Tracking-issue title, body, marker and state mapping (pure)."""

from __future__ import annotations

from postmortem.action_items.table import Status, read_action_items
from postmortem.action_items.tracking import (
    TITLE_LIMIT,
    IncidentContext,
    closed_status,
    fingerprint,
    incident_context,
    issue_body,
    issue_title,
    open_status,
    read_link,
    replace_managed,
)

DOC = """---
incident: 12
title: "[Incident]: Umbrella API outage"
severity: P0
---
# Post-Mortem: Umbrella API outage

## Executive Summary

The Umbrella API was down for 47 minutes
after a migration.

Second paragraph is not part of it.

## Action Items

| # | Action Item | Owner | Deadline | Priority | Status |
|---|-------------|-------|----------|----------|--------|
| 1 | Add a [runbook](https://example.com/rb) for `rollback` | @alice | 2025-11-20 | P0 | 🔴 Not Started |
| 2 | Rotate keys | Security Team | soon | P1 | |
"""


def _items() -> list:  # type: ignore[type-arg]
    return read_action_items(DOC).items


def test_incident_context_reads_frontmatter_and_the_summary_paragraph() -> None:
    context = incident_context(DOC)
    assert context == IncidentContext(
        number=12,
        title="Umbrella API outage",
        severity="P0",
        summary="The Umbrella API was down for 47 minutes after a migration.",
    )


def test_incident_context_skips_template_guidance_and_works_without_frontmatter() -> None:
    doc = "# Post-Mortem: DNS\n\n**Severity**: P1\n\n## Executive Summary\n\n*2-3 sentence summary.*\n"
    context = incident_context(doc)
    assert (context.number, context.title, context.severity, context.summary) == (None, "DNS", "P1", "")


def test_title_reduces_links_and_is_cut_to_the_limit() -> None:
    item = _items()[0]
    assert issue_title(item) == "Add a runbook for `rollback`"
    long = item.model_copy(update={"text": "x" * 400})
    assert len(issue_title(long)) == TITLE_LIMIT and issue_title(long).endswith("…")


def test_body_carries_the_marker_and_everything_an_owner_needs() -> None:
    item = _items()[0]
    body = issue_body(
        item,
        path="postmortems/x.md",
        incident=incident_context(DOC),
        document_url="https://github.com/o/r/blob/main/postmortems/x.md",
        pull_request=5,
    )
    link = read_link(body)
    assert link is not None and (link.doc, link.key, link.incident) == ("postmortems/x.md", "n1", 12)
    assert link.fp == fingerprint(item)
    for expected in (
        "@alice",
        "2025-11-20",
        "P0",
        "Umbrella API outage",
        "47 minutes",
        "#12",
        "#5",
        "blob/main",
    ):
        assert expected in body, expected


def test_unresolved_and_unassignable_owners_are_named() -> None:
    team = _items()[1]
    body = issue_body(team, path="p.md", incident=IncidentContext(), document_url="u")
    assert "Security Team" in body and "unassigned" in body and "soon" in body
    alice = _items()[0]
    body = issue_body(alice, path="p.md", incident=IncidentContext(), document_url="u", assignable=False)
    # named, not mentioned: the action did not resolve them as an assignee (issue #10 item 12)
    assert "@\u200balice" in body and "cannot be assigned" in body
    assert fingerprint(alice, assignable=False) != fingerprint(alice)


def test_fingerprint_changes_with_table_owned_fields_only() -> None:
    item = _items()[0]
    assert fingerprint(item) == fingerprint(item.model_copy(update={"status": Status.DONE, "line": 99}))
    assert fingerprint(item) != fingerprint(item.model_copy(update={"priority": "P1"}))
    assert fingerprint(item) != fingerprint(item.model_copy(update={"text": "Other"}))


def test_replace_managed_keeps_what_humans_wrote_after_the_end_marker() -> None:
    item = _items()[0]
    old = issue_body(item, path="p.md", incident=IncidentContext(), document_url="u") + "\n\nmy notes"
    new = issue_body(
        item.model_copy(update={"text": "New"}), path="p.md", incident=IncidentContext(), document_url="u"
    )
    assert replace_managed(old, new) == new + "\n\nmy notes"
    assert replace_managed("hand-written body without markers", new) == new


def test_state_mapping() -> None:
    assert closed_status("completed") == Status.DONE
    assert closed_status(None) == Status.DONE
    assert closed_status("not_planned") == Status.WONT_DO
    assert open_status(Status.DONE, ()) == Status.NOT_STARTED
    assert open_status(Status.IN_PROGRESS, ()) == Status.IN_PROGRESS
    assert open_status(Status.NOT_STARTED, ("In-Progress",)) == Status.IN_PROGRESS
    assert open_status(None, ()) == Status.NOT_STARTED


def test_read_link_ignores_other_markers() -> None:
    assert read_link('<!-- postmortem:document {"path": "x"} -->') is None
    assert read_link(None) is None
