"""The faces of the completeness check as text: lint lines, workflow annotations, a commit status, a sticky line.

Pure formatting; the CLI and the PR handler decide where the text goes. Messages can quote document text, so
annotations go through :mod:`postmortem.workflow_commands`' escaping and summary lines are HTML-escaped.
"""

import html
from collections.abc import Sequence
from typing import Literal

from postmortem.completeness.model import Problem
from postmortem.plan import Annotation
from postmortem.workflow_commands import command

STATUS_CONTEXT = "postmortem/completeness"
"""The commit status context the PR face sets (teams can make it a required check)."""
ANNOTATIONS_PER_LEVEL = 10
"""GitHub shows at most 10 annotations of each level per step; the rest go to the step summary."""
_STATUS_LIMIT = 140


def _count(problems: Sequence[Problem], level: str) -> int:
    return sum(1 for problem in problems if problem.level == level)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def lint_line(path: str, problem: Problem) -> str:
    """``path:line:col: rule-id message`` (warnings say so before the message)."""
    prefix = "warning: " if problem.level == "warning" else ""
    return f"{path}:{problem.line}:{problem.col}: {problem.rule} {prefix}{problem.message}"


def annotation_records(problems: Sequence[Problem], path: str) -> list[Annotation]:
    """The problems as typed annotation records (a plan carries them; the CLI prints them)."""
    return [
        Annotation(level=p.level, file=path, line=p.line, title=p.rule, message=p.message) for p in problems
    ]


def workflow_annotations(records: Sequence[Annotation]) -> tuple[list[str], list[str]]:
    """Workflow commands ``::error file=…,line=…,title=<rule>::<message>`` for the first 10 records of each
    level (of the whole step), and Markdown list lines for the step summary for the others (empty when all fit).
    """
    shown: dict[str, int] = {}
    commands: list[str] = []
    rest: list[str] = []
    for record in records:
        if shown.get(record.level, 0) < ANNOTATIONS_PER_LEVEL:
            shown[record.level] = shown.get(record.level, 0) + 1
            commands.append(
                command(
                    record.level, record.message, file=record.file, line=str(record.line), title=record.title
                )
            )
        else:
            where = html.escape(f"{record.file}:{record.line}", quote=False)
            rest.append(
                f"- {record.level} `{where}` **{html.escape(record.title, quote=False)}**: "
                f"{html.escape(record.message, quote=False)}"
            )
    return commands, rest


def annotations(problems: Sequence[Problem], path: str) -> tuple[list[str], list[str]]:
    """:func:`workflow_annotations` of one document's problems."""
    return workflow_annotations(annotation_records(problems, path))


def status_for(problems: Sequence[Problem]) -> tuple[Literal["success", "failure"], str]:
    """The ``postmortem/completeness`` commit status: failure "k problems" when any error, else success."""
    errors, warnings = _count(problems, "error"), _count(problems, "warning")
    extra = f" and {_plural(warnings, 'warning')}" if warnings else ""
    if errors:
        description = f"{_plural(errors, 'problem')}{extra} to fix before sign-off"
        return "failure", description[:_STATUS_LIMIT]
    description = "Complete" + (f", with {_plural(warnings, 'warning')}" if warnings else "")
    return "success", description[:_STATUS_LIMIT]


def sticky_line(problems: Sequence[Problem]) -> str:
    """One line for the sign-off sticky comment."""
    errors, warnings = _count(problems, "error"), _count(problems, "warning")
    if not errors and not warnings:
        return "✅ **Completeness:** no problems found."
    if not errors:
        return f"✅ **Completeness:** complete, {_plural(warnings, 'warning')} (see the `{STATUS_CONTEXT}` check)."
    extra = f" and {_plural(warnings, 'warning')}" if warnings else ""
    return f"⚠️ **Completeness:** {_plural(errors, 'problem')}{extra} (see the `{STATUS_CONTEXT}` check)."
