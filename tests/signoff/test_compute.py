"""Sign-off: who signed which role from the reviews, the status and sticky comment, ticking the checklist."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from postmortem.config import DEFAULT_ROLES, Role
from postmortem.github.models import Review, TeamMembers, latest_decisive_reviews
from postmortem.signoff.compute import (
    STATUS_CONTEXT,
    SignoffState,
    compute_signoff,
    follow_up_date,
    hand_ticked_roles,
    has_signoff_section,
    is_signoff_comment,
    review_from_payload,
    reviewers_to_request,
    set_follow_up,
    signoff_frontmatter,
    status_for,
    sticky_comment,
    tick_signoff,
)
from tests.material import fixture

ROOT = Path(__file__).parents[2]
PAYLOAD = json.loads(
    (ROOT / "tests/fixtures/webhooks/pull_request_review.submitted.payload.json").read_text(encoding="utf-8")
)
HEAD = PAYLOAD["pull_request"]["head"]["sha"]
AUTHOR = PAYLOAD["pull_request"]["user"]["login"]
T0 = datetime(2026, 3, 15, 9, 0, tzinfo=UTC)

ROLES = [
    Role(id="incident-commander", title="Incident Commander", users=["alice"]),
    Role(id="cto", title="CTO", users=["carol", "gina"]),
    Role(id="lead-engineer", title="Lead Engineer", teams=["acme/leads"]),
    Role(id="devops-lead", title="DevOps Lead", users=["dave"]),
]
REQUIRED = [role.id for role in ROLES]
TEAMS = {"acme/leads": TeamMembers(team="acme/leads", members=("erin", "frank"))}
PERMISSIONS = {
    "alice": "write",
    "carol": "admin",
    "gina": "read",
    "erin": "maintain",
    "frank": "write",
    "dave": "write",
    "bob": "write",
    "mallory": "read",
    "Codertocat": "admin",
}


def review(
    login: str, state: str, minute: int = 0, *, review_id: int | None = None, commit: str = HEAD
) -> Review:
    """A review built from the real webhook payload's review object (state spelled as the webhook does)."""
    data: dict[str, Any] = copy.deepcopy(PAYLOAD["review"])
    data["user"]["login"] = login
    data["state"] = state
    data["id"] = review_id if review_id is not None else PAYLOAD["review"]["id"] + minute * 10 + len(login)
    data["submitted_at"] = (T0 + timedelta(minutes=minute)).isoformat().replace("+00:00", "Z")
    data["commit_id"] = commit
    return review_from_payload(data)


def compute(reviews: list[Review], **overrides: Any) -> SignoffState:
    arguments: dict[str, Any] = {
        "team_members": TEAMS,
        "permissions": PERMISSIONS,
        "head_sha": HEAD,
    }
    arguments.update(overrides)
    roles = arguments.pop("roles", ROLES)
    required = arguments.pop("required", REQUIRED)
    return compute_signoff(reviews, roles, required, **arguments)


def signed(state: SignoffState) -> dict[str, str | None]:
    return {role.role_id: role.signed_by for role in state.roles if role.signed_by}


# --------------------------------------------------------------------------------------------------------------
# Who signed
# --------------------------------------------------------------------------------------------------------------


def test_the_payload_review_is_a_comment_and_signs_nothing() -> None:
    built = review_from_payload(PAYLOAD["review"])
    assert built.state == "COMMENTED"
    assert built.user == "Codertocat"
    state = compute([built])
    assert signed(state) == {}
    assert state.approvals == []
    assert state.not_counted == []


def test_each_role_holder_in_turn_moves_pending_to_success() -> None:
    reviews: list[Review] = []
    steps = [
        ("alice", "Incident Commander"),
        ("carol", "CTO"),
        ("erin", "Lead Engineer"),
        ("dave", "DevOps Lead"),
    ]
    for index, (login, title) in enumerate(steps):
        before = compute(reviews)
        assert title in before.missing
        assert status_for(before)[0] == "pending"
        reviews.append(review(login, "approved", index))
        after = compute(reviews)
        assert title not in after.missing
        assert after.signed_required == index + 1
        assert after.total_required == 4
    final = compute(reviews)
    assert final.complete
    assert final.missing == []
    assert status_for(final) == ("success", "4/4 signed")
    lead = next(r for r in final.roles if r.role_id == "lead-engineer")
    assert lead.signed_by == "erin"
    assert lead.signed_at == T0 + timedelta(minutes=2)


