"""Sign-off: approvals → roles signed, the commit status, the sticky comment, publication on merge."""
