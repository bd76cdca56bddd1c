"""The fake GitHub answers like GitHub, and the harness's webhook payloads look like GitHub's.

Checked against GitHub's own published descriptions, copied in ``tests/fixtures`` (see its ``SOURCES.md``):

* every REST operation of ``rest/github-rest-subset.resolved.json`` (GitHub's OpenAPI description, 2xx
  response schemas with ``$ref`` inlined) that the fake implements: the fake's JSON body validates against
  the documented schema, its status is a documented 2xx, and no ``url``/``html_url``/``Link`` carries ``:443``;
* the fake's error answers have the documented error body shape (``basic-error`` / ``validation-error`` from
  ``rest/github-rest-subset.operations.json``);
* every payload builder of ``tests/harness.py`` validates against the ``<event>$<action>`` definition of
  octokit's webhook schema (``webhooks/octokit-webhooks-schemas-7.6.1.schema.json``).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests import harness
from tests.fake_github import FakeGitHub, blob_sha
from tests.material import fixture, recorded_sha256, sha256

API = "https://api.github.com"
REPO = f"{API}/repos/Codertocat/Hello-World"
RESOLVED = fixture("rest", "github-rest-subset.resolved.json")
OPERATIONS = fixture("rest", "github-rest-subset.operations.json")
WEBHOOK_SCHEMA = fixture("webhooks", "octokit-webhooks-schemas-7.6.1.schema.json")
HEADERS = {"Authorization": "token test-token", "Accept": "application/vnd.github+json"}


# ====================================================================== schema plumbing

_DROPPED = {
    "nullable",
    "example",
    "examples",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
}


def openapi_to_jsonschema(schema: Any) -> Any:
    """An OpenAPI 3.0 schema object as plain JSON Schema (draft 4 semantics).

    ``nullable: true`` also admits ``null`` (added to ``type`` and ``enum``, or as an ``anyOf`` branch when
    the schema combines subschemas); recursive refs left unresolved (``x-unresolved: cycle``) accept
    anything; OpenAPI-only keywords and ``x-`` extensions are dropped. Property *names* are kept as is.
    """
    if isinstance(schema, list):
        return [openapi_to_jsonschema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("x-unresolved") == "cycle":
        return {}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {name: openapi_to_jsonschema(sub) for name, sub in value.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = openapi_to_jsonschema(value)
        elif key in _DROPPED or key.startswith("x-"):
            continue
        else:
            out[key] = value
    if schema.get("nullable") is True:
        if any(k in out for k in ("allOf", "anyOf", "oneOf", "$ref")) or "type" not in out:
            return {"anyOf": [{"type": "null"}, out]}
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time (the format checker jsonschema ships needs an extra package)."""
    if not isinstance(value, str):
        return True
    if "T" not in value.upper() or not (value.endswith(("Z", "z")) or value[-6] in "+-"):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.replace("z", "Z"))
    return True


def _problems(validator: jsonschema.protocols.Validator, instance: Any) -> list[str]:
    """Readable validation errors (path: message), deepest first inside ``oneOf``/``anyOf``."""
    out = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "<root>"
        detail = error.message[:300]
        if error.context:
            best = jsonschema.exceptions.best_match(error.context)
            detail += f" [best match: {'/'.join(str(p) for p in best.absolute_path)}: {best.message[:200]}]"
        out.append(f"{where}: {detail}")
    return out


def assert_valid(schema: dict[str, Any], instance: Any, what: str) -> None:
    validator = jsonschema.Draft4Validator(openapi_to_jsonschema(schema), format_checker=_FORMATS)
    problems = _problems(validator, instance)
    assert not problems, f"{what} does not match GitHub's schema:\n  " + "\n  ".join(problems)


@cache
def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _resolved_operations() -> list[dict[str, Any]]:
    return list(_json(RESOLVED)["operations"])


def _documented(method: str, path: str) -> dict[str, Any]:
    for op in _json(RESOLVED)["operations"]:
        if op["method"] == method and op["path"] == path:
            return dict(op)
    raise LookupError(f"{method} {path} is not in the operations file")


def _success_schema(op: dict[str, Any], status: int) -> dict[str, Any]:
    response = op["responses"][str(status)]
    return dict(response["content"]["application/json"]["schema"])