@pytest.mark.parametrize(
    ("reviews", "expected_signed", "expected_not_counted", "expected_changes"),
    [
        pytest.param([review("bob", "approved")], {}, [("bob", "holds-no-role")], [], id="non-role approval"),
        pytest.param(
            [review("alice", "approved", 0), review("alice", "changes_requested", 5)],
            {},
            [],
            ["alice"],
            id="changes requested after approval un-signs",
        ),
        pytest.param(
            [review("alice", "changes_requested", 0), review("alice", "approved", 5)],
            {"incident-commander": "alice"},
            [],
            [],
            id="approval after changes requested signs",
        ),
        pytest.param(
            [review("alice", "dismissed", 0)],
            {},
            [],
            [],
            id="dismissed approval un-signs",
        ),
        pytest.param(
            [review("alice", "approved", 0), review("alice", "dismissed", 5)],
            {},
            [],
            [],
            id="later dismissed review un-signs",
        ),
        pytest.param(
            [review("alice", "approved", 0), review("alice", "commented", 5), review("alice", "pending", 6)],
            {"incident-commander": "alice"},
            [],
            [],
            id="commented and pending after approval keep it signed",
        ),
        pytest.param(
            [review("frank", "approved", 3)],
            {"lead-engineer": "frank"},
            [],
            [],
            id="team member approving",
        ),
        pytest.param(
            [review("gina", "approved", 0)],
            {},
            [("gina", "no-write-access")],
            [],
            id="role holder without write access",
        ),
        pytest.param(
            [review("mallory", "approved", 0)],
            {},
            [("mallory", "no-write-access")],
            [],
            id="stranger without write access",
        ),
        pytest.param(
            [review("ALICE", "approved", 0)],
            {"incident-commander": "ALICE"},
            [],
            [],
            id="logins compare case-insensitively",
        ),
        pytest.param(
            [review("erin", "approved", 1), review("frank", "approved", 2)],
            {"lead-engineer": "erin"},
            [],
            [],
            id="earliest holder signs",
        ),
        pytest.param(
            [
                review("erin", "approved", 1),
                review("frank", "approved", 2),
                review("erin", "changes_requested", 3),
            ],
            {"lead-engineer": "frank"},
            [],
            ["erin"],
            id="another holder keeps the role signed",
        ),
        pytest.param(
            [review("bob", "changes_requested", 1)],
            {},
            [],
            [],
            id="changes requested by a non-holder is not listed",
        ),
    ],
)
def test_reviews_decide_who_signed(
    reviews: list[Review],
    expected_signed: dict[str, str],
    expected_not_counted: list[tuple[str, str]],
    expected_changes: list[str],
) -> None:
    state = compute(reviews)
    assert signed(state) == expected_signed
    assert [(n.login, n.reason) for n in state.not_counted] == expected_not_counted
    assert state.changes_requested == expected_changes
    assert state.signed_required == len(expected_signed)
    assert not state.complete


def test_same_time_reviews_are_ordered_by_id() -> None:
    approve = review("alice", "approved", 0, review_id=2)
    change = review("alice", "changes_requested", 0, review_id=1)
    assert signed(compute([change, approve])) == {"incident-commander": "alice"}
    assert latest_decisive_reviews([approve, change])["alice"].id == 2


def test_a_user_holding_two_roles_signs_both() -> None:
    roles = [
        Role(id="incident-commander", title="Incident Commander", users=["alice"]),
        Role(id="devops-lead", title="DevOps Lead", users=["alice", "dave"]),
    ]
    state = compute(
        [review("alice", "approved")], roles=roles, required=["incident-commander", "devops-lead"]
    )
    assert signed(state) == {"incident-commander": "alice", "devops-lead": "alice"}
    assert state.complete
    assert state.approvals[0].roles == ["incident-commander", "devops-lead"]
    assert status_for(state) == ("success", "2/2 signed")


