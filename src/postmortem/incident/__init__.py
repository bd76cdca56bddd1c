"""Incident issue → draft post-mortem pull request: the form, the incident model, rendering, the handler."""
