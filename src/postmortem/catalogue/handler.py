"""The catalogue's I/O face: keeps ``<directory>/README.md`` current on the default branch, fills related incidents.

Run by the runner, never by another feature:

* :func:`stage_catalogue`, just before a run commits: whenever the run stages a file under the post-mortem
  directory on the default branch (a publication, statuses flowing back, a follow-up record, whatever handler
  staged it), or a person's push to the default branch touched the directory, it stages the refreshed
  catalogue next to it, so the one commit (or the one fallback pull request) carries both. Reads, all through
  the snapshot: the head's tree once (paths and blob shas; the commit reuses it), the README once, and only the
  documents whose blob sha differs from the README's record. Nothing is staged when the README's bytes would
  not change.
* :class:`RelatedIncidents`, the draft's Appendix: one read of the README when a draft is first written; a
  draft rendered again keeps the list it has (:func:`~postmortem.catalogue.related.keep_related_section`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from postmortem.catalogue.extract import entry_from_document
from postmortem.catalogue.refresh import is_document, plan_refresh, refreshed_entries, with_documents
from postmortem.catalogue.related import fill_related_section, keep_related_section, related_incidents
from postmortem.catalogue.render import read_catalogue, updated_readme
from postmortem.config import catalogue_path
from postmortem.context import Context
from postmortem.errors import NotText
from postmortem.github.models import FileContent, GitTree
from postmortem.markdown.frontmatter import DocumentError, split_frontmatter
from postmortem.plan import Message, PutFile

__all__ = ["CATALOGUE_BRANCH", "RelatedIncidents", "stage_catalogue"]

CATALOGUE_BRANCH = "postmortem/catalogue"
"""Where a refresh of the catalogue alone goes when branch protection refuses the commit (a pull request)."""

_NO_COMMIT = "0" * 40


def _directory(ctx: Context) -> str:
    return ctx.config.directory.strip("/")


def _in_directory(path: str, directory: str) -> bool:
    """Directly in the post-mortem directory (where the action writes documents)."""
    return posixpath.dirname(path) == directory


def _read(ctx: Context, path: str, ref: str) -> FileContent | None:
    try:
        return ctx.snapshot.file(path, ref)
    except NotText:
        return None  # a binary file named .md: not a post-mortem the catalogue can read


def pushed_paths(ctx: Context) -> list[str] | None:
    """The paths a push to the default branch added, modified or removed (None: not such a push)."""
    event = ctx.event
    payload = event.payload
    if (
        event.name != "push"
        or payload.get("deleted")
        or payload.get("ref") != f"refs/heads/{ctx.default_branch}"
    ):
        return None
    paths: list[str] = []
    for commit in [*(payload.get("commits") or []), payload.get("head_commit")]:
        if isinstance(commit, dict):
            for key in ("added", "modified", "removed"):
                paths += [str(p) for p in commit.get(key) or [] if isinstance(p, str)]
    return paths


def _touches(paths: Iterable[str], directory: str, readme: str) -> bool:
    return any(_in_directory(path, directory) or path == readme for path in paths)


def _event_head(ctx: Context) -> str | None:
    """The default branch's head as the event names it (a push's ``after``, a merge commit)."""
    payload, branch = ctx.event.payload, ctx.default_branch
    sha: object = None
    if ctx.event.name == "push" and payload.get("ref") == f"refs/heads/{branch}":
        sha = payload.get("after")
    pull = ctx.event.pull_request
    if pull is not None and pull.get("merged") and (pull.get("base") or {}).get("ref") == branch:
        sha = pull.get("merge_commit_sha")
    return sha if isinstance(sha, str) and len(sha) == 40 and sha != _NO_COMMIT else None


def _head_tree(ctx: Context) -> GitTree | None:
    """The default branch's head's tree: at the head the event names when the run has not read the branch (one
    request; a head that moved since makes the commit read it again), else at the head read."""
    snapshot, branch = ctx.snapshot, ctx.default_branch
    named = _event_head(ctx)
    if named is not None:
        head = snapshot.prime_branch(branch, named)
        tree = snapshot.tree(head) if head is not None else None
        if tree is not None:
            return tree
        if head == named:
            snapshot.forget_branch(branch)  # not a commit GitHub knows: read the branch
    head = snapshot.branch_sha(branch)
    return snapshot.tree(head) if head is not None else None


def stage_catalogue(ctx: Context, *, relisted: bool = False) -> list[Message]:
    """Stage the refreshed catalogue next to what the run commits under the directory on the default branch
    (or after a person's push there); what to tell the user. Does nothing when ``catalogue.enabled`` is false.

    ``relisted``: the branch's head was read again because the one the event named was stale."""
    config = ctx.config
    if not config.catalogue.enabled:
        return []
    snapshot, branch = ctx.snapshot, ctx.default_branch
    directory, readme_path = _directory(ctx), catalogue_path(config)
    committed = {
        path: staged.write.content
        for (on, path), staged in snapshot.staged.items()
        if on == branch and path != readme_path and _in_directory(path, directory)
    }
    pushed = pushed_paths(ctx)
    if not committed and not (pushed and _touches(pushed, directory, readme_path)):
        return []
    if not committed and pushed and _awaiting_publication(ctx, pushed, directory, readme_path):
        # a merge sends `push` and `pull_request` closed in no guaranteed order: the closed run publishes the
        # document and its commit carries the catalogue, so a push that comes first commits nothing
        return [
            Message(
                level="debug", text="Catalogue: left to the closed run, which publishes the merged document."
            )
        ]
    tree = _head_tree(ctx)
    if tree is None:
        return []
    listing = [(path, sha) for path, sha in tree.blobs.items() if _in_directory(path, directory)]
    named = _event_head(ctx)
    # a head the event names may be stale (a run committed after it): the README is read to tell
    from_event = named is not None and snapshot.branch_sha(branch) == named
    known = (
        readme_path in tree.blobs or tree.truncated or (branch, readme_path) in snapshot.staged or from_event
    )
    readme = _read(ctx, readme_path, branch) if known else None  # the listing says there is none yet
    plan = plan_refresh(listing, read_catalogue(readme.text if readme else None), catalogue_path=readme_path)
    fetched: dict[str, tuple[str, str]] = {}
    for path in plan.read:
        if path in committed:
            continue  # read from what the run commits, below
        file = _read(ctx, path, branch)
        if file is not None:
            fetched[path] = (file.sha, file.text)
    entries = with_documents(
        refreshed_entries(plan, fetched),
        [(path, text) for path, text in committed.items() if is_document(path, readme_path)],
    )
    messages: list[Message] = []
    if tree.truncated:
        messages.append(
            Message(
                level="warning",
                text=f"GitHub truncated the file listing of {branch}: the catalogue may miss documents.",
            )
        )
    content = updated_readme(entries, readme.text if readme else None, readme_path=readme_path)
    if content is None:
        return messages
    if not relisted and from_event and _behind(ctx, tree, pushed or [], directory, readme_path):
        # an event delivered after a run that committed on top of the head it names (the closed run's
        # publication after the push; another publication's catalogue after a merge): a README decided from it
        # would be refused; decide again at the head the branch has now
        snapshot.forget_branch(branch)
        snapshot.branch_sha(branch)
        return stage_catalogue(ctx, relisted=True)
    snapshot.stage(
        PutFile(
            path=readme_path,
            branch=branch,
            content=content,
            message="Refresh the post-mortem catalogue",
            expected_sha=readme.sha if readme else None,
            fallback_branch=CATALOGUE_BRANCH,
        ),
        retry_on_conflict=True,
    )
    count = f"{len(entries)} post-mortem{'' if len(entries) == 1 else 's'}"
    messages.append(Message(text=f"Refreshing the catalogue {readme_path} ({count})."))
    return messages


class RelatedIncidents:
    """The related incidents of a new draft, from the catalogue's record (one read of the README per run)."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    def fill(self, document: str, path: str) -> str:
        """The new draft with up to five earlier related post-mortems in its Appendix (unchanged when the
        catalogue is off, absent or names none)."""
        ctx = self._ctx
        if not ctx.config.catalogue.enabled:
            return document
        readme = _read(ctx, catalogue_path(ctx.config), ctx.default_branch)
        recorded = read_catalogue(readme.text if readme else None)
        if recorded is None:
            return document
        new = entry_from_document(path, "", document)
        related = related_incidents(
            new.services, new.root_cause_words, recorded, before=new.date, exclude_path=path
        )
        return fill_related_section(document, related, path)

    def keep(self, document: str, previous: str) -> str:
        """A draft rendered again keeps the related incidents it was written with."""
        return keep_related_section(document, previous)


def _awaiting_publication(
    ctx: Context, pushed: Iterable[str], directory: str, readme_path: str
) -> str | None:
    """A pushed post-mortem that is merged but not Published yet (the action items read it already: no request)."""
    for path in pushed:
        if not (_in_directory(path, directory) and is_document(path, readme_path)):
            continue
        file = _read(ctx, path, ctx.default_branch)
        try:
            meta = split_frontmatter(file.text)[0] if file is not None else {}
        except DocumentError:
            continue
        if meta.get("incident") is not None and meta.get("status") not in (None, "Published"):
            return path
    return None


def _behind(ctx: Context, tree: GitTree, pushed: Iterable[str], directory: str, readme_path: str) -> bool:
    """The README or a pushed document listed in the tree other than the branch has it now (read already)."""
    readme = _read(ctx, readme_path, ctx.default_branch)
    if (readme.sha if readme is not None else None) != tree.blobs.get(readme_path):
        return True  # the run's own refresh, or another, committed after the head the push names
    for path in pushed:
        if _in_directory(path, directory) and is_document(path, readme_path):
            file = _read(ctx, path, ctx.default_branch)
            if (file.sha if file is not None else None) != tree.blobs.get(path):
                return True
    return False
