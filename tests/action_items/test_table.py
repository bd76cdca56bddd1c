"""Action Items table: reading rows into ActionItem models, and editing Issue/Status cells in place."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from postmortem.action_items.table import (
    ActionItemsReport,
    CellEdit,
    Status,
    item_key,
    parse_status,
    read_action_items,
    set_cells,
    status_cell,
)
from tests.material import fixture, material, names

FIXTURES = Path(__file__).parents[1] / "fixtures" / "action_items"
SEED = fixture("seed", "postmortem-template.md")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def real(name: str) -> str:
    """A published post-mortem, byte for byte (tests/fixtures/postmortems, or ../shared when unlicensed)."""
    with material("postmortems", name).open(encoding="utf-8", newline="") as handle:
        return handle.read()


def kinds(report: ActionItemsReport) -> Counter[str]:
    return Counter(problem.kind for problem in report.problems)


def changed_lines(before: str, after: str) -> list[int]:
    """0-based numbers of the lines that differ (both documents must have the same number of lines)."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(old) == len(new)
    return [index for index, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]


# ---------------------------------------------------------------------------------------------------------
# Status words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("💡 Proposed", Status.PROPOSED),
        ("🔴 Not Started", Status.NOT_STARTED),
        ("🟡 In Progress", Status.IN_PROGRESS),
        ("🟢 Done", Status.DONE),
        ("⚪ Won't Do", Status.WONT_DO),
        ("⚪️ Won’t Do", Status.WONT_DO),
        ("done", Status.DONE),
        ("DONE", Status.DONE),
        ("Done.", Status.DONE),
        ("**TODO**", Status.NOT_STARTED),
        ("todo", Status.NOT_STARTED),
        ("TODO.", Status.NOT_STARTED),
        ("In progress", Status.IN_PROGRESS),
        ("in-progress", Status.IN_PROGRESS),
        ("in_progress", Status.IN_PROGRESS),
        ("not started", Status.NOT_STARTED),
        ("won't do", Status.WONT_DO),
        ("wont do", Status.WONT_DO),
        ("Not planned", Status.WONT_DO),
        ("proposed", Status.PROPOSED),
        ("🟢", Status.DONE),
        ("✅ Done", Status.DONE),
        ("", None),
        ("blocked", None),
        ("n/a DONE", None),
        ("🟢 Not Started", None),  # emoji and words disagree: not guessed
        ("Bug #5554823 TODO", None),
    ],
)
def test_parse_status(text: str, expected: Status | None) -> None:
    assert parse_status(text) == expected


@pytest.mark.parametrize("status", list(Status))
def test_status_cell_round_trips(status: Status) -> None:
    assert parse_status(status_cell(status)) == status


def test_status_cells_are_the_templates() -> None:
    assert [status_cell(status) for status in Status] == [
        "💡 Proposed",
        "🔴 Not Started",
        "🟡 In Progress",
        "🟢 Done",
        "⚪ Won't Do",
    ]


# ---------------------------------------------------------------------------------------------------------
# Reading our fixtures (always available)


def test_template_fixture() -> None:
    report = read_action_items(fixture("template.md"))
    assert report.found_section
    assert len(report.tables) == 1  # the Timeline table is not an action items table
    table = report.tables[0]
    assert table.line == 18
    assert table.columns == {"number": 0, "text": 1, "owner": 2, "deadline": 3, "priority": 4, "status": 5}
    assert not table.has_issue_column
    assert not report.has_issue_column
    # rows 7 (`| 7 | | | | | 🔴 Not Started |`) and the all-empty row are placeholders: no item, no problem
    assert [item.number for item in report.items] == [1, 2, 3, 4, 5, 6]
    assert report.problems == []
    first, second, _, fourth, fifth, sixth = report.items
    assert first.text == "Update database migration guidelines to require backward compatibility"
    assert (first.deadline, first.priority, first.status, first.line) == (
        date(2025, 11, 20),
        "P0",
        Status.DONE,
        20,
    )
    assert first.owner == "Engineer A"
    assert first.owner_login is None
    assert second.owner_login == "engineer-b"
    assert second.status == Status.IN_PROGRESS
    assert fourth.status == Status.NOT_STARTED
    assert fifth.owner_login == "carol"
    assert fifth.deadline == date(2025, 12, 5)
    assert fifth.status == Status.PROPOSED
    assert sixth.status == Status.WONT_DO
    assert sixth.deadline is None
    assert sixth.deadline_text == ""
    assert [(w.line, w.value) for w in report.unresolved_owners] == [
        (20, "Engineer A"),
        (22, "Engineer C"),
        (23, "DevOps Team"),
        (25, "CTO"),
    ]
    assert [item_key(item) for item in report.items] == ["n1", "n2", "n3", "n4", "n5", "n6"]


