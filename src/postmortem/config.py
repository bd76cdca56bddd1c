"""The repository's configuration (``.github/postmortem.yml``), validated.

A bad file raises :class:`ConfigError` naming the key, the bad value and the fix.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from postmortem.errors import ConfigError

DEFAULT_CONFIG_PATH = ".github/postmortem.yml"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
_TEAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


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
        if not _ID.match(value):
            raise ValueError("use lowercase letters, digits and dashes, e.g. incident-commander")
        return value

    @field_validator("users")
    @classmethod
    def _check_users(cls, value: list[str]) -> list[str]:
        cleaned = [user.removeprefix("@") for user in value]
        for user in cleaned:
            if not _LOGIN.match(user):
                raise ValueError(f"{user!r} is not a GitHub login")
        return cleaned

    @field_validator("teams")
    @classmethod
    def _check_teams(cls, value: list[str]) -> list[str]:
        cleaned = [team.removeprefix("@") for team in value]
        for team in cleaned:
            if not _TEAM.match(team):
                raise ValueError(f"{team!r} is not a team; write it as org/team-slug")
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
    label: str = Field("action-item", description="Label put on every tracking issue.")

    @field_validator("owners")
    @classmethod
    def _check_owners(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {name: login.removeprefix("@") for name, login in value.items()}
        for name, login in cleaned.items():
            if not _LOGIN.match(login):
                raise ValueError(f"owner {name!r} maps to {login!r}, which is not a GitHub login")
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
    incident_label: str = Field("incident", description="Label that marks an incident issue.")
    postmortem_label: str = Field("postmortem", description="Label put on the post-mortem pull request.")
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

    @field_validator("bot_login")
    @classmethod
    def _check_bot_login(cls, value: str | None) -> str | None:
        if value is not None and not _LOGIN.match(value.removeprefix("@")):
            raise ValueError(f"{value!r} is not a GitHub login")
        return value.removeprefix("@") if value else value

    @field_validator("directory")
    @classmethod
    def _check_directory(cls, value: str) -> str:
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


def parse_config(text: str | None, path: str = DEFAULT_CONFIG_PATH) -> Config:
    """Parse and validate the configuration file's text; ``None`` (no file) gives the defaults."""
    if text is None or not text.strip():
        return Config()
    try:
        data: Any = yaml.safe_load(text)
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
            value = json.dumps(problem.get("input"), default=str)
            if len(value) > 80:
                value = value[:77] + "..."
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


Config.model_rebuild()
