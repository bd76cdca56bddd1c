"""Property tests: extraction never raises on any text; hostile titles never break the table or the Mermaid."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.catalogue import CatalogueEntry, entry_from_document, read_catalogue, render_catalogue
from postmortem.catalogue.render import BEGIN, END, mermaid_label

_MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            *"ab #|-*_`[]()<>:!\n\t>~@\"'{}\\",
            "---\n",
            "## Action Items\n",
            "| a | b |\n",
            "|---|---|\n",
            "-->",
            "2026-01-02",
        ]
    ),
    max_size=120,
).map("".join)
_ANY = st.one_of(st.text(max_size=400), _MARKDOWNISH)


@settings(max_examples=300, deadline=None)
@given(text=_ANY, frontmatter=st.booleans())
def test_extraction_never_raises(text: str, frontmatter: bool) -> None:
    body = f"---\ntitle: {text[:40]}\nseverity: {text[40:50]}\n---\n{text}" if frontmatter else text
    entry = entry_from_document("postmortems/x.md", "sha", body)
    assert entry.path == "postmortems/x.md" and entry.title


@settings(max_examples=150, deadline=None)
@given(title=_ANY, severity=_ANY, status=_ANY, service=_ANY)
def test_hostile_text_never_breaks_the_table_the_mermaid_or_the_record(
    title: str, severity: str, status: str, service: str
) -> None:
    entry = CatalogueEntry(
        path="postmortems/x.md", title=title, date=date(2026, 1, 2), severity=severity, status=status,
        services=[service, "api"], follow_up=title, notes=[title],
    )  # fmt: skip
    other = CatalogueEntry(path="postmortems/y.md", title="Y", date=date(2026, 2, 2), services=["api"])
    readme = render_catalogue([entry, other], f"{title}\n")
    region = readme[readme.index(BEGIN) :]
    assert region.count(BEGIN) == 1 and region.count(END) == 1
    lines = region.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("| Date |"))
    rows = lines[header + 2 : header + 4]
    for row in rows:  # every row has exactly the header's 8 cells: no unescaped pipe, no line break
        assert len(re.findall(r"(?<!\\)\|", row)) == 9, row
    for line in lines:
        stripped = line.strip()
        if stripped.startswith('"') or stripped.startswith("pie title"):
            assert stripped.count('"') == 2, line  # a Mermaid string never breaks out of its quotes
    recorded = read_catalogue(readme)
    assert recorded is not None
    assert {e.title for e in recorded.entries} == {title, "Y"}
    assert render_catalogue([entry, other], readme) == readme


@given(st.text(max_size=200))
def test_mermaid_labels_hold_no_quote_or_line_break(text: str) -> None:
    label = mermaid_label(text)
    assert '"' not in label and "\n" not in label and label


@pytest.mark.parametrize(
    "text",
    [
        "## Root Cause\n\n" + "[" * 100_000 + "\n",  # was quadratic: each "[" scanned to the line's end
        "**Root Cause**: " + "[a" * 50_000 + "\n",
        "- **Services Impacted**: " + "[" * 100_000 + "\n",
        "*" * 100_000 + ":\n",
        "Jan 12" + " " * 100_000 + "x\n",
        ">" * 100_000 + "\n",
        "# " + "#" * 50_000 + " x " + "#" * 50_000 + "\n",
    ],
    ids=["brackets-section", "brackets-field", "brackets-services", "stars", "spaces", "quotes", "hashes"],
)
def test_hostile_documents_are_read_in_linear_time(text: str) -> None:
    # not timed (no wall-clock asserts): a quadratic pattern makes this test hang instead of finishing in ms
    entry = entry_from_document("postmortems/x.md", "sha", text)
    assert entry.title


@settings(max_examples=150, deadline=None)
@given(document=_ANY, services=_ANY, cause=_ANY, title=_ANY)
def test_related_incidents_and_the_appendix_never_raise(
    document: str, services: str, cause: str, title: str
) -> None:
    from postmortem.catalogue import CatalogueMarker, fill_related_section, related_incidents

    marker = CatalogueMarker(
        entries=[
            CatalogueEntry(
                path="postmortems/a.md", title=title, services=[services], root_cause_words=["pool"]
            )
        ]
    )
    found = related_incidents(services, cause + " pool", marker)
    assert len(found) == 1
    draft = f"{document}\n### Related Incidents\n\n*Links to earlier incidents.*\n\n### References\n"
    filled = fill_related_section(draft, found, "postmortems/new.md")
    assert filled.startswith(document) and filled.endswith("### References\n")
    if "`" not in document and "~" not in document:  # else the heading may sit inside an open code fence
        assert "\n- undated — [" in filled


def test_a_yaml_alias_bomb_in_the_frontmatter_is_never_printed() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    for key in ("severity", "labels", "services", "status", "title", "follow_up"):
        text = "---\n" + "\n".join(levels) + f"\n{key}: *a8\n---\n# Bomb\n"  # 10^9 leaves if printed
        entry = entry_from_document("postmortems/bomb.md", "sha", text)
        assert entry.title == "Bomb"
        assert entry.severity is None and entry.labels == [] and entry.services == []
