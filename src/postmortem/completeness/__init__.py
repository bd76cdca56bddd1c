"""The completeness check of a post-mortem, and its faces: lint lines, workflow annotations, a commit status."""

from postmortem.completeness.check import check, default_template
from postmortem.completeness.model import RULES, Problem, Rule
from postmortem.completeness.report import (
    STATUS_CONTEXT,
    annotations,
    lint_line,
    status_for,
    sticky_line,
)

__all__ = [
    "RULES",
    "STATUS_CONTEXT",
    "Problem",
    "Rule",
    "annotations",
    "check",
    "default_template",
    "lint_line",
    "status_for",
    "sticky_line",
]
