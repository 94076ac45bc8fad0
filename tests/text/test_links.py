"""Links as evidence of a subject: normalised pages, without share buttons and home pages."""

from __future__ import annotations

import pytest

from aggregator.text.links import MAX_LINKS, article_links, normalise_link


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("https://www.Example.org/2009/06/story/", "example.org/2009/06/story"),
        ("http://example.org/a//b?utm_source=x&id=3#top", "example.org/a/b?id=3"),
        ("https://example.org/", None),
        ("https://example.org/?utm_medium=rss", None),
        ("mailto:desk@example.org", None),
        ("javascript:alert(1)", None),
        ("https://twitter.com/intent/tweet?url=x", None),
        ("https://www.facebook.com/sharer.php?u=x", None),
        ("https://creativecommons.org/licenses/by/3.0/", None),
        ("https://example.org/tag/brazil/", None),
        ("http://[::1", None),
    ],
)
def test_normalise_link(url: str, page: str | None) -> None:
    assert normalise_link(url) == page


def test_article_links_start_with_its_own_address_each_once() -> None:
    html = (
        '<p>See <a href="https://news.example/original">the original</a>, '
        '<a href="https://news.example/original/">again</a>, '
        '<a href="/relative">a relative one</a> and '
        '<a href="https://twitter.com/intent/tweet">share</a>.</p>'
    )
    assert article_links("https://gv.example/translation", html) == (
        "gv.example/translation",
        "news.example/original",
    )
    assert article_links(None, None) == ()


def test_article_links_are_capped() -> None:
    html = "".join(f'<a href="https://e.org/{n}">{n}</a>' for n in range(100))
    assert len(article_links(None, html)) == MAX_LINKS
