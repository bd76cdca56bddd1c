"""The PR face of the completeness check as text: annotations (10 per level), the commit status, the sticky line."""

from __future__ import annotations

from pathlib import Path

from postmortem.completeness import (
    RULES,
    STATUS_CONTEXT,
    Problem,
    annotations,
    lint_line,
    status_for,
    sticky_line,
)


def problem(
    line: int, level: str = "error", rule: str = "placeholder", message: str = "[Names] left"
) -> Problem:
    return Problem.model_validate({"rule": rule, "line": line, "col": 3, "message": message, "level": level})


def test_lint_line_is_path_line_col_rule_message() -> None:
    assert lint_line("postmortems/a.md", problem(7)) == "postmortems/a.md:7:3: placeholder [Names] left"
    warning = problem(9, "warning", "template-prompt", "only the prompt")
    assert lint_line("a.md", warning) == "a.md:9:3: template-prompt warning: only the prompt"


def test_annotations_are_escaped_workflow_commands() -> None:
    hostile = problem(4, message='severity "x\n::error::pwned%" is not one of P0, P1, P2')
    (line,), rest = annotations([hostile], "postmortems/2026-03-14-a,b:c.md")
    assert line == (
        "::error file=postmortems/2026-03-14-a%2Cb%3Ac.md,line=4,title=placeholder::"
        'severity "x%0A::error::pwned%25" is not one of P0, P1, P2'
    )
    assert "\n" not in line and rest == []


def test_at_most_ten_annotations_per_level_the_rest_for_the_summary() -> None:
    problems = [problem(n) for n in range(1, 14)] + [
        problem(n, "warning", "template-prompt") for n in range(20, 32)
    ]
    commands, rest = annotations(problems, "p.md")
    assert sum(c.startswith("::error ") for c in commands) == 10
    assert sum(c.startswith("::warning ") for c in commands) == 10
    assert len(rest) == 3 + 2
    assert rest[0] == "- error `p.md:11` **placeholder**: [Names] left"
    assert rest[-1] == "- warning `p.md:31` **template-prompt**: [Names] left"


def test_summary_lines_escape_html() -> None:
    _, rest = annotations([problem(n, message="<img src=x>") for n in range(11)], "p.md")
    assert rest == ["- error `p.md:10` **placeholder**: &lt;img src=x&gt;"]


def test_status_failure_counts_problems_success_otherwise() -> None:
    assert STATUS_CONTEXT == "postmortem/completeness"
    assert status_for([]) == ("success", "Complete")
    assert status_for([problem(1, "warning")]) == ("success", "Complete, with 1 warning")
    assert status_for([problem(1)]) == ("failure", "1 problem to fix before sign-off")
    many = [problem(n) for n in range(3)] + [problem(9, "warning")] * 2
    assert status_for(many) == ("failure", "3 problems and 2 warnings to fix before sign-off")
    assert all(len(status_for([problem(1)] * n)[1]) <= 140 for n in (1, 10**6))


def test_sticky_line() -> None:
    assert sticky_line([]) == "✅ **Completeness:** no problems found."
    assert sticky_line([problem(1, "warning")]).startswith("✅ **Completeness:** complete, 1 warning")
    assert sticky_line([problem(1), problem(2)]) == (
        "⚠️ **Completeness:** 2 problems (see the `postmortem/completeness` check)."
    )


def test_the_readme_rules_table_is_the_rules() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Completeness check", 1)[1].split("\n### ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows == [f"| `{rule.id}` | {rule.checks} | {rule.level} |" for rule in RULES]
