"""The repository's configuration (``.github/postmortem.yml``), validated.

A bad file raises :class:`ConfigError` naming the key, the bad value and the fix.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from postmortem.errors import ConfigError

DEFAULT_CONFIG_PATH = ".github/postmortem.yml"
# Used with fullmatch: `$` would also match before a final newline ("mallory\n").
_ID = re.compile(r"[a-z0-9][a-z0-9-]*")
_LOGIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?")
_TEAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*")

MAX_LABEL_LENGTH = 50  # GitHub refuses longer label names
MAX_YAML_NODES = 10_000
"""The most values a config file may expand to through YAML aliases: a real config has a few dozen; a
billion-laughs file (aliases of aliases) expands to billions and is refused before it is expanded."""

# Characters that make a text display in another order than it is stored (Trojan Source, CVE-2021-42574).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unsafe_character(value: str) -> str | None:
    """Why ``value`` cannot be a path or a name shown to people: the first control, bidi or invisible
    character in it, as a sentence fragment; None when it has none."""
    for char in value:
        if char.isprintable():
            continue
        code = f"U+{ord(char):04X}"
        if char in _BIDI:
            return (
                f"contains the bidi control character {code}, which makes text display in a different order "
                "than it is stored"
            )
        if unicodedata.category(char) == "Cc":
            return f"contains the control character {code}"
        return f"contains the invisible character {code}"
    return None


def _require_plain(value: str, advice: str) -> None:
    """ValueError ``<what is wrong>: <advice>`` when ``value`` holds a control, bidi or invisible character."""
    problem = _unsafe_character(value)
    if problem:
        raise ValueError(f"{problem}: {advice}")


def _check_label(value: str) -> str:
    if not value.strip():
        raise ValueError(
            "is empty: name a label, e.g. incident (an empty label matches no issue, so the action would "
            "silently do nothing)"
        )
    _require_plain(value, "write the label name in plain text")
    if len(value) > MAX_LABEL_LENGTH:
        raise ValueError(f"is longer than GitHub's {MAX_LABEL_LENGTH}-character limit for labels: shorten it")
    return value


_LABEL_SCHEMA: dict[str, Any] = {"minLength": 1, "maxLength": MAX_LABEL_LENGTH}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Role(_Strict):
    """A sign-off role and who holds it."""

    id: str = Field(description="Stable identifier, lowercase with dashes (used as the key in `signoff`).")
    title: str = Field(description="How the role is shown in the document and comments.")
    users: list[str] = Field(default_factory=list, description="GitHub logins holding the role.")
    teams: list[str] = Field(
        default_factory=list, description="Teams (`org/team-slug`) whose members hold the role."
    )

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _ID.fullmatch(value):
            raise ValueError("use lowercase letters, digits and dashes, e.g. incident-commander")
        return value

    @field_validator("title")
    @classmethod
    def _check_title(cls, value: str) -> str:
        _require_plain(value, "write the title in plain text, e.g. Incident Commander")
        return value

    @field_validator("users")
    @classmethod
    def _check_users(cls, value: list[str]) -> list[str]:
        return _names(
            value, _LOGIN, "is not a GitHub login: write it as letters, digits and dashes, e.g. octocat"
        )

    @field_validator("teams")
    @classmethod
    def _check_teams(cls, value: list[str]) -> list[str]:
        return _names(value, _TEAM, "is not a team; write it as org/team-slug")


def _names(value: list[str], pattern: re.Pattern[str], problem: str) -> list[str]:
    """Logins or team slugs without a leading ``@``; ValueError naming the first that ``pattern`` rejects."""
    cleaned = [name.removeprefix("@") for name in value]
    for name in cleaned:
        if not pattern.fullmatch(name):
            raise ValueError(f"{name!r} {problem}")
    return cleaned


DEFAULT_ROLES = (
    Role(id="incident-commander", title="Incident Commander"),
    Role(id="cto", title="CTO"),
    Role(id="lead-engineer", title="Lead Engineer"),
    Role(id="devops-lead", title="DevOps Lead"),
)


class SignoffConfig(_Strict):
    roles: list[Role] = Field(
        default_factory=lambda: list(DEFAULT_ROLES), description="The roles listed in the Sign-Off section."
    )
    required: list[str] = Field(
        default_factory=list, description="Role ids whose approval is needed for the sign-off status."
    )

    @model_validator(mode="after")
    def _check_required(self) -> SignoffConfig:
        ids = [role.id for role in self.roles]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"role ids must be unique; {', '.join(duplicates)} appears twice")
        unknown = [r for r in self.required if r not in ids]
        if unknown:
            raise ValueError(
                f"required names {', '.join(unknown)}, which is not a role id; use one of {', '.join(ids)}"
            )
        return self


class ActionItemsConfig(_Strict):
    owners: dict[str, str] = Field(
        default_factory=dict,
        description="Map from a name written in the Owner column to the GitHub login that gets the issue.",
    )
    label: str = Field(
        "action-item", description="Label put on every tracking issue.", json_schema_extra=_LABEL_SCHEMA
    )

    @field_validator("label")
    @classmethod
    def _check_label(cls, value: str) -> str:
        return _check_label(value)

    @field_validator("owners")
    @classmethod
    def _check_owners(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {name: login.removeprefix("@") for name, login in value.items()}
        for name, login in cleaned.items():
            if not _LOGIN.fullmatch(login):
                raise ValueError(
                    f"owner {name!r} maps to {login!r}, which is not a GitHub login: write it as letters, "
                    "digits and dashes, e.g. octocat"
                )
        return cleaned


COMPLETENESS_RULE_IDS = (
    "section-missing",
    "section-order",
    "placeholder",
    "template-prompt",
    "example-block",
    "summary-empty",
    "root-cause-empty",
    "five-whys",
    "timeline-empty",
    "time-order",
    "severity",
    "action-items-required",
    "action-item-fields",
)
"""The completeness check's rule ids (``postmortem.completeness`` keeps its rules in this order)."""
_SEVERITY_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,15}$")


