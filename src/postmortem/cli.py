"""The command line: ``postmortem run`` (in a workflow); ``preview``, ``try``, ``lint``, ``parse`` (locally);
``schema``.

This and the gateway are the only places that touch the environment and the network. Library errors
(:class:`PostmortemError`) become one ``::error::`` line and exit code 1; everything else the run has to
say becomes log lines, the step summary and the step outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from postmortem import __version__
from postmortem.config import DEFAULT_CONFIG_PATH, config_json_schema, parse_config
from postmortem.errors import EventError, NotFound, PostmortemError
from postmortem.events import Event
from postmortem.plan import Annotation, Message
from postmortem.workflow_commands import (
    command,
    markdown_list,
    output_lines,
    plain_lines,
    stop_commands_token,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_LEVEL_COMMAND = {"warning": "warning", "error": "error", "notice": "notice", "debug": "debug"}


class Console:
    """Writes log lines and workflow commands; user text is kept from reading as a command."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def line(self, text: str = "") -> None:
        for line in plain_lines(text) or [""]:
            print(line, file=self.out)

    def message(self, message: Message) -> None:
        name = _LEVEL_COMMAND.get(message.level)
        if name is None:
            self.line(message.text)
        else:
            print(command(name, message.text), file=self.out)

    def error(self, text: str, title: str = "postmortem") -> None:
        print(command("error", text, title=title), file=self.out)

    def group(self, title: str, lines: Sequence[str]) -> None:
        print(command("group", title), file=self.out)
        token = stop_commands_token()
        print(f"::stop-commands::{token}", file=self.out)
        for line in lines:
            print(line, file=self.out)
        print(f"::{token}::", file=self.out)
        print("::endgroup::", file=self.out)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _require(env: Mapping[str, str], name: str, hint: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise EventError(f"{name} is not set: {hint}")
    return value


def _append(path: str | None, text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def cmd_run(args: argparse.Namespace, env: Mapping[str, str], console: Console, pace: bool = True) -> int:
    """Handle the workflow event described by the environment (``pace``: space requests out, as in production)."""
    dry_run = bool(args.dry_run) or _truthy(env.get("POSTMORTEM_DRY_RUN"))
    summary_path = env.get("GITHUB_STEP_SUMMARY")
    report = None
    gateway = None
    try:
        event_name = _require(env, "GITHUB_EVENT_NAME", "run this inside a GitHub Actions workflow.")
        event_path = _require(env, "GITHUB_EVENT_PATH", "run this inside a GitHub Actions workflow.")
        try:
            payload = json.loads(Path(event_path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise EventError(f"Cannot read the event payload {event_path}: {error}.") from error
        event = Event.from_payload(event_name, payload, env.get("GITHUB_REPOSITORY") or None)

        # Imported here for start-up time, not to break a cycle: the runner loads every handler and PyGithub
        # (about a second on a runner), which `lint` (a pre-commit hook), `parse` and `schema` never need.
        from postmortem.context import Context, config_from_file
        from postmortem.github.client import Gateway
        from postmortem.runner import run_event, select_handler
        from postmortem.setup_check import handler as setup_check

        if not select_handler(event):
            console.line(f"Nothing to do for {event.describe()}: not an event this action handles.")
            return EXIT_OK
        token = _require(
            env,
            "GITHUB_TOKEN",
            "pass the `github-token` input (default `${{ github.token }}`) to the action.",
        )
        gateway = Gateway(
            token=token,
            repository=event.repository,
            api_url=env.get("GITHUB_API_URL") or "https://api.github.com",
            pace=pace,
        )
        default_branch = str((payload.get("repository") or {}).get("default_branch") or "") or (
            gateway.get_default_branch()
        )
        config_path = env.get("POSTMORTEM_CONFIG") or DEFAULT_CONFIG_PATH
        # For the set-up check an invalid config is an item of the checklist, not a failure (only where the
        # runner does route the task to it: no other handler may run on the defaults instead of a broken file).
        checking = any(handler is setup_check.handle_check for _, handler in select_handler(event))
        config_file = gateway.get_file(config_path, default_branch)
        if checking:
            config, config_facts = setup_check.config_for_check(config_file, default_branch, config_path)
        else:
            config = config_from_file(config_file, default_branch, config_path)
        ctx = Context(event=event, gateway=gateway, config=config, default_branch=default_branch)
        ctx.snapshot.prime_file(config_path, default_branch, config_file)  # read once, before the Context
        if checking:
            ctx.config_facts = config_facts
            ctx.workflow_ref = env.get("GITHUB_WORKFLOW_REF", "")
        report = run_event(ctx, dry_run=dry_run)
    except PostmortemError as error:
        if isinstance(error, NotFound) and gateway is not None and not gateway.repository_visible():
            error = _invisible(gateway.repository)
        console.error(str(error))
        _append(summary_path, f"### ❌ Post-mortem action failed\n\n{error}\n")
        if report is None and gateway is not None:
            console.line(f"GitHub API requests made: {gateway.request_count}")
        return EXIT_FAILED
    except Exception as error:  # the last line of defence must say what happened
        console.error(
            f"Unexpected error {type(error).__name__}: {error}. This is a bug in postmortem-action; "
            "please report it with this log."
        )
        console.group("Traceback", traceback.format_exc().splitlines())
        return EXIT_FAILED

    if any(isinstance(e, NotFound) for e in report.errors) and gateway and not gateway.repository_visible():
        report.errors = [_invisible(gateway.repository)]
    # a run that nobody's handler was concerned with still says why in plain lines; otherwise debug stays debug
    quiet = not report.writes and not report.errors and all(m.level == "debug" for m in report.messages)
    for message in report.messages:
        console.message(message.model_copy(update={"level": "info"}) if quiet else message)
    for failure in report.errors:
        console.error(str(failure))
    more = _annotate(report.annotations, console)
    # annotations (the completeness check's problems) never fail the run: the commit status carries them
    failed = bool(report.errors) or any(message.level == "error" for message in report.messages)
    verb = "Would apply" if dry_run else "Applied"
    lines = [w.describe() for w in report.writes] if dry_run else [r.write.describe() for r in report.applied]
    if lines:
        console.group(
            _writes_line(verb, lines, failed=failed), [f"{i}. {ln}" for i, ln in enumerate(lines, 1)]
        )
    else:
        console.line(_writes_line(verb, lines, failed=failed))
    if dry_run and any(plan.replan for plan in report.plans):
        console.line(
            "Then, with what these writes create (new issue numbers), it would decide again: for example, "
            "write the new issues into the Action Items table in one commit."
        )
    requests = gateway.request_count if gateway else 0
    console.line(f"GitHub API requests made: {requests}")
    checklist = report.outputs.pop("setup-checklist", None)  # the set-up check's Markdown, for the summary
    _append(env.get("GITHUB_OUTPUT"), output_lines(report.outputs))
    notes = [*report.messages, *(Message(level="error", text=str(failure)) for failure in report.errors)]
    if checklist is not None:
        notes = [Message(level="error", text=str(failure)) for failure in report.errors]
        _append(summary_path, checklist + "\n")
    _append(summary_path, _summary(report.event, verb, lines, notes, requests, report.outputs, failed=failed))
    if more:
        _append(
            summary_path,
            f"\n**{len(more)} more problem(s)** (GitHub shows 10 annotations of each level):\n\n",
        )
        _append(summary_path, "\n".join(more) + "\n")
    return EXIT_FAILED if failed else EXIT_OK


def _annotate(records: Sequence[Annotation], console: Console) -> list[str]:
    """Print the annotations (escaped workflow commands, 10 per level); the step summary's lines for the rest."""
    if not records:
        return []
    from postmortem.completeness.report import workflow_annotations

    commands, rest = workflow_annotations(records)
    for line in commands:
        print(line, file=console.out)
    return rest


def _writes_line(verb: str, lines: Sequence[str], *, failed: bool) -> str:
    """What the run wrote, in words that agree with how it ended: a failed run never says GitHub matches."""
    if failed and lines:
        return (
            f"{verb} {len(lines)} write(s) before the error; the rest was not done (rerun once it is fixed)"
        )
    if failed:
        return "No writes were made: the run stopped at the error above."
    if lines:
        return f"{verb} {len(lines)} write(s)"
    return "No writes needed: GitHub already matches the post-mortem."


def _invisible(repository: str) -> NotFound:
    return NotFound(
        f"The repository {repository} is not visible to this token (404): check the action's `github-token` input "
        "(a token for another repository, or an expired one, cannot read it)."
    )


def _summary(
    event: str,
    verb: str,
    writes: Sequence[str],
    messages: Sequence[Message],
    requests: int,
    outputs: Mapping[str, str],
    *,
    failed: bool = False,
) -> str:
    # The log has every line; the summary keeps what needs attention (or, for a no-op, why nothing happened).
    notes = [f"{m.level}: {m.text}" for m in messages if m.level not in ("info", "debug")]
    if not writes and not notes:
        notes = [m.text for m in messages if m.level != "debug"] or [m.text for m in messages]
    title = "❌ Post-mortem action failed" if failed else "Post-mortem action"
    done = f"{verb} {len(writes)} write(s)" + (" before the error" if failed else "")
    parts = [
        f"### {title}: `{event}`\n",
        f"**{done}** with {requests} API request(s).\n",
        markdown_list(writes) + "\n",
    ]
    if notes:
        parts.append("\n**Notes**\n\n" + markdown_list(notes) + "\n")
    if outputs.get("pull-request-url"):
        parts.append(f"\nPull request: {outputs['pull-request-url']}\n")
    return "\n".join(parts)


def _sample_issue() -> tuple[dict[str, Any], str]:
    defaults = resources.files("postmortem") / "defaults"
    meta = json.loads((defaults / "sample-issue.json").read_text(encoding="utf-8"))
    body = (defaults / "sample-issue.md").read_text(encoding="utf-8")
    return meta, body


def _read(path: str, option: str) -> str:
    """A local file for ``preview``; any failure is one clear error naming the option and the file."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise EventError(f"{option} {path} is not UTF-8 text ({error.reason}): save it as UTF-8.") from error
    except OSError as error:
        raise EventError(f"{option} {path} cannot be read: {error.strerror or error}.") from error


def cmd_preview(args: argparse.Namespace, console: Console) -> int:
    """Render an incident issue (the embedded sample by default) and show the writes a first run makes."""
    # Imported here for start-up time (the handler loads PyGithub), not to break a cycle.
    from postmortem.incident.form import default_form, parse_form_definition
    from postmortem.incident.handler import IncidentState, decide, incident_from_payload
    from postmortem.incident.render import document_path, render_document
    from postmortem.trust import branch_name

    try:
        meta, body = _sample_issue()
        if args.issue:
            body = _read(args.issue, "--issue")
        if args.title:
            meta["title"] = args.title
        config = (
            parse_config(_read(args.config, "--config"), args.config) if args.config else parse_config(None)
        )
        # Like a run, the config's own form and template count (read from the working tree, a clone).
        form_path = args.form or (config.form if args.config and Path(config.form).is_file() else None)
        form = parse_form_definition(_read(form_path, "--form"), form_path) if form_path else default_form()
        template_path = args.template or config.template
        template = _read(template_path, "--template") if template_path else None
        issue = {
            "number": meta["number"],
            "title": meta["title"],
            "body": body,
            "created_at": meta.get("created_at") or datetime.now().astimezone().isoformat(),
            "html_url": meta.get("html_url", ""),
            "user": {"login": meta.get("user", "")},
        }
        incident = incident_from_payload(issue, form)
        document = render_document(
            incident, config, template, template_name=template_path or "postmortem.md.j2"
        )
        state = IncidentState(
            config=config,
            action="opened",
            incident=incident,
            document=document,
            path=document_path(incident, config.directory),
            branch=branch_name(incident.number),
            default_branch="main",
            default_sha="0" * 40,
        )
        plan = decide(state)
    except PostmortemError as error:
        console.error(str(error))
        return EXIT_FAILED
    print(document, file=console.out)
    print("-" * 72, file=console.out)
    print(f"Writes a first run makes for issue #{incident.number} on an empty repository:", file=console.out)
    for line in plan.describe():
        print(f"  {line}", file=console.out)
    for message in plan.messages:
        print(f"  {message.level}: {message.text}", file=console.out)
    return EXIT_OK


def _lint_paths(paths: Sequence[str]) -> list[Path]:
    """The files to lint: each file given, and the ``*.md`` files of each folder given (not its README.md,
    which is the catalogue)."""
    found: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.md") if p.name.lower() != "readme.md")
        else:
            found.append(path)
    return found


def cmd_lint(args: argparse.Namespace, console: Console) -> int:
    """Check post-mortems for completeness: ``path:line:col: rule-id message``; exit 1 when any has an error."""
    # Imported here for start-up time, not to break a cycle: each command loads only what it needs.
    from postmortem.completeness import check, lint_line

    try:
        config_path = args.config or (DEFAULT_CONFIG_PATH if Path(DEFAULT_CONFIG_PATH).is_file() else None)
        config = (
            parse_config(_read(config_path, "--config"), config_path) if config_path else parse_config(None)
        )
        template_path = args.template or (
            config.template if config.template and Path(config.template).is_file() else None
        )
        template = _read(template_path, "--template") if template_path else None
        documents = [(str(path), _read(str(path), "PATH")) for path in _lint_paths(args.paths)]
    except PostmortemError as error:
        print(f"postmortem lint: {error}", file=sys.stderr)
        return EXIT_USAGE
    errors = warnings = 0
    for name, text in documents:
        for problem in check(text, template=template, config=config.completeness, path=name):
            console.line(lint_line(name, problem))  # quotes the document: kept from reading as a command
            if problem.level == "error":
                errors += 1
            else:
                warnings += 1
    if errors or warnings:
        print(
            f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
            f"in {len(documents)} file{'s' if len(documents) != 1 else ''}",
            file=sys.stderr,
        )
    return EXIT_FAILED if errors else EXIT_OK


def cmd_parse(args: argparse.Namespace, console: Console) -> int:
    """Print ``{"answers": …, "incident": …}`` for a rendered issue body read with an issue form."""
    # Imported here for start-up time, not to break a cycle: each command loads only what it needs.
    from postmortem.incident.answers import parse_result
    from postmortem.incident.form import default_form, parse_form_definition

    try:
        form = parse_form_definition(_read(args.form, "--form"), args.form) if args.form else default_form()
        body = sys.stdin.read() if args.issue == "-" else _read(args.issue, "--issue")
    except PostmortemError as error:
        print(f"postmortem parse: {error}", file=sys.stderr)
        return EXIT_FAILED
    result = parse_result(form, body, title=args.title)
    print(json.dumps(result, indent=2, ensure_ascii=False), file=console.out)
    return EXIT_OK


def cmd_try(args: argparse.Namespace, env: Mapping[str, str], console: Console, pace: bool = True) -> int:
    """Run the incident flow (``--issue``) or the sync and sign-off (``--pr``) on a real repository, read-only."""
    # Imported here for start-up time, not to break a cycle: each command loads only what it needs.
    from postmortem.trial import DEFAULT_API_URL, find_token, print_trial, run_trial

    api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
    try:
        trial = run_trial(
            repository=args.repo,
            issue=args.issue,
            pull=args.pr,
            token=find_token(env, api_url),
            api_url=api_url,
            config_path=args.config or env.get("POSTMORTEM_CONFIG") or DEFAULT_CONFIG_PATH,
            sender=args.sender.removeprefix("@") if args.sender else None,
            pace=pace,
        )
    except PostmortemError as error:
        print(f"error: {error}", file=console.out)
        return EXIT_FAILED
    return EXIT_OK if print_trial(trial, args.repo, console.out) else EXIT_FAILED


_RUN_ENVIRONMENT = """\
environment (set by GitHub Actions; the action's inputs arrive as the POSTMORTEM_* ones):
  GITHUB_TOKEN         token for the REST API (the `github-token` input); required
  GITHUB_REPOSITORY    owner/name of the repository (else the payload's repository)
  GITHUB_EVENT_NAME    the event: issues, pull_request, pull_request_review, push, schedule, workflow_dispatch, …
  GITHUB_EVENT_PATH    the JSON file holding the event's payload
  GITHUB_API_URL       the REST API's address (default https://api.github.com; GitHub Enterprise Server:
                       https://HOST/api/v3)
  GITHUB_WORKFLOW_REF  owner/repo/.github/workflows/x.yml@ref of the running workflow (the set-up check reads it)
  GITHUB_OUTPUT        file for the step outputs (optional)
  GITHUB_STEP_SUMMARY  file for the step summary (optional)
  POSTMORTEM_CONFIG    the config file's path (the `config` input; default .github/postmortem.yml)
  POSTMORTEM_DRY_RUN   true: the same as --dry-run (the `dry-run` input)
  GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT, GITHUB_JOB  recorded in the lock a run takes to create tracking issues
  POSTMORTEM_LOCK_MINUTES  how long that lock holds if the run is killed (default 10: the job's timeout-minutes)

To try the action on a repository from your machine, without a workflow, use `postmortem try`.
"""

_TRY_EPILOG = """\
It reads only: it prints the post-mortem document and every write a run would make, and makes none.
The event is built from the issue or pull request as it is now: --issue N is `issues.labeled` with the incident
label (as if it were added); --pr N is `pull_request.ready_for_review` for an open pull request (as if it left
draft) or `pull_request.closed` for a merged one.

environment:
  GITHUB_TOKEN     a token that can read the repository; else `gh auth token` when the GitHub CLI is installed
  GITHUB_API_URL   the REST API's address (default https://api.github.com; GitHub Enterprise Server:
                   https://HOST/api/v3)
"""


def cmd_schema(args: argparse.Namespace, console: Console) -> int:
    """Print the config file's JSON Schema."""
    print(json.dumps(config_json_schema(), indent=2, ensure_ascii=False), file=console.out)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``postmortem`` command."""
    parser = argparse.ArgumentParser(
        prog="postmortem", description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--version", action="version", version=f"postmortem-action {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="handle the GitHub Actions event in the environment",
        description="Handle the GitHub Actions event described by the environment.",
        epilog=_RUN_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--dry-run", action="store_true", help="print every write it would make, make none")
    trial = sub.add_parser(
        "try",
        help="run the action on a real repository's issue or pull request, read-only",
        description="Run the incident flow (--issue) or the action-items sync and sign-off (--pr) against a "
        "repository on GitHub with your own token.",
        epilog=_TRY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    trial.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the repository")
    which = trial.add_mutually_exclusive_group(required=True)
    which.add_argument("--issue", type=int, metavar="N", help="an incident issue: the draft it would open")
    which.add_argument(
        "--pr", type=int, metavar="N", help="a post-mortem pull request: its sync and sign-off"
    )
    trial.add_argument(
        "--sender",
        metavar="LOGIN",
        help="who the event is from (default: the issue's or pull request's author); the action acts only for "
        "people with write access",
    )
    trial.add_argument(
        "--config", help=f"the config file's path in the repository (default {DEFAULT_CONFIG_PATH})"
    )
    preview = sub.add_parser("preview", help="render an incident issue locally and show the plan of writes")
    preview.add_argument("--issue", help="a rendered issue body (Markdown); default: the embedded sample")
    preview.add_argument("--title", help="the issue title")
    preview.add_argument("--form", help="an issue form (YAML); default: the embedded incident form")
    preview.add_argument("--config", help=f"a config file like {DEFAULT_CONFIG_PATH}")
    preview.add_argument("--template", help="a custom Jinja2 template")
    sub.add_parser("schema", help="print the JSON Schema of the config file")
    lint = sub.add_parser("lint", help="check post-mortems for completeness (exit 1 on errors)")
    lint.add_argument("paths", nargs="+", metavar="PATH", help="post-mortem files, or folders of them")
    lint.add_argument("--config", help=f"the config file (default: {DEFAULT_CONFIG_PATH} when it exists)")
    lint.add_argument(
        "--template", help="the post-mortem template (default: the config's, else the embedded one)"
    )
    parse = sub.add_parser("parse", help="print an incident issue's answers and incident fields as JSON")
    parse.add_argument("--form", help="the issue form (YAML); default: the embedded incident form")
    parse.add_argument("--issue", required=True, metavar="BODY", help="the rendered issue body; - for stdin")
    parse.add_argument("--title", help="the issue title (checked against the form's title prefix)")
    return parser


def main(
    argv: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    out: TextIO | None = None,
    *,
    pace: bool = True,
) -> int:
    """Entry point of the ``postmortem`` command; tests pass ``env``, ``out`` and ``pace=False``."""
    args = build_parser().parse_args(argv)
    console = Console(out or sys.stdout)
    if args.command == "run":
        return cmd_run(args, os.environ if env is None else env, console, pace=pace)
    if args.command == "preview":
        return cmd_preview(args, console)
    if args.command == "lint":
        return cmd_lint(args, console)
    if args.command == "parse":
        return cmd_parse(args, console)
    if args.command == "try":
        return cmd_try(args, os.environ if env is None else env, console, pace=pace)
    return cmd_schema(args, console)


if __name__ == "__main__":
    sys.exit(main())
