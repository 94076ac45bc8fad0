"""find_illustrations, the credit parser and the illustration part, on fixtures and real pages."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from aggregator.articles.chain import extract_article
from aggregator.articles.clean import clean_article_html
from aggregator.articles.rules import builtin_rules
from aggregator.config import SourceInfo
from aggregator.drafting.illustration_part import PROMPT_CHECK, PROMPT_NONE, illustration_part
from aggregator.drafting.illustrations import FROM_CREDIT, FROM_FEED, find_illustrations
from aggregator.drafting.image_credits import find_credit, find_licence
from aggregator.drafting.records import PREPARED, TO_WRITE, Part
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


@pytest.mark.parametrize(
    ("text", "credit", "licence"),
    [
        ("Art: Luciano Matsuzaki and Mariana Lettis", "Luciano Matsuzaki and Mariana Lettis", None),
        (
            "In São Paulo. Photo by Andre Deak, published under a Creative Commons license.",
            "Andre Deak",
            "Creative Commons (which licence is not said)",
        ),
        ('Signs read "Against the Azeredo Law Project" by @marioamaya', "@marioamaya", None),
        (
            "Picture by Mysid (Wikimedia Commons author), used under a public domain license.",
            "Mysid",
            "Public domain",
        ),
        (
            "Photo of an Air France A330 by Flickr user Caribb published under a CC license",
            "Flickr user Caribb",
            "Creative Commons (which licence is not said)",
        ),
        ("Protesters in Cairo. Photo: Jane Roe/Reuters", "Jane Roe/Reuters", "© Reuters"),
        ("Riot police (c) AFP 2020", "AFP", "© AFP"),
        (
            "A view of the harbour. Image: Wikimedia user Foo, CC BY-SA 2.0",
            "Wikimedia user Foo",
            "CC BY-SA 2.0",
        ),
        (
            "Creative Commons Attribution-ShareAlike 3.0 photo by John Smith",
            "John Smith",
            "CC BY-SA 3.0",
        ),
        ("Photo courtesy of Amnesty International", "Amnesty International", "Used with"),
        ("Picture message sent by a supporter from Thailand", None, None),
        ("Protest organised by Greenpeace in Paris", None, None),
        ("Sek Kin passes away from illness", None, None),
    ],
)
def test_credit_and_licence_are_read_from_the_credit_line(
    text: str, credit: str | None, licence: str | None
) -> None:
    assert find_credit(text) == credit
    named = find_licence(text, find_credit(text))
    if licence is None:
        assert named is None
    else:
        assert named is not None
        assert named.licence.startswith(licence)


def test_creative_commons_codes_link_to_their_deed() -> None:
    named = find_licence("Photo: Ana Ruiz (CC BY-NC-ND 4.0)", "Ana Ruiz")
    assert named is not None
    assert named.licence == "CC BY-NC-ND 4.0"
    assert named.url == "https://creativecommons.org/licenses/by-nc-nd/4.0/"
    zero = find_licence("Image: CC0", None)
    assert zero is not None
    assert zero.url == "https://creativecommons.org/publicdomain/zero/1.0/"


def test_part_is_prepared_with_entries_or_left_to_write() -> None:
    info = SourceInfo(name="News", licence=FEED_LICENCE, licence_url=FEED_LICENCE_URL)
    html = clean_article_html((DATA / "article.html").read_text(encoding="utf-8"), PAGE)
    part = illustration_part(html, page_url=PAGE, feed="news", source_info=info)
    assert part.kind == PREPARED
    assert part.prompt == PROMPT_CHECK  # the map has no credit
    first = part.entries[0]
    assert first.url == "https://news.example/media/harbour-1200x800.jpg"
    assert first.title == "Fishing boats in the harbour at dawn"
    assert first.text.endswith("Photo: Jane Roe/Reuters")
    assert (first.credit, first.licence_from, first.found_at) == (
        "Jane Roe/Reuters",
        FROM_CREDIT,
        PAGE,
    )
    assert part.entries[2].licence_from == FROM_FEED
    assert "CC BY 4.0 (the feed's licence)" in part.content
    assert Part.from_json(part.to_json()) == part

    empty = illustration_part("<p>No images.</p>", page_url=PAGE, feed="news", source_info=info)
    assert (empty.kind, empty.prompt, empty.entries) == (TO_WRITE, PROMPT_NONE, ())
    assert illustration_part(None, page_url=None, feed="news", source_info=None).kind == TO_WRITE


def test_entries_of_other_parts_keep_their_json_shape() -> None:
    from aggregator.drafting.records import Entry

    data = Part("key_points", PREPARED, "x", entries=(Entry("x", start=0, end=1),)).to_json()
    assert data["entries"] == [{"text": "x", "start": 0, "end": 1}]


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