def _check_rule_ids(value: list[str]) -> list[str]:
    unknown = [rule for rule in value if rule not in COMPLETENESS_RULE_IDS]
    if unknown:
        raise ValueError(
            f"{', '.join(unknown)} is not a rule id; use one of {', '.join(COMPLETENESS_RULE_IDS)}"
        )
    return value


class SeverityRule(_Strict):
    """What the completeness check asks of a post-mortem of one severity."""

    min_action_items: int = Field(
        0, ge=0, description="Committed action items (not Proposed, not Won't Do) the post-mortem must have."
    )
    ignore: list[str] = Field(default_factory=list, description="Rule ids not checked for this severity.")

    @field_validator("ignore")
    @classmethod
    def _check_ignore(cls, value: list[str]) -> list[str]:
        return _check_rule_ids(value)


def _default_severity_rules() -> dict[str, SeverityRule]:
    return {
        "P0": SeverityRule(min_action_items=1),
        "P1": SeverityRule(min_action_items=1),
        "P2": SeverityRule(),
    }


class CompletenessConfig(_Strict):
    """The completeness check (``postmortem lint`` and the ``postmortem/completeness`` status)."""

    ignore: list[str] = Field(default_factory=list, description="Rule ids not checked at all.")
    severity_rules: dict[str, SeverityRule] = Field(
        default_factory=_default_severity_rules,
        description="The valid severities (the keys) and what each asks for; replaces the default P0/P1/P2.",
    )

    @field_validator("ignore")
    @classmethod
    def _check_ignore(cls, value: list[str]) -> list[str]:
        return _check_rule_ids(value)

    @field_validator("severity_rules")
    @classmethod
    def _check_severities(cls, value: dict[str, SeverityRule]) -> dict[str, SeverityRule]:
        if not value:
            raise ValueError("name at least one severity, e.g. P0: {min_action_items: 1}")
        for key in value:
            if not _SEVERITY_KEY.match(key):
                raise ValueError(f"{key!r} is not a severity; use a short name like P1 or SEV2")
        return value


