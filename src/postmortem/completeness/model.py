"""What the completeness check reports: :class:`Problem`, and the table of rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

from postmortem.config import COMPLETENESS_RULE_IDS

Level = Literal["error", "warning"]


class Problem(BaseModel):
    """One thing the document still lacks: the rule, where (1-based line and column) and what to do."""

    model_config = ConfigDict(frozen=True)

    rule: str
    line: int
    col: int = 1
    message: str
    level: Level = "error"


@dataclass(frozen=True)
class Rule:
    """A completeness rule: its id, its level and what it checks (the README's table)."""

    id: str
    level: Level
    checks: str


RULES: tuple[Rule, ...] = (
    Rule("section-missing", "error", "Every section (`##`/`###` heading) of the template is present."),
    Rule("section-order", "warning", "The template's sections appear in the template's order."),
    Rule(
        "placeholder",
        "error",
        "No placeholder of the template is left (`[Names]`, `[YYYY-MM-DD]`, `[Answer]`, `[Estimated …]`, "
        "any `[…]` the template writes). The sign-off lines and dates the action fills are not checked.",
    ),
    Rule(
        "template-prompt",
        "warning",
        "No section holds only the template's italic prompt (*Describe the steps…*) and nothing of its own.",
    ),
    Rule("example-block", "error", "No `**Example**:` block pasted from the template."),
    Rule("summary-empty", "error", "The Executive Summary has content of its own."),
    Rule("root-cause-empty", "error", "The **Root Cause** (or a Root Cause section) has content of its own."),
    Rule("five-whys", "error", "The 5 Whys analysis has at least one answer."),
    Rule("timeline-empty", "error", "The Timeline has at least one event."),
    Rule(
        "time-order", "error", "started_at ≤ detected_at ≤ resolved_at in the frontmatter, each a valid time."
    ),
    Rule(
        "severity",
        "error",
        "The severity (frontmatter or **Severity**:) is one of `severity_rules` (P0, P1, P2).",
    ),
    Rule(
        "action-items-required",
        "error",
        "A severity's `min_action_items` committed action items exist (P0 and P1: at least one). Committed: "
        "any status but Proposed and Won't Do.",
    ),
    Rule(
        "action-item-fields",
        "error",
        "Every committed action item has an owner, a valid deadline and a priority.",
    ),
)

LEVELS: dict[str, Level] = {rule.id: rule.level for rule in RULES}

if (
    tuple(rule.id for rule in RULES) != COMPLETENESS_RULE_IDS
):  # pragma: no cover - caught by the tests at once
    raise RuntimeError("postmortem.config.COMPLETENESS_RULE_IDS and completeness.RULES disagree")
