"""Drafting stubs from extracted articles: parts, backends, rendering."""
