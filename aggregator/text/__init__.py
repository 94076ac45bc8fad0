"""Text basics: sentences, terms, summaries, figures, grounding; offline, nothing downloaded."""