# ====================================================================== driving the fake


def api(method: str, path: str, body: Any = None, **params: Any) -> requests.Response:
    """A plain HTTPS request to the fake (``path`` is below ``/repos/Codertocat/Hello-World``)."""
    return requests.request(
        method, f"{REPO}{path}", json=body, params=params or None, headers=HEADERS, timeout=5
    )


def _seed(fake: FakeGitHub) -> None:
    """A repository with enough in it that every list answers more than one page at ``per_page=1``."""
    fake.add_file("main", "postmortems/2024-01-01-db.md", "# Outage\n")
    fake.add_file("main", "postmortems/old/2023.md", "# Old\n")
    fake.add_label("incident", "d73a4a", "An incident")
    fake.set_permission("octocat", "write")
    fake.set_permission("hubot", "maintain")
    first = fake.add_issue("Database outage", "body", labels=["incident"], assignees=["octocat"])
    fake.add_issue("Closed one", None, state="closed", state_reason="completed")
    fake.add_comment(first.number, "first")
    fake.add_comment(first.number, "second")
    fake.add_file("feature-a", "postmortems/a.md", "a\n")
    fake.add_file("feature-b", "postmortems/b.md", "b\n")
    pull = fake.add_pull("feature-a", title="Post-mortem A", labels=["incident"])
    fake.add_pull("feature-b", title="Post-mortem B", draft=True)
    fake.add_pull("merged", title="Old", merged=True)
    fake.add_review(pull.number, "octocat", "APPROVED", body="LGTM")
    fake.add_review(pull.number, "hubot", "CHANGES_REQUESTED")
    fake.add_review(pull.number, "monalisa", "PENDING")


Exchange = tuple[str, requests.Response]
Driver = Callable[[FakeGitHub], list[Exchange]]


def _issue(fake: FakeGitHub) -> int:
    return fake.issues_only()[0].number


def _pull(fake: FakeGitHub) -> int:
    return fake.pulls()[0].number


def _new_branch(fake: FakeGitHub) -> str:
    fake.add_file("fresh", "postmortems/fresh.md", "fresh\n")
    return "fresh"


