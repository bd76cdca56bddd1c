"""`postmortem lint` on the command line and as the pre-commit hook `postmortem-lint`."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from postmortem.cli import main

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "completeness"
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<rule>[a-z-]+) (?P<message>.+)$")


def lint(*args: str) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(["lint", *args], env={}, out=out, pace=False)
    return code, out.getvalue().splitlines()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "postmortems").mkdir()
    shutil.copy(FIXTURES / "complete.md", tmp_path / "postmortems" / "2026-03-14-complete.md")
    shutil.copy(FIXTURES / "draft.md", tmp_path / "postmortems" / "2026-03-14-draft.md")
    (tmp_path / "postmortems" / "README.md").write_text("# Catalogue\n[Names]\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_clean_file_exits_0_and_prints_nothing(repo: Path) -> None:
    assert lint("postmortems/2026-03-14-complete.md") == (0, [])


def test_problems_are_path_line_col_rule_message_and_exit_1(repo: Path) -> None:
    code, lines = lint("postmortems/2026-03-14-draft.md")
    assert code == 1
    assert lines[0] == (
        "postmortems/2026-03-14-draft.md:24:16: placeholder [Names] left from the template: fill in this "
        "incident's facts"
    )
    assert all(LINE.match(line) for line in lines), lines
    assert {m["rule"] for m in map(LINE.match, lines) if m} == {
        "placeholder",
        "template-prompt",
        "five-whys",
        "action-items-required",
    }


def test_warnings_alone_do_not_fail(repo: Path) -> None:
    (repo / ".github").mkdir()
    (repo / ".github" / "postmortem.yml").write_text(
        "completeness:\n  ignore: [placeholder, five-whys, action-items-required]\n", encoding="utf-8"
    )
    code, lines = lint("postmortems/2026-03-14-draft.md")
    assert code == 0
    assert lines and all(" template-prompt warning: " in line for line in lines)


def test_a_folder_is_linted_without_its_catalogue(repo: Path) -> None:
    code, lines = lint("postmortems")
    assert code == 1
    assert {line.split(":")[0] for line in lines} == {"postmortems/2026-03-14-draft.md"}


def test_the_configured_template_is_used(repo: Path) -> None:
    (repo / "template.md").write_text("## Executive Summary\n\n## Owner\n\n## Timeline\n", encoding="utf-8")
    document = (repo / "postmortems" / "2026-03-14-complete.md").read_text(encoding="utf-8")
    # Reported where it goes: after the Executive Summary, at the heading that follows it.
    impact = document[: document.index("## Impact")].count("\n") + 1
    code, lines = lint("--template", "template.md", "postmortems/2026-03-14-complete.md")
    assert code == 1
    assert lines == [
        f'postmortems/2026-03-14-complete.md:{impact}:1: section-missing section "Owner" of the template is '
        "missing: add it here"
    ]


def test_unreadable_file_or_bad_config_is_a_usage_error(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint("postmortems/nope.md")[0] == 2
    assert "PATH postmortems/nope.md cannot be read" in capsys.readouterr().err
    (repo / "bad.yml").write_text("completeness:\n  ignore: [no-such-rule]\n", encoding="utf-8")
    assert lint("--config", "bad.yml", "postmortems")[0] == 2
    assert "no-such-rule is not a rule id" in capsys.readouterr().err


def test_pre_commit_hook_manifest() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "postmortem-lint"
    assert hook["language"] == "python"
    assert hook["entry"] == "postmortem lint"
    assert {"id", "name", "entry", "language"} <= set(hook)
    assert set(hook) <= {"id", "name", "entry", "language", "files", "exclude", "types", "description"}
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    wanted = ["postmortems/2026-03-14-a.md", "postmortems/2025/q1.md"]
    unwanted = ["docs/a.md", "postmortems/notes.txt", "README.md", "postmortems/README.md"]
    assert all(files.search(p) and not exclude.search(p) for p in wanted)
    assert not any(files.search(p) and not exclude.search(p) for p in unwanted)
    # The entry is the installed console script: the package declares it.
    assert 'postmortem = "postmortem.cli:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_the_hook_entry_runs_as_pre_commit_runs_it(repo: Path) -> None:
    # pre-commit runs `entry` with the staged files that match `files` appended, and fails on a non-zero exit.
    hook = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    staged = [
        "postmortems/2026-03-14-complete.md",
        "postmortems/2026-03-14-draft.md",
        "postmortems/README.md",
    ]
    matching = [p for p in staged if re.search(hook["files"], p) and not re.search(hook["exclude"], p)]
    script = Path(sys.executable).parent / hook["entry"].split()[0]
    command = [str(script), *hook["entry"].split()[1:], *matching]
    result = subprocess.run(command, capture_output=True, text=True, check=False, env={**os.environ})
    assert result.returncode == 1
    assert result.stdout.startswith("postmortems/2026-03-14-draft.md:24:16: placeholder ")
    assert "README" not in result.stdout
    clean = subprocess.run(command[:-1], capture_output=True, text=True, check=False)
    assert (clean.returncode, clean.stdout) == (0, "")
