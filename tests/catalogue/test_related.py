"""related_incidents: earlier post-mortems sharing services or root-cause words, ranked; the Appendix lines."""

from __future__ import annotations

from datetime import date

from postmortem.catalogue import (
    CatalogueEntry,
    CatalogueMarker,
    fill_related_section,
    related_incidents,
    render_related,
)


def pm(path: str, day: str, services: list[str], words: list[str]) -> CatalogueEntry:
    return CatalogueEntry(
        path=f"postmortems/{path}", title=path.removesuffix(".md"), date=date.fromisoformat(day),
        services=services, root_cause_words=words,
    )  # fmt: skip


MARKER = CatalogueMarker(
    entries=[
        pm("a.md", "2026-01-01", ["Checkout"], ["pool", "retries"]),
        pm("b.md", "2026-02-01", ["search"], ["pool"]),
        pm("c.md", "2026-03-01", ["checkout", "payments"], []),
        pm("d.md", "2025-12-01", [], ["certificate", "expired"]),
        pm("e.md", "2026-04-01", ["billing"], ["disk"]),
        pm("later.md", "2026-06-01", ["checkout"], ["pool"]),
    ]
)


def test_ranked_by_shared_services_then_words_then_newest() -> None:
    found = related_incidents(["checkout", "payments"], ["pool", "retries"], MARKER, before=date(2026, 5, 1))
    assert [(r.title, r.score) for r in found] == [("c", 6.0), ("a", 5.0), ("b", 1.0)]
    assert found[1].shared_services == ["Checkout"] and found[1].shared_words == ["pool", "retries"]


def test_raw_answers_are_split_like_the_catalogue_does() -> None:
    found = related_incidents(
        "Checkout; search", "The certificate expired at midnight", MARKER, before=date(2026, 5, 1)
    )
    assert [r.title for r in found] == ["c", "b", "a", "d"]


def test_limit_exclusion_and_no_record() -> None:
    assert len(related_incidents(["checkout"], ["pool"], MARKER, limit=2)) == 2
    assert [
        r.title for r in related_incidents(["checkout"], [], MARKER, exclude_path="postmortems/later.md")
    ] == ["c", "a"]
    assert related_incidents(["checkout"], ["pool"], None) == []
    assert related_incidents([], [], MARKER) == []


def test_appendix_lines_link_relative_to_the_new_document() -> None:
    found = related_incidents(["checkout"], ["pool"], MARKER, before=date(2026, 5, 1))
    text = render_related(found, "postmortems/2026-05-02-new.md")
    assert text.splitlines() == [
        "- 2026-01-01 — [a](a.md) (shared: Checkout, pool)",
        "- 2026-03-01 — [c](c.md) (shared: checkout)",
        "- 2026-02-01 — [b](b.md) (shared: pool)",
    ]


def _draft() -> str:
    from tests.catalogue.catalogue_documents import at, document

    return document(50, "New outage", started=at("2026-05-02"), services="checkout")


def test_the_template_prompt_is_replaced_and_nothing_else_changes() -> None:
    draft = _draft()
    found = related_incidents(["checkout"], ["pool"], MARKER, before=date(2026, 5, 1))
    filled = fill_related_section(draft, found, "postmortems/2026-05-02-new-outage.md")
    prompt = "### Related Incidents\n\n*Links to earlier incidents with a similar cause or impact.*\n\n"
    assert prompt in draft
    assert filled == draft.replace(
        prompt, "### Related Incidents\n\n" + render_related(found, "postmortems/x.md") + "\n\n"
    )
    assert fill_related_section(filled, found[:1], "postmortems/x.md") == filled  # edited: never regenerated


def test_a_written_section_a_missing_section_and_no_related_are_left_alone() -> None:
    found = related_incidents(["checkout"], [], MARKER)
    written = _draft().replace("*Links to earlier incidents with a similar cause or impact.*", "See #12.")
    assert fill_related_section(written, found, "postmortems/x.md") == written
    assert (
        fill_related_section("# Doc\n\n## Appendix\n", found, "postmortems/x.md") == "# Doc\n\n## Appendix\n"
    )
    assert fill_related_section(_draft(), [], "postmortems/x.md") == _draft()


def test_crlf_documents_keep_their_line_endings() -> None:
    draft = _draft().replace("\n", "\r\n")
    filled = fill_related_section(draft, related_incidents(["checkout"], [], MARKER), "postmortems/x.md")
    assert filled != draft and "\n" not in filled.replace("\r\n", "")
