"""The set-up check (``workflow_dispatch`` with ``task: check``): labels, form, config, template, permissions."""
