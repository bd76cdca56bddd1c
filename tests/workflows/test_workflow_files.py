"""The action, the workflows and the issue templates: schemas, zizmor, and the rules they must keep.

check-jsonschema's built-in (vendored) schemas and ``zizmor --offline`` work without a network. The
SchemaStore copies in tests/fixtures/schemas (Apache-2.0) are a second opinion.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.adopter import WORKFLOW_TEXT, cli_env, readme_section, run_cli, workflow
from tests.fake_github import FakeGitHub
from tests.harness import push_payload
from tests.material import fixture

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


ACTION = ROOT / "action.yml"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml")) + sorted(
    (ROOT / "examples" / "workflows").glob("*.y*ml")
)
TEMPLATE_DIR = ROOT / ".github" / "ISSUE_TEMPLATE"
ISSUE_CONFIG = [p for p in sorted(TEMPLATE_DIR.glob("*.y*ml")) if p.stem == "config"]
ISSUE_FORMS = [p for p in sorted(TEMPLATE_DIR.glob("*.y*ml")) if p.stem != "config"]
EXAMPLE = ROOT / "examples" / "workflows" / "postmortem.yml"
OWN = ROOT / ".github" / "workflows" / "postmortem.yml"

SHA_PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed next to {sys.executable}: pip install -e '.[test]'")
    return path


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in paths]


def _load(path: Path) -> Any:
    # `on:` is read by YAML 1.1 as True; BaseLoader keeps every key and scalar a string.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def _check_jsonschema(builtin: str, paths: list[Path]) -> None:
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", builtin, *paths],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- schemas ---------------------------------------------------------------------------------------------


def test_action_matches_builtin_schema() -> None:
    _check_jsonschema("vendor.github-actions", [ACTION])


@pytest.mark.parametrize("path", WORKFLOWS, ids=_ids(WORKFLOWS))
def test_workflow_matches_builtin_schema(path: Path) -> None:
    _check_jsonschema("vendor.github-workflows", [path])


def test_there_are_workflows() -> None:
    names = {str(p.relative_to(ROOT)) for p in WORKFLOWS}
    assert {
        ".github/workflows/ci.yml",
        ".github/workflows/postmortem.yml",
        "examples/workflows/postmortem.yml",
    } <= names


@pytest.mark.parametrize("path", ISSUE_FORMS, ids=_ids(ISSUE_FORMS))
def test_issue_form_matches_builtin_schema(path: Path) -> None:
    _check_jsonschema("vendor.github-issue-forms", [path])


def test_issue_template_config_matches_builtin_schema_if_any() -> None:
    # The repository ships no ISSUE_TEMPLATE/config.yml today; one added later is checked here.
    if ISSUE_CONFIG:
        _check_jsonschema("vendor.github-issue-config", list(ISSUE_CONFIG))


def _schemastore_cases() -> list[tuple[str, Path]]:
    cases = [("github-action.json", ACTION)]
    cases += [("github-workflow.json", p) for p in WORKFLOWS]
    cases += [("github-issue-forms.json", p) for p in ISSUE_FORMS]
    cases += [("github-issue-config.json", p) for p in ISSUE_CONFIG]
    return cases


@pytest.mark.parametrize(
    ("schema_name", "path"),
    _schemastore_cases(),
    ids=[f"{s}:{p.relative_to(ROOT)}" for s, p in _schemastore_cases()],
)
def test_matches_schemastore_copy(schema_name: str, path: Path) -> None:
    import jsonschema

    schema = json.loads(fixture("schemas", schema_name).read_text(encoding="utf-8"))
    instance = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(instance, dict) and True in instance:  # YAML 1.1 reads `on:` as True; JSON has "on"
        instance["on"] = instance.pop(True)
    validator_class = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_class(schema).iter_errors(instance), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors)


# --- zizmor ----------------------------------------------------------------------------------------------


def test_zizmor_offline_has_no_findings() -> None:
    result = subprocess.run(
        [
            _tool("zizmor"),
            "--offline",
            "--no-config",
            "--format",
            "json",
            # Files, not folders: a folder is read as a repository, so examples/workflows would be skipped.
            *[str(p.relative_to(ROOT)) for p in [*WORKFLOWS, ACTION]],
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode in (0, 10, 11, 12, 13, 14), result.stderr  # 1/2: zizmor itself failed
    findings = json.loads(result.stdout or "[]")
    summary = [
        f"{f['ident']}: {f['desc']} @ {json.dumps(loc['symbolic']['key'])}"
        for f in findings
        for loc in f["locations"][:1]
    ]
    assert findings == [], "\n".join(summary)
    assert result.returncode == 0


# --- the action ------------------------------------------------------------------------------------------


def _action() -> dict[str, Any]:
    data: dict[str, Any] = _load(ACTION)
    return data


def test_action_inputs_and_outputs() -> None:
    action = _action()
    inputs = action["inputs"]
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert inputs["config"]["default"] == ".github/postmortem.yml"
    assert inputs["dry-run"]["default"] == "false"
    outputs = action["outputs"]
    for name in ("pull-request-number", "pull-request-url", "document-path"):
        assert outputs[name]["value"] == f"${{{{ steps.run.outputs.{name} }}}}"
    assert action["runs"]["using"] == "composite"


def test_action_passes_inputs_only_through_env() -> None:
    steps = _action()["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"], f"expression inside run: of step {step.get('name')!r}"
            assert step.get("shell") == "bash"
    run = next(s for s in steps if s.get("id") == "run")
    assert run["env"] == {
        "GITHUB_TOKEN": "${{ inputs.github-token }}",
        "POSTMORTEM_CONFIG": "${{ inputs.config }}",
        "POSTMORTEM_DRY_RUN": "${{ inputs.dry-run }}",
    }
    assert "postmortem" in run["run"]
    assert " run" in run["run"]


def test_action_installs_only_hash_pinned_files_it_ships() -> None:
    script = "\n".join(s.get("run", "") for s in _action()["runs"]["steps"])
    for lock in re.findall(r"\$GITHUB_ACTION_PATH/([\w.-]+\.lock)", script):
        assert (ROOT / lock).is_file(), lock
    assert script.count("--require-hashes") >= 2
    assert "--no-index" in script  # building the action itself downloads nothing


# --- pins and locks --------------------------------------------------------------------------------------


def _uses(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "uses" and isinstance(v, str)]
        return found + [u for v in node.values() for u in _uses(v)]
    if isinstance(node, list):
        return [u for v in node for u in _uses(v)]
    return []


@pytest.mark.parametrize("path", [ACTION, *WORKFLOWS], ids=_ids([ACTION, *WORKFLOWS]))
def test_every_uses_is_local_or_sha_pinned(path: Path) -> None:
    for uses in _uses(_load(path)):
        assert uses.startswith(("./", "$/")) or SHA_PINNED.match(uses), (
            f"{path.name}: {uses} is not SHA-pinned"
        )


def _locked(path: Path) -> dict[str, list[str]]:
    """name → hashes of every requirement in a `uv pip compile --generate-hashes` file."""
    entries: dict[str, list[str]] = {}
    current = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==\S+", line)
        if match:
            current = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            entries[current] = []
        elif line.strip().startswith("--hash=sha256:") and current:
            entries[current].append(line.strip())
        elif line and not line.startswith((" ", "#")):
            pytest.fail(f"{path.name}: unexpected line {line!r}")
    return entries


def test_requirements_lock_pins_every_runtime_dependency_with_hashes() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    locked = _locked(ROOT / "requirements.lock")
    wanted = {
        re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.-]+", d).group(0)).lower()  # type: ignore[union-attr]
        for d in project["project"]["dependencies"]
    }
    wanted |= {"setuptools"}  # the build backend, for the offline self-install
    assert wanted <= set(locked), f"missing from requirements.lock: {sorted(wanted - set(locked))}"
    assert all(locked.values()), [name for name, hashes in locked.items() if not hashes]


def test_uv_lock_pins_uv_with_hashes() -> None:
    locked = _locked(ROOT / "requirements-uv.lock")
    assert list(locked) == ["uv"]
    assert len(locked["uv"]) >= 5  # one per platform wheel


# --- the users' workflow and this repository's copy ------------------------------------------------------


def test_example_workflow_triggers_permissions_and_concurrency() -> None:
    workflow = _load(EXAMPLE)
    on = workflow["on"]
    assert on["issues"]["types"] == ["opened", "edited", "labeled", "closed", "reopened"]
    assert set(on["pull_request"]["types"]) == {
        "opened",
        "ready_for_review",
        "synchronize",
        "closed",
        "reopened",
        "converted_to_draft",
    }
    assert on["pull_request_review"]["types"] == ["submitted", "dismissed"]
    assert on["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in on
    assert "schedule" in on
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
        "statuses": "write",
    }
    assert job["concurrency"]["cancel-in-progress"] == "false"
    assert "pull_request" in job["if"]
    assert "labels" in job["if"]
    (step,) = job["steps"]
    assert step["uses"].split("@")[0].endswith("/postmortem-action")


def test_own_workflow_matches_the_example() -> None:
    example, own = _load(EXAMPLE), _load(OWN)
    assert own["on"] == example["on"]
    assert own["permissions"] == example["permissions"]
    (example_job,) = example["jobs"].values()
    (own_job,) = own["jobs"].values()
    for key in ("if", "permissions", "concurrency", "runs-on"):
        assert own_job[key] == example_job[key], key
    assert own_job["steps"][-1]["uses"] == "$/"


def test_ci_script_is_valid_bash() -> None:
    result = subprocess.run(["bash", "-n", ROOT / ".ci" / "run"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


# ====================================================================================================
# An adopter's first run: README honesty, first-run failures, the example workflow, preview with own files


def test_the_workflow_triggers_cover_every_handled_event() -> None:
    on = workflow()[True]  # YAML 1.1 reads `on` as True
    assert {"opened", "edited", "labeled", "reopened", "closed"} <= set(on["issues"]["types"])
    assert {"ready_for_review", "synchronize", "closed"} <= set(on["pull_request"]["types"])
    assert {"submitted", "dismissed"} <= set(on["pull_request_review"]["types"])
    assert "schedule" in on and "workflow_dispatch" in on
    condition = workflow()["jobs"]["postmortem"]["if"]
    assert "'action-item'" in condition  # a tracking issue's closed / reopened reaches the job
    assert "github.event.action == 'dismissed'" in condition


def test_a_tracking_issue_closed_event_carries_the_label_the_if_tests(
    tmp_path: Path, fake: FakeGitHub
) -> None:
    """The ``if:`` lets ``issues`` events through only with the incident or action-item label; the tracking
    issues the action creates carry ``action-item``."""
    fake.set_permission("mona", "write")
    body = (
        "| Action Item | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|\n"
        "| Add a NOT NULL migration check | @mona | 2030-01-31 | P1 | 🔴 Not Started |\n"
    )
    fake.add_file("main", "postmortems/2025-11-17-x.md", "---\nincident: 9\n---\n## Action Items\n\n" + body)
    payload = push_payload(fake, added=["postmortems/2025-11-17-x.md"])
    code, log = run_cli(["run"], cli_env(tmp_path, fake, "push", payload))
    assert code == 0, log
    (tracking,) = fake.issues_only()
    assert "action-item" in tracking.labels


def test_workflow_or_readme_says_to_change_the_push_branch() -> None:
    branch_line = next(line for line in WORKFLOW_TEXT.splitlines() if "branches:" in line)
    setup = readme_section("## Set up in a repository")
    assert "#" in branch_line or re.search(r"branches|default branch", setup)


def test_readme_says_directory_and_labels_must_also_change_in_the_workflow() -> None:
    section = readme_section("### Configuration") + readme_section("## Set up in a repository")
    assert re.search(r"paths", section) and re.search(r"`if:`[^.]*label|label[^.]*`if:`", section)


def test_a_push_outside_the_configured_directory_is_a_no_op(tmp_path: Path, fake: FakeGitHub) -> None:
    fake.add_file("main", ".github/postmortem.yml", "directory: docs/postmortems\n")
    fake.add_file("main", "postmortems/2025-11-17-x.md", "---\nincident: 9\n---\n")
    code, log = run_cli(
        ["run"], cli_env(tmp_path, fake, "push", push_payload(fake, added=["postmortems/2025-11-17-x.md"]))
    )
    assert code == 0 and fake.writes == []
    assert "docs/postmortems/" in log
