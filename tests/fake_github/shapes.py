"""GitHub's JSON shapes for the fake's records, as the REST API answers them (and webhooks carry them).

Each function takes the fake's state and a record and returns the documented schema's fields
(``simple-user``, ``label``, ``full-repository``, ``issue``, ``pull-request``, ``team-simple``,
``issue-comment``, ``content-file``, ``status``, ``git-ref``). The harness builds webhook payloads from them.
"""

from __future__ import annotations

import base64
import zlib
from typing import Any

from tests.fake_github.http import API, WEB
from tests.fake_github.state import CommentRecord, GitHubState, Item, LabelRecord, StatusRecord, blob_sha


def user(gh: GitHubState, login: str) -> dict[str, Any] | None:
    """The "simple-user" schema; ``None`` for a deleted account, as GitHub answers (shown as @ghost)."""
    if login in gh.deleted_accounts:
        return None
    bot = login.endswith("[bot]")
    url = f"{API}/users/{login}"
    return {  # the "simple-user" schema
        "login": login,
        "id": zlib.crc32(login.encode()) % 10_000_000,
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
        "gravatar_id": "",
        "url": url,
        "html_url": f"{WEB}/{login}" if not bot else f"{WEB}/apps/{login[:-5]}",
        "followers_url": f"{url}/followers",
        "following_url": f"{url}/following{{/other_user}}",
        "gists_url": f"{url}/gists{{/gist_id}}",
        "starred_url": f"{url}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{url}/subscriptions",
        "organizations_url": f"{url}/orgs",
        "repos_url": f"{url}/repos",
        "events_url": f"{url}/events{{/privacy}}",
        "received_events_url": f"{url}/received_events",
        "type": "Bot" if bot else "User",
        "site_admin": False,
    }


def label(gh: GitHubState, record: LabelRecord) -> dict[str, Any]:
    """The "label" schema."""
    return {
        "id": record.id,
        "node_id": "MDU6TGFiZWwyMDgwNDU5NDY=",
        "url": f"{API}/repos/{gh.repository}/labels/{record.name}",
        "name": record.name,
        "description": record.description,
        "color": record.color,
        "default": False,
    }


def repo(gh: GitHubState, full_name: str | None = None) -> dict[str, Any]:
    """The "full-repository" schema (a superset of "repository", used for pull request heads and bases)."""
    full_name = full_name or gh.repository
    api = f"{API}/repos/{full_name}"
    templated = {  # "<name>_url": "<path below the repository url>"
        "archive": "/{archive_format}{/ref}", "assignees": "/assignees{/user}", "blobs": "/git/blobs{/sha}",
        "branches": "/branches{/branch}", "collaborators": "/collaborators{/collaborator}",
        "comments": "/comments{/number}", "commits": "/commits{/sha}", "compare": "/compare/{base}...{head}",
        "contents": "/contents/{+path}", "contributors": "/contributors", "deployments": "/deployments",
        "downloads": "/downloads", "events": "/events", "forks": "/forks", "git_commits": "/git/commits{/sha}",
        "git_refs": "/git/refs{/sha}", "git_tags": "/git/tags{/sha}", "hooks": "/hooks",
        "issue_comment": "/issues/comments{/number}", "issue_events": "/issues/events{/number}",
        "issues": "/issues{/number}", "keys": "/keys{/key_id}", "labels": "/labels{/name}",
        "languages": "/languages", "merges": "/merges", "milestones": "/milestones{/number}",
        "notifications": "/notifications{?since,all,participating}", "pulls": "/pulls{/number}",
        "releases": "/releases{/id}", "stargazers": "/stargazers", "statuses": "/statuses/{sha}",
        "subscribers": "/subscribers", "subscription": "/subscription", "tags": "/tags",
        "teams": "/teams", "trees": "/git/trees{/sha}",
    }  # fmt: skip
    return {
        "id": 1296269,
        "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        "name": full_name.split("/")[1],
        "full_name": full_name,
        "owner": user(gh, full_name.split("/")[0]),
        "private": gh.private,
        "html_url": f"{WEB}/{full_name}",
        "description": None,
        "fork": full_name != gh.repository,
        "url": api,
        **{f"{name}_url": f"{api}{tail}" for name, tail in templated.items()},
        "git_url": f"git://github.com/{full_name}.git",
        "ssh_url": f"git@github.com:{full_name}.git",
        "clone_url": f"{WEB}/{full_name}.git",
        "svn_url": f"{WEB}/{full_name}",
        "mirror_url": None,
        "homepage": None,
        "language": None,
        "size": 0,
        "forks": 0,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers": 0,
        "watchers_count": 0,
        "subscribers_count": 0,
        "network_count": 0,
        "open_issues": 0,
        "open_issues_count": 0,
        "default_branch": gh.default_branch,
        "has_issues": True,
        "has_projects": True,
        "has_wiki": True,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "license": None,
        "visibility": "private" if gh.private else "public",
        "pushed_at": "2024-01-01T00:00:00Z",
        "created_at": "2011-01-26T19:01:12Z",
        "updated_at": "2024-01-01T00:00:00Z",
    }