def test_owners_map_resolves_names_case_insensitively() -> None:
    owners = {"engineer a": "@alice", "DevOps  Team": "devops-bot", "CTO": "boss"}
    report = read_action_items(fixture("template.md"), owners=owners)
    assert [item.owner_login for item in report.items] == [
        "alice",
        "engineer-b",
        None,
        "devops-bot",
        "carol",
        "boss",
    ]
    assert [w.value for w in report.unresolved_owners] == ["Engineer C"]
    assert report.unresolved_owners[0].kind == "unresolved_owner"
    assert "@login" in report.unresolved_owners[0].fix


def test_sre_book_fixture_status_words_in_bug_cell_are_reported_not_guessed() -> None:
    report = read_action_items(fixture("sre_book.md"))
    assert report.tables[0].columns == {"text": 0, "owner": 2, "issue": 3}
    assert [item.issue for item in report.items] == [None, None, 17, None]
    assert [(p.line, p.kind, p.column, p.value) for p in report.problems] == [
        (8, "issue", "Bug", "n/a DONE"),
        (9, "issue", "Bug", "Bug #5554823 TODO"),
    ]
    assert report.items[0].unreadable == ["issue"]
    assert report.items[3].unreadable == []
    assert report.items[3].issue_text == ""
    assert report.items[2].owner_login == "agoogler"
    assert report.items[0].extra == {"Type": "mitigate"}


def test_several_tables_fixture() -> None:
    report = read_action_items(fixture("several_tables.md"), repo="example/app")
    assert [(t.line, t.heading) for t in report.tables] == [(13, "Action items"), (20, "Action items")]
    assert [item.line for item in report.items] == [15, 16, 22, 23]
    assert [item.number for item in report.items] == [1, 2, 3, 4]
    assert [item.owner_login for item in report.items] == ["xster", "xster", "tvolkert", "gspencergoog"]
    assert [item.issue for item in report.items] == [None, 15164, None, None]
    assert report.items[2].issue_text == ""  # a cell of &nbsp; shows as empty, so it is empty
    assert report.items[2].cells[2] == "&nbsp;" * 6
    assert report.items[3].cells == [report.items[3].text, report.items[3].owner, "", ""]
    assert report.problems == []
    assert report.unresolved_owners == []
    # The timeline table (rows without trailing pipe, empty header cell) is not an action items table.


def test_issue_of_another_repository_is_a_problem_when_repo_is_known() -> None:
    report = read_action_items(fixture("several_tables.md"), repo="acme/hub")
    assert [(p.line, p.kind) for p in report.problems] == [(16, "issue")]
    assert "example/app" in report.problems[0].message


def test_reflowed_fixture_is_not_a_table() -> None:
    report = read_action_items(fixture("reflowed.md"))
    assert report.items == []
    assert report.tables == []
    assert [(p.line, p.kind) for p in report.problems] == [(6, "not_a_table"), (15, "not_a_table")]
    assert "own" in report.problems[0].fix


def test_sections_fixture_several_sections_and_a_table_without_rows() -> None:
    report = read_action_items(fixture("sections.md"))
    assert [(t.heading, len(t.row_lines)) for t in report.tables] == [
        ("Preventive Action Items", 2),
        ("Response Action Items", 2),
        ("Recovery Action Items", 0),
    ]
    assert [item.owner for item in report.items] == ["ICL", "ICL", "ICL", "Team"]  # `Team|` without space
    assert report.items[3].extra == {"Source": "", "Notes": ""}
    assert report.items[2].text == "Define a critical emergency process between Interchain Labs <> Hypha"
    assert report.problems == []


def test_compact_fixture() -> None:
    report = read_action_items(fixture("compact.md"))
    assert report.tables[0].headers == ["Action Items", "Type", "Owner", "Status"]
    assert [(item.text, item.owner, item.status) for item in report.items] == [
        ("Patch for our SDK fork", "Maksim", Status.DONE),
        ("Writing state migration code", "Puneet", Status.DONE),
    ]
    assert not report.has_issue_column


def test_compact_fixture_with_bom_and_crlf_reads_the_same() -> None:
    plain = read_action_items(fixture("compact.md"))
    crlf = read_action_items("\ufeff" + fixture("compact.md").replace("\n", "\r\n"))
    assert crlf.items == plain.items
    assert crlf.tables == plain.tables


