"""entry_from_document: what one post-mortem contributes, from the action's documents and from real ones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from postmortem.catalogue import entry_from_document
from tests.catalogue.catalogue_documents import at, document
from tests.material import available, material


def _real(name: str) -> str:
    return material("postmortems", name).read_text(encoding="utf-8")


def test_a_published_document_of_the_action() -> None:
    text = document(
        12,
        "Checkout down",
        started=at("2026-03-02"),
        detect_minutes=7,
        resolve_minutes=95,
        services="checkout, payments and search",
        root_cause="The connection pool was exhausted by unbounded retries",
        items=[
            ("Add alert", "P1", "🟢 Done"),
            ("Cap retries", "P0", "🔴 Not Started"),
            ("Maybe", "P2", "⚪ Won't Do"),
        ],
        published=date(2026, 3, 5),
        signed=3,
    )
    entry = entry_from_document("postmortems/2026-03-02-checkout-down.md", "sha1", text)
    assert entry.generated and entry.notes == []
    assert (entry.title, entry.date, entry.severity, entry.status) == (
        "Checkout down",
        date(2026, 3, 2),
        "P1",
        "Published",
    )
    assert entry.started == datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert entry.detected == datetime(2026, 3, 2, 10, 7, tzinfo=UTC)
    assert entry.resolved == datetime(2026, 3, 2, 11, 35, tzinfo=UTC)
    assert entry.duration_minutes == 95
    assert (entry.published, entry.signed, entry.roles) == (date(2026, 3, 5), 3, 4)
    assert [(i.state, i.priority) for i in entry.items] == [("done", "P1"), ("open", "P0"), ("wont_do", "P2")]
    assert entry.follow_up == "due 2026-04-04"
    assert entry.services == ["checkout", "payments", "search"]
    assert entry.root_cause_words == ["connection", "exhausted", "pool", "retries", "unbounded"]
    assert entry.blob_sha == "sha1"


def test_a_draft_has_no_signoff_and_the_template_placeholder_row_is_no_item() -> None:
    entry = entry_from_document("postmortems/x.md", "s", document(3, "Draft one", started=at("2026-01-05")))
    assert (entry.status, entry.published, entry.signed, entry.roles, entry.items) == (
        "Draft",
        None,
        0,
        4,
        [],
    )
    assert entry.follow_up == "" and entry.services == [] and entry.root_cause_words == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: T\nfollow_up_done: 2026-05-01\nfollow_up: 2026-04-30\n---\n", "done 2026-05-01"),
        ("---\ntitle: T\nfollow_up_not_planned: true\n---\n", "not planned"),
        ("---\ntitle: T\n---\n**30-Day Follow-Up** (scheduled for 2026-06-01):\n", "due 2026-06-01"),
        ("---\ntitle: T\n---\n**30-Day Follow-Up** (scheduled for [Date]):\n", ""),
    ],
)
def test_follow_up_state(text: str, expected: str) -> None:
    assert entry_from_document("p.md", "s", text).follow_up == expected


@pytest.mark.parametrize(
    ("name", "title", "day", "severity", "status", "items"),
    [
        ("PostHog__post-mortems__2026-01-17-replay-sdk-fetch-wrapper-incident.md",
         "Changes to SDK fetch() wrapper breaking client sites", date(2026, 1, 14), "Critical", "Resolved", 0),
        ("ilv78__Art-World-Hub__2026-03-13-issue-8-direct-push-to-main.md",
         "Admin section code pushed directly to main bypassing branch/PR workflow", date(2026, 3, 13), "P2", "Draft", 6),
        ("comdex-official__incident-reports__incident_report_patch_fix_16_dec.md", None, date(2022, 12, 15), None, None, 0),
        ("cosmos__incidents__0409_galaxy.md", "IBC Eureka vulnerabity - Galaxy - 2025-04-09", date(2025, 4, 9), None, None, 0),
        ("yuankunzhang__working-guides__postmortem.md", "Example Postmortem", date(2015, 10, 21), None, "Complete, action items in progress", 9),
        ("persistenceOne__incident-reports__20-Sept-2023_v9.1.1_chain_halt.md", None, date(2023, 9, 20), None, "Resolved", 4),
        ("flutter__flutter__Postmortem-Beta-1-Release.reflowed-42a1ea45.md",
         "Flutter postmortem: Beta 1 release process", None, None, "draft", 0),
    ],
)  # fmt: skip
def test_real_postmortems(
    name: str, title: str | None, day: date | None, severity: str | None, status: str | None, items: int
) -> None:
    entry = entry_from_document(f"postmortems/{name}", "sha", _real(name))
    if title is not None:
        assert entry.title == title
    assert (entry.date, entry.severity, entry.status, len(entry.items)) == (day, severity, status, items)
    assert not entry.generated
    assert entry.notes and entry.notes[0].startswith("Not written by postmortem-action")


def test_every_real_postmortem_gives_an_entry_with_a_title_and_a_note() -> None:
    files = available("postmortems", ".md")
    assert files
    for path in files:
        entry = entry_from_document(path.name, "sha", path.read_text(encoding="utf-8"))
        assert entry.title, path.name
        assert entry.notes, path.name


def test_done_items_of_a_real_document_are_counted() -> None:
    entry = entry_from_document(
        "p.md", "s", _real("persistenceOne__incident-reports__20-Sept-2023_v9.1.1_chain_halt.md")
    )
    assert {item.state for item in entry.items} == {"done"}


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("---\n: [\n---\n# Title\n", "Its frontmatter was ignored: its frontmatter is not valid YAML."),
        ("---\n- a\n- b\n---\n# Title\n", "Its frontmatter was ignored: its frontmatter is not a mapping of keys."),
        ("", "Not written by postmortem-action, so read from its text; no title, date, severity found."),
    ],
)  # fmt: skip
def test_unreadable_parts_are_noted(text: str, note: str) -> None:
    entry = entry_from_document("postmortems/notes.md", "s", text)
    assert note in entry.notes
    assert entry.title


def test_a_closed_column_records_the_closing_date() -> None:
    text = (
        "# T\n\n## Action Items\n\n| Action Item | Priority | Status | Closed |\n|---|---|---|---|\n"
        "| a | P1 | Done | 2026-02-03 |\n| b | P2 | In progress | |\n"
    )
    entry = entry_from_document("p.md", "s", text)
    assert [(i.state, i.priority, i.closed) for i in entry.items] == [
        ("done", "P1", date(2026, 2, 3)),
        ("open", "P2", None),
    ]