DRIVERS: dict[tuple[str, str], Driver] = {
    ("GET", "/repos/{owner}/{repo}/issues"): lambda f: [
        ("page 1 of all (issues and pull requests)", api("GET", "/issues", state="all", per_page=1)),
        ("page 2", api("GET", "/issues", state="all", per_page=1, page=2)),
        ("all at once", api("GET", "/issues", state="all", per_page=100)),
    ],
    ("POST", "/repos/{owner}/{repo}/issues"): lambda f: [
        ("create", api("POST", "/issues", {"title": "New", "body": "b", "labels": ["incident"], "assignees": ["octocat"]})),
        ("create, no body", api("POST", "/issues", {"title": "Bare"})),
    ],
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}"): lambda f: [
        (f"issue #{i.number} ({i.state})", api("GET", f"/issues/{i.number}")) for i in f.items.values()
    ],
    ("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}"): lambda f: [
        ("close", api("PATCH", f"/issues/{_issue(f)}", {"state": "closed", "state_reason": "not_planned"})),
        ("reopen", api("PATCH", f"/issues/{_issue(f)}", {"state": "open"})),
        ("edit a pull request through issues", api("PATCH", f"/issues/{_pull(f)}", {"labels": ["incident"]})),
    ],
    ("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments"): lambda f: [
        ("page 1", api("GET", f"/issues/{_issue(f)}/comments", per_page=1)),
        ("page 2", api("GET", f"/issues/{_issue(f)}/comments", per_page=1, page=2)),
    ],
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments"): lambda f: [
        ("comment", api("POST", f"/issues/{_issue(f)}/comments", {"body": "hello"})),
    ],
    ("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels"): lambda f: [
        ("add labels", api("POST", f"/issues/{_issue(f)}/labels", {"labels": ["incident", "sev1"]})),
    ],
    ("GET", "/repos/{owner}/{repo}/pulls"): lambda f: [
        ("page 1 of all", api("GET", "/pulls", state="all", per_page=1)),
        ("all at once", api("GET", "/pulls", state="all", per_page=100)),
        ("by head", api("GET", "/pulls", head="Codertocat:feature-a")),
    ],
    ("POST", "/repos/{owner}/{repo}/pulls"): lambda f: [
        ("create", api("POST", "/pulls", {"title": "T", "head": _new_branch(f), "base": "main", "body": None})),
    ],
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}"): lambda f: [
        (f"pull #{p.number} ({p.state}, merged={p.merged})", api("GET", f"/pulls/{p.number}")) for p in f.pulls()
    ],
    ("PATCH", "/repos/{owner}/{repo}/pulls/{pull_number}"): lambda f: [
        ("edit", api("PATCH", f"/pulls/{_pull(f)}", {"title": "Renamed", "body": "b"})),
        ("close", api("PATCH", f"/pulls/{_pull(f)}", {"state": "closed"})),
    ],
    ("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"): lambda f: [
        ("reviews (approved, changes requested, pending)", api("GET", f"/pulls/{_pull(f)}/reviews")),
        ("page 1", api("GET", f"/pulls/{_pull(f)}/reviews", per_page=1)),
    ],
    ("POST", "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers"): lambda f: [
        ("request", api("POST", f"/pulls/{_pull(f)}/requested_reviewers", {"reviewers": ["octocat"], "team_reviewers": ["sre"]})),
    ],
    ("GET", "/repos/{owner}/{repo}/contents/{path}"): lambda f: [
        ("file", api("GET", "/contents/postmortems/2024-01-01-db.md", ref="main")),
        ("directory", api("GET", "/contents/postmortems", ref="main")),
        ("file on the default branch", api("GET", "/contents/postmortems/old/2023.md")),
    ],
    ("PUT", "/repos/{owner}/{repo}/contents/{path}"): lambda f: [
        ("create", api("PUT", "/contents/postmortems/new.md", {"message": "Add", "content": base64.b64encode(b"new\n").decode(), "branch": "main"})),
        ("update", api("PUT", "/contents/postmortems/new.md", {"message": "Edit", "content": base64.b64encode(b"v2\n").decode(), "sha": blob_sha(b"new\n"), "branch": "main"})),
    ],
    ("GET", "/repos/{owner}/{repo}/git/ref/{ref}"): lambda f: [
        ("branch", api("GET", "/git/ref/heads/main")),
    ],
    ("POST", "/repos/{owner}/{repo}/git/refs"): lambda f: [
        ("create", api("POST", "/git/refs", {"ref": "refs/heads/new-branch", "sha": f.branches["main"]})),
    ],
    ("GET", "/repos/{owner}/{repo}"): lambda f: [("repository", api("GET", ""))],
    ("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission"): lambda f: [
        ("write", api("GET", "/collaborators/octocat/permission")),
        ("maintain", api("GET", "/collaborators/hubot/permission")),
    ],
    ("POST", "/repos/{owner}/{repo}/statuses/{sha}"): lambda f: [
        ("pending", api("POST", f"/statuses/{f.branches['main']}", {"state": "pending", "context": "postmortem"})),
        ("success with url", api("POST", f"/statuses/{f.branches['main']}", {"state": "success", "context": "postmortem", "description": "ok", "target_url": "https://example.com/x"})),
    ],
    ("GET", "/repos/{owner}/{repo}/labels"): lambda f: [
        ("page 1", api("GET", "/labels", per_page=1)),
        ("all", api("GET", "/labels")),
    ],
    ("POST", "/repos/{owner}/{repo}/labels"): lambda f: [
        ("create", api("POST", "/labels", {"name": "sev2", "color": "#ff0000", "description": "Severity 2"})),
        ("create, no description", api("POST", "/labels", {"name": "sev3"})),
    ],
}  # fmt: skip
"""How to exercise each documented operation the fake implements (several answers per operation)."""

NOT_IMPLEMENTED_PROBES: dict[tuple[str, str], tuple[str, dict[str, Any] | None]] = {
    ("POST", "/repos/{owner}/{repo}/check-runs"): ("/check-runs", {"name": "x", "head_sha": "0" * 40}),
    ("GET", "/repos/{owner}/{repo}/milestones"): ("/milestones", None),
    ("POST", "/repos/{owner}/{repo}/milestones"): ("/milestones", {"title": "v1"}),
}
"""Documented operations the action does not use and the fake does not model (a probe proves it answers 404)."""