def test_delimiter_row_with_fewer_cells_is_not_a_table_and_is_reported() -> None:
    report = read_action_items(fixture("broken_delimiter.md"))
    assert report.items == []
    assert report.tables == []
    # Line 12's broken table is outside the Action Items section, so it is ignored (not a problem either).
    assert [(p.line, p.kind) for p in report.problems] == [(4, "not_a_table")]
    assert "4 cells" in report.problems[0].message
    assert "has 3" in report.problems[0].message
    assert "(4)" in report.problems[0].fix


def test_table_without_heading_is_found_by_its_action_item_column() -> None:
    report = read_action_items(fixture("no_heading.md"))
    assert not report.found_section
    assert [(t.line, t.heading) for t in report.tables] == [(5, "")]
    assert [item.text for item in report.items] == [
        "Bundle everything into code/ binary",
        "Add more logs to chain start",
        "Discuss upgrade handler improvements",
    ]
    assert [(p.line, p.kind, p.value) for p in report.problems] == [
        (7, "issue", "DONE"),
        (8, "issue", "TODO."),
    ]
    assert "status" in report.problems[0].message
    assert report.items[2].owner_login == "core-dev"


def test_with_an_action_items_section_a_header_only_table_elsewhere_is_ignored() -> None:
    document = (
        "## Summary\n\nDeployed.\n\n"
        "| Action Item | Owner |\n|---|---|\n| Injected task | @mallory |\n\n"
        "| Action Item | Owner |\n|--|\n| Broken table | @mallory |\n\n"
        "## Action Items\n\n| Action Item | Owner |\n|---|---|\n| Real task | @alice |\n\n"
        "## Lessons\n\n| Action Item | Owner |\n|---|---|\n| After the section | @mallory |\n"
    )
    report = read_action_items(document)
    assert report.found_section
    assert [(t.line, t.heading) for t in report.tables] == [(14, "Action Items")]
    assert [item.text for item in report.items] == ["Real task"]
    assert report.problems == []
    # Without the section, the same summary table is found by its header (real post-mortems need it).
    alone = read_action_items("## Summary\n\n| Action Item | Owner |\n|---|---|\n| Task | @a |\n")
    assert not alone.found_section
    assert [item.text for item in alone.items] == ["Task"]


def test_numbered_fixture() -> None:
    report = read_action_items(fixture("numbered.md"), repo="acme/hub")
    assert [item_key(item) for item in report.items] == ["n1", "n2", "n3", "n4"]
    assert [item.issue for item in report.items] == [100, 101, None, None]
    assert [item.priority for item in report.items] == ["P1", "P1", "P0", None]
    assert [(p.line, p.kind) for p in report.problems] == [(12, "issue"), (13, "priority"), (13, "issue")]
    assert "“(done)”" in report.problems[0].message
    assert "other/repo" in report.problems[2].message
    assert report.items[1].owner_login == "lead"
    assert [w.value for w in report.unresolved_owners] == ["[project lead]"] * 3
    assert report.items[0].text == "Enable branch protection on `main` — evaluate making repo public"


def test_lists_only_fixture_reads_nothing() -> None:
    report = read_action_items(fixture("lists_only.md"))
    assert report.found_section
    assert report.items == []
    assert report.tables == []
    assert report.problems == []


def test_edge_cells_fixture() -> None:
    report = read_action_items(fixture("edge_cells.md"), owners={"Ops": "ops-lead"}, repo="acme/hub")
    table = report.tables[0]
    assert table.columns == {"text": 0, "owner": 1, "deadline": 2, "status": 3, "issue": 4, "number": 5}
    by_line = {item.line: item for item in report.items}
    escaped = by_line[6]
    assert escaped.text == "Split `a | b` into two steps"  # \| is a pipe inside the cell
    assert (escaped.owner_login, escaped.deadline, escaped.status, escaped.issue) == (
        "alice",
        date(2025, 11, 20),
        Status.DONE,
        3,
    )
    assert escaped.extra == {"Cost": "low"}
    # GFM: a pipe inside backticks still separates cells, so this row shifts; every shifted cell is reported
    shifted = by_line[7]
    assert shifted.text == "Run `grep a"
    assert shifted.owner == "b` on the host"
    assert shifted.unreadable == ["deadline", "status", "issue"]
    assert by_line[8].cells[-1] == ""
    assert by_line[8].unreadable == ["owner"]
    assert by_line[9].owner_login == "ops-lead"
    assert by_line[9].unreadable == ["deadline", "status"]
    assert by_line[10].status == Status.WONT_DO
    assert by_line[10].unreadable == ["deadline"]
    assert 11 not in by_line  # no text
    assert by_line[13].deadline == date(2025, 12, 24)
    assert by_line[13].status == Status.NOT_STARTED
    assert by_line[14].deadline is None
    assert by_line[14].deadline_text == "TBD"
    assert by_line[15].deadline == date(2025, 12, 24)
    assert by_line[15].status == Status.DONE
    assert by_line[15].issue == 13
    assert Counter((p.line, p.kind) for p in report.problems) == Counter(
        [
            (7, "deadline"),
            (7, "status"),
            (7, "issue"),
            (8, "owner"),
            (9, "deadline"),
            (9, "status"),
            (10, "deadline"),
            (11, "text"),
            (12, "deadline"),
            (12, "issue"),
            (13, "issue"),
            (14, "status"),
            (14, "issue"),
            (15, "number"),
        ]
    )
    messages = {(p.line, p.kind): p for p in report.problems}
    assert "pull request" in messages[(13, "issue")].message
    assert "#11" in messages[(14, "issue")].message
    assert "YYYY-MM-DD" in messages[(9, "deadline")].fix
    assert [w.value for w in report.unresolved_owners] == [
        "b` on the host",
        "Site Reliability",
        "Site Reliability",
    ]


