"""aggregator: watches news feeds and prepares drafts for a newsroom."""

from aggregator.version import __version__

__all__ = ["__version__", "extract_text"]


def extract_text(html: str, url: str | None = None) -> str:
    """The article text of `html` by the generic extractor, or "" when none is found.

    No site rule and no network: this is what `bench/extract.py` measures. The extractor is
    imported here so that `import aggregator` stays light.
    """
    from aggregator.articles.generic import extract_generic

    page = extract_generic(html, url)
    return page.text if page is not None else ""
