"""The page's declared lead image is kept first in the stored article, once and safely."""

from __future__ import annotations

from aggregator.articles.chain import extract_article
from aggregator.articles.clean import article_text
from aggregator.articles.leadimage import LeadImage, lead_image, with_lead_image

URL = "https://news.example/2026/12/07/harbour"
BODY = (
    "<article><h1>Harbour reopens</h1>"
    + "<p>The harbour reopened on Monday after a year of works, the port authority said.</p>" * 8
    + "</article>"
)


def page(head: str, body: str = BODY) -> str:
    return f"<html><head><title>Harbour</title>{head}</head><body>{body}</body></html>"


def test_og_image_is_read_from_the_head_and_made_absolute() -> None:
    head = (
        '<meta property="og:image" content="/media/lead.jpg">'
        '<meta property="og:image:alt" content="Boats at dawn">'
    )
    assert lead_image(page(head), URL) == LeadImage(
        "https://news.example/media/lead.jpg", "Boats at dawn"
    )
    twitter = '<meta name="twitter:image" content="https://cdn.example/t.jpg">'
    assert lead_image(page(twitter), URL) == LeadImage("https://cdn.example/t.jpg")


def test_unsafe_or_missing_lead_images_are_ignored() -> None:
    assert lead_image(page(""), URL) is None
    assert lead_image(page('<meta property="og:image" content="javascript:alert(1)">'), URL) is None
    assert (
        lead_image(page('<meta property="og:image" content="data:image/png;base64,AA">'), URL)
        is None
    )
    # Only the head counts: a body cannot declare the page's image.
    body = '<meta property="og:image" content="https://evil.example/x.jpg">' + BODY
    assert lead_image(page("", body), URL) is None


def test_lead_image_is_added_only_when_the_body_shows_no_image() -> None:
    stored = '<p><img src="https://news.example/media/lead-300x200.jpg" alt="x"></p><p>Text</p>'
    image = LeadImage("https://news.example/media/lead.jpg?w=1200")
    assert with_lead_image(stored, image, URL) == stored
    text_only = "<p>Text</p>"
    other = LeadImage('https://news.example/media/other.jpg"><script>alert(1)</script>', 'a"b')
    added = with_lead_image(text_only, other, URL)
    assert added.startswith("<figure><img")
    assert "<script" not in added
    assert added.endswith(text_only)


def test_extraction_stores_the_lead_image_without_changing_the_text() -> None:
    head = '<meta property="og:image" content="https://news.example/media/lead.jpg">'
    plain = extract_article(page(""), URL, rules=[], feed_item=None, feed_language="en")
    led = extract_article(page(head), URL, rules=[], feed_item=None, feed_language="en")
    assert led.html.startswith('<figure><img src="https://news.example/media/lead.jpg"')
    assert led.text == plain.text == article_text(led.html)
    assert led.content_hash == plain.content_hash