def test_row_keys_prefer_unique_numbers_then_text() -> None:
    report = read_action_items(fixture("edge_cells.md"))
    keys = [item_key(item) for item in report.items]
    assert len(set(keys)) == len(keys)
    by_line = {item.line: item_key(item) for item in report.items}
    assert by_line[6] == "n1"
    assert by_line[14] == "n9"
    assert by_line[15].startswith("t")  # `x1` is not a number
    assert by_line[17] == by_line[16] + "-2"  # same text twice
    # keys follow the row, not its position: inserting a row above changes no key
    document = fixture("sections.md")
    before = {item.text: item_key(item) for item in read_action_items(document).items}
    inserted = document.replace(
        "| Adjust feemarket params", "| Brand new item | | Team | |\n| Adjust feemarket params"
    )
    after = {item.text: item_key(item) for item in read_action_items(inserted).items}
    assert {text: after[text] for text in before} == before


@pytest.mark.parametrize(
    "document",
    [
        "",
        "\ufeff",
        "## Action Items\n",
        "## Action Items\n\n|\n|-|\n",
        "## Action Items\n\n| Action Item |\n|---|\n|",
        "## Action Items\n\n> | Action Item | Owner |\n> |---|---|\n> | quoted | @a |\n",
        "## Action Items\n\n- | Action Item | Owner |\n  |---|---|\n  | listed | @a |\n",
        "## Action Items\n\n| Status | Meaning |\n|---|---|\n| 🟢 Done | finished |\n",
        "\0## Action Items\r\r| Action Item |\r|--|\r| x\0 |",
    ],
)
def test_odd_documents_never_raise(document: str) -> None:
    report = read_action_items(document)
    assert all(item.text for item in report.items)


def test_table_without_text_column_in_section_is_reported() -> None:
    report = read_action_items("## Action Items\n\n| Status | Meaning |\n|---|---|\n| 🟢 Done | finished |\n")
    assert [(p.line, p.kind) for p in report.problems] == [(2, "no_text_column")]


def test_table_in_a_list_item_is_read_but_on_the_marker_line_or_in_a_quote_is_reported() -> None:
    nested = read_action_items(
        "## Action Items\n\n- Owners:\n\n  | Action Item | Owner |\n  |---|---|\n  | listed | @a |\n"
    )
    assert [(item.text, item.owner_login, item.line) for item in nested.items] == [("listed", "a", 6)]
    edited = set_cells(
        "## Action Items\n\n- Owners:\n\n  | Action Item | Owner |\n  |---|---|\n  | listed | @a |\n",
        [CellEdit(line=6, column="issue", value="#1")],
    )
    assert edited.splitlines()[4:] == [
        "  | Action Item | Owner | Issue |",
        "  |---|---|---|",
        "  | listed | @a | #1 |",
    ]
    for document in (
        "## Action Items\n\n- | Action Item | Owner |\n  |---|---|\n  | listed | @a |\n",
        "## Action Items\n\n> | Action Item | Owner |\n> |---|---|\n> | quoted | @a |\n",
    ):
        report = read_action_items(document)
        assert report.items == []
        assert [(p.line, p.kind) for p in report.problems] == [(2, "unsupported_table")]


# ---------------------------------------------------------------------------------------------------------
# Editing


