"""The GitHub layer: the only code that imports PyGithub (client), the snapshot models, and the apply path."""