@pytest.mark.parametrize(
    "team_members",
    [
        pytest.param({"acme/leads": TeamMembers(team="acme/leads", readable=False)}, id="unreadable"),
        pytest.param({}, id="not read at all"),
    ],
)
def test_unreadable_team_warns_once_and_counts_only_named_users(team_members: dict[str, TeamMembers]) -> None:
    roles = [
        Role(id="lead-engineer", title="Lead Engineer", users=["zed"], teams=["acme/leads"]),
        Role(id="devops-lead", title="DevOps Lead", teams=["acme/leads"]),
    ]
    permissions = {**PERMISSIONS, "zed": "write"}
    state = compute(
        [review("erin", "approved", 0)],
        roles=roles,
        required=["lead-engineer"],
        team_members=team_members,
        permissions=permissions,
    )
    assert signed(state) == {}
    assert [(n.login, n.reason) for n in state.not_counted] == [("erin", "holds-no-role")]
    assert "could not be read" in state.not_counted[0].detail
    assert len(state.warnings) == 1
    assert "acme/leads" in state.warnings[0]
    state = compute(
        [review("zed", "approved", 0)],
        roles=roles,
        required=["lead-engineer"],
        team_members=team_members,
        permissions=permissions,
    )
    assert signed(state) == {"lead-engineer": "zed"}
    assert state.complete


@pytest.mark.parametrize(
    ("webhook", "rest"),
    [("approved", "APPROVED"), ("changes_requested", "CHANGES_REQUESTED"), ("dismissed", "DISMISSED")],
)
def test_lower_case_webhook_states_equal_rest_states(webhook: str, rest: str) -> None:
    lower = review("alice", webhook, 0)
    upper = review("alice", rest, 0)
    assert lower == upper
    assert compute([lower]) == compute([upper])


def test_unknown_state_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown review state"):
        review("alice", "approvedish")


def test_stale_approval_still_counts_and_is_flagged() -> None:
    state = compute([review("alice", "approved", commit="0" * 40)])
    assert signed(state) == {"incident-commander": "alice"}
    assert state.approvals[0].stale
    assert not compute([review("alice", "approved")]).approvals[0].stale


def test_required_role_without_holders_warns() -> None:
    roles = [
        Role(id="cto", title="CTO"),
        Role(id="incident-commander", title="Incident Commander", users=["alice"]),
    ]
    state = compute([review("alice", "approved")], roles=roles, required=["cto", "incident-commander"])
    assert state.missing == ["CTO"]
    assert any("CTO is required but no user or team holds it" in w for w in state.warnings)


# --------------------------------------------------------------------------------------------------------------
# The default configuration: roles with no holders
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reviews", "approvals", "not_counted", "status"),
    [
        pytest.param([], [], [], ("pending", "no role required; waiting for an approval"), id="nobody"),
        pytest.param(
            [review("bob", "approved")],
            ["bob"],
            [],
            ("success", "no role required; approved by @bob"),
            id="a collaborator approves",
        ),
        pytest.param(
            [review("mallory", "approved")],
            [],
            ["mallory"],
            ("pending", "no role required; waiting for an approval"),
            id="a stranger approves",
        ),
        pytest.param(
            [review("bob", "approved", 0), review("bob", "changes_requested", 1)],
            [],
            [],
            ("pending", "no role required; waiting for an approval"),
            id="approval withdrawn",
        ),
    ],
)
def test_without_holders_approvals_are_recorded_but_sign_no_role(
    reviews: list[Review], approvals: list[str], not_counted: list[str], status: tuple[str, str]
) -> None:
    state = compute(reviews, roles=list(DEFAULT_ROLES), required=[])
    assert signed(state) == {}
    assert [a.login for a in state.approvals] == approvals
    assert all(a.roles == [] for a in state.approvals)
    assert [n.login for n in state.not_counted] == not_counted
    assert state.total_required == 0
    assert status_for(state) == status
    assert not state.has_holders
    assert "approvals are recorded but sign no role" in sticky_comment(state)


