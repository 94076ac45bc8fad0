"""The generic extractor keeps the article's images, with their captions, and nothing else."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from aggregator.articles.chain import extract_article
from aggregator.drafting.illustrations import find_illustrations

DATA = Path(__file__).resolve().parents[1] / "data" / "illustrations"
URL = "https://courier.example/2026/12/07/harbour"


def extract(page: str) -> tuple[str, str]:
    article = extract_article(page, URL, rules=[], feed_item=None, feed_language="en")
    assert article.method == "generic"
    return article.html, article.text


def test_article_images_are_kept_with_their_captions_in_the_title() -> None:
    html, text = extract((DATA / "generic_page.html").read_text(encoding="utf-8"))
    images = find_illustrations(html, page_url=URL, feed_licence=None, limit=10)
    expected = json.loads((DATA / "generic_page.expected.json").read_text(encoding="utf-8"))
    assert [dataclasses.asdict(image) for image in images] == expected
    # The logo, the sidebar's and the footer's images are outside the article's region.
    for outside in ("courier-logo", "other-story", "share-facebook", "data:image"):
        assert outside not in html
    # The declared lead image is not added: the body has pictures of its own.
    assert "harbour-lead-1200" not in html
    # Captions and credits are attributes: the stored text is the article's prose only.
    assert "Reuters" not in text
    assert "Harbour Museum" not in text
    assert text.startswith("The harbour of Porto Vecchio reopened on Monday")


def test_images_outside_any_article_region_are_not_taken() -> None:
    prose = "".join(
        f"<p>Paragraph {n} of a story that is long enough to be found in the page again.</p>"
        for n in range(6)
    )
    page = (
        '<html><body><img src="https://courier.example/banner.jpg" alt="Banner" width="900">'
        f"{prose}</body></html>"
    )
    html, _ = extract(page)
    assert "<img" not in html  # the paragraphs' common parent is <body>: no region to trust


def test_addresses_that_are_not_addresses_are_dropped() -> None:
    prose = "".join(
        f"<p>Paragraph {n} of a story that is long enough to be found in the page again.</p>"
        for n in range(6)
    )
    images = (
        '<img data-src=\'{"default":{"w":"80"}}\' src="data:image/gif;base64,AA" alt="json">'
        '<img src="javascript:alert(1)" alt="script">'
        '<img srcset="/media/a-320.jpg 320w, /media/a-640.jpg 640w" alt="From srcset">'
    )
    page = f"<html><body><div><article>{images}{prose}</article></div></body></html>"
    html, _ = extract(page)
    assert html.count("<img") == 1
    assert 'src="https://courier.example/media/a-320.jpg"' in html


@pytest.mark.timeout(60)  # a hang fails here; the assertion inside bounds the time
def test_a_page_of_thousands_of_images_keeps_eight_quickly() -> None:
    import time

    prose = "<p>The same paragraph of a story that is long enough to be found in the page.</p>"
    blocks = "".join(
        f'<div><figure><img src="https://i.example/{n}.jpg" width="600">'
        f"<figcaption>Photo: Agent {n}</figcaption></figure>{prose}</div>"
        for n in range(3000)
    )
    started = time.perf_counter()
    html, _ = extract(f"<html><body><main><article>{blocks}</article></main></body></html>")
    assert time.perf_counter() - started < 5
    assert html.count("<img") == 8
    assert 'title="Photo: Agent 0"' in html
