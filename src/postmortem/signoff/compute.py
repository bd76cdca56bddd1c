"""Who signed which role of a post-mortem, from the pull request's reviews; how to show it; ticking the checklist.

Pure: no I/O. The handler reads the reviews, the collaborators' permissions and the teams' members through the
gateway, and passes them in.

Rules (mirroring how GitHub itself counts reviews):

* Per reviewer, the latest review (by ``submitted_at``, then ``id``) whose state is ``APPROVED``,
  ``CHANGES_REQUESTED`` or ``DISMISSED`` decides; ``COMMENTED`` and ``PENDING`` reviews change nothing. So changes
  requested after an approval, or the approval being dismissed, un-sign; a comment after an approval does not.
* Only reviewers with write access (``admin``, ``maintain``, ``write``) count. Logins compare case-insensitively.
* A role is signed by the earliest current approval among its holders: the users named in the configuration plus
  the members of its teams. A user holding several roles signs all of them with one approval. A team the token
  may not read gives a warning, and only the users named in the configuration hold that role.
* An approval on an older commit still counts (as on GitHub without "dismiss stale approvals"; with that rule,
  GitHub itself turns the approval into a ``DISMISSED`` review). It is flagged ``stale``. The action never
  commits on the pull-request branch after approvals: the ticked checklist is written on merge
  (``handlers/signoff.py``).
* **No holders at all** (the default configuration: the template's four roles, nobody named): approvals by
  collaborators with write access are *recorded* in ``approvals`` but sign no role, and no role can be required
  in practice. Once any role has holders, an approval by someone holding no role is ``not_counted``.
* **Completeness**: with required roles, complete when every required role is signed. With no required role,
  complete when there is at least one counted approval (a post-mortem nobody approved is not signed off).
* A box ticked by hand in the document is never a sign-off: :func:`tick_signoff` rewrites the Sign-Off checklist
  from the reviews, and the sticky comment warns about boxes that were ticked by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from postmortem.config import Role
from postmortem.github.models import (
    WRITE_PERMISSIONS,
    Review,
    TeamMembers,
    latest_decisive_reviews,
    normalize_review_state,
)
from postmortem.markdown.escaping import table_cell
from postmortem.markdown.fences import code_lines
from postmortem.markdown.lines import split_lines
from postmortem.markdown.markers import SIGNOFF, has_marker, marker
from postmortem.markdown.sections import body_tokens, sections_from_tokens

STATUS_CONTEXT = "postmortem/sign-off"
COMMENT_KIND = SIGNOFF
STATUS_DESCRIPTION_LIMIT = 140
FOLLOW_UP_DAYS = 30

_EPOCH = datetime.min.replace(tzinfo=UTC)

NotCountedReason = Literal["no-write-access", "holds-no-role"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class RoleSignoff(_Model):
    """One role: whether it is required, who signed it and when (``None`` while unsigned)."""

    role_id: str
    title: str
    required: bool
    signed_by: str | None = None
    signed_at: datetime | None = None
    users: list[str] = Field(default_factory=list)
    """Users named as holders in the configuration."""
    teams: list[str] = Field(default_factory=list)
    """Teams (``org/slug``) holding the role."""

    @property
    def signed(self) -> bool:
        return self.signed_by is not None

    @property
    def has_holders(self) -> bool:
        return bool(self.users or self.teams)


class Approval(_Model):
    """A counted approval: the reviewer's latest decisive review approves and they have write access."""

    login: str
    review_id: int
    at: datetime | None = None
    roles: list[str] = Field(default_factory=list)
    """Ids of the roles the reviewer holds (empty when no role has holders)."""
    stale: bool = False
    """The approval is on a commit other than the head given to :func:`compute_signoff` (it still counts)."""


class NotCounted(_Model):
    """An approval that signs nothing, and why."""

    login: str
    review_id: int
    at: datetime | None = None
    reason: NotCountedReason
    detail: str
    """A sentence for people: ``no write access to this repository``."""


