"""The lead's journey, one module per concern (docs/architecture.md lists them). The database is
the truth; a task message is only a nudge, and every step can run twice without harm (claims
are conditional UPDATEs, matches are unique). Services never import tasks: they publish them
by name (lawzana/queue.py)."""
