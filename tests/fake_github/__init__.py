"""A stateful, in-memory fake of the part of GitHub's REST API the action uses.

It is registered on a ``responses.RequestsMock`` (one regex callback per HTTP method) and keeps explicit state:
branches pointing at commits, a file tree per commit, issues and pull requests sharing one number sequence,
comments, labels, reviews, commit statuses, collaborator permissions and teams.

Answers follow GitHub's documented shapes (the REST description in ``tests/fixtures/rest``) and the error
answers observed in the wild:

* PUT contents with a stale ``sha`` → 409 ``"<path> does not match <sha>"``; without ``sha`` for an existing
  file → 422 ``Invalid request.\\n\\n"sha" wasn't supplied.``
* PUT contents on a protected branch (classic protection or a ruleset) → 409
  ``Repository rule violations found\\n\\nChanges must be made through a pull request.``
* POST git/refs for an existing branch → 422 ``Reference already exists``.
* POST pulls for a head that already has an open PR → 422 ``Validation Failed`` with
  ``A pull request already exists for owner:branch.``
* POST pulls while "Allow GitHub Actions to create and approve pull requests" is off → 403
  ``GitHub Actions is not permitted to create or approve pull requests.``
* A write outside the token's ``permissions:`` → 403 ``Resource not accessible by integration``.
* Team members with a ``GITHUB_TOKEN`` → 404 ``Not Found`` (the token cannot read organization teams).

Layout:

* :mod:`.state` — the state store: records (``Item``, ``Commit``, ``CommentRecord``, …), ids, clock, commits,
  lookups, injected failures and the request log.
* :mod:`.routes` — one module per resource (contents, git refs, pulls, reviews, issues, comments, labels,
  statuses, teams, repo), each a ``ROUTES`` list of ``(method, path regex, handler)``.
* :mod:`.shapes` — GitHub's JSON shapes for the records (also used by ``tests/harness.py`` for webhooks).
* :mod:`.http` — ``Reply`` (a route's error answer), pagination, GitHub's error bodies.
* :mod:`.fake` — :class:`FakeGitHub`: dispatch, and the public API for tests.

The public API, for tests:

* seeding: ``add_file``, ``commit_files``, ``create_branch``, ``protect``, ``add_issue``, ``add_pull``,
  ``add_comment``, ``add_label``, ``add_review``, ``set_permission``, ``add_team``, ``revoke``,
  ``delete_account``, and the settings ``actions_can_create_pull_requests``, ``drafts_supported``;
* failure injection: ``fail_next`` / ``rate_limit_next`` (``after=True``: the "processed, then 502" case that
  makes blind POST retries create duplicates), ``drop_next`` (no answer at all), ``exhaust_budget_after``,
  ``on_request`` (a callback before the n-th matching request), ``heal``;
* inspection: ``count``, ``writes``, ``log``, ``reset_counts``, ``files``, ``file_text``, ``commit_log``,
  ``head_sha``, ``pulls``, ``issues_only``, ``comments_on``, ``statuses_for``, and the records themselves
  (``fake.items[3].labels``, ``fake.branches``, ``fake.reviews``).
"""

from __future__ import annotations

from tests.fake_github import shapes
from tests.fake_github.fake import FakeGitHub
from tests.fake_github.http import API, WEB, Reply
from tests.fake_github.state import (
    SCOPES,
    CommentRecord,
    Commit,
    Item,
    LabelRecord,
    Logged,
    ReviewRecord,
    StatusRecord,
    blob_sha,
)

__all__ = [
    "API",
    "SCOPES",
    "WEB",
    "CommentRecord",
    "Commit",
    "FakeGitHub",
    "Item",
    "LabelRecord",
    "Logged",
    "Reply",
    "ReviewRecord",
    "StatusRecord",
    "blob_sha",
    "shapes",
]