def issue(gh: GitHubState, item: Item) -> dict[str, Any]:
    """The "issue" schema (with ``pull_request`` and ``draft`` for a pull request, as /issues lists them)."""
    base = f"{API}/repos/{gh.repository}/issues/{item.number}"
    kind = "pull" if item.is_pull else "issues"
    data: dict[str, Any] = {
        "id": item.number * 7919,
        "node_id": "MDU6SXNzdWUx",
        "url": base,
        "repository_url": f"{API}/repos/{gh.repository}",
        "labels_url": f"{base}/labels{{/name}}",
        "comments_url": f"{base}/comments",
        "events_url": f"{base}/events",
        "html_url": f"{WEB}/{gh.repository}/{kind}/{item.number}",
        "number": item.number,
        "state": item.state,
        "state_reason": item.state_reason,
        "title": item.title,
        "body": item.body,
        "user": user(gh, item.user),
        "labels": [label(gh, gh.labels[n.lower()]) for n in item.labels],
        "assignee": user(gh, item.assignees[0]) if item.assignees else None,
        "assignees": [user(gh, a) for a in item.assignees],
        "milestone": None,
        "locked": False,
        "comments": len(gh.comments_on(item.number)),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "closed_by": user(gh, item.closed_by) if item.closed_by and item.state == "closed" else None,
        "author_association": "OWNER",
    }
    if item.is_pull:
        data["pull_request"] = {
            "url": f"{API}/repos/{gh.repository}/pulls/{item.number}",
            "html_url": data["html_url"],
            "diff_url": f"{data['html_url']}.diff",
            "patch_url": f"{data['html_url']}.patch",
            "merged_at": item.merged_at,
        }
        data["draft"] = item.draft
    return data


def ref(gh: GitHubState, branch: str, sha: str, fork: str | None = None) -> dict[str, Any]:
    """A pull request's ``head`` / ``base``: label, ref, sha, user and repository (a fork's for ``fork``)."""
    owner = fork.split("/")[0] if fork else gh.owner
    repository = repo(gh, fork)
    return {
        "label": f"{owner}:{branch}",
        "ref": branch,
        "sha": sha,
        "user": user(gh, owner),
        "repo": repository,
    }


def pull(gh: GitHubState, item: Item, *, full: bool = True) -> dict[str, Any]:
    """The "pull-request" schema, or "pull-request-simple" (list items) for ``full=False``."""
    url = f"{API}/repos/{gh.repository}/pulls/{item.number}"
    html = f"{WEB}/{gh.repository}/pull/{item.number}"
    issue = f"{API}/repos/{gh.repository}/issues/{item.number}"
    head_sha = gh.head_sha(item.number)
    statuses = f"{API}/repos/{gh.repository}/statuses/{head_sha}"
    data: dict[str, Any] = {
        "url": url,
        "id": item.number * 104729,
        "node_id": "MDExOlB1bGxSZXF1ZXN0MQ==",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": issue,
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{API}/repos/{gh.repository}/pulls/comments{{/number}}",
        "comments_url": f"{issue}/comments",
        "statuses_url": statuses,
        "number": item.number,
        "state": item.state,
        "locked": False,
        "title": item.title,
        "user": user(gh, item.user),
        "body": item.body,
        "labels": [label(gh, gh.labels[n.lower()]) for n in item.labels],
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "merged_at": item.merged_at,
        "merge_commit_sha": gh.branches.get(item.base) if item.merged else None,
        "assignee": user(gh, item.assignees[0]) if item.assignees else None,
        "assignees": [user(gh, a) for a in item.assignees],
        "requested_reviewers": [user(gh, r) for r in item.requested_reviewers],
        "requested_teams": [team(gh, t) for t in item.requested_teams],
        "milestone": None,
        "head": ref(gh, item.head, head_sha, item.head_repository),
        "base": ref(gh, item.base, gh.branches.get(item.base, "0" * 40)),
        "_links": {
            rel: {"href": href}
            for rel, href in (
                ("self", url),
                ("html", html),
                ("issue", issue),
                ("comments", f"{issue}/comments"),
                ("review_comments", f"{url}/comments"),
                ("review_comment", f"{API}/repos/{gh.repository}/pulls/comments{{/number}}"),
                ("commits", f"{url}/commits"),
                ("statuses", statuses),
            )
        },
        "author_association": "CONTRIBUTOR",
        "auto_merge": None,
        "draft": item.draft,
    }
    if full:  # the "pull-request" schema; list items ("pull-request-simple") lack these
        data.update(
            {
                "merged": item.merged,
                "mergeable": None,
                "mergeable_state": "unknown",
                "merged_by": user(gh, gh.login) if item.merged else None,
                "comments": len(gh.comments_on(item.number)),
                "review_comments": 0,
                "maintainer_can_modify": False,
                "commits": 1,
                "additions": 0,
                "deletions": 0,
                "changed_files": 0,
            }
        )
    return data


