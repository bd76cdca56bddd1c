"""The checklist as Markdown for the step summary."""

from __future__ import annotations

from postmortem.setup_check.model import CheckItem, Checklist

ICONS = {"ok": "✅", "failed": "❌", "unknown": "❔"}


def _item(item: CheckItem) -> str:
    lines = [f"- {ICONS[item.state]} **{item.title}**: {item.detail}".rstrip()]
    if item.fix and item.state != "ok":
        fix = item.fix.replace("\n", "\n  ")
        lines.append(f"\n  **Fix:** {fix}")
    return "\n".join(lines)


def render_checklist(checklist: Checklist, repository: str) -> str:
    """The step-summary Markdown: a heading with the verdict, then one bullet per item with its fix."""
    problems = checklist.problems
    unknown = [i for i in checklist.items if i.state == "unknown"]
    if problems:
        verdict = f"{len(problems)} problem(s) to fix"
    elif unknown:
        verdict = f"no problem found; {len(unknown)} item(s) this token cannot check"
    else:
        verdict = "everything is in place"
    parts = [f"### Post-mortem set-up check for {repository}: {verdict}\n"]
    parts.extend(_item(item) for item in checklist.items)
    return "\n".join(parts) + "\n"


def item_line(item: CheckItem) -> str:
    """One log line for an item (the fix on the same line, without Markdown fences)."""
    text = f"{ICONS[item.state]} {item.title}: {item.detail}"
    if item.fix and item.state != "ok":
        fix = " ".join(line for line in item.fix.replace("```yaml", "").replace("```", "").split())
        text += f" Fix: {fix}"
    return text
