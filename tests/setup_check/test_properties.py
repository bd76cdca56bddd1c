"""Property tests: the set-up check reads repository files (workflow, form, template) without ever crashing, and
GitHub's filter patterns are matched in linear time, agreeing with a regex translation."""

from __future__ import annotations

import re
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from postmortem.config import Config
from postmortem.github.models import Label
from postmortem.setup_check.check import decide
from postmortem.setup_check.model import ConfigFacts, FileFacts, SetupFacts, WorkflowFacts
from postmortem.setup_check.workflow import filter_matches

KEYS = st.sampled_from(
    ["on", "jobs", "permissions", "steps", "uses", "types", "branches", "paths", "schedule", "cron", "inputs",
     "task", "options", "issues", "pull_request", "push", "postmortem", "body", "id", "labels", "type",
     "attributes", "label", "contents", "write", "read-all"]
)  # fmt: skip
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.text(max_size=12),
    st.sampled_from(["write", "read", "write-all", "acme/postmortem-action@v1", "$/", "[", "**", "main"]),
)
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)),
    max_leaves=25,
)


def _facts(workflow: str, form: str) -> SetupFacts:
    return SetupFacts(
        repository="acme/shop",
        default_branch="main",
        config=Config(),
        config_file=ConfigFacts(path=".github/postmortem.yml", exists=False),
        labels=(Label(name="incident"),),
        form=FileFacts(path=".github/ISSUE_TEMPLATE/incident.yml", text=form),
        workflow=WorkflowFacts(path=".github/workflows/pm.yml", ref="refs/heads/main", text=workflow),
    )


@settings(max_examples=150, deadline=None)
@given(workflow=TREES, form=TREES)
def test_any_workflow_and_form_give_a_checklist(workflow: Any, form: Any) -> None:
    checklist = decide(_facts(yaml.safe_dump(workflow), yaml.safe_dump(form)))
    assert {item.key for item in checklist.items} >= {"labels", "form", "config", "template", "permissions"}
    for item in checklist.items:
        assert item.state in ("ok", "failed", "unknown")
        assert item.state == "ok" or item.fix


@settings(max_examples=100, deadline=None)
@given(workflow=st.text(max_size=200), form=st.text(max_size=200))
def test_any_text_gives_a_checklist(workflow: str, form: str) -> None:
    assert decide(_facts(workflow, form)).items


def _regex(pattern: str) -> re.Pattern[str]:
    """The reference: GitHub's filter syntax for literals, `*`, `**` and `?`, translated to a regex."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        char = pattern[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?" and out and out[-1] not in (".*", "[^/]*") and not out[-1].endswith("?"):
            out.append("?")
        elif char == "?":
            pass
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out))


@settings(max_examples=400, deadline=None)
@given(pattern=st.text(alphabet="ab/*?", max_size=8), subject=st.text(alphabet="ab/", max_size=8))
def test_the_linear_matcher_agrees_with_a_regex(pattern: str, subject: str) -> None:
    assert filter_matches([pattern], subject) == bool(_regex(pattern).fullmatch(subject))


@given(pattern=st.text(max_size=30), subject=st.text(max_size=30))
def test_any_pattern_is_matched_without_error(pattern: str, subject: str) -> None:
    assert filter_matches(pattern, subject) in (True, False)


def test_a_pattern_that_backtracks_exponentially_as_a_regex_is_linear_here() -> None:
    assert not filter_matches(["*a" * 60 + "b"], "a" * 2000)
    assert filter_matches(["**a" * 60], "a" * 2000)
