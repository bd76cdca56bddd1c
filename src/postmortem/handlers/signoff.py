"""Pull-request approvals → the post-mortem's sign-off (placeholder until the sign-off handler lands)."""

from __future__ import annotations

from postmortem.handlers import Context
from postmortem.plan import Plan


def _not_yet(ctx: Context) -> Plan:
    plan = Plan()
    plan.say(f"{ctx.event.describe()}: sign-off handling is not available in this version.")
    return plan


handle_pull_request = handle_review = handle_reconcile = _not_yet
