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
    catalogue: CatalogueConfig = Field(default_factory=lambda: CatalogueConfig())

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
