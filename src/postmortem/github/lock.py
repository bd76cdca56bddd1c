"""A lock on GitHub itself, for writes two runs at once must not both make (creating tracking issues).

The workflow's ``concurrency:`` group keeps runs apart, but a user may drop or rename it, and an issue notifies its
assignees the moment it exists: duplicates cannot be created and then taken back. So the run that creates issues
first takes a lock that GitHub arbitrates:

* the lock is the ref ``refs/postmortem-locks/<name>``, created with ``POST git/refs``: GitHub creates a ref
  atomically and answers 422 "Reference already exists" when it is taken;
* it points at a commit (on no branch, reusing the default branch's root tree: 1 read, 2 writes) whose message
  records the holder (``GITHUB_RUN_ID``, ``GITHUB_RUN_ATTEMPT``, ``GITHUB_JOB``) and an expiry (the moment it was
  taken plus ``POSTMORTEM_LOCK_MINUTES``, by default 10: the example workflow's ``timeout-minutes``, after which
  the runner is gone anyway);
* a lock past its expiry, or held by an earlier attempt of this very run, is taken over with a compare-and-swap:
  a commit whose parent is the expired one, then a fast-forward ``PATCH git/refs`` (``force: false``). Of two runs
  taking over the same expired lock only one fast-forward succeeds; a forced update would let both win;
* a live holder's lock stops this run's locked writes (:class:`~postmortem.errors.LockBusy`): the other run is
  doing them, and a rerun is safe;
* the run deletes the lock once its locked writes are made, and at its end also after a failure (best effort: a
  killed runner's lock expires).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from postmortem.errors import ConfigError, GitHubError, LockBusy
from postmortem.github.client import Gateway

__all__ = [
    "DEFAULT_MINUTES",
    "LOCK_NAMESPACE",
    "Holder",
    "expired",
    "lock_message",
    "read_holder",
    "release",
    "take",
]

LOCK_NAMESPACE = "postmortem-locks"
DEFAULT_MINUTES = 10
"""The example workflow's ``timeout-minutes``: a run older than that has been cancelled by GitHub."""
_TITLE = "postmortem-action lock"


@dataclass(frozen=True)
class Holder:
    """Who holds (or wants) a lock, and until when."""

    run_id: str
    attempt: int
    job: str
    expires: datetime
    url: str = ""

    @classmethod
    def from_environ(cls, env: Mapping[str, str], now: datetime) -> Holder:
        """This run, as the workflow's environment names it (``local`` outside Actions)."""
        raw = env.get("POSTMORTEM_LOCK_MINUTES", "").strip() or str(DEFAULT_MINUTES)
        if not raw.isdigit() or not 1 <= int(raw) <= 360:
            raise ConfigError(
                f"POSTMORTEM_LOCK_MINUTES={raw!r} is not a number of minutes from 1 to 360 (the longest job "
                f"GitHub runs); leave it unset for {DEFAULT_MINUTES}, or set it to the job's `timeout-minutes`."
            )
        run_id = env.get("GITHUB_RUN_ID", "").strip() or "local"
        attempt = env.get("GITHUB_RUN_ATTEMPT", "").strip()
        server, repository = env.get("GITHUB_SERVER_URL", "").rstrip("/"), env.get("GITHUB_REPOSITORY", "")
        url = (
            f"{server}/{repository}/actions/runs/{run_id}"
            if server and repository and run_id.isdigit()
            else ""
        )
        return cls(
            run_id=run_id,
            attempt=int(attempt) if attempt.isdigit() else 1,
            job=env.get("GITHUB_JOB", "").strip(),
            expires=now + timedelta(minutes=int(raw)),
            url=url,
        )

    def describe(self) -> str:
        job = f", job {self.job}" if self.job else ""
        where = f": {self.url}" if self.url else ""
        return f"run {self.run_id} (attempt {self.attempt}{job}{where})"


def lock_message(name: str, holder: Holder) -> str:
    """The lock commit's message: a sentence for people, then one ``key: value`` line per field."""
    until = holder.expires.strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"{_TITLE} {name}",
            "",
            f"Held by {holder.describe()} while it creates tracking issues, until {until} at the latest.",
            "",
            f"run-id: {holder.run_id}",
            f"run-attempt: {holder.attempt}",
            f"job: {holder.job}",
            f"expires: {holder.expires.isoformat()}",
            f"url: {holder.url}",
        ]
    )


