"""GitHub Actions workflow commands (``::error::``, ``::group::``), step outputs and the step summary, as text.

Pure formatting: the CLI decides where the text goes. User text is escaped so that it can never start a
command of its own (a newline in an error message would otherwise begin a new, attacker-chosen line).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping


def _break_v1(text: str) -> str:
    # The runner still reads the old `##[command]` form anywhere in a line.
    return text.replace("##[", "## [")


def escape_data(text: str) -> str:
    """Escape a command's message (``%``, CR, LF) as the runner expects."""
    return _break_v1(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (also ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str = "", **properties: str) -> str:
    """One workflow command line, e.g. ``::error title=Config::bad key``."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def plain_lines(text: str) -> list[str]:
    """Log lines for untrusted text: none can read as a command.

    The runner strips leading white space before it looks for ``::``, so such a line gets a visible prefix;
    the old ``##[`` form, which counts anywhere in a line, is broken up.
    """
    return [
        ("› " + line if line.lstrip().startswith("::") else line) for line in _break_v1(text).splitlines()
    ]


def stop_commands_token() -> str:
    """A fresh token for ``::stop-commands::`` around a block of untrusted output."""
    return secrets.token_hex(16)


def output_lines(outputs: Mapping[str, str]) -> str:
    """``$GITHUB_OUTPUT`` content; multi-line values get a delimiter that cannot occur in them."""
    chunks = []
    for name, value in outputs.items():
        if "\n" in value or "\r" in value:
            delimiter = f"EOF_{secrets.token_hex(8)}"
            while delimiter in value:
                delimiter = f"EOF_{secrets.token_hex(8)}"
            chunks.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
        else:
            chunks.append(f"{name}={value}\n")
    return "".join(chunks)


def markdown_list(items: Iterable[str]) -> str:
    """A Markdown bullet list, or an em dash when empty."""
    lines = [f"- {item}" for item in items]
    return "\n".join(lines) if lines else "—"
