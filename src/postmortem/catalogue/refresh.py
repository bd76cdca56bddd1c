"""Which documents a catalogue refresh must read (pure): only those whose blob sha changed."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable, Mapping, Sequence

from postmortem.catalogue.extract import entry_from_document
from postmortem.catalogue.model import CatalogueEntry, CatalogueMarker, RefreshPlan

__all__ = ["git_blob_sha", "is_document", "plan_refresh", "refreshed_entries", "with_documents"]

_SUFFIXES = (".md", ".markdown")
_NOT_DOCUMENTS = frozenset({"readme.md", "index.md", "template.md", "contributing.md", "license.md"})


def is_document(path: str, catalogue_path: str | None = None) -> bool:
    """Whether a listed file is a post-mortem: Markdown, not the catalogue, not a README/INDEX/template."""
    name = posixpath.basename(path).casefold()
    if catalogue_path is not None and path == catalogue_path:
        return False
    return name.endswith(_SUFFIXES) and name not in _NOT_DOCUMENTS and not name.startswith(".")


def plan_refresh(
    listing: Iterable[tuple[str, str]], recorded: CatalogueMarker | None, *, catalogue_path: str | None = None
) -> RefreshPlan:
    """Compare the directory listing (path, blob sha) with the catalogue's record.

    Documents whose sha is new or changed are to be read; the others keep their recorded entry; recorded paths
    no longer listed are removed. Without a record, every document is read (the first build).
    """
    known: dict[str, CatalogueEntry] = {entry.path: entry for entry in (recorded.entries if recorded else [])}
    read: list[str] = []
    keep: list[CatalogueEntry] = []
    seen: set[str] = set()
    for path, sha in listing:
        if path in seen or not is_document(path, catalogue_path):
            continue
        seen.add(path)
        entry = known.get(path)
        if entry is not None and entry.blob_sha == sha and sha:
            keep.append(entry)
        else:
            read.append(path)
    removed = sorted(path for path in known if path not in seen)
    return RefreshPlan(read=read, keep=keep, removed=removed)


def refreshed_entries(
    plan: RefreshPlan, documents: Mapping[str, tuple[str, str]] | Sequence[tuple[str, str, str]]
) -> list[CatalogueEntry]:
    """The catalogue's entries after a refresh: kept ones plus an entry for each document read.

    ``documents`` gives (blob sha, text) by path, or (path, blob sha, text) triples, for the paths of
    ``plan.read``; a path of ``plan.read`` the caller could not fetch (deleted meanwhile) is left out.
    """
    texts = (
        documents if isinstance(documents, Mapping) else {path: (sha, text) for path, sha, text in documents}
    )
    fresh = [entry_from_document(path, *texts[path]) for path in plan.read if path in texts]
    return [*plan.keep, *fresh]


def git_blob_sha(text: str) -> str:
    """The git blob sha of ``text`` as UTF-8: what the listing will show for a file committed with this content.

    The runner records a document it commits itself (publication, statuses flowing back) under this sha in the
    same commit's catalogue, so the next refresh does not read it again.
    """
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def with_documents(
    entries: Sequence[CatalogueEntry], documents: Iterable[tuple[str, str]], *, removed: Iterable[str] = ()
) -> list[CatalogueEntry]:
    """``entries`` with the given (path, text) documents (re)read, as they will be after the action's commit.

    Each document's entry gets :func:`git_blob_sha` of its text; ``removed`` paths are dropped.
    """
    fresh = {path: entry_from_document(path, git_blob_sha(text), text) for path, text in documents}
    gone = set(removed)
    kept = [entry for entry in entries if entry.path not in fresh and entry.path not in gone]
    return [*kept, *fresh.values()]