# --------------------------------------------------------------------------------------------------------------
# Status and sticky comment
# --------------------------------------------------------------------------------------------------------------


def test_status_description_names_missing_roles() -> None:
    state = compute([review("alice", "approved")])
    assert STATUS_CONTEXT == "postmortem/sign-off"
    assert status_for(state) == ("pending", "1/4 signed: missing CTO, Lead Engineer, DevOps Lead")


@pytest.mark.parametrize("count", [1, 5, 20, 60])
def test_status_description_fits_140_characters(count: int) -> None:
    roles = [
        Role(id=f"role-{i}", title=f"A rather long role title number {i}", users=["alice"])
        for i in range(count)
    ]
    state = compute([], roles=roles, required=[r.id for r in roles])
    outcome, description = status_for(state)
    assert outcome == "pending"
    assert len(description) <= 140
    assert description.startswith(f"0/{count} signed: missing A rather long role title number 0")
    if len(f"0/{count} signed: missing " + ", ".join(r.title for r in roles)) > 140:
        assert description.endswith("…")


def test_sticky_comment_shows_table_missing_not_counted_and_warnings() -> None:
    state = compute(
        [
            review("alice", "approved", 0),
            review("mallory", "approved", 1),
            review("bob", "approved", 2),
            review("dave", "changes_requested", 3),
        ]
    )
    body = sticky_comment(state, hand_ticked=["Incident Commander", "CTO"])
    lines = body.splitlines()
    assert lines[0] == "<!-- postmortem:signoff -->"
    assert is_signoff_comment(body)
    assert "| Incident Commander | @alice | 2026-03-15 | yes |" in lines
    assert "| CTO | — | — | yes |" in lines
    assert "- CTO (required): @carol, @gina" in lines
    assert "- CTO (required): @carol" in sticky_comment(compute([review("gina", "approved")])).splitlines()
    assert "- Lead Engineer (required): @acme/leads" in lines
    assert "- @mallory: no write access to this repository" in lines
    assert "- @bob: holds no sign-off role" in lines
    assert "**Changes requested by:** @dave" in lines
    warning = next(line for line in lines if "Ticked by hand" in line)
    assert "**CTO**" in warning
    assert "Incident Commander" not in warning  # signed by a review: the tick is legitimate
    assert body.endswith("\n")
    assert body == sticky_comment(state, hand_ticked=["Incident Commander", "CTO"])


def test_sticky_comment_when_complete() -> None:
    state = compute(
        [review(login, "approved", i) for i, login in enumerate(["alice", "carol", "frank", "dave"])]
    )
    body = sticky_comment(state)
    assert "✅" in body
    assert "Still to sign" not in body
    assert "WARNING" not in body


def test_sticky_comment_repeats_team_warning() -> None:
    state = compute([], team_members={"acme/leads": TeamMembers(team="acme/leads", readable=False)})
    assert "> [!WARNING]" in sticky_comment(state)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<!-- postmortem:signoff -->\n### Sign-off", True),
        ("\n<!-- postmortem:signoff -->\r\nbody", True),
        ("Thanks!\n<!-- postmortem:signoff -->", False),
        ("<!-- postmortem:document {} -->\nbody", False),
        ("", False),
    ],
)
def test_is_signoff_comment(body: str, expected: bool) -> None:
    assert is_signoff_comment(body) is expected