class SignoffState(_Model):
    roles: list[RoleSignoff]
    signed_required: int
    total_required: int
    complete: bool
    missing: list[str]
    """Titles of the required roles not signed yet."""
    not_counted: list[NotCounted] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)
    changes_requested: list[str] = Field(default_factory=list)
    """Reviewers with write access whose latest decisive review requests changes (role holders, or anyone
    when no role has holders)."""
    warnings: list[str] = Field(default_factory=list)
    author: str | None = None
    """The pull request's author, when known: GitHub does not let them approve it."""

    @property
    def has_holders(self) -> bool:
        return any(role.has_holders for role in self.roles)


# --------------------------------------------------------------------------------------------------------------
# Who signed
# --------------------------------------------------------------------------------------------------------------


def _fold(login: str) -> str:
    return login.removeprefix("@").casefold()


def review_from_payload(data: Mapping[str, Any]) -> Review:
    """A :class:`Review` from a review object as a webhook (``"approved"``) or the REST API (``"APPROVED"``)
    spells it. A deleted user (``user: null``) becomes ``ghost``, as GitHub shows it."""
    user = data.get("user") or {}
    return Review(
        id=int(data["id"]),
        user=str(user.get("login") or "ghost"),
        state=normalize_review_state(str(data["state"])),
        submitted_at=data.get("submitted_at"),
        commit_id=str(data.get("commit_id") or ""),
    )


def _team_key(team: str, team_members: Mapping[str, TeamMembers]) -> TeamMembers | None:
    found = team_members.get(team)
    if found is not None:
        return found
    wanted = team.casefold()
    return next((v for k, v in team_members.items() if k.casefold() == wanted), None)


def _holders(
    roles: Sequence[Role], team_members: Mapping[str, TeamMembers], warnings: list[str]
) -> dict[str, set[str]]:
    """Role id → case-folded logins holding it; unreadable teams are warned about once."""
    warned: set[str] = set()
    result: dict[str, set[str]] = {}
    for role in roles:
        logins = {_fold(u) for u in role.users}
        for team in role.teams:
            members = _team_key(team, team_members)
            if members is not None and members.readable:
                logins |= {_fold(m) for m in members.members}
            elif team.casefold() not in warned:
                warned.add(team.casefold())
                warnings.append(
                    f"The members of team @{team} could not be read, so only users named in the configuration "
                    "sign its roles. Give the action a token that may read the organization's members (a GitHub "
                    "App with Members: read, or a token with read:org); GITHUB_TOKEN cannot."
                )
        result[role.id] = logins
    return result


def _write_access(login: str, permissions: Mapping[str, str]) -> bool:
    permission = permissions.get(login)
    if permission is None:
        wanted = _fold(login)
        permission = next((v for k, v in permissions.items() if _fold(k) == wanted), None)
    return permission is not None and permission.lower() in WRITE_PERMISSIONS


