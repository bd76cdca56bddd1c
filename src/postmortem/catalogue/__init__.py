"""The post-mortem library: a catalogue README with metrics and charts, and related incidents (pure core).

Wiring, per event (the runner does the I/O; every function here is pure):

* A commit the action makes under the directory (publication, statuses flowing back, follow-up records):
  list the directory once (git trees API, path + blob sha), read the catalogue once, then
  ``plan = plan_refresh(listing, read_catalogue(readme), catalogue_path=path)``, fetch ``plan.read`` minus the
  documents being committed, ``entries = with_documents(refreshed_entries(plan, fetched), committed)`` and
  ``updated_readme(entries, readme, readme_path=path)``: when not None, the README goes into the same commit
  (one tree with both files inline, one commit, one ref update), or into the same fallback PR.
* A person's push to the directory: the same, with nothing committed by the action (``with_documents`` not
  needed); with one changed document that is listing + README + 1 document + tree/commit/ref = 6 requests.
* Draft time: read the catalogue once, ``related_incidents(services, root_cause, read_catalogue(readme),
  before=incident date, exclude_path=new path)``, then ``fill_related_section(document, related, path)`` before
  the document is first written (a section people have written in is never touched).
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
