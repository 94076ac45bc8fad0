"""The digest feeds over HTTP: Atom and JSON Feed pages, conditional and gzipped."""
