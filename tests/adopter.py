"""An adopter's view: the README's snippets, and ``postmortem run`` / ``preview`` run as the workflow runs them.

``cli_env`` builds the workflow's environment (token, event file, inputs) for a payload, ``run_cli`` calls the CLI and
returns its exit code and log, ``one_clear_error`` checks the log carries exactly one ``::error::`` and no traceback.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import yaml

from postmortem.cli import main
from tests.fake_github import FakeGitHub
from tests.harness import issue_body, issue_payload

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WORKFLOW_TEXT = (ROOT / "examples" / "workflows" / "postmortem.yml").read_text(encoding="utf-8")
TITLE = "[Incident]: Umbrella API outage after migration"
DOC = "postmortems/2025-11-17-umbrella-api-outage-after-migration.md"


def readme_section(heading: str) -> str:
    start = README.index(heading)
    following = re.search(r"^#{2,3} ", README[start + len(heading) :], re.MULTILINE)
    return README[start : start + len(heading) + (following.start() if following else len(README))]


def readme_yaml(heading: str) -> str:
    match = re.search(r"```yaml\n(.*?)```", readme_section(heading), re.DOTALL)
    assert match, heading
    return match.group(1)


def cli_env(
    tmp_path: Path, fake: FakeGitHub, name: str, payload: dict[str, Any], **extra: str
) -> dict[str, str]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    for file in ("output", "summary"):
        (tmp_path / file).write_text("", encoding="utf-8")
    env = {
        "GITHUB_EVENT_NAME": name,
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": fake.repository,
        "GITHUB_API_URL": "https://api.github.com",
        "GITHUB_TOKEN": "test-token",
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }
    env.update(extra)
    return env


def run_cli(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    out = io.StringIO()
    code = main(argv, env=env or {}, out=out, pace=False)
    return code, out.getvalue()


def error_lines(log: str) -> list[str]:
    return [
        line
        for line in log.splitlines()
        if line.startswith("::error") and not line.startswith("::error file=")
    ]


def one_clear_error(code: int, log: str) -> str:
    """Exit 1, exactly one ``::error::`` line, no traceback; returns that line."""
    assert code == 1, log
    assert "Traceback" not in log and "Unexpected error" not in log, log
    errors = error_lines(log)
    assert len(errors) == 1, errors
    return errors[0]


def open_incident(
    fake: FakeGitHub, tmp_path: Path, *, labels: tuple[str, ...] = ("incident",), **extra: str
) -> tuple[int, str]:
    fake.set_permission("mona", "write")
    item = fake.add_issue(TITLE, issue_body("full.md"), labels=list(labels), user="mona")
    return run_cli(["run"], cli_env(tmp_path, fake, "issues", issue_payload(fake, item.number), **extra))


# --------------------------------------------------------------------------------------------------------------
# 1. README honesty


EVERY_VARIABLE_AND_FILTER = """\
N={{ number }} T={{ title | inline }} U={{ url }} A={{ author }} D={{ date }}
S={{ severity }} ST={{ severity_text | inline }} STATUS={{ status }}
STARTED={{ started }} DETECTED={{ detected }} RESOLVED={{ resolved }}
DUR={{ duration }} MIN={{ duration_minutes }}
{% for e in timeline %}TL {{ e.time | cell }} | {{ e.text | cell }} | {{ e.at | utc }}
{% endfor %}
{% for r in roles %}ROLE {{ r.id }} {{ r.title | inline }}
{% endfor %}
ANS={{ answers.summary | inline }}
FM={{ frontmatter.incident }} {{ frontmatter.status }}
I={{ incident.number }} {{ incident.title | inline }} {{ incident.url }} {{ incident.author }}
I.created={{ incident.created_at | utc }} I.sev={{ incident.severity }} {{ incident.severity_text | inline }}
I.times={{ incident.started_at | utc }} / {{ incident.detected_at | utc }} / {{ incident.resolved_at | utc }}
I.ua={{ incident.users_affected | nested("[users]") }}
I.si={{ incident.services_impacted | nested("[services]") }}
I.ux={{ incident.user_experience | inline }} I.dl={{ incident.data_loss | inline }}
{% for e in incident.timeline %}ITL {{ e.time_text | inline }} {{ e.text | cell }} {{ e.at | utc }}
{% endfor %}
I.rc:
{{ incident.root_cause | quote }}
I.res:
{{ incident.resolution | block }}
I.ans={{ incident.answers | length }} I.problems={{ incident.problems | length }}
I.dur={{ incident.duration_minutes | duration }}
"""


# --------------------------------------------------------------------------------------------------------------
# 3. The example workflow


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load(WORKFLOW_TEXT)
    return data