@pytest.mark.parametrize(
    ("reviews", "already", "author", "users", "teams"),
    [
        pytest.param([], set(), "someone", ["alice", "carol", "gina", "dave"], ["leads"], id="everyone"),
        pytest.param([], set(), "Alice", ["carol", "gina", "dave"], ["leads"], id="not the author"),
        pytest.param(
            [], {"Carol", "leads"}, "someone", ["alice", "gina", "dave"], [], id="not already requested"
        ),
        pytest.param(
            [], {"acme/leads"}, "someone", ["alice", "carol", "gina", "dave"], [], id="team as org/slug"
        ),
        pytest.param(
            [review("alice", "approved")],
            set(),
            "someone",
            ["carol", "gina", "dave"],
            ["leads"],
            id="signed role",
        ),
        pytest.param(
            [review("gina", "approved")],
            set(),
            "someone",
            ["alice", "carol", "dave"],
            ["leads"],
            id="no write access",
        ),
        pytest.param(
            [review("carol", "changes_requested")],
            set(),
            "someone",
            ["alice", "carol", "gina", "dave"],
            ["leads"],
            id="re-request after changes requested",
        ),
    ],
)
def test_reviewers_to_request(
    reviews: list[Review], already: set[str], author: str, users: list[str], teams: list[str]
) -> None:
    roles = [*ROLES, Role(id="extra", title="Extra", users=["dave"], teams=["acme/leads"])]  # duplicates once
    state = compute(reviews, roles=roles)
    assert reviewers_to_request(state, roles, TEAMS, already_requested=already, author=author) == (
        users,
        teams,
    )


def test_a_team_of_only_the_author_is_not_requested() -> None:
    teams = {"acme/leads": TeamMembers(team="acme/leads", members=("erin",))}
    state = compute([], team_members=teams)
    assert reviewers_to_request(state, ROLES, teams, already_requested=set(), author="erin")[1] == []
    unreadable = {"acme/leads": TeamMembers(team="acme/leads", readable=False)}
    assert reviewers_to_request(state, ROLES, unreadable, already_requested=set(), author="erin")[1] == [
        "leads"
    ]


# --------------------------------------------------------------------------------------------------------------
# The document's Sign-Off checklist
# --------------------------------------------------------------------------------------------------------------

DOCUMENT = """---
title: Database outage
signoff: {}
---
# Post-Mortem: Database outage

## Summary

- [x] **CTO**: this tick is in another section
```markdown
## Sign-Off
- [x] **CTO**: inside a code block
```

## Sign-Off

*Post-mortem reviewed and approved by:*

- [ ] **Incident Commander**: [Name] - [Date]
- [X] **CTO**: Jane - 2026-03-01
- [ ] **Lead Engineer**: [Name] - [Date]
- [ ] **DevOps Lead**: [Name] - [Date]

**Publication Date**: [YYYY-MM-DD]
**Distribution**: All Engineering, Product, Customer Support

---

## Follow-Up Review

**30-Day Follow-Up** (scheduled for [Date]):
- Review action item completion
""".replace("Support\n", "Support  \n")  # trailing spaces stay


def _state_alice_and_erin() -> SignoffState:
    return compute([review("alice", "approved", 0), review("erin", "approved", 60 * 24)])