def compute_signoff(
    reviews: Sequence[Review],
    roles: Sequence[Role],
    required: Sequence[str],
    *,
    team_members: Mapping[str, TeamMembers],
    permissions: Mapping[str, str],
    head_sha: str | None = None,
    author: str | None = None,
) -> SignoffState:
    """The sign-off as the reviews stand now (see the module docstring for the rules).

    ``author`` is the pull request's author: GitHub does not let them approve it, so a required role that
    only they hold is flagged.

    ``permissions`` maps a login to its repository permission (``admin``, ``maintain``, ``write``, ``triage``,
    ``read``, ``none``); a login missing from it has no write access. ``team_members`` maps ``org/slug`` to the
    team's members. ``required`` holds role ids.
    """
    warnings: list[str] = []
    holders = _holders(roles, team_members, warnings)
    warned_teams = len(warnings)
    any_holders = any(role.users or role.teams for role in roles)
    known_ids = {role.id for role in roles}
    required_ids = [r for r in dict.fromkeys(required) if r in known_ids]
    for unknown in (r for r in dict.fromkeys(required) if r not in known_ids):
        warnings.append(f"Required role {unknown!r} is not a configured role; it is ignored.")

    approvals: list[Approval] = []
    not_counted: list[NotCounted] = []
    changes_requested: list[str] = []
    latest = latest_decisive_reviews(reviews)
    for folded, review in sorted(latest.items(), key=lambda kv: (kv[1].submitted_at or _EPOCH, kv[1].id)):
        state = normalize_review_state(review.state)
        held = [role.id for role in roles if folded in holders[role.id]]
        writer = _write_access(review.user, permissions)
        if state == "CHANGES_REQUESTED":
            if writer and (held or not any_holders):
                changes_requested.append(review.user)
            continue
        if state != "APPROVED":
            continue
        if not writer or (any_holders and not held):
            not_counted.append(
                NotCounted(
                    login=review.user,
                    review_id=review.id,
                    at=review.submitted_at,
                    reason="no-write-access" if not writer else "holds-no-role",
                    detail=(
                        "no write access to this repository"
                        if not writer
                        else "holds no sign-off role"
                        + (" (some teams' members could not be read)" if warned_teams else "")
                    ),
                )
            )
        else:
            approvals.append(
                Approval(
                    login=review.user,
                    review_id=review.id,
                    at=review.submitted_at,
                    roles=held,
                    stale=bool(head_sha and review.commit_id and review.commit_id != head_sha),
                )
            )

    role_states: list[RoleSignoff] = []
    for role in roles:
        signer = next((a for a in approvals if role.id in a.roles), None)
        is_required = role.id in required_ids
        if is_required and not (role.users or role.teams):
            warnings.append(
                f"{role.title} is required but no user or team holds it, so the sign-off cannot complete: "
                "name its users or teams under signoff.roles in the configuration."
            )
        elif is_required and author and holders[role.id] == {author.casefold()}:
            warnings.append(
                f"{role.title} is required but its only holder, @{author}, opened this pull request, and GitHub "
                "does not let an author approve their own pull request: add another holder of the role."
            )
        role_states.append(
            RoleSignoff(
                role_id=role.id,
                title=role.title,
                required=is_required,
                signed_by=None if signer is None else signer.login,
                signed_at=None if signer is None else signer.at,
                users=list(role.users),
                teams=list(role.teams),
            )
        )

    required_states = [r for r in role_states if r.required]
    signed_required = sum(1 for r in required_states if r.signed)
    total_required = len(required_states)
    complete = signed_required == total_required if total_required else bool(approvals)
    return SignoffState(
        roles=role_states,
        signed_required=signed_required,
        total_required=total_required,
        complete=complete,
        missing=[r.title for r in required_states if not r.signed],
        not_counted=not_counted,
        approvals=approvals,
        changes_requested=changes_requested,
        warnings=warnings,
        author=author,
    )


# --------------------------------------------------------------------------------------------------------------
# Showing it
# --------------------------------------------------------------------------------------------------------------


def _day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_for(state: SignoffState) -> tuple[Literal["pending", "success"], str]:
    """The commit status (context :data:`STATUS_CONTEXT`): its state and a description of at most 140 chars.

    ``k/n signed: missing <titles>`` while required roles are unsigned, ``n/n signed`` when complete; with no
    required role, ``approved by @login`` or ``waiting for an approval``.
    """
    outcome: Literal["pending", "success"] = "success" if state.complete else "pending"
    if state.total_required:
        text = f"{state.signed_required}/{state.total_required} signed"
        if state.missing:
            text += ": missing " + ", ".join(state.missing)
    elif state.approvals:
        logins = [f"@{a.login}" for a in state.approvals]
        text = "no role required; approved by " + ", ".join(logins)
    else:
        text = "no role required; waiting for an approval"
    return outcome, _truncate(_one_line(text), STATUS_DESCRIPTION_LIMIT)


def _cell(text: str) -> str:
    return table_cell(text)


def _holders_text(role: RoleSignoff, skip: set[str], author: str | None = None) -> str:
    mentions = [
        f"@{u}"
        + (
            " (the pull request's author, who cannot approve it)"
            if author and _fold(u) == _fold(author)
            else ""
        )
        for u in role.users
        if _fold(u) not in skip
    ] + [f"@{t}" for t in role.teams]
    return ", ".join(mentions) if mentions else "no holder who can sign"


def is_signoff_comment(body: str | None) -> bool:
    """Whether ``body`` is the sticky sign-off comment (its first line is the hidden marker)."""
    if not body:
        return False
    first = body.lstrip("\ufeff \t\r\n").split("\n", 1)[0]
    return has_marker(first, COMMENT_KIND)


