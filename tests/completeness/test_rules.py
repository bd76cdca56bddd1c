"""The completeness rules: for every rule a document it fails on and documents it passes.

``complete.md`` is the embedded sample incident rendered with the embedded template, then filled in as a team
would; every failing document is it with one realistic change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.completeness import RULES, Problem, check
from postmortem.config import COMPLETENESS_RULE_IDS, CompletenessConfig, SeverityRule, parse_config
from tests.material import fixture

FIXTURES = Path(__file__).parents[1] / "fixtures" / "completeness"
COMPLETE = (FIXTURES / "complete.md").read_text(encoding="utf-8")
SEED = fixture("seed", "postmortem-template.md")


def run(text: str, config: CompletenessConfig | None = None, template: str | None = None) -> list[Problem]:
    return check(text, template=template, config=config or CompletenessConfig(), path="postmortems/x.md")


def rules(problems: list[Problem]) -> list[str]:
    return [problem.rule for problem in problems]


def edit(old: str, new: str, text: str = COMPLETE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_the_complete_document_passes_every_rule() -> None:
    assert run(COMPLETE) == []


def test_every_rule_has_an_id_a_level_and_the_config_knows_it() -> None:
    assert tuple(rule.id for rule in RULES) == COMPLETENESS_RULE_IDS
    assert {rule.level for rule in RULES} == {"error", "warning"}


FAILING: list[tuple[str, str, str, int]] = [
    # rule, text replaced, replacement, 1-based line expected
    ("section-missing", "## What Went Well\n\n- The alert fired within 3 minutes\n\n", "", 119),
    (
        "section-order",
        "## What Went Well\n\n- The alert fired within 3 minutes\n\n---\n\n## What Went Wrong\n\n"
        "- Duplicate charges were found only after resolution\n",
        "## What Went Wrong\n\n- Duplicate charges were found only after resolution\n\n---\n\n"
        "## What Went Well\n\n- The alert fired within 3 minutes\n",
        117,
    ),
    ("placeholder", "**Reviewers**: @hubot, @octocat", "**Reviewers**: [Names]", 24),
    ("placeholder", "- **SLA Breach**: No", "- **SLA Breach**: [Yes/No, details if applicable]", 50),
    ("placeholder", "about $3,000 of refunded duplicate charges", "[Estimated loss in USD]", 48),
    (
        "template-prompt",
        "- Expand/contract migrations only",
        "*Permanent solution to prevent recurrence.*",
        113,
    ),
    (
        "example-block",
        "- Expand/contract migrations only",
        "**Example**:\n- Update migration 0008 to make `preferences` column nullable",
        113,
    ),
    (
        "summary-empty",
        "For 50 minutes the checkout API returned 500 errors for about 40% of requests after migration "
        "`0042_order_notes` added a `NOT NULL` column before the release that writes it was live. Rolling the API "
        "back to v3.18.2 and making the column nullable restored service.",
        "*2-3 sentence summary of what happened, the impact, and the resolution.*",
        28,
    ),
    (
        "root-cause-empty",
        COMPLETE[COMPLETE.index("> Migrations run") : COMPLETE.index("readiness probe.") + 16],
        "> *The underlying cause, in one or two sentences.*",
        92,
    ),
    (
        "five-whys",
        "1. **Why did checkout fail?** → Inserts failed on a NOT NULL column without a default\n"
        "2. **Why was the column added first?** → Migrations run before the rollout",
        "1. **Why did [the symptom] happen?** → [Answer]\n2. **Why [did that happen]?** → [Answer]",
        88,
    ),
    ("time-order", "resolved_at: '2026-03-14T11:02:00Z'", "resolved_at: '2026-03-14T10:02:00Z'", 11),
    ("time-order", "detected_at: '2026-03-14T10:15:00Z'", "detected_at: 'yesterday at ten'", 10),
    ("severity", "severity: P1\n", "severity: SEV1\n", 6),
    ("action-item-fields", "| @mona | 2026-04-01 | P1 |", "| @mona | next sprint | P1 |", 133),
    ("action-item-fields", "| Payments Team | 2026-04-15 | P0 |", "|  | 2026-04-15 |  |", 134),
]


@pytest.mark.parametrize(
    ("rule", "old", "new", "line"), FAILING, ids=[f"{r[0]}-{i}" for i, r in enumerate(FAILING)]
)
def test_a_rule_fails_on_its_document(rule: str, old: str, new: str, line: int) -> None:
    problems = run(edit(old, new))
    assert rule in rules(problems), problems
    found = next(p for p in problems if p.rule == rule)
    assert found.line == line
    assert found.level == next(r.level for r in RULES if r.id == rule)
    assert found.message


def test_timeline_empty_when_only_the_table_header_is_left() -> None:
    start = COMPLETE.index("| 10:05 |")
    end = COMPLETE.index("\n\n", start)
    problems = run(COMPLETE[:start] + "| | | | |" + COMPLETE[end:])
    assert rules(problems) == ["timeline-empty"]
    assert problems[0].line == COMPLETE[: COMPLETE.index("## Timeline")].count("\n") + 1


def test_timeline_passes_with_a_list_instead_of_a_table() -> None:
    start = COMPLETE.index("| Time (UTC) |")
    end = COMPLETE.index("\n\n", start)
    assert run(COMPLETE[:start] + "- 10:05 deploy started\n- 11:02 resolved" + COMPLETE[end:]) == []


def test_action_items_required_for_p0_and_p1_not_p2() -> None:
    start = COMPLETE.index("| 1 | Lint migrations")
    end = COMPLETE.index("\n\n", start)
    only_proposed = (
        COMPLETE[:start] + "| 3 | Rewrite checkout in Rust | | | | 💡 Proposed | |" + COMPLETE[end:]
    )
    problems = run(only_proposed)
    assert rules(problems) == ["action-items-required"]
    assert problems[0].message.startswith("a P1 post-mortem needs 1 committed action item, it has 0")
    assert run(edit("severity: P1\n", "severity: P2\n", only_proposed)) == []
    strict = CompletenessConfig(severity_rules={"P1": SeverityRule(min_action_items=3), "P2": SeverityRule()})
    assert rules(run(COMPLETE, strict)) == ["action-items-required"]


def test_proposed_and_wont_do_rows_need_no_owner() -> None:
    assert run(edit("💡 Proposed", "⚪ Won't Do")) == []
    assert rules(run(edit("💡 Proposed", "🔴 Not Started"))) == ["action-item-fields"]


def test_severity_from_the_document_when_there_is_no_frontmatter() -> None:
    body = COMPLETE[COMPLETE.index("---\n", 4) + 4 :]
    assert rules(run(body)) == []
    placeholder = run(edit("**Severity**: P1 - Major", "**Severity**: [P0 / P1 / P2]", body))
    assert [(p.rule, p.col) for p in placeholder] == [("severity", 1), ("placeholder", 15)]
    assert "still the placeholder" in placeholder[0].message
    assert rules(run(edit("**Severity**: P1 - Major", "**Severity**: critical", body))) == ["severity"]


def test_custom_severity_scale() -> None:
    config = parse_config("completeness:\n  severity_rules:\n    SEV1: {min_action_items: 1}\n    SEV2: {}\n")
    assert rules(run(edit("severity: P1\n", "severity: SEV2\n"), config.completeness)) == []
    assert rules(run(COMPLETE, config.completeness)) == ["severity"]


def test_placeholders_the_action_fills_are_not_problems() -> None:
    # Sign-off lines, the publication date and the follow-up date are written at sign-off and publication.
    assert "- [ ] **CTO**: [Name] - [Date]" in COMPLETE
    assert "**Publication Date**: [YYYY-MM-DD]" in COMPLETE
    assert "(scheduled for [Date])" in COMPLETE
    assert run(COMPLETE) == []


def test_links_and_task_boxes_are_not_placeholders() -> None:
    text = edit("- None known", "- [Names](https://example.com/names) and [x] and [Answer][ref]")
    assert run(text) == []


def test_placeholders_in_code_and_comments_are_not_problems() -> None:
    text = edit("- None known", "```\n[Names]\n```\n<!-- [YYYY-MM-DD] -->")
    assert run(text) == []


def test_disable_comment_turns_rules_off() -> None:
    text = edit("**Reviewers**: @hubot, @octocat", "**Reviewers**: [Names]")
    assert rules(run(text)) == ["placeholder"]
    assert run(text + "\n<!-- postmortem-lint disable=placeholder -->\n") == []
    assert run(text + "\n<!-- postmortem-lint disable=five-whys, placeholder -->\n") == []
    assert rules(run(text + "\n<!-- postmortem-lint disable=five-whys -->\n")) == ["placeholder"]


def test_config_ignore_and_severity_ignore() -> None:
    text = edit("**Reviewers**: @hubot, @octocat", "**Reviewers**: [Names]")
    assert run(text, CompletenessConfig(ignore=["placeholder"])) == []
    per_severity = parse_config(
        "completeness:\n  severity_rules:\n    P1: {ignore: [placeholder]}\n    P2: {}\n"
    )
    assert run(text, per_severity.completeness) == []
    assert rules(run(edit("severity: P1\n", "severity: P2\n", text), per_severity.completeness)) == [
        "placeholder"
    ]


def test_a_fresh_draft_reports_what_is_left_to_write() -> None:
    draft = (FIXTURES / "draft.md").read_text(encoding="utf-8")
    found = {p.rule for p in run(draft)}
    assert found == {"placeholder", "template-prompt", "five-whys", "action-items-required"}


def test_a_custom_template_decides_the_sections() -> None:
    template = (
        "# {{ title }}\n\n## Summary\n\n*What happened.*\n\n## Timeline\n\n## Root Cause\n\n## Action Items\n"
    )
    document = (
        "---\nseverity: P2\n---\n# Outage\n\n## Summary\n\n*What happened.*\n\n## Timeline\n\n- 10:00 down\n\n"
        "## Root Cause\n\nA full disk.\n\n### 5 Whys\n\n1. Why? → the disk filled\n\n## Action Items\n"
    )
    assert [(p.rule, p.line) for p in run(document, template=template)] == [("summary-empty", 6)]
    filled = document.replace("*What happened.*", "The disk filled up.")
    assert run(filled, template=template) == []
    # Sections the default template has and this one has not are not asked for.
    assert "section-missing" in rules(run(filled))
    no_timeline = filled.replace("## Timeline\n\n- 10:00 down\n\n", "")
    assert [(p.rule, p.line) for p in run(no_timeline, template=template)] == [("section-missing", 10)]


def test_the_seed_pasted_as_is_has_its_examples_and_placeholders_reported() -> None:
    found = rules(run(SEED.read_text(encoding="utf-8")))
    assert found.count("example-block") == 14
    assert "placeholder" in found and "severity" in found


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_check_never_raises_on_arbitrary_text(text: str) -> None:
    for problem in run(text):
        assert problem.line >= 1 and problem.col >= 1


MARKDOWNISH = st.lists(
    st.sampled_from(
        [
            "---",
            "## Timeline",
            "# T",
            "| a | b |",
            "|---|---|",
            "| 1 | |",
            "**Root Cause**:",
            "> x",
            "```",
            "~~~",
            "<!--",
            "-->",
            "1. **Why?** → [Answer]",
            "**5 Whys Analysis**:",
            "severity: P9",
            "started_at: x",
            "",
            "[Names]",
            "**Example**:",
            "## Action Items",
            "| # | Action Item | Owner | Deadline | Priority |",
            "*prompt*",
            "===",
            "<!-- postmortem-lint disable=placeholder -->",
            "\ufeff",
            "\r",
        ]
    ),
    max_size=40,
).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_check_never_raises_on_markdown_like_text(text: str) -> None:
    problems = run(text)
    assert all(p.line <= text.count("\n") + text.count("\r") + 2 for p in problems)


def test_an_italic_line_of_ones_own_is_content() -> None:
    summary_start = COMPLETE.index("For 50 minutes")
    summary_end = COMPLETE.index("\n", summary_start)
    own = (
        COMPLETE[:summary_start]
        + "*Checkout failed for 50 minutes; a rollback fixed it.*"
        + COMPLETE[summary_end:]
    )
    assert run(own) == []
