"""The illustration part rendered: no image without its credit, in the pages and the digest."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.render import render_html, render_markdown
from aggregator.stub_records import PREPARED, Entry, Part
from tests.drafting.examples import example_stub, with_part
from tests.helpers.globalvoices import GV_SOURCE, serve_capture, stubs_jsonl
from tests.loopback import Loopback

CREDITED = Entry(
    text="Boats at dawn. Photo: Jane Roe/Reuters",
    url="https://img.example/boats.jpg",
    title="Boats at dawn",
    source="news",
    credit="Jane Roe/Reuters",
    licence="© Reuters, all rights reserved",
    licence_from="credit",
    found_at="https://news.example/story",
)
UNCREDITED = Entry(
    text="",
    url="https://img.example/map.png",
    title="Map of the quay",
    source="news",
    licence="CC BY 4.0",
    licence_url="https://creativecommons.org/licenses/by/4.0/",
    licence_from="feed",
)
HOSTILE = Entry(
    text='<img src="https://evil.example/x.png" onerror="alert(1)"> ![x](https://evil.example/y.png)',
    url="https://img.example/h.jpg",
    title='"><img src=https://evil.example/z.png>',
    credit="[me](javascript:alert(1)) <b>bold</b>",
    licence="CC BY 4.0",
    licence_from="feed",
)
ATOM = "{http://www.w3.org/2005/Atom}"


def stub_with(*entries: Entry) -> Part:
    return Part("illustration", PREPARED, "x", by="images of the source article", entries=entries)


def html_soup(*entries: Entry) -> BeautifulSoup:
    return BeautifulSoup(render_html(with_part(example_stub(), stub_with(*entries))), "html.parser")


def markdown_soup(*entries: Entry) -> BeautifulSoup:
    markdown = render_markdown(with_part(example_stub(), stub_with(*entries)))
    return BeautifulSoup(MarkdownIt("commonmark").render(markdown), "html.parser")


def assert_every_image_is_credited(soup: BeautifulSoup) -> int:
    """Every <img> sits with a "Credit: <who>" line in the same figure or paragraph."""
    images = soup.find_all("img")
    for image in images:
        holder = image.find_parent(["figure", "p"])
        assert isinstance(holder, Tag), image
        text = " ".join(holder.get_text(" ").split())
        assert "Credit: " in text, text
        assert "Credit unknown" not in text, text
        assert "Licence: " in text, text
    return len(images)


@pytest.mark.parametrize("soup", [html_soup, markdown_soup], ids=["html", "markdown"])
def test_credited_image_is_shown_with_credit_and_licence(
    soup: Callable[..., BeautifulSoup],
) -> None:
    page = soup(CREDITED, UNCREDITED)
    assert assert_every_image_is_credited(page) == 1
    (image,) = page.find_all("img")
    assert image["src"] == CREDITED.url
    assert image["alt"] == "Boats at dawn"
    text = " ".join(page.get_text(" ").split())
    assert "Credit: Jane Roe/Reuters — Licence: © Reuters, all rights reserved" in text
    # Without a credit: a link to the image, never the image itself.
    link = page.find("a", href=UNCREDITED.url)
    assert isinstance(link, Tag)
    assert "Map of the quay" in link.get_text()
    assert "Licence: CC BY 4.0 (the feed's licence)" in text
    assert page.find("a", href="https://creativecommons.org/licenses/by/4.0/") is not None


@pytest.mark.parametrize("soup", [html_soup, markdown_soup], ids=["html", "markdown"])
def test_hostile_captions_and_credits_make_no_image_or_link(
    soup: Callable[..., BeautifulSoup],
) -> None:
    page = soup(HOSTILE)
    assert [img["src"] for img in page.find_all("img")] == [HOSTILE.url]
    assert not page.find_all(attrs={"onerror": True})
    assert all("evil.example" not in str(a.get("href")) for a in page.find_all("a"))
    assert all("javascript" not in str(a.get("href")) for a in page.find_all("a"))
    assert_every_image_is_credited(page)


def test_to_write_part_shows_its_prompt_and_no_image() -> None:
    part = Part("illustration", "to_write", "", prompt="Add an illustration you have the rights to")
    page = BeautifulSoup(render_html(with_part(example_stub(), part)), "html.parser")
    assert "Add an illustration you have the rights to" in page.get_text()
    assert not page.find_all("img")


OPTIONAL_TEXT = st.one_of(st.none(), st.text(max_size=40))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.builds(
            Entry,
            text=st.text(max_size=60),
            url=st.one_of(
                st.none(),
                st.sampled_from(["https://i.example/a.jpg", "javascript:x", "data:a", "/rel.png"]),
            ),
            title=OPTIONAL_TEXT,
            credit=OPTIONAL_TEXT,
            licence=OPTIONAL_TEXT,
            licence_url=st.one_of(st.none(), st.just("https://l.example/")),
            licence_from=st.sampled_from([None, "credit", "feed"]),
        ),
        max_size=4,
    )
)
def test_no_rendering_ever_shows_an_image_without_its_credit(entries: list[Entry]) -> None:
    for soup in (html_soup(*entries), markdown_soup(*entries)):
        assert_every_image_is_credited(soup)
        for image in soup.find_all("img"):
            assert image["src"] == "https://i.example/a.jpg"


@pytest.mark.shared
def test_digest_of_the_global_voices_capture_credits_every_image(
    site: Loopback, make_config: Callable[..., Config], tmp_path: Path
) -> None:
    serve_capture(site)
    # The loopback host is not Global Voices': no site rule applies, the generic extractor
    # finds the images in the article's region of each page.
    config = make_config([{"name": "globalvoices", "url": site.url("/feed"), **GV_SOURCE}])
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    output = tmp_path / "digest.atom"
    result = CliRunner().invoke(
        cli, ["--config", str(config.path), "digest", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output

    shown = 0
    for entry in ET.parse(output).getroot().iter(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        assert content is not None
        shown += assert_every_image_is_credited(BeautifulSoup(content.text or "", "html.parser"))
    credits = set()
    for stub in stubs_jsonl(config):
        parts = {p["name"]: p for p in stub["parts"]}
        assert "illustration" in parts
        credits |= {e.get("credit") for e in parts["illustration"].get("entries", [])}
    # The credits the pages print beside their photos, and only credited photos embedded.
    assert {"Luciano Matsuzaki and Mariana Lettis", "Andre Deak", "Mysid", "TV Cultura"} <= credits
    assert shown == 10, shown  # credited photos of the 15 stories: 4 + 1 + 1 + 3 + 1


def test_figure_labels_come_from_the_stubs_catalogue() -> None:
    from aggregator.drafting.messages import english, messages
    from aggregator.drafting.render_illustration import ENGLISH, figures

    assert {key: english()(key) for key in ENGLISH} == ENGLISH
    ja = messages("ja")
    assert all(ja(key) != text for key, text in ENGLISH.items())  # every label is translated
    (credited, uncredited) = figures((CREDITED, UNCREDITED), ja)
    assert credited.credit == ja("illustration.credit", credit="Jane Roe/Reuters")
    assert credited.licence == ja("illustration.licence", licence="© Reuters, all rights reserved")
    assert uncredited.src is None
    assert uncredited.credit == ja("illustration.credit_unknown")
    feed = ja("illustration.feed_licence", licence="CC BY 4.0")
    assert uncredited.licence == ja("illustration.licence", licence=feed)
    assert uncredited.link_text == ja("illustration.image", name="Map of the quay")
    assert figures((UNCREDITED,))[0].licence == "Licence: CC BY 4.0 (the feed's licence)"