def sticky_comment(state: SignoffState, *, hand_ticked: Sequence[str] = ()) -> str:
    """The sticky pull-request comment: a table of roles, who still must sign, uncounted approvals, warnings.

    Holders of unsigned roles are @-mentioned: GitHub notifies mentions when the comment is created and not when
    it is edited, so keeping the comment up to date does not ping anyone again. ``hand_ticked`` are role titles
    ticked in the document before :func:`tick_signoff` ran (:func:`hand_ticked_roles`); those whose role is in
    fact signed are not warned about.
    """
    lines = [marker(COMMENT_KIND)]
    if state.complete:
        lines.append("### ✅ Post-mortem sign-off complete")
    elif state.total_required:
        lines.append(
            f"### ⏳ Post-mortem sign-off: {state.signed_required}/{state.total_required} required roles signed"
        )
    else:
        lines.append("### ⏳ Post-mortem sign-off: waiting for an approval")
    lines.append("")
    if state.has_holders:
        lines.append(
            "A role is signed when one of its holders approves this pull request. "
            "Requesting changes, or a dismissed approval, un-signs it."
        )
    else:
        lines.append(
            "No sign-off role has holders configured (`signoff.roles[].users` / `teams` in "
            "`.github/postmortem.yml`), so approvals are recorded but sign no role."
        )
    lines += ["", "| Role | Signed by | When | Required |", "|---|---|---|---|"]
    for role in state.roles:
        who = f"@{role.signed_by}" if role.signed_by else "—"
        when = _day(role.signed_at) if role.signed_by else "—"
        lines.append(f"| {_cell(role.title)} | {who} | {when or '—'} | {'yes' if role.required else 'no'} |")

    unsigned = [r for r in state.roles if not r.signed and r.has_holders]
    no_access = {_fold(n.login) for n in state.not_counted if n.reason == "no-write-access"}
    if unsigned:
        lines += ["", "**Still to sign:**"]
        for role in sorted(unsigned, key=lambda r: not r.required):
            suffix = " (required)" if role.required else ""
            lines.append(f"- {_one_line(role.title)}{suffix}: {_holders_text(role, no_access, state.author)}")
    no_holder = [r for r in state.roles if r.required and not r.has_holders]
    if no_holder:
        lines += ["", "**Required but held by nobody:** " + ", ".join(_one_line(r.title) for r in no_holder)]

    if not state.has_holders and state.approvals:
        lines += ["", "**Approvals:**"]
        lines += [f"- @{a.login} ({_day(a.at) or 'no date'})" for a in state.approvals]
    if state.changes_requested:
        logins = ", ".join(f"@{login}" for login in state.changes_requested)
        lines += ["", f"**Changes requested by:** {logins}"]
    if state.not_counted:
        lines += ["", "**Approvals not counted:**"]
        lines += [f"- @{n.login}: {n.detail}" for n in state.not_counted]

    signed_titles = {_one_line(r.title).casefold() for r in state.roles if r.signed}
    by_hand = [t for t in dict.fromkeys(hand_ticked) if _one_line(t).casefold() not in signed_titles]
    if by_hand:
        titles = ", ".join(f"**{_one_line(t)}**" for t in by_hand)
        lines += [
            "",
            "> [!WARNING]",
            f"> Ticked by hand in the document: {titles}. A ticked box is not a sign-off: the box is unticked "
            "until a holder of the role approves this pull request.",
        ]
    for warning in state.warnings:
        lines += ["", "> [!WARNING]", f"> {_one_line(warning)}"]
    return "\n".join(lines) + "\n"


def reviewers_to_request(
    state: SignoffState,
    roles: Sequence[Role],
    team_members: Mapping[str, TeamMembers],
    *,
    already_requested: set[str],
    author: str,
) -> tuple[list[str], list[str]]:
    """Users and team slugs to request a review from, for every role not signed yet (required or not).

    Excludes the pull request's author (GitHub refuses a review request for the author), anyone already
    requested (``already_requested`` holds logins and/or team slugs, compared case-insensitively), users whose
    approval cannot count (no write access), and readable teams whose only member is the author.
    """
    signed = {r.role_id for r in state.roles if r.signed}
    skip = {_fold(x) for x in already_requested}
    author_key = _fold(author)
    no_access = {_fold(n.login) for n in state.not_counted if n.reason == "no-write-access"}
    users: list[str] = []
    teams: list[str] = []
    for role in roles:
        if role.id in signed:
            continue
        for user in role.users:
            key = _fold(user)
            if key in skip or key == author_key or key in no_access or key in {_fold(u) for u in users}:
                continue
            users.append(user)
        for team in role.teams:
            slug = team.split("/", 1)[-1]
            if {team.casefold(), slug.casefold()} & skip or slug.casefold() in {t.casefold() for t in teams}:
                continue
            members = _team_key(team, team_members)
            if (
                members is not None
                and members.readable
                and not {_fold(m) for m in members.members} - {author_key}
            ):
                continue
            teams.append(slug)
    return users, teams