def read_holder(message: str) -> Holder | None:
    """The holder a lock commit's message records; None when it is not one this action wrote."""
    if not message.startswith(_TITLE):
        return None
    fields: dict[str, str] = {}
    for line in message.splitlines():
        key, sep, value = line.partition(": ")
        if sep and key in ("run-id", "run-attempt", "job", "expires", "url"):
            fields[key] = value.strip()
    try:
        expires = datetime.fromisoformat(fields["expires"])
        attempt = int(fields.get("run-attempt", "1"))
    except (KeyError, ValueError):
        return None
    if expires.tzinfo is None or not fields.get("run-id"):
        return None
    return Holder(
        run_id=fields["run-id"],
        attempt=attempt,
        job=fields.get("job", ""),
        expires=expires,
        url=fields.get("url", ""),
    )


def expired(found: Holder, me: Holder, now: datetime) -> bool:
    """Whether a lock held by ``found`` may be taken over by ``me``: past its expiry, or held by an earlier attempt
    of the same run and job (GitHub runs a run's attempts one after the other, so that one is over)."""
    if found.expires <= now:
        return True
    same_job = found.run_id == me.run_id != "local" and found.job == me.job
    return same_job and found.attempt < me.attempt


def take(gateway: Gateway, name: str, holder: Holder, *, base: str, now: datetime) -> str:
    """Take the lock ``name`` for ``holder``; the commit it points at. :class:`LockBusy` when a live run holds it.

    ``base``: the branch whose root tree the lock commit reuses (no new tree is written).
    """
    ref = f"{LOCK_NAMESPACE}/{name}"
    tree = gateway.tree_of(base)
    ours = gateway.create_commit(lock_message(name, holder), tree)
    for _attempt in range(2):
        if gateway.create_ref(ref, ours):
            return ours
        current = gateway.get_ref(ref)
        if current is None:
            continue  # released between the two requests: create it again
        message = gateway.get_commit_message(current)
        found = read_holder(message) if message is not None else None
        if found is None:
            raise LockBusy(
                f"refs/{ref} exists but was not written by postmortem-action (or not by this version), so this "
                "run created no tracking issue: it cannot tell whether another run is creating them. If no run "
                f"is, delete it (`gh api -X DELETE repos/{gateway.repository}/git/refs/{ref}`) and rerun the "
                "workflow."
            )
        if not expired(found, holder, now):
            raise LockBusy(_busy(ref, found))
        # compare-and-swap: only a fast-forward from the expired commit succeeds, so one taker wins
        successor = gateway.create_commit(lock_message(name, holder), tree, parents=[current])
        if gateway.update_ref(ref, successor, force=False):
            return successor
        raise LockBusy(
            f"Another run took over the expired refs/{ref} at the same moment, so this run created no tracking "
            "issue: that run creates them. Rerunning this workflow is safe (issues are found by their markers)."
        )
    raise GitHubError(
        f"refs/{ref} was taken and released repeatedly while this run tried to take it. Rerun the workflow."
    )


def release(gateway: Gateway, name: str, sha: str, *, expires: datetime, now: datetime) -> None:
    """Delete this run's lock ``name`` (at ``sha``). Past its expiry another run may have taken it over: then it
    is deleted only if it still points at ``sha`` (one read more, only then)."""
    ref = f"{LOCK_NAMESPACE}/{name}"
    if now >= expires and gateway.get_ref(ref) != sha:
        return
    gateway.delete_ref(ref)


def _busy(ref: str, found: Holder) -> str:
    until = found.expires.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"No tracking issue was created after all: another run, {found.describe()}, is creating them right now "
        f"(it holds refs/{ref} until {until} at the latest), and two runs at once would open every issue twice. That "
        "run syncs the same table; anything it does not cover is picked up by the next event or the daily run, "
        "and rerunning this workflow is safe (issues are found by their markers). Two runs at once mean the "
        "workflow's `concurrency:` group is missing or renamed: restore it as in the example workflow."
    )