def test_set_cells_changes_only_the_named_cells() -> None:
    document = fixture("numbered.md")
    edited = set_cells(document, [CellEdit(line=13, column="issue", value="#120")])
    assert changed_lines(document, edited) == [13]
    assert edited.splitlines()[13] == (
        "| 4 | Document this incident in the index | document | P3 | [project lead] | #120 |"
    )


def test_set_cells_keeps_padded_width_when_value_fits() -> None:
    document = fixture("sre_book.md")
    edited = set_cells(
        document,
        [CellEdit(line=8, column="issue", value="#31"), CellEdit(line=11, column="issue", value="#32")],
    )
    lines = edited.splitlines()
    assert changed_lines(document, edited) == [8, 11]
    assert lines[8].endswith("| jennifer | #31               |")
    assert lines[11].endswith("| agoogler | #32               |")
    assert len(lines[8]) == len(document.splitlines()[8])


def test_set_cells_unpadded_cell_gets_single_spaces() -> None:
    document = fixture("template.md")
    edited = set_cells(document, [CellEdit(line=21, column="status", value=status_cell(Status.DONE))])
    assert changed_lines(document, edited) == [21]
    assert edited.splitlines()[21].endswith("| P0 | 🟢 Done |")


def test_set_cells_fills_empty_cells_written_without_spaces() -> None:
    document = fixture("several_tables.md")
    edited = set_cells(
        document,
        [
            CellEdit(line=15, column="issue", value="#1"),
            CellEdit(line=22, column="issue", value="#2"),
            CellEdit(line=23, column="issue", value="#3"),
        ],
    )
    assert changed_lines(document, edited) == [15, 22, 23]
    lines = edited.splitlines()
    assert lines[15].endswith(
        "(https://github.com/xster) | #1 | [Done](https://github.com/example/app/pull/14714) |"
    )
    assert lines[22].endswith("(https://github.com/tvolkert) | #2 | [Done](../releases/Bad-Builds.md) |")
    assert lines[23].endswith("(https://github.com/gspencergoog) | #3 ||")
    assert [item.issue for item in read_action_items(edited).items] == [1, 15164, 2, 3]


def test_set_cells_adds_issue_column() -> None:
    document = fixture("template.md")
    edited = set_cells(document, [CellEdit(line=20, column="issue", value="#12")])
    assert changed_lines(document, edited) == list(range(18, 28))
    lines = edited.splitlines()
    assert lines[18] == "| # | Action Item | Owner | Deadline | Priority | Status | Issue |"
    assert lines[19] == "|---|-------------|-------|----------|----------|--------|-------|"
    assert lines[20].endswith("| P0 | 🟢 Done | #12 |")
    assert lines[21].endswith("| 🟡 In Progress | |")
    assert lines[27] == "| | | | | | | |"
    report = read_action_items(edited)
    assert report.has_issue_column
    assert [item.issue for item in report.items] == [12, None, None, None, None, None]
    assert [item.line for item in report.items] == [item.line for item in read_action_items(document).items]
    # the Timeline table and the prose are untouched
    assert edited.splitlines()[:18] == document.splitlines()[:18]


def test_set_cells_adds_issue_column_to_compact_crlf_bom_table() -> None:
    document = "\ufeff" + fixture("compact.md").replace("\n", "\r\n")
    edited = set_cells(
        document,
        [
            CellEdit(line=6, column="issue", value="#7"),
            CellEdit(line=7, column="status", value="🟡 In Progress"),
        ],
    )
    assert edited.startswith("\ufeff# Chain Halt")
    assert edited.count("\r\n") == document.count("\r\n")
    assert "\n" not in edited.replace("\r\n", "")
    assert changed_lines(document, edited) == [4, 5, 6, 7]
    lines = edited.split("\r\n")
    assert lines[4] == "|Action Items|Type|Owner|Status|Issue|"
    assert lines[5] == "| :- | :- | :- | :- | --- |"
    assert (
        lines[6]
        == "|Patch for our SDK fork|[PR](https://github.com/example/sdk/pull/8) in sdk fork|Maksim|Done|#7|"
    )
    assert lines[7] == "|Writing state migration code|State-sync node local|Puneet|🟡 In Progress||"


def test_set_cells_on_bom_table_at_first_line() -> None:
    document = "\ufeff| Action Item | Status |\r\n|---|---|\r\n| Fix it | todo |\r\n"
    edited = set_cells(document, [CellEdit(line=2, column="status", value="🟢 Done")])
    assert edited == "\ufeff| Action Item | Status |\r\n|---|---|\r\n| Fix it | 🟢 Done |\r\n"