# --------------------------------------------------------------------------------------------------------------
# The document's Sign-Off checklist
# --------------------------------------------------------------------------------------------------------------

_SIGNOFF_TITLE = re.compile(r"^sign[- ]?off$", re.IGNORECASE)
_ROLE_LINE = re.compile(
    r"^(?P<lead>[ \t]*[-*+][ \t]+)\[(?P<mark>[ xX])\][ \t]+\*\*(?P<title>.+?)\*\*(?P<rest>.*)$"
)
_PUBLICATION = re.compile(r"^(?P<lead>[ \t]*\*\*Publication Date\*\*:?)(?P<rest>.*)$", re.IGNORECASE)
# The date excludes "(": a scan from one "(scheduled for" stops at the next, so the search stays linear.
_FOLLOW_UP = re.compile(r"(\*\*30-Day Follow-Up\*\*[ \t]*\(scheduled for)([^()\r\n]*)(\))", re.IGNORECASE)


def _split_lines(text: str) -> list[str]:
    """Lines with their endings kept (``\\r\\n``, ``\\r`` or ``\\n``, the one rule of markdown.lines)."""
    return [line.content + line.ending for line in split_lines(text) if line.content or line.ending]


def _content(line: str) -> tuple[str, str]:
    """A line's content and its ending (``\\r\\n``, ``\\r``, ``\\n`` or ``""``)."""
    if line.endswith("\r\n"):
        return line[:-2], "\r\n"
    if line.endswith(("\n", "\r")):
        return line[:-1], line[-1]
    return line, ""


def _structure(document: str, line_count: int) -> tuple[list[bool], tuple[int, int] | None]:
    """For each line, whether it is frontmatter or code (never edited); and ``(heading, end)`` of the first
    top-level ``## Sign-Off`` section (``end`` exclusive). One block parse; code blocks are the ones markdown-it
    finds, as GitHub does (a line such as ``"```js`"`` opens no fence)."""
    tokens, offset, _ = body_tokens(document)
    mask = [index < offset for index in range(line_count)]
    for index in code_lines(tokens):
        if offset + index < line_count:
            mask[offset + index] = True
    found = next(
        (
            section
            for section in sections_from_tokens(tokens, line_count, offset=offset)
            if section.level == 2 and _SIGNOFF_TITLE.match(_one_line(section.title.rstrip("#").strip()))
        ),
        None,
    )
    return mask, None if found is None else (found.line, min(found.end, line_count))


def _normal_title(title: str) -> str:
    return _one_line(title).rstrip(":").strip().casefold()


def has_signoff_section(document: str) -> bool:
    """Whether the document has a ``## Sign-Off`` section (outside code blocks)."""
    lines = _split_lines(document)
    return _structure(document, len(lines))[1] is not None


def hand_ticked_roles(document: str, roles: Sequence[Role]) -> list[str]:
    """Titles of the roles whose ``- [x] **Title**`` box is ticked in the Sign-Off section (``[x]`` or ``[X]``).

    Call it on the document as it is before :func:`tick_signoff` rewrites it; every tick it finds counts, and
    :func:`sticky_comment` warns only about ticked roles that no review signed.
    """
    lines = _split_lines(document)
    mask, span = _structure(document, len(lines))
    if span is None:
        return []
    by_title = {_normal_title(role.title): role.title for role in roles}
    ticked: list[str] = []
    for index in range(span[0] + 1, span[1]):
        if mask[index]:
            continue
        match = _match_role(_content(lines[index])[0], [role.title for role in roles])
        if match and match[1] in "xX":
            title = by_title.get(_normal_title(match[2]))
            if title is not None and title not in ticked:
                ticked.append(title)
    return ticked


