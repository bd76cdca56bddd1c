"""Action Items table ↔ tracking issues (placeholder until the sync handler lands)."""

from __future__ import annotations

from postmortem.handlers import Context
from postmortem.plan import Plan


def _not_yet(ctx: Context) -> Plan:
    plan = Plan()
    plan.say(f"{ctx.event.describe()}: action-item sync is not available in this version.")
    return plan


handle_pull_request = handle_push = handle_tracking_issue = handle_reconcile = _not_yet