def test_set_cells_rows_without_trailing_pipe_and_short_rows() -> None:
    document = (
        "## Action Items\n\n"
        "| Action Item | Owner | Status\n"
        "|---|---|---\n"
        "| Fix it | @a | todo\n"
        "| Short row\n"
        "| Has extra | @b | done | surplus |\n"
        "\nAfter.\n"
    )
    edited = set_cells(
        document,
        [
            CellEdit(line=4, column="issue", value="#1"),
            CellEdit(line=5, column="status", value="🔴 Not Started"),
            CellEdit(line=6, column="issue", value="#3"),
        ],
    )
    assert edited.splitlines() == [
        "## Action Items",
        "",
        "| Action Item | Owner | Status | Issue",
        "|---|---|---|---",
        "| Fix it | @a | todo | #1",
        "| Short row | | 🔴 Not Started |",
        "| Has extra | @b | done | #3 | surplus |",
        "",
        "After.",
    ]
    report = read_action_items(edited)
    assert [(item.issue, item.status) for item in report.items] == [
        (1, Status.NOT_STARTED),
        (None, Status.NOT_STARTED),
        (3, Status.DONE),
    ]


def test_set_cells_escapes_pipes_and_keeps_escaped_pipes() -> None:
    document = fixture("edge_cells.md")
    edited = set_cells(document, [CellEdit(line=6, column="status", value="done | verified")])
    assert changed_lines(document, edited) == [6]
    line = edited.splitlines()[6]
    assert line.startswith("| Split `a \\| b` into two steps |")
    assert "| done \\| verified |" in line
    assert read_action_items(edited).items[0].status_text == "done | verified"