def _walk_urls(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            if isinstance(sub, str) and (key == "url" or key.endswith("_url")):
                yield f"{where}/{key}", sub
            else:
                yield from _walk_urls(sub, f"{where}/{key}")
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _walk_urls(sub, f"{where}/{index}")


def _op_id(op: dict[str, Any]) -> str:
    return f"{op['method']} {op['path'].removeprefix('/repos/{owner}/{repo}') or '/'}"


_OPS = _resolved_operations()
_MODELLED = [op for op in _OPS if (op["method"], op["path"]) in DRIVERS]
_NOT_MODELLED = [op for op in _OPS if (op["method"], op["path"]) not in DRIVERS]


# ====================================================================== 1. REST responses vs the OpenAPI description


@pytest.mark.parametrize(
    "key",
    [pytest.param((op["method"], op["path"]), id=_op_id(op)) for op in _MODELLED],
)
def test_fake_answers_match_the_rest_description(fake: FakeGitHub, key: tuple[str, str]) -> None:
    method, path = key
    op = _documented(method, path)
    documented = sorted(int(code) for code in op["responses"] if code.startswith("2"))
    _seed(fake)
    for label, answer in DRIVERS[key](fake):
        what = f"{method} {path} [{label}] -> {answer.status_code}"
        assert answer.status_code in documented, (
            f"{what}: documented 2xx are {documented}: {answer.text[:300]}"
        )
        assert answer.headers["content-type"].startswith("application/json")
        data = answer.json()
        assert_valid(_success_schema(op, answer.status_code), data, what)
        bad = [(where, url) for where, url in _walk_urls(data) if ":443" in url]
        assert not bad, f"{what}: urls carry :443: {bad}"
        link = answer.headers.get("link", "")
        assert ":443" not in link, f"{what}: Link header carries :443: {link}"
        for part in filter(None, link.split(",")):
            assert part.strip().startswith(f"<{API}/repos/"), f"{what}: odd Link entry {part!r}"


@pytest.mark.parametrize(
    "key",
    [pytest.param((op["method"], op["path"]), id=_op_id(op)) for op in _NOT_MODELLED],
)
def test_documented_operations_the_fake_does_not_model_answer_404(
    fake: FakeGitHub, key: tuple[str, str]
) -> None:
    """Every documented operation is either driven above or listed as not modelled, and then answers 404."""
    method, path = key
    assert key in NOT_IMPLEMENTED_PROBES, (
        f"{method} {path} is documented: add it to DRIVERS or NOT_IMPLEMENTED_PROBES"
    )
    probe, body = NOT_IMPLEMENTED_PROBES[key]
    answer = api(method, probe, body)
    assert answer.status_code == 404, f"the fake answers {method} {path}: add it to DRIVERS"


def test_creates_answer_201_and_reads_200(fake: FakeGitHub) -> None:
    """The documented status, operation by operation (the parametrized test accepts any documented 2xx)."""
    ops = _json(RESOLVED)["operations"]
    _seed(fake)
    for op in ops:
        key = (op["method"], op["path"])
        if key not in DRIVERS:
            continue
        documented = {int(code) for code in op["responses"] if code.startswith("2")}
        statuses = {answer.status_code for _, answer in DRIVERS[key](fake)}
        if key == ("PUT", "/repos/{owner}/{repo}/contents/{path}"):
            assert statuses == {200, 201} == documented  # 201 creates the file, 200 updates it
        else:
            assert statuses == documented, (key, statuses, documented)


def test_paginated_lists_send_github_link_headers(fake: FakeGitHub) -> None:
    _seed(fake)
    answer = api("GET", "/issues", state="all", per_page=2, page=2)
    link = answer.headers["link"]
    rels = {part.split('rel="')[1].rstrip('"') for part in link.split(", ")}
    assert rels == {"prev", "first", "next", "last"}
    for part in link.split(", "):
        url = part.split(">")[0].lstrip("<")
        assert url.startswith(f"{REPO}/issues?")
        assert ":443" not in url


def _component(name: str) -> dict[str, Any]:
    schemas: dict[str, Any] = _json(OPERATIONS)["components"]["schemas"]
    return dict(schemas[name])


def test_list_statuses_items_match_the_status_schema(fake: FakeGitHub) -> None:
    """``GET /commits/{sha}/statuses`` is not in the operations file; GitHub documents its items as the same
    ``status`` schema the create-status operation returns, so check them against that."""
    sha = fake.branches["main"]
    api("POST", f"/statuses/{sha}", {"state": "failure", "context": "postmortem", "description": "no"})
    answer = api("GET", f"/commits/{sha}/statuses")
    assert answer.status_code == 200
    schema = _success_schema(_documented("POST", "/repos/{owner}/{repo}/statuses/{sha}"), 201)
    assert_valid({"type": "array", "items": schema}, answer.json(), "GET /commits/{sha}/statuses")


def test_team_members_items_match_the_simple_user_schema(fake: FakeGitHub) -> None:
    """``GET /orgs/{org}/teams/{slug}/members`` is not in the operations file; its items are ``simple-user``."""
    schema = _component("simple-user")
    fake.add_team("Codertocat/sre", ["octocat", "hubot"])
    answer = requests.get(f"{API}/orgs/Codertocat/teams/sre/members", headers=HEADERS, timeout=5)
    assert answer.status_code == 200
    assert_valid({"type": "array", "items": schema}, answer.json(), "GET team members")


# ====================================================================== 2. error answers


def _error_schema(method: str, path: str, status: int) -> dict[str, Any]:
    """The documented error body schema of an operation's ``status`` answer, ``$ref``s resolved."""
    document = _json(OPERATIONS)
    registry: Registry[Any] = Registry().with_resource("urn:ops", Resource.opaque(document))
    resolver = registry.resolver(base_uri="urn:ops")
    op = next(o for o in document["operations"] if o["method"] == method and o["path"] == path)
    response = op["responses"][str(status)]
    if "$ref" in response:
        response = resolver.lookup(f"urn:ops{response['$ref']}").contents
    schema = response["content"]["application/json"]["schema"]
    if "oneOf" in schema:
        # PUT contents 409 is documented as oneOf(basic-error, repository-rule-violation-error), but every
        # basic error also satisfies the rule-violation schema (all its fields are optional), so no body GitHub
        # sends could pass a strict oneOf: read it as anyOf.
        schema = {"anyOf": schema["oneOf"]}

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return inline(resolver.lookup(f"urn:ops{node['$ref']}").contents)
            return {k: inline(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    return dict(inline(schema))


def _assert_error(
    answer: requests.Response, method: str, path: str, status: int, message: str
) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert_valid(_error_schema(method, path, status), body, f"{method} {path} -> {status}")
    # GitHub always sends both, even though basic-error does not mark them required
    assert isinstance(body.get("message"), str)
    assert body["message"].startswith(message), body["message"]
    assert str(body.get("documentation_url", "")).startswith("https://docs.github.com/"), body
    return body


def test_not_found_has_githubs_error_shape(fake: FakeGitHub) -> None:
    _assert_error(
        api("GET", "/issues/999"), "GET", "/repos/{owner}/{repo}/issues/{issue_number}", 404, "Not Found"
    )
    _assert_error(
        api("GET", "/pulls/999"), "GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 404, "Not Found"
    )
    _assert_error(
        api("GET", "/contents/nope.md"), "GET", "/repos/{owner}/{repo}/contents/{path}", 404, "Not Found"
    )
    _assert_error(
        api("GET", "/git/ref/heads/nope"), "GET", "/repos/{owner}/{repo}/git/ref/{ref}", 404, "Not Found"
    )
    _assert_error(
        api("GET", "/collaborators/stranger/permission"),
        "GET",
        "/repos/{owner}/{repo}/collaborators/{username}/permission",
        404,
        "",
    )


def test_stale_sha_conflict_has_githubs_error_shape(fake: FakeGitHub) -> None:
    fake.add_file("main", "a.md", "one\n")
    content = base64.b64encode(b"two\n").decode()
    answer = api("PUT", "/contents/a.md", {"message": "m", "content": content, "sha": blob_sha(b"old\n")})
    _assert_error(answer, "PUT", "/repos/{owner}/{repo}/contents/{path}", 409, "a.md does not match")


def test_protected_branch_conflict_has_githubs_error_shape(fake: FakeGitHub) -> None:
    fake.protect("main")
    content = base64.b64encode(b"x\n").decode()
    answer = api("PUT", "/contents/a.md", {"message": "m", "content": content})
    _assert_error(
        answer, "PUT", "/repos/{owner}/{repo}/contents/{path}", 409, "Repository rule violations found"
    )


def test_reference_already_exists_has_githubs_error_shape(fake: FakeGitHub) -> None:
    answer = api("POST", "/git/refs", {"ref": "refs/heads/main", "sha": fake.branches["main"]})
    _assert_error(answer, "POST", "/repos/{owner}/{repo}/git/refs", 422, "Reference already exists")


def test_pull_request_exists_has_githubs_validation_error_shape(fake: FakeGitHub) -> None:
    fake.add_file("feature", "a.md", "a\n")
    fake.add_pull("feature")
    answer = api("POST", "/pulls", {"title": "again", "head": "feature", "base": "main"})
    body = _assert_error(answer, "POST", "/repos/{owner}/{repo}/pulls", 422, "Validation Failed")
    assert body["errors"] == [
        {
            "resource": "PullRequest",
            "code": "custom",
            "message": "A pull request already exists for Codertocat:feature.",
        }
    ]


@pytest.mark.parametrize(
    ("method", "path", "body", "documented", "resource", "field", "code"),
    [
        ("POST", "/issues", {"title": ""}, "/repos/{owner}/{repo}/issues", "Issue", "title", "missing_field"),
        ("POST", "/issues", {"title": "x" * 257}, "/repos/{owner}/{repo}/issues", "Issue", "title", "custom"),
        ("POST", "/labels", {"name": "incident"}, "/repos/{owner}/{repo}/labels", "Label", "name", "already_exists"),
        ("POST", "/pulls", {"head": "nope", "base": "main"}, "/repos/{owner}/{repo}/pulls", "PullRequest", "head", "invalid"),
    ],
)  # fmt: skip
def test_validation_failed_lists_resource_field_code(
    fake: FakeGitHub,
    method: str,
    path: str,
    body: dict[str, Any],
    documented: str,
    resource: str,
    field: str,
    code: str,
) -> None:
    fake.add_label("incident")
    answer = api(method, path, body)
    out = _assert_error(answer, method, documented, 422, "Validation Failed")
    assert out["errors"], out
    assert {"resource": resource, "field": field, "code": code}.items() <= out["errors"][0].items()


def test_rate_limit_answer_has_githubs_shape_and_headers(fake: FakeGitHub) -> None:
    for kind in ("primary", "secondary"):
        fake.rate_limit_next("POST", r"/issues$", kind=kind, retry_after=60 if kind == "secondary" else None)
        answer = api("POST", "/issues", {"title": "t"})
        message = (
            "API rate limit exceeded" if kind == "primary" else "You have exceeded a secondary rate limit"
        )
        _assert_error(answer, "POST", "/repos/{owner}/{repo}/issues", 403, message)
        headers = answer.headers
        for name in ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used"):
            assert headers[name].isdigit(), (name, headers.get(name))
        assert headers["x-ratelimit-resource"] == "core"
        assert (headers["x-ratelimit-remaining"] == "0") is (kind == "primary")
        assert ("retry-after" in headers) is (kind == "secondary")


def test_permission_refusal_has_githubs_error_shape(fake: FakeGitHub) -> None:
    fake.revoke("issues")
    answer = api("POST", "/issues", {"title": "t"})
    _assert_error(
        answer, "POST", "/repos/{owner}/{repo}/issues", 403, "Resource not accessible by integration"
    )


def test_injected_failures_have_githubs_error_shape(fake: FakeGitHub) -> None:
    fake.fail_next("GET", r"/pulls/\d+$", 404)
    fake.add_pull("feature")
    _assert_error(
        api("GET", "/pulls/1"), "GET", "/repos/{owner}/{repo}/pulls/{pull_number}", 404, "Not Found"
    )
    fake.fail_next("POST", r"/git/refs$", 409)
    answer = api("POST", "/git/refs", {"ref": "refs/heads/x", "sha": fake.branches["main"]})
    _assert_error(answer, "POST", "/repos/{owner}/{repo}/git/refs", 409, "Conflict")


# ====================================================================== 3. webhook payloads vs octokit's schema


@cache
def _webhook_registry(path: Path) -> Registry[Any]:
    resource = Resource.from_contents(_json(path), default_specification=DRAFT7)
    return Registry().with_resource("urn:octokit-webhooks", resource)


def assert_webhook_valid(definition: str, payload: dict[str, Any]) -> None:
    path = WEBHOOK_SCHEMA
    assert definition in _json(path)["definitions"], definition
    validator = jsonschema.Draft7Validator(
        {"$ref": f"urn:octokit-webhooks#/definitions/{definition}"},
        registry=_webhook_registry(path),
        format_checker=_FORMATS,
    )
    problems = _problems(validator, payload)
    assert not problems, f"payload is not a valid {definition}:\n  " + "\n  ".join(problems)


def _with_issue(fake: FakeGitHub) -> int:
    return fake.add_issue("Database outage", "### Severity\n\nSEV1\n", labels=["incident"]).number


def _with_pull(fake: FakeGitHub, *, draft: bool = False) -> int:
    """A pull request with a label, a requested reviewer and a requested team (so their shapes are checked)."""
    fake.add_file("postmortem/db", "postmortems/db.md", "# DB\n")
    item = fake.add_pull(
        "postmortem/db", title="Post-mortem: DB", body="text", draft=draft, labels=["postmortem"]
    )
    item.requested_reviewers, item.requested_teams = ["octocat"], ["sre"]
    return item.number


def _issue_case(action: str) -> Callable[[FakeGitHub], dict[str, Any]]:
    def build(fake: FakeGitHub) -> dict[str, Any]:
        number = _with_issue(fake)
        if action == "reopened":
            harness.close_issue(fake, number)
            harness.reopen_issue(fake, number)
        label = "incident" if action == "labeled" else None
        changes = {"body": {"from": "old"}} if action == "edited" else None
        return harness.issue_payload(fake, number, action=action, label=label, changes=changes)

    return build


def _tracking_case(action: str, reason: str = "completed") -> Callable[[FakeGitHub], dict[str, Any]]:
    def build(fake: FakeGitHub) -> dict[str, Any]:
        number = _with_issue(fake)
        harness.close_issue(fake, number, reason)
        if action == "reopened":
            harness.reopen_issue(fake, number)
        return harness.tracking_issue_payload(fake, number, action=action)

    return build


def _pull_case(builder: str, action: str, *, merged: bool = False) -> Callable[[FakeGitHub], dict[str, Any]]:
    def build(fake: FakeGitHub) -> dict[str, Any]:
        number = _with_pull(fake, draft=action == "opened")
        if action == "ready_for_review":
            fake.items[number].draft = False
        if action == "closed":
            if merged:
                harness.merge_pull(fake, number)
            else:
                item = fake.items[number]
                item.state, item.closed_at = "closed", item.created_at
        make = harness.pull_payload if builder == "pull_payload" else harness.pull_request_payload
        return make(fake, number, action=action)

    return build


def _review_case(state: str, action: str = "submitted") -> Callable[[FakeGitHub], dict[str, Any]]:
    def build(fake: FakeGitHub) -> dict[str, Any]:
        number = _with_pull(fake)
        review = fake.add_review(number, "octocat", state, body="Looks good")
        return harness.review_payload(fake, review, action=action)

    return build


def _push_case(fake: FakeGitHub) -> dict[str, Any]:
    fake.add_file("main", "postmortems/db.md", "# DB\n")
    return harness.push_payload(fake, added=["postmortems/db.md"], modified=["README.md"])


WEBHOOK_CASES: list[tuple[str, str, Callable[[FakeGitHub], dict[str, Any]]]] = [
    ("issue_payload-opened", "issues$opened", _issue_case("opened")),
    ("issue_payload-edited", "issues$edited", _issue_case("edited")),
    ("issue_payload-labeled", "issues$labeled", _issue_case("labeled")),
    ("issue_payload-reopened", "issues$reopened", _issue_case("reopened")),
    ("tracking_issue_payload-closed", "issues$closed", _tracking_case("closed")),
    ("tracking_issue_payload-closed-not_planned", "issues$closed", _tracking_case("closed", "not_planned")),
    ("tracking_issue_payload-reopened", "issues$reopened", _tracking_case("reopened")),
    *[
        (f"{builder}-{action}", f"pull_request${action}", _pull_case(builder, action))
        for builder in ("pull_payload", "pull_request_payload")
        for action in ("opened", "synchronize", "ready_for_review", "closed")
    ],
    *[
        (f"{builder}-closed-merged", "pull_request$closed", _pull_case(builder, "closed", merged=True))
        for builder in ("pull_payload", "pull_request_payload")
    ],
    ("review_payload-submitted-approved", "pull_request_review$submitted", _review_case("APPROVED")),
    ("review_payload-submitted-changes_requested", "pull_request_review$submitted", _review_case("CHANGES_REQUESTED")),
    ("review_payload-submitted-commented", "pull_request_review$submitted", _review_case("COMMENTED")),
    ("review_payload-dismissed", "pull_request_review$dismissed", _review_case("DISMISSED", "dismissed")),
    ("push_payload", "push$event", _push_case),
    ("dispatch_payload", "workflow_dispatch$event", harness.dispatch_payload),
]  # fmt: skip


@pytest.mark.parametrize(("definition", "build"), [pytest.param(d, b, id=i) for i, d, b in WEBHOOK_CASES])
def test_harness_payload_matches_octokit_schema(
    fake: FakeGitHub, definition: str, build: Callable[[FakeGitHub], dict[str, Any]]
) -> None:
    assert_webhook_valid(definition, build(fake))


@pytest.mark.parametrize(
    ("definition", "build", "mistake"),
    [
        ("issues$closed", _tracking_case("closed"), lambda p: p["issue"].update(closed_at=None)),
        ("issues$closed", _tracking_case("closed"), lambda p: p["issue"].update(state="open")),
        ("pull_request$closed", _pull_case("pull_payload", "closed", merged=True), lambda p: p["pull_request"].pop("merged")),
        ("pull_request$closed", _pull_case("pull_payload", "closed", merged=True), lambda p: p["pull_request"].update(merged_at="yesterday")),
        ("pull_request_review$submitted", _review_case("APPROVED"), lambda p: p["review"].update(state="APPROVED")),
        ("pull_request_review$dismissed", _review_case("DISMISSED", "dismissed"), lambda p: p["review"].update(state="approved")),
        ("issues$labeled", _issue_case("labeled"), lambda p: p["label"].pop("id")),
    ],
    ids=["closed_at-null", "closed-issue-open", "merged-missing", "merged_at-not-a-date", "review-state-upper-case", "dismissed-not-dismissed", "label-without-id"],
)  # fmt: skip
def test_the_schema_check_catches_what_github_never_sends(
    fake: FakeGitHub,
    definition: str,
    build: Callable[[FakeGitHub], dict[str, Any]],
    mistake: Callable[[dict[str, Any]], None],
) -> None:
    """The webhook check has teeth: each payload is valid as built and invalid after one un-GitHub-like edit."""
    payload = build(fake)
    assert_webhook_valid(definition, payload)
    mistake(payload)
    with pytest.raises(AssertionError, match="is not a valid"):
        assert_webhook_valid(definition, payload)


@pytest.mark.parametrize(
    "name",
    [
        "issues.opened",
        "issues.edited",
        "issues.labeled",
        "issues.reopened",
        "pull_request.opened",
        "pull_request.closed",
        "pull_request.synchronize",
        "pull_request.ready_for_review",
        "pull_request_review.submitted",
        "pull_request_review.dismissed",
    ],
)
def test_fixture_examples_are_githubs_and_valid(name: str) -> None:
    """The repo's copies of GitHub's examples are byte-identical to the published ones (their SHA-256 is recorded
    in ``tests/fixtures/SHA256SUMS``) and pass the schema (so a failure above is the builder's doing, not the
    example's)."""
    real = ours = harness.WEBHOOKS / f"{name}.payload.json"
    assert sha256(ours) == recorded_sha256()[f"webhooks/{name}.payload.json"]
    event, action = name.split(".")
    assert_webhook_valid(f"{event}${action}", _json(real))
