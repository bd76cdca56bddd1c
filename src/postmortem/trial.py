"""``postmortem try``: run the incident flow (``--issue N``) or the action-items sync and sign-off (``--pr N``)
against a real repository with the user's own token, read-only, and print the document and every write.

The event is synthetic, built from the issue or pull request as GitHub returns it now: ``issues.labeled`` with the
incident label (as if a maintainer added it), ``pull_request.ready_for_review`` for an open pull request (as if it
left draft) or ``pull_request.closed`` for a merged one. The runner decides in dry-run mode; the gateway refuses any
write, so nothing is ever sent, whatever a handler decides.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import urlsplit

from postmortem.config import DEFAULT_CONFIG_PATH, Config
from postmortem.context import Context, config_from_file
from postmortem.errors import EventError, GitHubError, NotFound, PermissionDenied
from postmortem.events import Event
from postmortem.github.client import Gateway, WriteResult
from postmortem.github.models import Issue, PullRequest
from postmortem.plan import PutFile, Write
from postmortem.runner import RunReport, run_event

DEFAULT_API_URL = "https://api.github.com"
GH_TIMEOUT = 15.0
_REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")


Runner = Callable[..., "subprocess.CompletedProcess[str]"]


class ReadOnlyGateway(Gateway):
    """A gateway that refuses every write: ``try`` reads only, even if a handler decided to write."""

    def send(self, write: Write) -> WriteResult:
        raise GitHubError(
            "postmortem try is read-only and refused to send a write. This is a bug in postmortem-action; "
            "please report it."
        )


def api_host(api_url: str) -> str:
    """The web host of an API address: ``https://api.github.com`` → ``github.com``, ``https://ghe.corp/api/v3`` →
    ``ghe.corp`` (as ``gh auth token --hostname`` wants it)."""
    host = urlsplit(api_url).netloc
    return "github.com" if host in ("api.github.com", "") else host


def find_token(env: Mapping[str, str], api_url: str, *, run: Runner = subprocess.run) -> str:
    """``GITHUB_TOKEN``, else ``gh auth token`` (for the API's host) when the GitHub CLI is on ``PATH``."""
    token = env.get("GITHUB_TOKEN", "").strip()
    if token:
        return token
    gh = shutil.which("gh", path=env.get("PATH"))
    if gh is None:
        raise EventError(
            "No token: set GITHUB_TOKEN to a token that can read the repository, or install the GitHub CLI "
            "(gh) and run `gh auth login`."
        )
    host = api_host(api_url)
    argv = [gh, "auth", "token"]
    if host != "github.com":
        if not _HOST.match(host):
            raise EventError(f"GITHUB_API_URL {api_url!r} does not name a host.")
        argv += ["--hostname", host]
    try:
        done = run(argv, capture_output=True, text=True, timeout=GH_TIMEOUT, check=False, env=dict(env))
    except (OSError, subprocess.TimeoutExpired) as error:
        raise EventError(
            f"No token: GITHUB_TOKEN is not set and `gh auth token` failed ({error})."
        ) from error
    token = (done.stdout or "").strip()
    if done.returncode != 0 or not token:
        said = " ".join((done.stderr or "").split())[:200]
        raise EventError(
            f"No token: GITHUB_TOKEN is not set and `gh auth token` gave none"
            f"{f' ({said})' if said else ''}: run `gh auth login`"
            f"{f' --hostname {host}' if host != 'github.com' else ''}, or set GITHUB_TOKEN."
        )
    return token


@dataclass
class Trial:
    """What a trial ran: the synthetic event, what it stands for, and the dry-run report."""

    event: Event
    story: str
    report: RunReport
    requests: int


def _user(login: str) -> dict[str, str]:
    return {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"}


def _repository(repository: str, default_branch: str) -> dict[str, str]:
    return {"full_name": repository, "default_branch": default_branch}


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def issue_event(
    issue: Issue, repository: str, default_branch: str, config: Config, sender: str | None
) -> tuple[Event, Issue, str]:
    """``issues.labeled`` with the incident label for ``issue`` (the label added when it lacks it)."""
    label = config.incident_label
    has_label = label.casefold() in {name.casefold() for name in issue.labels}
    labels = issue.labels if has_label else (*issue.labels, label)
    who = sender or issue.author
    payload = {
        "action": "labeled",
        "issue": {
            "number": issue.number,
            "title": issue.title,
            "body": issue.body,
            "state": issue.state,
            "state_reason": issue.state_reason,
            "created_at": _iso(issue.created_at),
            "closed_at": _iso(issue.closed_at),
            "html_url": issue.html_url,
            "user": _user(issue.author),
            "labels": [{"name": name} for name in labels],
            "assignees": [_user(login) for login in issue.assignees],
        },
        "label": {"name": label},
        "repository": _repository(repository, default_branch),
        "sender": _user(who),
    }
    story = f"issues.labeled for #{issue.number}: @{who} adds `{label}`"
    story += "" if has_label else f" (it does not carry `{label}` yet)"
    return (
        Event.from_payload("issues", payload, repository),
        issue.model_copy(update={"labels": labels}),
        story,
    )


def pull_event(
    pull: PullRequest, repository: str, default_branch: str, sender: str | None
) -> tuple[Event, PullRequest, str]:
    """``pull_request.closed`` for a merged or closed pull request, else ``pull_request.ready_for_review``."""
    action = "closed" if pull.state == "closed" else "ready_for_review"
    shown = pull if action == "closed" else pull.model_copy(update={"draft": False})
    who = sender or pull.author
    payload = {
        "action": action,
        "number": pull.number,
        "pull_request": {
            "number": pull.number,
            "html_url": pull.html_url,
            "title": pull.title,
            "body": pull.body,
            "state": pull.state,
            "draft": shown.draft,
            "merged": pull.merged,
            "merged_at": _iso(pull.merged_at),
            "head": {
                "ref": pull.head_ref,
                "sha": pull.head_sha,
                "repo": {"full_name": pull.head_repository} if pull.head_repository else None,
            },
            "base": {"ref": pull.base_ref, "repo": {"full_name": repository}},
            "user": _user(pull.author),
            "labels": [{"name": name} for name in pull.labels],
            "requested_reviewers": [_user(login) for login in pull.requested_reviewers],
            "requested_teams": [{"slug": slug} for slug in pull.requested_teams],
        },
        "repository": _repository(repository, default_branch),
        "sender": _user(who),
    }
    if action == "closed":
        story = f"pull_request.closed for #{pull.number} ({'merged' if pull.merged else 'closed without merging'})"
    else:
        story = f"pull_request.ready_for_review for #{pull.number}"
        story += ": as if it left draft" if pull.draft else ""
    return Event.from_payload("pull_request", payload, repository), shown, story


def _invisible(repository: str, api_url: str) -> EventError:
    return EventError(
        f"The repository {repository} is not visible to this token at {api_url} (404): check the name, that the "
        "token can read it (a fine-grained token needs it among its repositories), and GITHUB_API_URL for GitHub "
        "Enterprise Server (https://HOST/api/v3)."
    )


def run_trial(
    *,
    repository: str,
    issue: int | None,
    pull: int | None,
    token: str,
    api_url: str = DEFAULT_API_URL,
    config_path: str = DEFAULT_CONFIG_PATH,
    sender: str | None = None,
    pace: bool = True,
) -> Trial:
    """Read the repository, build the synthetic event and run the handlers in dry-run mode. Raises
    :class:`~postmortem.errors.PostmortemError` with the message to show (repository not visible, issue not found, …)."""
    if not _REPOSITORY.match(repository):
        raise EventError(f"--repo {repository!r} is not OWNER/NAME (e.g. octo-org/octo-repo).")
    if (issue is None) == (pull is None):
        raise EventError("Give one of --issue N or --pr N.")
    gateway = ReadOnlyGateway(token=token, repository=repository, api_url=api_url, pace=pace)
    try:
        default_branch = gateway.get_default_branch()
    except NotFound as error:
        raise _invisible(repository, api_url) from error
    except PermissionDenied as error:
        if error.status == 401:
            raise EventError(
                "GitHub rejected the token (401 Bad credentials): set GITHUB_TOKEN to a valid token, or run "
                "`gh auth login`."
            ) from error
        raise
    config_file = gateway.get_file(config_path, default_branch)
    config = config_from_file(config_file, default_branch, config_path)
    # The run's snapshot is primed with the issue / pull request as the trial presents it, so that the handlers
    # see the label added / the draft left.
    primed: list[Issue | PullRequest] = []
    if issue is not None:
        try:
            found = gateway.get_issue(issue)
        except NotFound as error:
            raise EventError(
                f"Issue #{issue} was not found in {repository} (404): check the number."
            ) from error
        if found.is_pull_request:
            raise EventError(f"#{issue} in {repository} is a pull request: use --pr {issue}.")
        event, shown_issue, story = issue_event(found, repository, default_branch, config, sender)
        primed.append(shown_issue)
    else:
        assert pull is not None
        try:
            found_pull = gateway.get_pull_request(pull)
        except NotFound as error:
            raise EventError(
                f"Pull request #{pull} was not found in {repository} (404): check the number (an issue's number "
                "goes with --issue)."
            ) from error
        event, shown_pull, story = pull_event(found_pull, repository, default_branch, sender)
        primed.append(shown_pull)
    ctx = Context(event=event, gateway=gateway, config=config, default_branch=default_branch)
    ctx.snapshot.prime(*primed)
    ctx.snapshot.prime_file(config_path, default_branch, config_file)
    report = run_event(ctx, dry_run=True)
    return Trial(event=event, story=story, report=report, requests=gateway.request_count)


def print_trial(trial: Trial, repository: str, out: TextIO) -> bool:
    """Print the story, the messages, the documents and the writes; False when a handler failed."""
    report = trial.report

    def say(text: str = "") -> None:
        print(text, file=out)

    say(f"postmortem try on {repository}, read-only: {trial.story}.")
    for message in report.messages:
        say(f"{message.level}: {message.text}" if message.level != "info" else message.text)
    for failure in report.errors:
        say(f"error: {failure}")
    documents = [w for w in report.writes if isinstance(w, PutFile)]
    for document in documents:
        say()
        say(f"──── {document.path} on {document.branch} " + "─" * 20)
        say(document.content.rstrip("\n"))
        say("─" * 72)
    say()
    if report.writes:
        say(f"Would apply {len(report.writes)} write(s):")
        for index, write in enumerate(report.writes, start=1):
            say(f"  {index}. {write.describe()}")
    else:
        say("No writes: GitHub already matches what the action would do.")
    if any(plan.replan for plan in report.plans):
        say(
            "Then, with what these writes create (new issue numbers), it would decide again: for example, write "
            "the new issues into the Action Items table in one commit."
        )
    say(f"GitHub API requests made: {trial.requests}, all reads; nothing was written.")
    return not report.errors
