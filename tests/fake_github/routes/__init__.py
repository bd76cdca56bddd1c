"""The fake's routes, one module per resource; :data:`ROUTES` is every route the fake answers.

A route is ``(method, path regex, handler)``. The regex is matched (``fullmatch``) against the path below
``/repos/{owner}/{repo}``, or against the whole path when it starts with ``/orgs/``. A handler takes
``(fake, match, query, body, path)``, reads and changes the fake's state and returns ``(status, payload,
headers)``, or raises :class:`~tests.fake_github.http.Reply` to answer an error. To model a new endpoint, add
a function and a ``ROUTES`` entry to the module of its resource (or a new module listed here).
"""

from __future__ import annotations

from tests.fake_github.http import Route
from tests.fake_github.routes import (
    comments,
    contents,
    deletions,
    git_data,
    git_refs,
    graphql,
    issues,
    labels,
    pulls,
    repo,
    reviews,
    statuses,
    teams,
    timeline,
)

ROUTES: list[Route] = [
    *repo.ROUTES,
    *contents.ROUTES,
    *git_refs.ROUTES,
    *git_data.ROUTES,
    *graphql.ROUTES,
    *pulls.ROUTES,
    *reviews.ROUTES,
    *issues.ROUTES,
    *comments.ROUTES,
    *deletions.ROUTES,
    *labels.ROUTES,
    *statuses.ROUTES,
    *teams.ROUTES,
    *timeline.ROUTES,
]