def _match_role(text: str, titles: Sequence[str]) -> tuple[str, str, str] | None:
    """``(lead, mark, title)`` of a checklist line: one of ``titles`` written exactly (longest first, so a
    title with emphasis or ``**`` inside is read whole), else whatever stands between the first ``**`` pair."""
    for title in sorted(titles, key=len, reverse=True):
        exact = re.match(
            r"^(?P<lead>[ \t]*[-*+][ \t]+)\[(?P<mark>[ xX])\][ \t]+\*\*"
            + re.escape(_one_line(title))
            + r"\*\*",
            text,
        )
        if exact:
            return exact.group("lead"), exact.group("mark"), title
    match = _ROLE_LINE.match(text)
    return (match.group("lead"), match.group("mark"), match.group("title")) if match else None


def _role_line(lead: str, role: RoleSignoff) -> str:
    title = _one_line(role.title)
    if role.signed_by:
        return f"{lead}[x] **{title}**: @{role.signed_by} - {_day(role.signed_at) or '[Date]'}"
    return f"{lead}[ ] **{title}**: [Name] - [Date]"


def tick_signoff(document: str, state: SignoffState, *, published: date | None = None) -> str:
    """The document with its Sign-Off checklist rewritten from ``state``; every other byte is unchanged.

    Each role line becomes ``- [x] **Title**: @login - YYYY-MM-DD`` when signed and ``- [ ] **Title**: [Name] -
    [Date]`` when not (so a box ticked by hand is unticked). Roles missing from the document are appended after
    the section's last role line. With ``published``, ``**Publication Date**: …`` in the section gets that date.
    Line endings (``\\r\\n``) are kept; ticking twice gives the same text. A document without a Sign-Off section
    is returned unchanged (see :func:`has_signoff_section`).
    """
    lines = _split_lines(document)
    mask, span = _structure(document, len(lines))
    if span is None:
        return document
    by_title = {_normal_title(role.title): role for role in state.roles}
    seen: set[str] = set()
    last_role: int | None = None
    lead = "- "
    for index in range(span[0] + 1, span[1]):
        if mask[index]:
            continue
        text, ending = _content(lines[index])
        match = _match_role(text, [role.title for role in state.roles])
        if match:
            role = by_title.get(_normal_title(match[2]))
            if role is None:
                continue
            seen.add(role.role_id)
            last_role, lead = index, match[0]
            lines[index] = _role_line(lead, role) + ending
            continue
        publication = _PUBLICATION.match(text)
        if publication and published is not None:
            lines[index] = f"{publication.group('lead').rstrip(':')}: {published.isoformat()}{ending}"

    missing = [role for role in state.roles if role.role_id not in seen]
    if missing:
        heading_ending = _content(lines[span[0]])[1] or "\n"
        if last_role is not None:
            ending = _content(lines[last_role])[1]
            if not ending:  # the role line ends the document
                lines[last_role] += heading_ending
                ending = heading_ending
            new = [_role_line(lead, role) + ending for role in missing]
            lines[last_role + 1 : last_role + 1] = new
        else:
            ending = heading_ending
            if not _content(lines[span[0]])[1]:
                lines[span[0]] += ending
            new = [ending] + [_role_line(lead, role) + ending for role in missing]
            following = lines[span[0] + 1] if span[0] + 1 < len(lines) else ""
            if following and _content(following)[0].strip():
                new.append(ending)
            lines[span[0] + 1 : span[0] + 1] = new
    return "".join(lines)


def signoff_frontmatter(state: SignoffState) -> dict[str, dict[str, str]]:
    """The frontmatter's ``signoff`` value: role id → ``{"login": …, "date": "YYYY-MM-DD"}`` for signed roles."""
    return {
        role.role_id: {"login": role.signed_by, "date": _day(role.signed_at)}
        for role in state.roles
        if role.signed_by
    }


def follow_up_date(published: date) -> date:
    """The 30-day follow-up review's date."""
    return published + timedelta(days=FOLLOW_UP_DAYS)


def set_follow_up(document: str, when: date) -> str:
    """``**30-Day Follow-Up** (scheduled for [Date])`` with ``when`` as the date (the first occurrence)."""
    return _FOLLOW_UP.sub(lambda m: f"{m.group(1)} {when.isoformat()}{m.group(3)}", document, count=1)
