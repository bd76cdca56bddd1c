"""Markdown shared by every feature: line endings, code fences, sections, tables, frontmatter, escaping, markers."""
