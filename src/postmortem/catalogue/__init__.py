"""The post-mortem library: a catalogue README with metrics and charts, and related incidents (pure core).

Wiring (done by the runner): list the directory (path, blob sha) → :func:`read_catalogue` on the README →
:func:`plan_refresh` → fetch only ``plan.read`` → :func:`refreshed_entries` → :func:`render_catalogue` → commit the
README only when it differs. :func:`related_incidents` reads the same record at draft time.
"""

from postmortem.catalogue.extract import entry_from_document
from postmortem.catalogue.metrics import Metrics, compute_metrics
from postmortem.catalogue.model import CatalogueEntry, CatalogueMarker, ItemRecord, RefreshPlan, Related
from postmortem.catalogue.refresh import (
    git_blob_sha,
    is_document,
    plan_refresh,
    refreshed_entries,
    with_documents,
)
from postmortem.catalogue.related import fill_related_section, related_incidents, render_related
from postmortem.catalogue.render import read_catalogue, render_catalogue, updated_readme

__all__ = [
    "CatalogueEntry",
    "CatalogueMarker",
    "ItemRecord",
    "Metrics",
    "RefreshPlan",
    "Related",
    "compute_metrics",
    "entry_from_document",
    "fill_related_section",
    "git_blob_sha",
    "is_document",
    "plan_refresh",
    "read_catalogue",
    "refreshed_entries",
    "related_incidents",
    "render_catalogue",
    "render_related",
    "updated_readme",
    "with_documents",
]
