"""Several files in one commit through the Git Data API: the fake's answers against GitHub's description, the
gateway's write (1 read + 3 writes) with its recovery rules, and the apply path's one commit per branch."""

from __future__ import annotations

import json
from typing import Any

import pytest

from postmortem.errors import Conflict, ProtectedBranch
from postmortem.github.apply import Applier
from postmortem.github.client import Gateway, WriteResult
from postmortem.github.models import git_blob_sha
from postmortem.github.snapshot import Snapshot
from postmortem.plan import CommitFiles, Plan, PutFile
from tests.fake_github import FakeGitHub
from tests.github.test_fake_fidelity import api, assert_valid
from tests.material import fixture

GIT_DATA = json.loads(fixture("rest", "github-rest-git-data.resolved.json").read_text(encoding="utf-8"))


def _schema(method: str, path: str, status: int) -> dict[str, Any]:
    op = next(o for o in GIT_DATA["operations"] if o["method"] == method and o["path"] == path)
    return dict(op["responses"][str(status)]["content"]["application/json"]["schema"])


def _valid(answer: Any, method: str, path: str, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    data: dict[str, Any] = answer.json()
    assert_valid(_schema(method, path, status), data, f"{method} {path} -> {status}")
    return data


# ====================================================================== the fake's answers


def test_a_commit_of_two_files_through_the_fakes_git_data_routes(fake: FakeGitHub) -> None:
    fake.add_file("main", "a.md", "old a\n")
    head = fake.branches["main"]
    tree = _valid(
        api("GET", f"/git/trees/{head}", recursive="1"),
        "GET",
        "/repos/{owner}/{repo}/git/trees/{tree_sha}",
        200,
    )
    assert {e["path"]: e["sha"] for e in tree["tree"]}["a.md"] == git_blob_sha("old a\n")
    entries = [{"path": "a.md", "mode": "100644", "type": "blob", "content": "new a\n"},
               {"path": "dir/b.md", "mode": "100644", "type": "blob", "content": "b\n"}]  # fmt: skip
    new_tree = _valid(
        api("POST", "/git/trees", {"base_tree": tree["sha"], "tree": entries}),
        "POST", "/repos/{owner}/{repo}/git/trees", 201,
    )  # fmt: skip
    commit = _valid(
        api("POST", "/git/commits", {"message": "Two files", "tree": new_tree["sha"], "parents": [head]}),
        "POST", "/repos/{owner}/{repo}/git/commits", 201,
    )  # fmt: skip
    assert fake.branches["main"] == head, "a commit alone moves no branch"
    _valid(
        api("PATCH", "/git/refs/heads/main", {"sha": commit["sha"], "force": False}),
        "PATCH", "/repos/{owner}/{repo}/git/refs/{ref}", 200,
    )  # fmt: skip
    assert (fake.file_text("main", "a.md"), fake.file_text("main", "dir/b.md")) == ("new a\n", "b\n")
    assert [c.message for c in fake.commit_log("main")][:1] == ["Two files"]


def test_a_moved_head_is_not_a_fast_forward(fake: FakeGitHub) -> None:
    head = fake.branches["main"]
    tree = api("GET", f"/git/trees/{head}").json()
    commit = api("POST", "/git/commits", {"message": "mine", "tree": tree["sha"], "parents": [head]}).json()
    fake.add_file("main", "other.md", "someone else's commit\n")
    answer = api("PATCH", "/git/refs/heads/main", {"sha": commit["sha"], "force": False})
    assert answer.status_code == 422 and answer.json()["message"] == "Update is not a fast forward"
    assert fake.file_text("main", "other.md") == "someone else's commit\n"


# ====================================================================== the gateway's write


def test_commit_files_is_one_read_and_three_writes_for_any_number_of_files(
    fake: FakeGitHub, gateway: Gateway
) -> None:
    fake.add_file("main", "postmortems/a.md", "a\n")
    files = {
        "postmortems/a.md": "a, published\n",
        **{f"postmortems/catalogue-{i}.md": f"{i}\n" for i in range(5)},
    }
    expected: dict[str, str | None] = {"postmortems/a.md": git_blob_sha("a\n")}
    result = gateway.send(CommitFiles(branch="main", files=files, message="Publish", expected=expected))
    assert fake.count("GET") == 2  # the head, and its tree (which checks the expected blobs)
    assert [(e.method, e.path.rsplit("/git/", 1)[-1]) for e in fake.writes] == [
        ("POST", "trees"), ("POST", "commits"), ("PATCH", "refs/heads/main")
    ]  # fmt: skip
    assert all(fake.file_text("main", path) == text for path, text in files.items())
    assert result.commit == fake.branches["main"]
    assert len([c for c in fake.commit_log("main") if c.message == "Publish"]) == 1


def test_a_file_changed_since_it_was_read_is_a_conflict_and_nothing_is_written(
    fake: FakeGitHub, gateway: Gateway
) -> None:
    fake.add_file("main", "a.md", "a human's edit\n")
    write = CommitFiles(
        branch="main", files={"a.md": "mine\n"}, message="x", expected={"a.md": git_blob_sha("a\n")}
    )
    with pytest.raises(Conflict, match="changed since it was read"):
        gateway.send(write)
    assert fake.writes == [] and fake.file_text("main", "a.md") == "a human's edit\n"


def test_a_head_moving_between_the_read_and_the_ref_update_is_a_conflict(
    fake: FakeGitHub, gateway: Gateway
) -> None:
    fake.on_request("POST", r"/git/commits$", lambda _n: fake.add_file("main", "race.md", "concurrent\n"))
    with pytest.raises(Conflict, match="moved while the action committed"):
        gateway.send(
            CommitFiles(branch="main", files={"a.md": "mine\n"}, message="x", expected={"a.md": None})
        )
    assert fake.file_text("main", "race.md") == "concurrent\n" and fake.file_text("main", "a.md") is None


def test_a_protected_branch_refuses_the_ref_update(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.protected_branches.add("main")
    with pytest.raises(ProtectedBranch, match="Branch protection"):
        gateway.send(CommitFiles(branch="main", files={"a.md": "x\n"}, message="x"))
    assert fake.file_text("main", "a.md") is None


def test_a_5xx_after_the_ref_moved_is_found_not_repeated(fake: FakeGitHub, gateway: Gateway) -> None:
    fake.fail_next("PATCH", r"/git/refs/heads/main$", 502, after=True)
    result = gateway.send(
        CommitFiles(branch="main", files={"a.md": "x\n"}, message="Once", expected={"a.md": None})
    )
    assert "502" in result.note
    assert [c.message for c in fake.commit_log("main")].count("Once") == 1
    assert fake.file_text("main", "a.md") == "x\n"


# ====================================================================== one commit per branch per run


def _apply(gateway: Gateway, *writes: PutFile) -> list[WriteResult]:
    results: list[WriteResult] = []
    applier = Applier(Snapshot(gateway), results.append)
    applier.apply(Plan(writes=list(writes)))
    applier.finish()
    return results


def test_two_documents_staged_on_one_branch_are_one_commit(fake: FakeGitHub, gateway: Gateway) -> None:
    sha = fake.add_file("main", "postmortems/a.md", "a\n")
    before = len(fake.commit_log("main"))
    (result,) = _apply(
        gateway,
        PutFile(
            path="postmortems/a.md",
            branch="main",
            content="a published\n",
            message="Publish a",
            expected_sha=sha,
        ),
        PutFile(path="postmortems/README.md", branch="main", content="# Catalogue\n", message="Catalogue"),
    )
    assert isinstance(result.write, CommitFiles)
    assert len(fake.commit_log("main")) == before + 1
    assert fake.commit_log("main")[0].message == "Publish a\n\nCatalogue"
    assert fake.file_text("main", "postmortems/README.md") == "# Catalogue\n"


def test_a_protected_branch_gets_both_documents_in_one_fallback_pull_request(
    fake: FakeGitHub, gateway: Gateway
) -> None:
    sha = fake.add_file("main", "postmortems/a.md", "a\n")
    fake.protected_branches.add("main")
    fallback = "postmortem/publish-incident-1"
    _apply(
        gateway,
        PutFile(path="postmortems/a.md", branch="main", content="a published\n", message="Publish a",
                expected_sha=sha, fallback_branch=fallback),
        PutFile(path="postmortems/README.md", branch="main", content="# Catalogue\n", message="Catalogue"),
    )  # fmt: skip
    (pull,) = fake.pulls()
    assert (pull.head, pull.base) == (fallback, "main")
    assert fake.file_text(fallback, "postmortems/a.md") == "a published\n"
    assert fake.file_text(fallback, "postmortems/README.md") == "# Catalogue\n"
    assert fake.file_text("main", "postmortems/a.md") == "a\n"
