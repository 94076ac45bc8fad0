"""find_illustrations on fixtures and real pages: which images are illustrations, their captions
and credits (the credit parser: test_image_credits.py; the part: test_illustration_part.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from aggregator.articles.chain import extract_article
from aggregator.articles.clean import clean_article_html
from aggregator.articles.rules import builtin_rules
from aggregator.drafting.illustrations import FROM_CREDIT, FROM_FEED, find_illustrations
from tests.shared_data import require_shared

DATA = Path(__file__).resolve().parents[1] / "data" / "illustrations"
PAGE = "https://news.example/2026/12/07/harbour"
FEED_LICENCE = "CC BY 4.0"
FEED_LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
GV_URL = "http://globalvoicesonline.org/2009/06/11/story/"


def found(name: str, limit: int = 10) -> list[dict[str, object]]:
    html = clean_article_html((DATA / f"{name}.html").read_text(encoding="utf-8"), PAGE)
    images = find_illustrations(
        html,
        page_url=PAGE,
        feed_licence=FEED_LICENCE,
        feed_licence_url=FEED_LICENCE_URL,
        limit=limit,
    )
    return [dataclasses.asdict(image) for image in images]


@pytest.mark.parametrize("name", ["article", "none"])
def test_fixture_gives_its_expected_illustrations(name: str) -> None:
    expected = json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert found(name) == expected


def test_pixels_icons_avatars_furniture_and_unsafe_addresses_are_not_illustrations() -> None:
    urls = " ".join(str(image["url"]) for image in found("article"))
    for dropped in ("pixel.gif", "gravatar", "share-twitter", "emoji", "arrow.png", "data:"):
        assert dropped not in urls
    assert "javascript" not in urls
    assert all(str(image["url"]).startswith(("https://", "http://")) for image in found("article"))


def test_limit_keeps_the_first_in_page_order() -> None:
    assert [i["url"] for i in found("article", limit=2)] == [i["url"] for i in found("article")[:2]]
    assert find_illustrations("<p><img src='https://a.example/x.jpg'></p>", page_url=None,
                              feed_licence=None, limit=0) == ()  # fmt: skip


def test_a_long_paragraph_after_an_image_is_not_its_caption() -> None:
    html = (
        '<p><img src="https://a.example/omar-bongo.jpg" alt="Omar Bongo"></p>'
        "<p>When Omar Bongo was admitted in Barcelona's clinic earlier in May, a comment on a "
        "blog predicted his death away from his subjects, and many readers agreed with it.</p>"
    )
    (image,) = find_illustrations(html, page_url=None, feed_licence=None)
    assert image.caption is None
    assert image.credit is None
    assert image.licence is None
    assert image.licence_from is None


# What the captured Global Voices pages (June 2009) credit next to their photos, read by eye.
GV_CREDITS = {
    "index_01.html": {
        "3512371729_b3dd79e8d5.jpg": ("Luciano Matsuzaki and Mariana Lettis", FROM_FEED),
        "3546813858_af3c18f31f-1.jpg": ("Andre Deak", FROM_CREDIT),
        "3546813520_bab2b706db.jpg": ("Andre Deak", FROM_CREDIT),
        "contraoprojetodeleiazeredo.jpg": ("@marioamaya", FROM_FEED),
    },
    "index_06.html": {"orkut.jpg": ("Brajeshwar", FROM_CREDIT)},
    "index_11.html": {
        "358px-af_447_path-ensvg-300x237.png": ("Mysid", FROM_CREDIT),
        "airbus-a330-300x199.jpg": ("Flickr user Caribb", FROM_CREDIT),
        "3587667775_51aa3ce3e3_o-255x300.jpg": ("Flickr user Eustaquio Santimano", FROM_CREDIT),
    },
    "index_13.html": {"bagua.jpg": ("TV Cultura", FROM_CREDIT)},
}


@pytest.mark.shared
@pytest.mark.parametrize("page", sorted(GV_CREDITS))
def test_global_voices_illustrations_carry_the_credits_on_the_page(page: str) -> None:
    html = (require_shared("articles/globalvoices-2009") / page).read_text(
        encoding="utf-8", errors="replace"
    )
    article = extract_article(
        html, GV_URL, rules=builtin_rules(), feed_item=None, feed_language="en"
    )
    images = find_illustrations(article.html, page_url=GV_URL, feed_licence="CC BY 3.0", limit=10)
    by_file = {image.url.rsplit("/", 1)[-1]: image for image in images}
    for file, (credit, origin) in GV_CREDITS[page].items():
        image = by_file[file]
        assert (image.credit, image.licence_from) == (credit, origin), file
        assert image.licence == "CC BY 3.0" if origin == FROM_FEED else image.licence != "CC BY 3.0"
        assert image.url.startswith("http://globalvoicesonline.org/wp-content/uploads/2009/06/")
    for image in images:  # no logo, flag, avatar, share or print icon of the page template
        assert "/wp-content/uploads/" in image.url or "flickr" in image.url or "google" in image.url


@pytest.mark.shared
def test_no_global_voices_page_gives_template_images() -> None:
    pages = require_shared("articles/globalvoices-2009")
    total = 0
    for path in sorted(pages.glob("index_*.html")):
        html = path.read_text(encoding="utf-8", errors="replace")
        article = extract_article(
            html, GV_URL, rules=builtin_rules(), feed_item=None, feed_language="en"
        )
        images = find_illustrations(article.html, page_url=GV_URL, feed_licence=None, limit=50)
        total += len(images)
        for image in images:
            assert not any(w in image.url for w in ("gravatar", "tmpl/", "printer", "st-mail"))
    assert total == 27  # every image in the 15 article bodies, counted by hand