class Config(_Strict):
    """``.github/postmortem.yml``. Every key is optional."""

    directory: str = Field("postmortems", description="Folder of the post-mortem documents.")
    incident_label: str = Field(
        "incident", description="Label that marks an incident issue.", json_schema_extra=_LABEL_SCHEMA
    )
    postmortem_label: str = Field(
        "postmortem",
        description="Label put on the post-mortem pull request.",
        json_schema_extra=_LABEL_SCHEMA,
    )
    form: str = Field(
        ".github/ISSUE_TEMPLATE/incident.yml",
        description="Path of the incident issue form in the repository.",
    )
    template: str | None = Field(None, description="Path of a custom Jinja2 template in the repository.")
    bot_login: str | None = Field(
        None,
        description="The login the action's token writes as, when that is a person (a personal access token). "
        "Comments, issues and pull requests carrying the action's hidden markers are believed only when this "
        "login wrote them; by default, only when a GitHub App bot (such as github-actions[bot]) did.",
    )
    close_incident_on_publish: bool = Field(
        False, description="Close the incident issue when its post-mortem is merged (default: comment only)."
    )
    signoff: SignoffConfig = Field(default_factory=SignoffConfig)
    action_items: ActionItemsConfig = Field(default_factory=ActionItemsConfig)
    completeness: CompletenessConfig = Field(default_factory=CompletenessConfig)
    reminders: RemindersConfig = Field(default_factory=lambda: RemindersConfig())
    follow_up: FollowUpConfig = Field(default_factory=lambda: FollowUpConfig())
    catalogue: CatalogueConfig = Field(default_factory=lambda: CatalogueConfig())

    @field_validator("bot_login")
    @classmethod
    def _check_bot_login(cls, value: str | None) -> str | None:
        if value is not None and not _LOGIN.fullmatch(value.removeprefix("@")):
            raise ValueError(
                f"{value!r} is not a GitHub login: write the login the token acts as, e.g. octo-bot "
                "(letters, digits and dashes, nothing around it)"
            )
        return value.removeprefix("@") if value else value

    @field_validator("incident_label", "postmortem_label")
    @classmethod
    def _check_labels(cls, value: str) -> str:
        return _check_label(value)

    @field_validator("form", "template")
    @classmethod
    def _check_paths(cls, value: str | None) -> str | None:
        if value is not None:
            _require_plain(value, "write the path in plain text, e.g. .github/ISSUE_TEMPLATE/incident.yml")
        return value

    @field_validator("directory")
    @classmethod
    def _check_directory(cls, value: str) -> str:
        _require_plain(
            value, "use a relative folder inside the repository, e.g. postmortems or docs/postmortems"
        )
        cleaned = value.strip().strip("/")
        if not cleaned or cleaned.startswith(".") or ".." in cleaned.split("/") or "\\" in cleaned:
            raise ValueError(
                "use a relative folder inside the repository, e.g. postmortems or docs/postmortems"
            )
        return cleaned


def _location(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + part)
    return "".join(parts) or "(top level)"


class _TooLarge(Exception):
    """The document expands past :data:`MAX_YAML_NODES` through aliases (or an alias refers to itself)."""


