"""Fixtures shared by every test: a fake GitHub, a gateway talking to it, and webhook payloads."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from postmortem.github.client import Gateway
from tests.fake_github import FakeGitHub

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    """A fresh fake GitHub (``Codertocat/Hello-World``) answering every api.github.com request of the test."""
    github = FakeGitHub()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        github.register(mock)
        yield github


@pytest.fixture
def gateway(fake: FakeGitHub) -> Gateway:
    """A gateway on the fake repository, without pacing (no throttle, no backoff sleeps)."""
    return Gateway(token="test-token", repository=fake.repository, pace=False)


@pytest.fixture
def payload() -> Callable[[str], dict[str, Any]]:
    """Load ``tests/fixtures/webhooks/<name>.payload.json`` (or ``<name>.json``) as a fresh dict."""

    def load(name: str) -> dict[str, Any]:
        folder = FIXTURES / "webhooks"
        for candidate in (folder / f"{name}.payload.json", folder / f"{name}.json", folder / name):
            if candidate.is_file():
                data: dict[str, Any] = json.loads(candidate.read_text(encoding="utf-8"))
                return data
        raise FileNotFoundError(f"no webhook fixture named {name!r} in {folder}")

    return load
