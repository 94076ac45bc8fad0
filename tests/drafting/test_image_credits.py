"""The credit parser: who made an image and under which licence, read from a caption's prose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.drafting.image_credits import MAX_CREDIT_CHARS, find_credit, find_licence


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


def test_public_domain_permission_and_rights_reserved() -> None:
    public = find_licence("Photo: NASA, public domain", "NASA")
    assert public is not None
    assert public.licence == "Public domain"
    courtesy = find_licence("Photo courtesy of the family", None)
    assert courtesy is not None
    assert courtesy.licence.startswith("Used with permission")
    reserved = find_licence("Photo © 2024 Ana Ruiz", "Ana Ruiz")
    assert reserved is not None
    assert reserved.licence == "© Ana Ruiz, all rights reserved"
    assert reserved.url is None
    unnamed = find_licence("All rights reserved", None)
    assert unnamed is not None
    assert unnamed.licence == "All rights reserved"
    assert find_licence("A quiet street in the rain", None) is None


def test_a_cc_licence_without_a_version_has_no_deed() -> None:
    named = find_licence("Image: Ben (cc-by-sa)", "Ben")
    assert named is not None
    assert (named.licence, named.url) == ("CC BY-SA", None)


def test_a_credit_is_cut_to_its_limit() -> None:
    credit = find_credit("Photo: " + " ".join(["Name"] * 100))
    assert credit is not None
    assert len(credit) <= MAX_CREDIT_CHARS


CAPTION_WORDS = st.sampled_from(
    ["Photo", "photo", "by", "Image:", "Ana", "Ruiz", "and", "de", "@ana", "(c)", "AFP", "CC",
     "BY-SA", "4.0", "Creative", "Commons", "courtesy", "of", "the", "/", ",", ".", "under",
     "licence", "public", "domain", "Flickr", "user", "©", "2020", ":"]
)  # fmt: skip


@given(st.one_of(st.text(max_size=300), st.lists(CAPTION_WORDS, max_size=30).map(" ".join)))
def test_any_caption_gives_a_credit_from_its_own_words_or_none(text: str) -> None:
    credit = find_credit(text)
    if credit is not None:
        assert 2 <= len(credit) <= MAX_CREDIT_CHARS
        assert credit == credit.strip()
        assert credit.casefold() not in {"the", "a", "flickr", "creative commons"}
        assert credit in " ".join(text.split())
    named = find_licence(text, credit)
    if named is not None:
        assert named.licence
        assert named.url is None or named.url.startswith("https://creativecommons.org/")


@pytest.mark.timeout(10)  # each took under 0.05 s on a busy 2-core machine
@pytest.mark.parametrize(
    "text",
    [
        "Photo by " + "Ana " * 5000 + "and",
        "Photo: " + "A/" * 10_000,
        "by " + "Ana de " * 5000 + "published",
        "Photo " + "x " * 30_000 + "by",
        "© " + "1234 " * 5000,
    ],
    ids=["names", "slashes", "connectors", "words-before-by", "years"],
)
def test_pathological_captions_are_read_in_bounded_time(text: str) -> None:
    credit = find_credit(text)
    assert credit is None or len(credit) <= MAX_CREDIT_CHARS
    find_licence(text, credit)