def _expanded_size(node: yaml.Node, memo: dict[int, int], active: set[int]) -> int:
    """How many values ``node`` stands for once every alias is expanded, without expanding any: an alias is
    the same node object, so its size is counted from the memo, and the count stops at the bound."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in active:
        raise _TooLarge("an alias refers to a value that contains it")
    active.add(key)
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, active)
            if total > MAX_YAML_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for name, child in node.value:
            total += _expanded_size(name, memo, active) + _expanded_size(child, memo, active)
            if total > MAX_YAML_NODES:
                break
    active.discard(key)
    if total > MAX_YAML_NODES:
        raise _TooLarge(f"it expands to more than {MAX_YAML_NODES:,} values through YAML aliases (*name)")
    memo[key] = total
    return total


class _BoundedLoader(yaml.SafeLoader):
    """``yaml.safe_load`` that refuses a document expanding past :data:`MAX_YAML_NODES` values."""

    def compose_document(self) -> yaml.Node | None:
        node: yaml.Node | None = super().compose_document()
        if node is not None:
            _expanded_size(node, {}, set())
        return node


def _preview(value: Any, limit: int = 80) -> str:
    """``value`` as escaped JSON, at most ``limit`` characters: walked with a budget, so a huge (or
    alias-expanded) value costs no more than its first ``limit`` characters."""
    parts: list[str] = []
    budget = [limit + 1]

    def emit(text: str) -> None:
        parts.append(text[: max(budget[0], 0)])
        budget[0] -= len(text)

    def walk(item: Any) -> None:
        if budget[0] <= 0:
            return
        if isinstance(item, dict):
            emit("{")
            for index, (name, child) in enumerate(item.items()):
                if budget[0] <= 0:
                    return
                emit((", " if index else "") + json.dumps(str(name)[:limit]) + ": ")
                walk(child)
            emit("}")
        elif isinstance(item, (list, tuple)):
            emit("[")
            for index, child in enumerate(item):
                if budget[0] <= 0:
                    return
                emit(", " if index else "")
                walk(child)
            emit("]")
        elif isinstance(item, str):
            emit(json.dumps(item[: limit + 1]))
        else:
            emit(json.dumps(item, default=lambda other: str(other)[: limit + 1]))

    walk(value)
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_config(text: str | None, path: str = DEFAULT_CONFIG_PATH) -> Config:
    """Parse and validate the configuration file's text; ``None`` (no file) gives the defaults."""
    if text is None or not text.strip():
        return Config()
    try:
        data: Any = yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader with a size bound
    except _TooLarge as error:
        raise ConfigError(
            f"{path} is refused: {error}. Write the values out, or use fewer aliases (&name / *name)."
        ) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path} is not valid YAML{where}: fix the syntax ({error}).") from error
    if data is None:
        return Config()
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path} must be a mapping of keys (directory:, signoff:, …), not {type(data).__name__}."
        )
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            key = _location(problem["loc"])
            value = _preview(problem.get("input"))
            if problem["type"] == "extra_forbidden":
                known = ", ".join(_known_keys(problem["loc"]))
                fix = f"unknown key; remove it or use one of: {known}"
            else:
                fix = problem["msg"].removeprefix("Value error, ")
            lines.append(f"{key} = {value}: {fix}")
        raise ConfigError(f"{path} is invalid: " + "; ".join(lines) + ".") from error


def _known_keys(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation if part in model.model_fields else None
        inner = getattr(annotation, "__args__", (annotation,))
        found = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if found is None:
            break
        model = found
    return list(model.model_fields)


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of the configuration file, generated from the models."""
    schema = Config.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "postmortem-action configuration (.github/postmortem.yml)"
    return schema


# Follow-through (issue #8): reminders on tracking issues, the digest, and the 30-day follow-up review.


class RemindersConfig(_Strict):
    """Scheduled reminders on open tracking issues, and the digest issue."""

    enabled: bool = Field(True, description="Comment on tracking issues that are due soon or overdue.")
    due_soon_days: int = Field(
        2, ge=0, le=365, description="An open item due within this many days gets one 'due soon' comment."
    )
    every_days: int = Field(
        7, ge=1, le=365, description="An overdue item's reminder repeats at most once every this many days."
    )
    digest: bool = Field(
        True, description="Keep one issue labelled postmortem-digest listing every open action item."
    )


class FollowUpConfig(_Strict):
    """The follow-up review opened some days after publication."""

    enabled: bool = Field(
        True, description="Record a follow-up date on publication and open the review issue."
    )
    days: int = Field(30, ge=1, le=3650, description="Days from publication to the follow-up review.")


class CatalogueConfig(_Strict):
    """The catalogue README: every post-mortem with metrics and charts, refreshed on each change."""

    enabled: bool = Field(True, description="Keep the catalogue README current on the default branch.")
    path: str | None = Field(
        None,
        description="Where the catalogue is written (a Markdown file in the repository); default "
        "`<directory>/README.md`. Text above and below its marked region is kept.",
    )

    @field_validator("path")
    @classmethod
    def _check_path(cls, value: str | None) -> str | None:
        if value is None:
            return None
        cleaned = value.strip().strip("/")
        parts = cleaned.split("/")
        if (
            not cleaned.casefold().endswith(".md")
            or ".." in parts
            or "\\" in cleaned
            or cleaned.startswith(".")
        ):
            raise ValueError("use a Markdown file inside the repository, e.g. postmortems/README.md")
        return cleaned


def catalogue_path(config: Config) -> str:
    """The catalogue's path: ``catalogue.path``, else ``<directory>/README.md``."""
    return config.catalogue.path or f"{config.directory}/README.md"


Config.model_rebuild()
