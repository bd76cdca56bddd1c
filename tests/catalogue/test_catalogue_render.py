"""render_catalogue: the marked region, text outside it kept, same bytes twice, the record read back."""

from __future__ import annotations

from datetime import date

import pytest

from postmortem.catalogue import entry_from_document, read_catalogue, render_catalogue
from postmortem.catalogue.render import BEGIN, END, cell, format_minutes, mermaid_label, relative_link
from tests.catalogue.catalogue_documents import at, document
from tests.material import available


def _entries() -> list:  # type: ignore[type-arg]
    docs = [
        ("postmortems/2026-03-02-checkout.md", document(12, "Checkout down", started=at("2026-03-02"), severity="P0",
         services="checkout", items=[("a", "P1", "🟢 Done"), ("b", "P0", "🔴 Not Started")],
         published=date(2026, 3, 5), signed=2)),
        ("postmortems/2026-01-10-search.md", document(9, "Search slow", started=at("2026-01-10"), severity="P2",
         resolve_minutes=200, services="search, checkout", published=date(2026, 1, 15), signed=4)),
        ("postmortems/old notes.md", "# Old outage\n\nSomething happened.\n"),
    ]  # fmt: skip
    return [entry_from_document(path, f"sha{index}", text) for index, (path, text) in enumerate(docs)]


def test_new_readme_lists_newest_first_with_links_and_notes() -> None:
    readme = render_catalogue(_entries(), None)
    assert readme.startswith("# Post-mortems\n\n" + BEGIN + "\n")
    assert readme.endswith(END + "\n")
    rows = [line for line in readme.splitlines() if line.startswith("| 20") or line.startswith("| —")]
    assert rows[0].startswith(
        "| 2026-03-02 | [Checkout down](2026-03-02-checkout.md) | P0 | 1 h | Published | 2/4 | 1/2 |"
    )
    assert rows[1].startswith(
        "| 2026-01-10 | [Search slow](2026-01-10-search.md) | P2 | 3 h 20 min | Published | 4/4 | — |"
    )
    assert rows[2].startswith("| — | [Old outage](old%20notes.md) ⚠️ | — |")
    assert (
        "- [Old outage](old%20notes.md): Not written by postmortem-action, so read from its text; no date"
        in readme
    )
    assert "xychart-beta" in readme and "    bar [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]" not in readme
    assert "    bar [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]" in readme  # all: 2026-01 and 2026-03
    assert "    bar [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]" in readme  # P0+P1 and P0
    assert "🟥 red = P0" in readme
    assert "    line [3.3, 1]" in readme  # median hours to resolve, 2026-01 and 2026-03
    assert "| checkout | 2 |" in readme
    assert (
        "- Completion: 1 of 2 committed items done (50%; proposed and won't-do items are not counted)."
        in readme
    )
    assert "- Median days to close: — (no item records a closing date yet)." in readme
    assert "| P0 | 1 |" in readme  # open items by priority


def test_text_above_and_below_survives_and_rendering_twice_gives_the_same_bytes() -> None:
    existing = "# Our incidents\n\nRead these.\n\n" + BEGIN + "\nold stuff\n" + END + "\n\n## Footer\nbye\n"
    first = render_catalogue(_entries(), existing)
    assert first.startswith("# Our incidents\n\nRead these.\n\n" + BEGIN)
    assert first.endswith(END + "\n\n## Footer\nbye\n")
    assert "old stuff" not in first
    assert render_catalogue(_entries(), first) == first
    assert render_catalogue(list(reversed(_entries())), first) == first


def test_a_readme_without_region_gets_it_appended() -> None:
    result = render_catalogue(_entries(), "# Mine\n\nHand-written index.\n\n\n")
    assert result.startswith("# Mine\n\nHand-written index.\n\n" + BEGIN)
    assert render_catalogue(_entries(), result) == result


def test_a_deleted_end_marker_runs_the_region_to_the_end() -> None:
    result = render_catalogue(_entries(), "# Mine\n" + BEGIN + "\nbroken tail\n")
    assert result.count(BEGIN) == 1 and result.count(END) == 1 and "broken tail" not in result


def test_the_record_reads_back_to_the_same_entries() -> None:
    entries = _entries()
    recorded = read_catalogue(render_catalogue(entries, None))
    assert recorded is not None
    assert sorted(recorded.entries, key=lambda e: e.path) == sorted(entries, key=lambda e: e.path)


@pytest.mark.parametrize(
    "readme",
    [
        None,
        "",
        "# x\n",
        '<!-- postmortem:catalogue {"version": 99} -->',
        '<!-- postmortem:catalogue {"entries": 3} -->',
    ],
)
def test_no_usable_record(readme: str | None) -> None:
    assert read_catalogue(readme) is None


def test_a_record_outside_the_region_is_not_read() -> None:
    readme = render_catalogue(_entries(), None)
    moved = readme.replace(BEGIN, "").replace(END, "")
    assert read_catalogue(moved) is None


def test_no_documents() -> None:
    readme = render_catalogue([], None)
    assert "No post-mortems yet." in readme and "there are no metrics" in readme


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a | b", "a \\| b"),
        ("<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)\\>"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("@org/team ping", "&#64;org/team ping"),
        ("line\nbreak", "line break"),
        ("", "—"),
    ],
)
def test_cell_escaping(text: str, expected: str) -> None:
    assert cell(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [('a "quoted" label', "a quoted label"), ("x\n]\nbar [9]", "x bar 9"), ("", "unnamed")],
)
def test_mermaid_labels(text: str, expected: str) -> None:
    assert mermaid_label(text) == expected


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(None, "—"), (0.2, "<1 min"), (45, "45 min"), (60, "1 h"), (200, "3 h 20 min"), (3000, "2 d 2 h")],
)
def test_format_minutes(minutes: float | None, text: str) -> None:
    assert format_minutes(minutes) == text


@pytest.mark.parametrize(
    ("path", "readme", "link"),
    [
        ("postmortems/a.md", "postmortems/README.md", "a.md"),
        ("postmortems/2026/a (1).md", "postmortems/README.md", "2026/a%20%281%29.md"),
        ("docs/pm/a.md", "docs/INDEX.md", "pm/a.md"),
        ("a.md", "README.md", "a.md"),
    ],
)
def test_relative_links(path: str, readme: str, link: str) -> None:
    assert relative_link(path, readme) == link


def test_a_catalogue_of_every_real_postmortem_lists_each_once() -> None:
    files = available("postmortems", ".md")
    assert files
    entries = [
        entry_from_document(f"postmortems/{path.name}", str(index), path.read_text(encoding="utf-8"))
        for index, path in enumerate(files)
    ]
    readme = render_catalogue(entries, None)
    for path in files:
        assert (
            readme.count(f"]({relative_link('postmortems/' + path.name, 'postmortems/README.md')})") == 2
        )  # row + note
    assert render_catalogue(list(reversed(entries)), readme) == readme
    recorded = read_catalogue(readme)
    assert recorded is not None and len(recorded.entries) == len(files)