def test_tick_signoff_rewrites_only_role_lines() -> None:
    result = tick_signoff(DOCUMENT, _state_alice_and_erin())
    expected = (
        DOCUMENT.replace(
            "- [ ] **Incident Commander**: [Name] - [Date]",
            "- [x] **Incident Commander**: @alice - 2026-03-15",
        )
        .replace("- [X] **CTO**: Jane - 2026-03-01", "- [ ] **CTO**: [Name] - [Date]")
        .replace("- [ ] **Lead Engineer**: [Name] - [Date]", "- [x] **Lead Engineer**: @erin - 2026-03-16")
    )
    assert result == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tick_signoff_preserves_bytes_and_is_idempotent(newline: str) -> None:
    document = DOCUMENT.replace("\n", newline)
    state = _state_alice_and_erin()
    once = tick_signoff(document, state, published=date(2026, 3, 20))
    assert tick_signoff(once, state, published=date(2026, 3, 20)) == once
    before, after = document.split(newline), once.split(newline)
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert [after[i] for i in changed] == [
        "- [x] **Incident Commander**: @alice - 2026-03-15",
        "- [ ] **CTO**: [Name] - [Date]",
        "- [x] **Lead Engineer**: @erin - 2026-03-16",
        "**Publication Date**: 2026-03-20",
    ]
    if newline == "\r\n":
        assert once.count("\n") == once.count("\r\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_tick_signoff_appends_missing_roles_in_the_list(newline: str) -> None:
    document = DOCUMENT.replace("- [ ] **DevOps Lead**: [Name] - [Date]\n", "").replace("\n", newline)
    state = _state_alice_and_erin()
    once = tick_signoff(document, state)
    assert (
        "- [x] **Lead Engineer**: @erin - 2026-03-16"
        + newline
        + "- [ ] **DevOps Lead**: [Name] - [Date]"
        + newline
    ) in once
    assert tick_signoff(once, state) == once
    assert once.count("DevOps Lead") == 1
    if newline == "\r\n":
        assert once.count("\n") == once.count("\r\n")


def test_tick_signoff_builds_the_list_when_the_section_has_none() -> None:
    document = "# PM\r\n\r\n## Sign-Off\r\nNobody yet.\r\n\r\n## Next\r\n"
    state = compute([review("dave", "approved")])
    once = tick_signoff(document, state)
    assert once == (
        "# PM\r\n\r\n## Sign-Off\r\n\r\n"
        "- [ ] **Incident Commander**: [Name] - [Date]\r\n"
        "- [ ] **CTO**: [Name] - [Date]\r\n"
        "- [ ] **Lead Engineer**: [Name] - [Date]\r\n"
        "- [x] **DevOps Lead**: @dave - 2026-03-15\r\n"
        "\r\nNobody yet.\r\n\r\n## Next\r\n"
    )
    assert tick_signoff(once, state) == once


def test_tick_signoff_at_the_end_of_a_document_without_newline() -> None:
    document = "## Sign-Off\n\n- [ ] **Incident Commander**: [Name] - [Date]"
    state = compute([review("alice", "approved")], roles=ROLES[:2], required=["cto"])
    once = tick_signoff(document, state)
    assert once == (
        "## Sign-Off\n\n- [x] **Incident Commander**: @alice - 2026-03-15\n- [ ] **CTO**: [Name] - [Date]\n"
    )
    assert tick_signoff(once, state) == once


def test_tick_signoff_without_a_section_changes_nothing() -> None:
    document = "# PM\n\n## Summary\n\n- [ ] **CTO**: [Name] - [Date]\n"
    assert not has_signoff_section(document)
    assert tick_signoff(document, _state_alice_and_erin(), published=date(2026, 3, 20)) == document
    assert has_signoff_section(DOCUMENT)


def test_tick_signoff_on_the_seed_template() -> None:
    text = fixture("seed", "postmortem-template.md").read_text(encoding="utf-8")
    state = compute([review("carol", "approved")])
    once = tick_signoff(text, state, published=date(2026, 3, 20))
    assert "- [x] **CTO**: @carol - 2026-03-15" in once
    assert "**Publication Date**: 2026-03-20" in once
    assert tick_signoff(once, state, published=date(2026, 3, 20)) == once
    assert len(once.splitlines()) == len(text.splitlines())


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(["- [x] **CTO**: Jane - 2026-03-01"], ["CTO"], id="lower x"),
        pytest.param(["- [X] **CTO**: Jane"], ["CTO"], id="upper X"),
        pytest.param(["* [x] **Incident Commander:** Bob"], ["Incident Commander"], id="colon inside bold"),
        pytest.param(["- [ ] **CTO**: [Name] - [Date]"], [], id="unticked"),
        pytest.param(["- [x] **Unknown Role**: x"], [], id="not a role"),
        pytest.param(["- [x] **devops lead**: x", "- [x] **CTO**: y"], ["DevOps Lead", "CTO"], id="case"),
        pytest.param(["- [x] CTO: not bold"], [], id="not bold"),
    ],
)
def test_hand_ticked_roles(lines: list[str], expected: list[str]) -> None:
    document = (
        "## Summary\n\n- [x] **CTO**: elsewhere\n\n## Sign-Off\n\n" + "\n".join(lines) + "\n\n## After\n"
    )
    assert hand_ticked_roles(document, ROLES) == expected


