"""aggregator: watches news feeds and prepares drafts for a newsroom."""

__version__ = "0.1.0"
