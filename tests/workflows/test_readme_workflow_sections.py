"""The README's workflow, pinning and Enterprise Server sections agree with the files they describe."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"### {title}")
    end = README.find("\n### ", start + 1)
    return README[start : end if end != -1 else len(README)]


def test_the_workflow_step_does_not_ask_to_edit_the_branch_name() -> None:
    assert "change `push: branches:`" not in README
    assert "author_association" in README  # says why it is not filtered on


def test_pinning_shows_a_full_sha_with_the_tag_in_a_comment() -> None:
    section = _section("Pinning `uses:` to a release")
    assert re.search(r"uses: [\w-]+/postmortem-action@[0-9a-f]{40} # v\d+\.\d+\.\d+", section)
    assert "git ls-remote" in section and "^{}" in section
    assert "CHANGELOG.md" in section


def test_the_enterprise_server_variant_drops_the_github_com_only_parts() -> None:
    section = _section("GitHub Enterprise Server")
    assert "`queue: max`" in section and "`uses: $/`" in section
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    job = yaml.safe_load(block.group(1).replace("if: ...", "if: x"))["jobs"]["postmortem"]
    assert "queue" not in job["concurrency"]
    assert job["concurrency"]["cancel-in-progress"] is False
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
        "statuses": "write",
    }
    assert not job["steps"][0]["uses"].startswith("$/")
    for feature in ("issue forms", "commit statuses", "workflow_dispatch", "GITHUB_API_URL"):
        assert feature in section


def test_configuration_errors_are_documented_with_real_messages() -> None:
    from postmortem.config import parse_config
    from postmortem.errors import ConfigError

    section = _section("Configuration (")
    for text in ('directory: "post\\nmortems"', 'incident_label: ""'):
        try:
            parse_config(text)
        except ConfigError as error:
            message = str(error)
        else:  # pragma: no cover - the config must refuse these
            raise AssertionError(text)
        assert message in section, message
