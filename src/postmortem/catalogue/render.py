"""The catalogue as Markdown, generated into a marked region of ``<directory>/README.md`` (pure).

The region runs from ``<!-- postmortem:catalogue-begin -->`` to ``<!-- postmortem:catalogue-end -->``; text
above and below it is kept byte for byte. Right after the begin line, a hidden ``postmortem:catalogue`` marker
records each document's blob sha and entry, so a refresh re-reads only the documents that changed. The output
depends only on the entries (sorted, windows ending at the newest publication date), so rendering twice gives
the same bytes and nothing is committed when nothing changed.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from urllib.parse import quote

from pydantic import ValidationError

from postmortem.catalogue.metrics import (
    OTHER,
    SEVERITIES,
    Metrics,
    SeverityTimes,
    Spread,
    compute_metrics,
    newest_first,
)
from postmortem.catalogue.model import CatalogueEntry, CatalogueMarker
from postmortem.markdown.markers import CATALOGUE, CATALOGUE_BEGIN, CATALOGUE_END, marker, read_marker

__all__ = [
    "BEGIN",
    "END",
    "MARKER_KIND",
    "catalogue_marker",
    "cell",
    "format_minutes",
    "mermaid_label",
    "read_catalogue",
    "relative_link",
    "render_catalogue",
    "updated_readme",
]

MARKER_KIND = CATALOGUE
BEGIN = marker(CATALOGUE_BEGIN)
END = marker(CATALOGUE_END)
_PALETTE = "#afb8c1, #fb8c00, #cf222e"
"""Bar colours back to front: all incidents (grey), P0+P1 (orange), P0 (red); named in the text legend."""


# ---------------------------------------------------------------------------------------------------------
# Escaping

_CELL_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def cell(text: str) -> str:
    """User text as one GFM table cell: one line, Markdown and HTML inert, ``|`` escaped, no @-mentions."""
    flat = " ".join(text.split())
    escaped = _CELL_SPECIAL.sub(r"\\\1", flat).replace("&", "&amp;").replace("@", "&#64;")
    return escaped or "—"


_MERMAID_UNSAFE = re.compile(r"[^0-9A-Za-z _.,:/+()&'-]")


def mermaid_label(text: str, limit: int = 40) -> str:
    """User text safe inside a Mermaid double-quoted string: a small allowlist of characters, no quotes."""
    cleaned = " ".join(_MERMAID_UNSAFE.sub(" ", text).split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned or "unnamed"


def relative_link(path: str, readme_path: str) -> str:
    """The document's path relative to the README's folder, percent-encoded for a Markdown link target."""
    base = posixpath.dirname(readme_path)
    relative = posixpath.relpath(path, base or ".") if base else path
    return quote(relative, safe="/-._~")


def format_minutes(minutes: float | None) -> str:
    """``45 min``, ``3 h 20 min``, ``2 d 4 h``; ``—`` for None."""
    if minutes is None:
        return "—"
    total = round(minutes)
    if total < 1:
        return "<1 min"
    days, rest = divmod(total, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


# ---------------------------------------------------------------------------------------------------------
# The hidden record


def catalogue_marker(entries: Sequence[CatalogueEntry]) -> str:
    """The hidden marker recording every entry (sorted by path, defaults left out, so it is stable)."""
    ordered = sorted(entries, key=lambda entry: entry.path)
    return marker(
        MARKER_KIND,
        version=CatalogueMarker().version,
        entries=[entry.model_dump(mode="json", exclude_defaults=True) for entry in ordered],
    )


def read_catalogue(readme: str | None) -> CatalogueMarker | None:
    """What an earlier run recorded in the README, or None (no README, no marker, or a record it cannot use)."""
    data = read_marker(_region(readme)[1] if readme else None, MARKER_KIND)
    if not data:
        return None
    try:
        recorded = CatalogueMarker.model_validate(data)
    except ValidationError:
        return None
    return recorded if recorded.version == CatalogueMarker().version else None


def _region(readme: str) -> tuple[str, str, str] | tuple[str, str, None]:
    """(before, region, after) when the README has a region; (readme, "", None) when it has none.

    A begin marker without an end marker (someone deleted it) runs the region to the end of the file.
    """
    start = readme.find(BEGIN)
    if start < 0:
        return readme, "", None
    end = readme.find(END, start)
    if end < 0:
        return readme[:start], readme[start:], ""
    stop = end + len(END)
    return readme[:start], readme[start:stop], readme[stop:]


# ---------------------------------------------------------------------------------------------------------
# Rendering


def _signoff(entry: CatalogueEntry) -> str:
    if entry.roles is None:
        return f"{entry.signed}/?" if entry.signed else "—"
    return f"{entry.signed}/{entry.roles}"


def _items(entry: CatalogueEntry) -> str:
    if not entry.items:
        return "—"
    committed = [item for item in entry.items if item.state in ("done", "open")]
    done = sum(1 for item in committed if item.state == "done")
    return f"{done}/{len(committed)}"


def _table(entries: Sequence[CatalogueEntry], readme_path: str) -> list[str]:
    lines = [
        "| Date | Title | Severity | Duration | Status | Sign-off | Action items | Follow-up |",
        "|------|-------|----------|----------|--------|----------|--------------|-----------|",
    ]
    for entry in entries:
        title = f"[{cell(entry.title or entry.path)}]({relative_link(entry.path, readme_path)})"
        if entry.notes:
            title += " ⚠️"
        lines.append(
            "| "
            + " | ".join(
                [
                    entry.date.isoformat() if entry.date else "—",
                    title,
                    cell(entry.severity or ""),
                    format_minutes(entry.duration_minutes),
                    cell(entry.status or ""),
                    _signoff(entry),
                    _items(entry),
                    cell(entry.follow_up),
                ]
            )
            + " |"
        )
    return lines


def _notes(entries: Sequence[CatalogueEntry], readme_path: str) -> list[str]:
    noted = [entry for entry in entries if entry.notes]
    if not noted:
        return []
    lines = ["", "⚠️ Read only in part:", ""]
    for entry in noted:
        link = f"[{cell(entry.title or entry.path)}]({relative_link(entry.path, readme_path)})"
        lines.append(f"- {link}: " + " ".join(cell(note) for note in entry.notes))
    return lines


def _month_label(key: str) -> str:
    return key  # YYYY-MM: generated, no user text


def _incidents_chart(metrics: Metrics) -> list[str]:
    p0 = metrics.per_month["P0"]
    p01 = [a + b for a, b in zip(p0, metrics.per_month["P1"], strict=True)]
    every = [
        sum(column)
        for column in zip(*(metrics.per_month[name] for name in (*SEVERITIES, OTHER)), strict=True)
    ]
    top = max([*every, 1])
    months = ", ".join(f'"{_month_label(key)}"' for key in metrics.months)
    return [
        "```mermaid",
        "---",
        "config:",
        "  themeVariables:",
        "    xyChart:",
        f'      plotColorPalette: "{_PALETTE}"',
        "---",
        "xychart-beta",
        '    title "Incidents per month"',
        f"    x-axis [{months}]",
        f'    y-axis "Incidents" 0 --> {top}',
        f"    bar [{', '.join(map(str, every))}]",
        f"    bar [{', '.join(map(str, p01))}]",
        f"    bar [{', '.join(map(str, p0))}]",
        "```",
        "",
        "Bars overlap, back to front: ⬜ grey = all incidents, 🟧 orange = P0 + P1, 🟥 red = P0. "
        "Per month (oldest first): "
        + "; ".join(
            f"{key} {total} ({metrics.per_month['P0'][i]} P0, {metrics.per_month['P1'][i]} P1, "
            f"{metrics.per_month['P2'][i]} P2, {metrics.per_month[OTHER][i]} other)"
            for i, (key, total) in enumerate(zip(metrics.months, every, strict=True))
            if total
        )
        + ".",
    ]


def _times_rows(window: str, rows: Sequence[SeverityTimes]) -> list[str]:
    def pair(value: Spread) -> str:
        return f"{format_minutes(value.median)} | {format_minutes(value.p90)}"

    return [
        f"| {window} | {row.severity} | {row.incidents} | {pair(row.detect)} | {pair(row.resolve)} |"
        for row in rows
    ]


def _trend_chart(metrics: Metrics) -> list[str]:
    if len(metrics.resolve_trend) < 2:
        return ["", "(The time-to-resolve trend needs resolved incidents in at least two months.)"]
    months = ", ".join(f'"{key}"' for key, _ in metrics.resolve_trend)
    values = [value for _, value in metrics.resolve_trend]
    top = max([*values, 1.0])
    return [
        "",
        "```mermaid",
        "xychart-beta",
        '    title "Median time to resolve (hours) by month"',
        f"    x-axis [{months}]",
        f'    y-axis "Hours" 0 --> {top:g}',
        f"    line [{', '.join(f'{value:g}' for value in values)}]",
        "```",
    ]


def _pie(title: str, parts: Sequence[tuple[str, int]]) -> list[str]:
    shown = [(label, count) for label, count in parts if count > 0]
    if len(shown) < 2:
        return []
    return [
        "",
        "```mermaid",
        f'pie title "{mermaid_label(title, 60)}"',
        *(f'    "{mermaid_label(label)}" : {count}' for label, count in shown),
        "```",
    ]


def _metrics(metrics: Metrics, count: int) -> list[str]:
    lines = ["### Metrics", ""]
    if metrics.reference is None:
        return [*lines, "No post-mortem has a date yet, so there are no metrics."]
    lines.append(
        f"Windows end at {metrics.reference.isoformat()}, the newest publication date (not today), so the "
        f"figures change only when the post-mortems do. {count} post-mortem{'s' if count != 1 else ''} in all."
    )
    lines += ["", f"#### Incidents per month by severity ({metrics.months[0]} to {metrics.months[-1]})", ""]
    lines += _incidents_chart(metrics)
    totals = [(name, sum(metrics.per_month[name])) for name in (*SEVERITIES, OTHER)]
    lines += _pie("Incidents by severity, last 12 months", totals)

    lines += [
        "",
        "#### Time to detect and to resolve",
        "",
        "Detect = detected − started; resolve = resolved − started. Median and p90 (nearest rank).",
        "",
        "| Window | Severity | Incidents | Detect median | Detect p90 | Resolve median | Resolve p90 |",
        "|--------|----------|-----------|---------------|------------|----------------|-------------|",
        *_times_rows("last 90 days", metrics.recent),
        *_times_rows("all time", metrics.all_time),
    ]
    lines += _trend_chart(metrics)

    lines += ["", "#### Action items", ""]
    rate = metrics.completion_rate
    close = metrics.days_to_close
    lines.append(
        "- Completion: no committed action items yet."
        if rate is None
        else f"- Completion: {metrics.items_done} of {metrics.items_committed} committed items done ({rate:.0%}; "
        "proposed and won't-do items are not counted)."
    )
    lines.append(
        "- Median days to close: — (no item records a closing date yet)."
        if close.median is None
        else f"- Median days to close: {close.median:g} (p90 {close.p90:g}, over {close.count} items with a "
        "closing date; counted from publication)."
    )
    if metrics.open_by_priority:
        lines += ["", "| Open items by priority | Count |", "|---|---|"]
        lines += [f"| {name} | {count} |" for name, count in metrics.open_by_priority.items()]
        lines += _pie("Open action items by priority", list(metrics.open_by_priority.items()))

    lines += ["", "#### Services most often impacted", ""]
    if metrics.services:
        lines += ["| Service | Incidents |", "|---|---|"]
        lines += [f"| {cell(name)} | {count} |" for name, count in metrics.services]
    else:
        lines.append("No post-mortem names the services impacted yet.")
    return lines


def render_region(entries: Sequence[CatalogueEntry], *, readme_path: str = "postmortems/README.md") -> str:
    """The generated region, begin to end marker (no trailing newline)."""
    ordered = newest_first(entries)
    metrics = compute_metrics(ordered)
    lines = [
        BEGIN,
        catalogue_marker(ordered),
        "<!-- Generated by postmortem-action from the documents in this folder: edits inside this region are "
        "replaced. Write above or below it. -->",
        "",
        "## Post-mortems",
        "",
    ]
    if ordered:
        lines += _table(ordered, readme_path) + _notes(ordered, readme_path)
    else:
        lines.append("No post-mortems yet.")
    lines += ["", *_metrics(metrics, len(ordered)), "", END]
    return "\n".join(lines)


def render_catalogue(
    entries: Sequence[CatalogueEntry],
    existing_readme: str | None,
    *,
    readme_path: str = "postmortems/README.md",
) -> str:
    """The README with the catalogue region (re)generated; text above and below the region stays byte for byte.

    Without a README, a new one gets a ``# Post-mortems`` heading and the region. A README without a region gets
    the region appended. Links are relative to ``readme_path``'s folder.
    """
    region = render_region(entries, readme_path=readme_path)
    if existing_readme is None or not existing_readme.strip():
        return f"# Post-mortems\n\n{region}\n"
    before, _, after = _region(existing_readme)
    if after is None:
        return f"{existing_readme.rstrip()}\n\n{region}\n"
    return f"{before}{region}{after if after else chr(10)}"


def updated_readme(
    entries: Sequence[CatalogueEntry],
    existing_readme: str | None,
    *,
    readme_path: str = "postmortems/README.md",
) -> str | None:
    """The README to commit, or None when the rendered catalogue is byte-identical to ``existing_readme``."""
    rendered = render_catalogue(entries, existing_readme, readme_path=readme_path)
    return None if rendered == existing_readme else rendered
