"""Related incidents for a new post-mortem's Appendix, from the catalogue's record (pure, one read)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from postmortem.catalogue.extract import root_cause_words, service_names
from postmortem.catalogue.model import CatalogueMarker, Related
from postmortem.catalogue.render import cell, relative_link

__all__ = ["fill_related_section", "keep_related_section", "related_incidents", "render_related"]

_SERVICE_WEIGHT = 3.0
"""A shared service counts as much as three shared root-cause words: services are few and precise."""


def related_incidents(
    new_incident_services: Sequence[str] | str,
    root_cause_words_or_text: Sequence[str] | str,
    catalogue_marker: CatalogueMarker | None,
    limit: int = 5,
    *,
    before: dt.date | None = None,
    exclude_path: str | None = None,
) -> list[Related]:
    """Up to ``limit`` earlier post-mortems sharing services impacted or root-cause words with the new incident.

    Services and words may be given as lists or as the raw answers (split and reduced like the catalogue does).
    Ranking: 3 points per shared service plus 1 per shared root-cause word; ties go to the newer post-mortem,
    then the path. Only post-mortems dated before ``before`` (when given) count; ``exclude_path`` is the new
    document itself.
    """
    if catalogue_marker is None or limit <= 0:
        return []
    services = (
        service_names(new_incident_services)
        if isinstance(new_incident_services, str)
        else service_names(",".join(new_incident_services))
    )
    wanted_services = {name.casefold(): name for name in services}
    words = (
        set(root_cause_words(root_cause_words_or_text))
        if isinstance(root_cause_words_or_text, str)
        else {word.casefold() for word in root_cause_words_or_text}
    )
    found: list[Related] = []
    for entry in catalogue_marker.entries:
        if entry.path == exclude_path or (
            before is not None and entry.date is not None and entry.date >= before
        ):
            continue
        shared_services = sorted(
            {s for s in entry.services if s.casefold() in wanted_services}, key=str.casefold
        )
        shared_words = sorted(words.intersection(entry.root_cause_words))
        score = _SERVICE_WEIGHT * len(shared_services) + len(shared_words)
        if score <= 0:
            continue
        found.append(
            Related(
                path=entry.path,
                title=entry.title or entry.path,
                date=entry.date,
                shared_services=shared_services,
                shared_words=shared_words,
                score=score,
            )
        )
    found.sort(key=lambda r: (-r.score, -(r.date.toordinal() if r.date else 0), r.path))
    return found[:limit]


def render_related(related: Sequence[Related], document_path: str) -> str:
    """The Appendix's Related Incidents lines: ``- YYYY-MM-DD — [Title](relative link) (shared: …)``."""
    lines = []
    for item in related:
        shared = [*item.shared_services, *item.shared_words[:5]]
        lines.append(
            f"- {item.date.isoformat() if item.date else 'undated'} — "
            f"[{cell(item.title)}]({relative_link(item.path, document_path)})"
            + (f" (shared: {cell(', '.join(shared))})" if shared else "")
        )
    return "\n".join(lines)


_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_RELATED_HEADING = re.compile(r" {0,3}#{1,6}[ \t]+related incidents[ \t#]*", re.IGNORECASE)
_FENCE = re.compile(r" {0,3}(?:`{3,}|~{3,})")


def _is_prompt(line: str) -> bool:
    """A template prompt: an italic line (``*…*``, not bold) or a bracketed placeholder."""
    stripped = line.strip()
    italic = (
        len(stripped) > 2
        and stripped[0] in "*_"
        and stripped[-1] == stripped[0]
        and stripped[1] != stripped[0]
    )
    return italic or (stripped.startswith("[") and stripped.endswith("]"))


def _related_span(lines: Sequence[str]) -> tuple[int, int] | None:
    """The Related Incidents heading's line and the line its section ends before (fences skipped)."""
    in_fence = False
    start: int | None = None
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if start is None and _RELATED_HEADING.fullmatch(line.rstrip("\r\n")):
            start = index
        elif start is not None and _HEADING.match(line):
            return start, index
    return None if start is None else (start, len(lines))


def _only_prompt(body: Sequence[str]) -> bool:
    return not any(line.strip() and not _is_prompt(line) and line.strip() != "---" for line in body)


def fill_related_section(document: str, related: Sequence[Related], document_path: str) -> str:
    """The document with its Related Incidents section filled, when that section still holds only the prompt.

    A section people have written in is left as it is (the list is not regenerated once the document is
    edited); so is a document without the section, or an empty ``related``. Other bytes are unchanged.
    """
    if not related:
        return document
    lines = document.splitlines(keepends=True)
    span = _related_span(lines)
    if span is None:
        return document
    start, end = span
    body = lines[start + 1 : end]
    if not _only_prompt(body):
        return document
    newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
    trailing = [line for line in body if line.strip() == "---"]
    filled = [
        newline,
        *(text + newline for text in render_related(related, document_path).splitlines()),
        newline,
    ]
    return "".join([*lines[: start + 1], *filled, *trailing, *lines[end:]])


def keep_related_section(document: str, previous: str) -> str:
    """``document`` (a draft rendered again) with the Related Incidents list ``previous`` (the draft as last
    written) holds, when ``document``'s section holds only the prompt: a regenerated draft keeps the list it
    was created with, without reading the catalogue again."""
    old_lines = previous.splitlines(keepends=True)
    old_span = _related_span(old_lines)
    if old_span is None or _only_prompt(old_lines[old_span[0] + 1 : old_span[1]]):
        return document
    lines = document.splitlines(keepends=True)
    span = _related_span(lines)
    if span is None or not _only_prompt(lines[span[0] + 1 : span[1]]):
        return document
    kept = old_lines[old_span[0] + 1 : old_span[1]]
    return "".join([*lines[: span[0] + 1], *kept, *lines[span[1] :]])
