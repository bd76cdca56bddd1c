"""postmortem-action: incident issue → post-mortem pull request, action items and sign-off on GitHub."""

__version__ = "0.1.0"
