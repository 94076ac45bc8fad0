"""Each digest entry says the language its text is in, element by element where Atom allows."""

from __future__ import annotations

import dataclasses
import json

from lxml import etree

from aggregator.digest.atom import XML_LANG, write_atom
from aggregator.digest.jsonfeed import write_json_feed
from aggregator.digest.model import Digest, DigestEntry, entry_of
from aggregator.stub_records import PREPARED, Part, Stub
from tests.drafting.examples import (
    SUMMARY_EN,
    TITLE_EN,
    example_stub,
    in_language,
    untranslated_stub,
    with_part,
)

ATOM = "{http://www.w3.org/2005/Atom}"
PENDING = "translation pending (en -> ja)"


def digest(entry: DigestEntry) -> Digest:
    return Digest(
        id="urn:uuid:1",
        title="d",
        author="a",
        updated=entry.updated,
        self_url="http://h/digest.atom",
        home_url="http://h/stubs",
        paging=(),
        next_url=None,
        entries=(entry,),
    )


def atom_entry(stub: Stub) -> etree._Element:
    root = etree.fromstring(write_atom(digest(entry_of(stub, {}))))
    found = root.find(f"{ATOM}entry")
    assert found is not None
    return found


def json_item(stub: Stub) -> dict[str, object]:
    items = json.loads(write_json_feed(digest(entry_of(stub, {}))))["items"]
    return dict(items[0])


def test_a_translated_stub_is_in_the_target_language() -> None:
    stub = in_language(example_stub(), "ja")
    entry = atom_entry(stub)
    assert entry.get(XML_LANG) == "ja"
    title, summary = entry.find(f"{ATOM}title"), entry.find(f"{ATOM}summary")
    assert title is not None
    assert title.get(XML_LANG) is None
    assert summary is not None
    assert summary.get(XML_LANG) is None
    assert json_item(stub)["language"] == "ja"


def test_a_stub_still_to_translate_is_in_the_source_language() -> None:
    stub = in_language(untranslated_stub(), "ja")
    entry = atom_entry(stub)
    assert entry.get(XML_LANG) == "en"
    title = entry.find(f"{ATOM}title")
    assert title is not None
    assert title.text == TITLE_EN
    assert title.get(XML_LANG) is None
    content = entry.find(f"{ATOM}content")
    assert content is not None
    assert content.get(XML_LANG) == "ja"  # its labels; the English inside says lang="en"
    assert 'lang="en"' in (content.text or "")
    assert json_item(stub)["language"] == "en"


def test_a_translated_title_over_a_pending_summary_is_marked_on_the_title() -> None:
    stub = in_language(example_stub(), "ja")
    summary = Part("news_summary", PREPARED, SUMMARY_EN, by="summary", pending=PENDING)
    stub = with_part(stub, summary)
    entry = atom_entry(stub)
    assert entry.get(XML_LANG) == "en"
    title = entry.find(f"{ATOM}title")
    assert title is not None
    assert title.get(XML_LANG) == "ja"
    assert json_item(stub)["language"] == "en"


def test_an_untranslated_stub_in_its_own_language_is_in_that_language() -> None:
    stub = untranslated_stub()
    plain = [dataclasses.replace(p, pending=None) for p in stub.parts]
    stub = dataclasses.replace(stub, parts=tuple(plain))
    assert atom_entry(stub).get(XML_LANG) == "en"