def team(gh: GitHubState, slug: str) -> dict[str, Any]:
    """The "team-simple" schema (``slug`` as a reviewer request names it, without the organization)."""
    url = f"{API}/orgs/{gh.owner}/teams/{slug}"
    return {
        "id": zlib.crc32(slug.encode()) % 10_000_000,
        "node_id": "MDQ6VGVhbTE=",
        "url": url,
        "html_url": f"{WEB}/orgs/{gh.owner}/teams/{slug}",
        "name": slug,
        "slug": slug,
        "description": None,
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "permission": "pull",
        "members_url": f"{url}/members{{/member}}",
        "repositories_url": f"{url}/repos",
        "type": "organization",
        "parent": None,
    }


def comment(gh: GitHubState, c: CommentRecord) -> dict[str, Any]:
    """The "issue-comment" schema."""
    return {
        "id": c.id,
        "node_id": "MDEyOklzc3VlQ29tbWVudDE=",
        "url": f"{API}/repos/{gh.repository}/issues/comments/{c.id}",
        "html_url": f"{WEB}/{gh.repository}/issues/{c.number}#issuecomment-{c.id}",
        "body": c.body,
        "user": user(gh, c.user),
        "created_at": c.created_at,
        "updated_at": c.updated_at,
        "issue_url": f"{API}/repos/{gh.repository}/issues/{c.number}",
        "author_association": "COLLABORATOR",
    }


def content(gh: GitHubState, path: str, data: bytes, ref: str) -> dict[str, Any]:
    """The "content-file" schema of ``path`` holding ``data`` at ``ref``."""
    sha = blob_sha(data)
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(data),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": base64.encodebytes(data).decode(),
        "sha": sha,
        "url": f"{API}/repos/{gh.repository}/contents/{path}?ref={ref}",
        "git_url": f"{API}/repos/{gh.repository}/git/blobs/{sha}",
        "html_url": f"{WEB}/{gh.repository}/blob/{ref}/{path}",
        "download_url": f"https://raw.githubusercontent.com/{gh.repository}/{ref}/{path}",
        "_links": {
            "self": f"{API}/repos/{gh.repository}/contents/{path}?ref={ref}",
            "git": f"{API}/repos/{gh.repository}/git/blobs/{sha}",
            "html": f"{WEB}/{gh.repository}/blob/{ref}/{path}",
        },
    }


def status(gh: GitHubState, s: StatusRecord) -> dict[str, Any]:
    """The "status" schema (created by the token's user)."""
    return {
        "url": f"{API}/repos/{gh.repository}/statuses/{s.sha}",
        "avatar_url": "https://avatars.githubusercontent.com/u/1?v=4",
        "id": s.id,
        "node_id": "MDY6U3RhdHVzMQ==",
        "state": s.state,
        "description": s.description,
        "target_url": s.target_url,
        "context": s.context,
        "created_at": s.created_at,
        "updated_at": s.created_at,
        "creator": user(gh, gh.login),
    }


def git_ref(gh: GitHubState, branch: str) -> dict[str, Any]:
    """The "git-ref" schema of ``refs/heads/<branch>``."""
    sha = gh.branches[branch]
    return {
        "ref": f"refs/heads/{branch}",
        "node_id": "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
        "url": f"{API}/repos/{gh.repository}/git/refs/heads/{branch}",
        "object": {
            "type": "commit",
            "sha": sha,
            "url": f"{API}/repos/{gh.repository}/git/commits/{sha}",
        },
    }