def test_set_cells_last_edit_of_a_cell_wins_and_no_edits_is_identity() -> None:
    document = fixture("template.md")
    assert set_cells(document, []) is document
    edited = set_cells(
        document,
        [CellEdit(line=22, column="status", value="x"), CellEdit(line=22, column="status", value="🟢 Done")],
    )
    assert read_action_items(edited).items[2].status == Status.DONE


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (CellEdit(line=0, column="issue", value="#1"), "not a row"),
        (CellEdit(line=19, column="issue", value="#1"), "not a row"),  # the delimiter row
        (CellEdit(line=9, column="issue", value="#1"), "not a row"),  # the Timeline table
        (CellEdit(line=20, column="issue", value="#1\n#2"), "line break"),
    ],
)
def test_set_cells_rejects_bad_edits(edit: CellEdit, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        set_cells(fixture("template.md"), [edit])


def test_set_cells_status_needs_a_status_column() -> None:
    with pytest.raises(ValueError, match="no Status column"):
        set_cells(fixture("sre_book.md"), [CellEdit(line=8, column="status", value="🟢 Done")])


def identity_edits(report: ActionItemsReport) -> list[CellEdit]:
    tables = report.tables
    edits: list[CellEdit] = []
    for item in report.items:
        table = tables[item.table]
        for column in ("issue", "status"):
            if column in table.columns:
                edits.append(CellEdit(line=item.line, column=column, value=item.cells[table.columns[column]]))
    return edits


FIXTURE_NAMES = sorted(path.name for path in FIXTURES.glob("*.md"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_set_cells_with_existing_values_is_identity_on_fixtures(name: str) -> None:
    for document in (fixture(name), "\ufeff" + fixture(name).replace("\n", "\r\n")):
        edits = identity_edits(read_action_items(document))
        assert set_cells(document, edits) == document


def test_set_cells_then_read_gives_the_new_values_on_fixtures() -> None:
    for name in FIXTURE_NAMES:
        document = fixture(name)
        report = read_action_items(document)
        edits = [
            CellEdit(line=item.line, column="issue", value=f"#{900 + index}")
            for index, item in enumerate(report.items)
        ]
        edited = set_cells(document, edits)
        again = read_action_items(edited)
        assert [item.issue for item in again.items] == [900 + index for index in range(len(report.items))], (
            name
        )
        assert [item.text for item in again.items] == [item.text for item in report.items], name
        unchanged = [
            line
            for line in range(len(document.splitlines()))
            if not any(t.line <= line < t.end_line for t in report.tables)
        ]
        assert [edited.splitlines()[line] for line in unchanged] == [
            document.splitlines()[line] for line in unchanged
        ]


# ---------------------------------------------------------------------------------------------------------
# The seed template and the published post-mortems (tests/fixtures; the unlicensed few from ../shared)


def test_seed_template() -> None:
    document = SEED.read_text(encoding="utf-8")
    report = read_action_items(document)
    assert len(report.tables) == 1
    assert not report.has_issue_column
    assert len(report.items) == 10
    assert report.problems == []
    assert [item.number for item in report.items] == list(range(1, 11))
    assert Counter(item.status for item in report.items) == {
        Status.NOT_STARTED: 6,
        Status.IN_PROGRESS: 3,
        Status.DONE: 1,
    }
    assert report.items[3].owner == "DevOps Team"
    assert report.items[9].owner == "All Engineers"
    assert len(report.unresolved_owners) == 10  # names, not logins: warnings, not problems
    assert report.items[7].deadline == date(2025, 12, 5)
    assert report.items[7].priority == "P2"
    mapped = read_action_items(document, owners={"DevOps Team": "devops", "All Engineers": "eng"})
    assert [item.owner_login for item in mapped.items if item.owner_login] == ["devops", "devops", "eng"]
    edited = set_cells(document, [CellEdit(line=report.items[0].line, column="issue", value="#1")])
    assert changed_lines(document, edited) == list(range(report.tables[0].line, report.tables[0].end_line))


# (file, tables, items, problem kinds, unresolved owners, has issue column)
REAL_EXPECTED: list[tuple[str, int, int, dict[str, int], int, bool]] = [
    ("yuankunzhang__working-guides__postmortem.md", 1, 9, {"issue": 9}, 9, True),
    ("mlafeldt__gist-6e02ea0c__deployer-api-outage-postmortem.md", 1, 2, {"issue": 2}, 2, True),
    ("flutter__flutter__Postmortem-Beta-1-Release.md", 4, 14, {}, 0, True),
    ("flutter__flutter__Postmortem-Beta-1-Release.reflowed-42a1ea45.md", 0, 0, {"not_a_table": 4}, 0, False),
    ("cosmos__incidents__action_items.md", 4, 21, {}, 21, False),
    ("cosmos__incidents__0414_upgrade.md", 0, 0, {}, 0, False),
    ("cosmos__incidents__0409_galaxy.md", 0, 0, {}, 0, False),
    ("persistenceOne__incident-reports__07-Sept-2022_V3_upgrade_halt.md", 1, 7, {"issue": 7}, 7, True),
    ("persistenceOne__incident-reports__20-Sept-2023_v9.1.1_chain_halt.md", 1, 4, {}, 4, False),
    ("ilv78__Art-World-Hub__2026-03-13-issue-8-direct-push-to-main.md", 1, 6, {"issue": 1}, 6, True),
    ("2i2c-org__incident-reports__2025-08-12-leap-outage.md", 0, 0, {}, 0, False),
    ("2i2c-org__incident-reports__2020-10-28-memory-overload.md", 0, 0, {}, 0, False),
    ("jupyterhub__mybinder.org-deploy__2018-03-26-no-space-left.md", 0, 0, {}, 0, False),
    ("jupyterhub__mybinder.org-deploy__2020-07-09-simultaneous-launches-scipy.md", 0, 0, {}, 0, False),
    ("dfds__postmortems__PM2022-009_-_Bad_AWS_EKS_AMI_causing_Kubernetes_issues.md", 0, 0, {}, 0, False),
    (
        "dfds__postmortems__PM2019-009_-_Kubernetes_network_infrastructure_IP_starvation.md",
        0,
        0,
        {},
        0,
        False,
    ),
    ("PostHog__post-mortems__2026-01-17-replay-sdk-fetch-wrapper-incident.md", 0, 0, {}, 0, False),
    ("PostHog__post-mortems__2025-09-29-flags-is-down.md", 0, 0, {}, 0, False),
    ("learningequality__postmortems__004-sushibar-certificate-expired.md", 0, 0, {}, 0, False),
    ("kubernetes__test-infra__2019-01-23.md", 0, 0, {}, 0, False),
    ("portswigger-cloud__postmortems__saas-outage.md", 0, 0, {}, 0, False),
    ("ethereum-optimism__optimism__2023-04-26-transaction-delays.md", 0, 0, {}, 0, False),
    ("ethereum__pm__sepolia-postmortem.md", 0, 0, {}, 0, False),
    ("Chia-Network__post-mortem__2022-01-20-EmployeeCompromise.md", 0, 0, {}, 0, False),
    ("comdex-official__incident-reports__incident_report_patch_fix_16_dec.md", 0, 0, {}, 0, False),
    ("dastergon__postmortem-templates__postmortem-template-michael.kehoe.md", 1, 0, {}, 0, True),
]


@pytest.mark.parametrize(
    ("name", "tables", "items", "problem_kinds", "unresolved", "issue_column"),
    REAL_EXPECTED,
    ids=[row[0].split("__")[0] + ":" + row[0].split("__")[-1][:30] for row in REAL_EXPECTED],
)
def test_real_postmortem_counts(
    name: str, tables: int, items: int, problem_kinds: dict[str, int], unresolved: int, issue_column: bool
) -> None:
    document = real(name)
    report = read_action_items(document)
    assert len(report.tables) == tables
    assert len(report.items) == items
    assert kinds(report) == Counter(problem_kinds)
    assert len(report.unresolved_owners) == unresolved
    assert report.has_issue_column == issue_column
    # editing with the existing values never changes a byte
    assert set_cells(document, identity_edits(report)) == document


def test_real_files_are_all_covered() -> None:
    assert names("postmortems", ".md") == {row[0] for row in REAL_EXPECTED}


def test_real_sre_book_cells() -> None:
    report = read_action_items(real("yuankunzhang__working-guides__postmortem.md"))
    assert report.tables[0].headers == ["Action Item", "Type", "Owner", "Bug"]
    assert report.items[1].text == "Use flux capacitor to balance load between clusters"
    assert report.items[1].issue_text == "Bug #5554823 TODO"
    assert report.items[1].issue is None
    assert report.items[1].owner == "martym"
    assert report.items[1].extra == {"Type": "prevent"}


def test_real_flutter_cells_and_edit() -> None:
    document = real("flutter__flutter__Postmortem-Beta-1-Release.md")
    report = read_action_items(document, repo="flutter/flutter")
    assert [t.line for t in report.tables] == [92, 101, 107, 119]
    assert [item.issue for item in report.items][:5] == [None, 15164, 14970, 14893, 14920]
    assert report.items[-1].issue == 14975
    assert {item.owner_login for item in report.items} == {"xster", "tvolkert", "Hixie", "gspencergoog"}
    assert report.problems == []
    edited = set_cells(document, [CellEdit(line=115, column="issue", value="#99999")])
    assert changed_lines(document, edited) == [115]
    assert edited.splitlines()[115].endswith("(https://github.com/gspencergoog) | #99999 ||")


def test_real_cosmos_sections() -> None:
    report = read_action_items(real("cosmos__incidents__action_items.md"))
    assert [len(t.row_lines) for t in report.tables] == [13, 3, 5, 0]
    last = report.items[-1]
    assert (last.text, last.owner, last.extra["Source"]) == (
        "Adopt Celestia's upgrade mechainism",
        "Team",
        "",
    )


def test_real_persistence_tables() -> None:
    report = read_action_items(real("persistenceOne__incident-reports__07-Sept-2022_V3_upgrade_halt.md"))
    # The delimiter row `| --- | --- | --- |----|` has four cells, so GFM does render this as a table; it has
    # no Action Items heading and is found by its `Action Item` column. Status words sit in the Bug column.
    assert report.tables[0].line == 15
    assert not report.found_section
    assert [p.value for p in report.problems] == ["DONE"] * 4 + ["TODO."] + ["DONE", "TODO"]
    document = real("persistenceOne__incident-reports__20-Sept-2023_v9.1.1_chain_halt.md")
    assert document.startswith("\ufeff")
    assert "\r\n" in document
    report = read_action_items(document)
    assert [item.status for item in report.items] == [Status.DONE] * 4
    assert [item.owner for item in report.items] == ["Maksim", "Puneet", "Puneet", "Maksim"]
    edited = set_cells(document, [CellEdit(line=29, column="issue", value="#1")])
    assert edited.startswith("\ufeff")
    assert edited.count("\r\n") == document.count("\r\n")
    assert changed_lines(document, edited) == list(range(27, 33))


def test_real_ilv78_numbered_table() -> None:
    report = read_action_items(
        real("ilv78__Art-World-Hub__2026-03-13-issue-8-direct-push-to-main.md"), repo="ilv78/Art-World-Hub"
    )
    assert [item_key(item) for item in report.items] == ["n1", "n2", "n3", "n4", "n5", "n6"]
    assert [item.issue for item in report.items] == [100, 101, None, 97, 8, 102]
    assert [item.priority for item in report.items] == ["P1", "P1", "P0", "P2", "P1", "P2"]
    assert [(p.line, p.kind) for p in report.problems] == [(208, "issue")]
    assert "(done)" in report.problems[0].message


def test_real_dastergon_template_placeholders() -> None:
    report = read_action_items(real("dastergon__postmortem-templates__postmortem-template-michael.kehoe.md"))
    table = report.tables[0]
    assert table.heading == "Action Items & Followups"
    assert table.columns == {"text": 0, "owner": 2, "priority": 3, "issue": 4, "deadline": 5}
    assert len(table.row_lines) == 3
    assert report.items == []
    assert report.problems == []