def test_hand_ticked_roles_in_the_sample_document_ignores_other_sections_and_code() -> None:
    assert hand_ticked_roles(DOCUMENT, ROLES) == ["CTO"]
    assert hand_ticked_roles(tick_signoff(DOCUMENT, compute([])), ROLES) == []


SIGNOFF = "## Sign-Off\n\n- [x] **CTO**: Jane\n"


@pytest.mark.parametrize(
    "before",
    [
        pytest.param("```js`\nmore\n\n", id="backtick in a backtick fence's info string"),
        pytest.param("``` `x`\n\n", id="backtick info string with a space"),
        pytest.param("```\ncode\n```\n\n", id="closed backtick fence"),
        pytest.param("~~~js`\n## Sign-Off\n~~~\n\n", id="tilde fence with a backtick in its info string"),
        pytest.param("````\n```\n## Sign-Off\n````\n\n", id="shorter fence inside a longer one"),
        pytest.param("    ## Sign-Off\n    - [x] **CTO**: in code\n\n", id="indented code"),
    ],
)
def test_lines_that_are_not_code_for_commonmark_do_not_hide_the_signoff_section(before: str) -> None:
    document = "# PM\n\n## Summary\n\n" + before + SIGNOFF
    assert has_signoff_section(document)
    assert hand_ticked_roles(document, ROLES) == ["CTO"]
    assert "- [ ] **CTO**: [Name] - [Date]" in tick_signoff(document, compute([]))


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("~~~\n" + SIGNOFF + "~~~\n", id="tilde fence"),
        pytest.param("~~~~\n~~~\n" + SIGNOFF + "~~~~\n", id="shorter tilde fence inside a longer one"),
        pytest.param("```\n" + SIGNOFF + "~~~\n", id="tilde line does not close a backtick fence"),
        pytest.param("    ## Sign-Off\n\n    - [x] **CTO**: Jane\n", id="indented code"),
        pytest.param("```\n" + SIGNOFF, id="unclosed fence runs to the end"),
        pytest.param("```\n\n" + SIGNOFF.replace("\n", "\r\n"), id="unclosed fence with CRLF"),
    ],
)
def test_a_signoff_section_inside_code_is_not_the_section(code: str) -> None:
    document = "# PM\n\n## Summary\n\n" + code
    assert not has_signoff_section(document)
    assert hand_ticked_roles(document, ROLES) == []
    assert tick_signoff(document, compute([review("alice", "approved")])) == document


def test_a_role_line_in_code_inside_the_section_is_left_alone() -> None:
    document = "## Sign-Off\n\n~~~\n- [x] **CTO**: example\n~~~\n\n    - [x] **CTO**: indented\n"
    assert hand_ticked_roles(document, ROLES) == []
    once = tick_signoff(document, compute([]))
    assert "- [x] **CTO**: example\n" in once
    assert "    - [x] **CTO**: indented\n" in once


def test_a_fence_in_the_frontmatter_or_a_lone_carriage_return_does_not_shift_the_code_blocks() -> None:
    document = "---\nnote: |\n  ```\n---\n# PM\n\nx\ry\n\n" + SIGNOFF
    assert has_signoff_section(document)
    assert hand_ticked_roles(document, ROLES) == ["CTO"]


def test_signoff_frontmatter() -> None:
    assert signoff_frontmatter(_state_alice_and_erin()) == {
        "incident-commander": {"login": "alice", "date": "2026-03-15"},
        "lead-engineer": {"login": "erin", "date": "2026-03-16"},
    }
    assert signoff_frontmatter(compute([])) == {}


def test_follow_up() -> None:
    assert follow_up_date(date(2026, 3, 20)) == date(2026, 4, 19)
    once = set_follow_up(DOCUMENT.replace("\n", "\r\n"), date(2026, 4, 19))
    assert "**30-Day Follow-Up** (scheduled for 2026-04-19):\r\n" in once
    assert set_follow_up(once, date(2026, 4, 19)) == once
    assert set_follow_up(once, date(2026, 4, 20)).count("2026-04-20") == 1
    assert set_follow_up("no follow-up here", date(2026, 4, 19)) == "no follow-up here"
