"""plan_refresh: re-read only the documents whose blob sha changed; refreshed_entries puts the catalogue together."""

from __future__ import annotations

from postmortem.catalogue import (
    CatalogueEntry,
    CatalogueMarker,
    git_blob_sha,
    plan_refresh,
    read_catalogue,
    refreshed_entries,
    render_catalogue,
    updated_readme,
    with_documents,
)


def recorded(*pairs: tuple[str, str]) -> CatalogueMarker:
    return CatalogueMarker(
        entries=[CatalogueEntry(path=path, blob_sha=sha, title=path) for path, sha in pairs]
    )


LISTING = [
    ("postmortems/README.md", "r1"),
    ("postmortems/a.md", "a1"),
    ("postmortems/b.md", "b1"),
    ("postmortems/diagram.png", "p1"),
    ("postmortems/c.markdown", "c1"),
]


def test_first_build_reads_every_document_but_not_the_readme_or_images() -> None:
    plan = plan_refresh(LISTING, None)
    assert plan.read == ["postmortems/a.md", "postmortems/b.md", "postmortems/c.markdown"]
    assert plan.keep == [] and plan.removed == [] and plan.changed


def test_nothing_changed_reads_nothing() -> None:
    plan = plan_refresh(
        LISTING,
        recorded(("postmortems/a.md", "a1"), ("postmortems/b.md", "b1"), ("postmortems/c.markdown", "c1")),
    )
    assert plan.read == [] and plan.removed == [] and not plan.changed
    assert [entry.path for entry in plan.keep] == [
        "postmortems/a.md",
        "postmortems/b.md",
        "postmortems/c.markdown",
    ]


def test_one_changed_one_new_one_deleted() -> None:
    plan = plan_refresh(
        [("postmortems/a.md", "a2"), ("postmortems/b.md", "b1"), ("postmortems/d.md", "d1")],
        recorded(("postmortems/a.md", "a1"), ("postmortems/b.md", "b1"), ("postmortems/gone.md", "g1")),
    )
    assert plan.read == ["postmortems/a.md", "postmortems/d.md"]
    assert [entry.path for entry in plan.keep] == ["postmortems/b.md"]
    assert plan.removed == ["postmortems/gone.md"]


def test_a_custom_catalogue_path_is_not_a_document() -> None:
    plan = plan_refresh(
        [("postmortems/CATALOGUE.md", "x"), ("postmortems/a.md", "a")],
        None,
        catalogue_path="postmortems/CATALOGUE.md",
    )
    assert plan.read == ["postmortems/a.md"]


def test_refreshed_entries_keep_the_recorded_and_read_the_changed() -> None:
    plan = plan_refresh(
        [("postmortems/a.md", "a2"), ("postmortems/b.md", "b1")],
        recorded(("postmortems/a.md", "a1"), ("postmortems/b.md", "b1")),
    )
    entries = refreshed_entries(plan, {"postmortems/a.md": ("a2", "# New title\n")})
    assert [(e.path, e.blob_sha, e.title) for e in entries] == [
        ("postmortems/b.md", "b1", "postmortems/b.md"),
        ("postmortems/a.md", "a2", "New title"),
    ]
    assert refreshed_entries(plan, [("postmortems/a.md", "a2", "# T\n")])[1].title == "T"
    assert refreshed_entries(plan, {}) == plan.keep  # a document deleted between listing and reading


def test_git_blob_sha_matches_git() -> None:
    # `printf 'héllo\n' | git hash-object --stdin`
    assert git_blob_sha("héllo\n") == "5fb50d3c93474f139362304b663fe44e9d17a26e"
    assert git_blob_sha("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_a_document_the_action_commits_is_recorded_with_its_new_sha_so_the_next_refresh_reads_nothing() -> (
    None
):
    before = recorded(("postmortems/a.md", "a1"), ("postmortems/b.md", "b1"))
    published = "---\ntitle: A\n---\n# A\n"
    entries = with_documents(before.entries, [("postmortems/a.md", published)], removed=["postmortems/b.md"])
    assert [(e.path, e.blob_sha, e.title) for e in entries] == [
        ("postmortems/a.md", git_blob_sha(published), "A")
    ]
    after = read_catalogue(render_catalogue(entries, None))
    plan = plan_refresh([("postmortems/a.md", git_blob_sha(published))], after)
    assert not plan.changed


def test_updated_readme_is_none_when_nothing_changed() -> None:
    entries = recorded(("postmortems/a.md", "a1")).entries
    first = updated_readme(entries, None)
    assert first is not None
    assert updated_readme(entries, first) is None
    assert (
        updated_readme([*entries, CatalogueEntry(path="postmortems/b.md", blob_sha="b")], first) is not None
    )
