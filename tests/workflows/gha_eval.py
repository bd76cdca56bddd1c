"""A small, honest evaluator of what decides whether a GitHub Actions job runs for an event.

Two parts, both following GitHub's documentation ("Events that trigger workflows", "Workflow syntax",
"Evaluate expressions in workflows and actions"):

- :func:`triggers` — the workflow's ``on:`` filters: the event name, ``types`` (with GitHub's default
  activity types for ``pull_request``), ``branches``/``branches-ignore``/``tags`` and ``paths`` (push
  ``paths`` are matched against the files the payload's commits list; tag pushes ignore ``paths``).
- :func:`evaluate` — an ``if:`` expression: ``==``, ``!=``, ``<``/``<=``/``>``/``>=``, ``&&``, ``||``,
  ``!``, parentheses, property access (``a.b``, ``a['b']``, the ``.*`` object filter), the functions
  ``contains``, ``startsWith``, ``endsWith``, ``format``, ``fromJSON``, ``toJSON`` and string, number,
  boolean and null literals, with GitHub's rules: property names and string comparisons ignore case;
  ``==`` is loose (mismatched types are compared as numbers: null → 0, true → 1, a string parsed as a JSON
  number or NaN, objects → NaN); ``&&``/``||`` return an operand; falsy is false, 0, -0, NaN, "" and null.

Anything outside that subset raises :class:`Unsupported` instead of guessing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any


class Unsupported(Exception):
    """The expression or filter uses something this evaluator does not implement."""


# --- values ------------------------------------------------------------------------------------------------


class Filtered(list[Any]):
    """The result of a ``.*`` filter: later property accesses apply to each element."""


def truthy(value: Any) -> bool:
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def to_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return 0.0
        try:
            parsed = json.loads(text)
        except ValueError:
            if re.fullmatch(r"0x[0-9a-fA-F]+", text):
                return float(int(text, 16))
            return math.nan
        return (
            float(parsed) if isinstance(parsed, (int, float)) and not isinstance(parsed, bool) else math.nan
        )
    return math.nan


def to_string(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    return "Array" if isinstance(value, list) else "Object"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def loose_equal(left: Any, right: Any) -> bool:
    kl, kr = _kind(left), _kind(right)
    if kl == kr:
        if kl == "string":
            return bool(left.upper() == right.upper())  # ordinal, ignoring case
        if kl == "number":
            return bool(float(left) == float(right))  # NaN is never equal
        if kl == "object":
            return left is right  # objects and arrays: only the same instance
        return bool(left == right)
    return to_number(left) == to_number(right)


def _compare(left: Any, right: Any) -> float | None:
    """-1/0/1, or None when the comparison is false whatever the operator (NaN)."""
    if _kind(left) == _kind(right) == "string":
        a, b = left.upper(), right.upper()
        return (a > b) - (a < b)
    a, b = to_number(left), to_number(right)
    if math.isnan(a) or math.isnan(b):
        return None
    return (a > b) - (a < b)


def _property(value: Any, name: str) -> Any:
    if isinstance(value, Filtered):
        out = Filtered()
        for item in value:
            found = _property(item, name)
            if found is not None:
                out.append(found)
        return out
    if isinstance(value, dict):
        if name in value:
            return value[name]
        lowered = name.lower()
        for key, item in value.items():  # context property names ignore case
            if isinstance(key, str) and key.lower() == lowered:
                return item
        return None
    return None


def _wildcard(value: Any) -> Filtered:
    if isinstance(value, Filtered):
        out = Filtered()
        for item in value:
            out.extend(_wildcard(item))
        return out
    if isinstance(value, dict):
        return Filtered(value.values())
    if isinstance(value, list):
        return Filtered(value)
    return Filtered()


def _index(value: Any, key: Any) -> Any:
    if isinstance(key, str):
        return _property(value, key)
    if isinstance(value, list) and not isinstance(key, bool) and isinstance(key, (int, float)):
        position = int(key)
        return value[position] if 0 <= position < len(value) else None
    return None


# --- tokens ------------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<string>'(?:[^']|'')*')"
    r"|(?P<number>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\].,*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*)"
    r")"
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        if source[position:].strip() == "":
            break
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise Unsupported(f"cannot read the expression at {source[position : position + 20]!r}")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(kind)))
        position = match.end()
    return tokens


# --- parser: one recursive-descent function per precedence level -------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token], context: dict[str, Any]) -> None:
        self.tokens = tokens
        self.position = 0
        self.context = context

    def peek(self) -> Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, text: str | None = None) -> Token:
        token = self.peek()
        if token is None or (text is not None and token.text != text):
            raise Unsupported(f"expected {text or 'more'}, found {token.text if token else 'the end'}")
        self.position += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text in texts

    # Evaluation is eager on both sides: the subset has no side effects, so short-circuiting only matters
    # for the value returned, which && and || below get right.
    def parse_or(self) -> Any:
        left = self.parse_and()
        while self.at("||"):
            self.take()
            right = self.parse_and()
            left = left if truthy(left) else right
        return left

    def parse_and(self) -> Any:
        left = self.parse_equality()
        while self.at("&&"):
            self.take()
            right = self.parse_equality()
            left = right if truthy(left) else left
        return left

    def parse_equality(self) -> Any:
        left = self.parse_comparison()
        while self.at("==", "!="):
            operator = self.take().text
            right = self.parse_comparison()
            equal = loose_equal(left, right)
            left = equal if operator == "==" else not equal
        return left

    def parse_comparison(self) -> Any:
        left = self.parse_unary()
        while self.at("<", "<=", ">", ">="):
            operator = self.take().text
            right = self.parse_unary()
            order = _compare(left, right)
            if order is None:
                left = False
            else:
                left = {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[operator]
        return left

    def parse_unary(self) -> Any:
        if self.at("!"):
            self.take()
            return not truthy(self.parse_unary())
        return self.parse_postfix()

    def parse_postfix(self) -> Any:
        value = self.parse_primary()
        while self.at(".", "["):
            if self.take().text == ".":
                if self.at("*"):
                    self.take()
                    value = _wildcard(value)
                else:
                    name = self.take()
                    if name.kind != "name":
                        raise Unsupported(f"expected a property name after '.', found {name.text}")
                    value = _property(value, name.text)
            else:
                if self.at("*"):
                    self.take()
                    value = _wildcard(value)
                else:
                    key = self.parse_or()
                    value = (
                        Filtered(_index(item, key) for item in value)
                        if isinstance(value, Filtered)
                        else _index(value, key)
                    )
                self.take("]")
        return value

    def parse_primary(self) -> Any:
        token = self.take()
        if token.kind == "string":
            return token.text[1:-1].replace("''", "'")
        if token.kind == "number":
            return to_number(token.text)
        if token.kind == "op" and token.text == "(":
            value = self.parse_or()
            self.take(")")
            return value
        if token.kind == "name":
            lowered = token.text.lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            if lowered == "null":
                return None
            if self.at("("):
                return self.call(lowered)
            if lowered not in self.context:
                raise Unsupported(f"unknown context {token.text!r}")
            return self.context[lowered]
        raise Unsupported(f"unexpected {token.text!r}")

    def call(self, name: str) -> Any:
        self.take("(")
        arguments: list[Any] = []
        while not self.at(")"):
            arguments.append(self.parse_or())
            if not self.at(")"):
                self.take(",")
        self.take(")")
        if name == "contains" and len(arguments) == 2:
            search, item = arguments
            if isinstance(search, list):
                return any(loose_equal(item, element) for element in search)
            return to_string(item).upper() in to_string(search).upper()
        if name == "startswith" and len(arguments) == 2:
            return to_string(arguments[0]).upper().startswith(to_string(arguments[1]).upper())
        if name == "endswith" and len(arguments) == 2:
            return to_string(arguments[0]).upper().endswith(to_string(arguments[1]).upper())
        if name == "fromjson" and len(arguments) == 1:
            return json.loads(to_string(arguments[0]))
        if name == "tojson" and len(arguments) == 1:
            return json.dumps(arguments[0], indent=2)
        if name == "format" and arguments:
            text = to_string(arguments[0])
            return re.sub(r"\{(\d+)\}", lambda m: to_string(arguments[1 + int(m.group(1))]), text)
        if name in ("success", "always") and not arguments:
            return True  # a job without `needs:`: nothing before it can have failed
        raise Unsupported(f"function {name}() with {len(arguments)} arguments")


def evaluate(expression: str, context: dict[str, Any]) -> Any:
    """The value of an ``if:`` expression (with or without ``${{ }}``) in ``context``."""
    source = expression.strip()
    if source.startswith("${{") and source.endswith("}}"):
        source = source[3:-2]
    parser = _Parser(tokenize(source), {key.lower(): value for key, value in context.items()})
    value = parser.parse_or()
    if parser.peek() is not None:
        raise Unsupported(f"unexpected {parser.peek().text!r} after the expression")  # type: ignore[union-attr]
    return value


# --- the github context of a run ---------------------------------------------------------------------------


def github_context(event_name: str, payload: dict[str, Any], *, ref: str | None = None) -> dict[str, Any]:
    """The ``github`` context GitHub builds for ``event_name`` with ``payload`` (the parts the subset reads).

    ``ref`` follows "Events that trigger workflows": the pushed ref for ``push``, ``refs/pull/N/merge`` for
    ``pull_request``, the chosen branch for ``workflow_dispatch``, else the default branch.
    """
    repository = payload.get("repository") or {}
    default_branch = repository.get("default_branch") or "main"
    if ref is None:
        if event_name == "push":
            ref = payload["ref"]
        elif event_name in ("pull_request", "pull_request_review") and payload.get("pull_request"):
            ref = f"refs/pull/{payload['pull_request']['number']}/merge"
        else:
            ref = f"refs/heads/{default_branch}"
    assert ref is not None
    ref_name = re.sub(r"^refs/(heads|tags)/", "", ref)
    return {
        "event_name": event_name,
        "event": payload,
        "repository": repository.get("full_name", ""),
        "ref": ref,
        "ref_name": ref_name,
        "ref_type": "tag" if ref.startswith("refs/tags/") else "branch",
        "actor": (payload.get("sender") or {}).get("login", ""),
    }


# --- on: ---------------------------------------------------------------------------------------------------

_DEFAULT_TYPES = {"pull_request": ["opened", "synchronize", "reopened"]}


def _glob(pattern: str) -> re.Pattern[str]:
    """GitHub's filter patterns ("Filter pattern cheat sheet"): ``*`` is any run of characters within a
    path segment, ``**`` crosses segments, ``?`` is zero or one of the preceding character, ``+`` one or
    more of it, ``[a-z0-9]`` one character of a set or range."""
    atoms: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            atoms.append(".*")
            i += 2
        elif pattern[i] == "*":
            atoms.append("[^/]*")
            i += 1
        elif pattern[i] in "?+" and atoms:
            atoms[-1] = f"(?:{atoms[-1]}){pattern[i]}"
            i += 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            atoms.append("[" + re.sub(r"[^A-Za-z0-9-]", "", pattern[i + 1 : end]) + "]")
            i = end + 1
        else:
            atoms.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(atoms))


def _matches(patterns: list[str], value: str) -> bool:
    """Last matching pattern wins; a ``!pattern`` excludes."""
    result = False
    for pattern in patterns:
        negative = pattern.startswith("!")
        if _glob(pattern.removeprefix("!")).fullmatch(value):
            result = not negative
    return result


def _changed_paths(payload: dict[str, Any]) -> list[str]:
    paths: list[str] = []
    commits = list(payload.get("commits") or [])
    for commit in commits:
        for key in ("added", "modified", "removed"):
            paths.extend(commit.get(key) or [])
    return paths


def triggers(on: Any, event_name: str, payload: dict[str, Any]) -> bool:
    """Whether a workflow with this ``on:`` (loaded with YAML's BaseLoader) starts a run for the event."""
    if isinstance(on, str):
        on = {on: None}
    elif isinstance(on, list):
        on = dict.fromkeys(on)
    if event_name not in on:
        return False
    spec = on[event_name] or {}
    if not isinstance(spec, dict):
        if event_name == "schedule" and isinstance(spec, list):
            return True
        raise Unsupported(f"on.{event_name} is {spec!r}")
    known = {"types", "branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore", "inputs"}
    if set(spec) - known:
        raise Unsupported(f"on.{event_name} filters {sorted(set(spec) - known)}")
    action = payload.get("action")
    types = spec.get("types", _DEFAULT_TYPES.get(event_name))
    if types is not None and action is not None and action not in types:
        return False
    if event_name == "push":
        ref = str(payload.get("ref") or "")
        is_tag = ref.startswith("refs/tags/")
        name = re.sub(r"^refs/(heads|tags)/", "", ref)
        has_branches = "branches" in spec or "branches-ignore" in spec
        has_tags = "tags" in spec or "tags-ignore" in spec
        if is_tag:
            if has_branches and not has_tags:
                return False
            if "tags" in spec and not _matches(spec["tags"], name):
                return False
            # Path filters are not evaluated for pushes of tags.
            return not ("tags-ignore" in spec and _matches(spec["tags-ignore"], name))
        if has_tags and not has_branches:
            return False
        if "branches" in spec and not _matches(spec["branches"], name):
            return False
        if "branches-ignore" in spec and _matches(spec["branches-ignore"], name):
            return False
    elif event_name.startswith("pull_request") and ("branches" in spec or "branches-ignore" in spec):
        base = str(((payload.get("pull_request") or {}).get("base") or {}).get("ref") or "")
        if "branches" in spec and not _matches(spec["branches"], base):
            return False
        if "branches-ignore" in spec and _matches(spec["branches-ignore"], base):
            return False
    if event_name == "push" and ("paths" in spec or "paths-ignore" in spec):
        changed = _changed_paths(payload)
        if "paths" in spec and not any(_matches(spec["paths"], path) for path in changed):
            return False
        if "paths-ignore" in spec and changed and all(_matches(spec["paths-ignore"], p) for p in changed):
            return False
    return True


__all__ = ["Filtered", "Unsupported", "evaluate", "github_context", "loose_equal", "triggers"]
