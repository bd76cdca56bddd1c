"""Action items: the document's table, their tracking issues, and the sync between them."""
