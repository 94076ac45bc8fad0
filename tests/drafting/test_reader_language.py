# ruff: noqa: RUF001 - full-width brackets are what a Japanese page uses
"""A Japanese stub speaks Japanese to its reader: every visible text is translated, a label from
the ja catalogue, a value that stays as it is (a URL, a feed or model name, a date, a hash, a
language code), or the original kept beside its translation; or, with no backend, it is named
once in a single "translation pending" note.

The stubs are drafted through the whole app from loopback pages with a loopback
OpenAI-compatible server that marks what it translates («...»), and the Markdown file, the HTML
fragment and the Atom digest are each walked text node by text node.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pytest
from bs4 import BeautifulSoup, NavigableString
from lxml import etree
from markdown_it import MarkdownIt

from aggregator.config import Config
from aggregator.digest.atom import XML_LANG, write_atom
from aggregator.digest.model import Digest, entry_of
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.drafting.render import render_html, render_markdown
from aggregator.stub_records import Stub
from tests.drafting.fakes import FakeOpenAI
from tests.helpers.drafting import ENV, KEY, Run, drafting, serve
from tests.loopback import Loopback

TRANSLATED = re.compile(r"«[^«»]*»")
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
VALUES = [
    re.compile(r"https?\\?://\S+"),  # URLs (the Markdown escapes their colon)
    re.compile(r"\d{4}-\d{2}-\d{2}(T[\d:.+]+)?( \d{2}:\d{2})?( UTC)?"),  # dates and times
    re.compile(r"\b[0-9a-f]{12}\b"),  # the content hash, shortened
    re.compile(
        r"\b(en|ja) -\\?> (en|ja)\b|[(（](en|ja)[)）]|\b(en|ja) → (en|ja)\b"
    ),  # language codes
    re.compile(r"\bURL\b"),
]
NAMES = ["openai:m", "generic", "city", "General"]
"""Values shown as they are: the model used, the extraction method, the feed, the category
configured in English."""


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def policy() -> RetryPolicy:
    return RetryPolicy(base_delay=0.01, max_delay=5.0, sleep=_no_sleep)


def japanese_stubs(
    site: Loopback, make_config: Callable[..., Config], policy: RetryPolicy, backend: bool
) -> tuple[dict[str, Stub], FakeOpenAI]:
    serve(site)
    openai = FakeOpenAI(site)
    extra = (
        drafting("openai", openai.base_url, model="m", write_commentary=False, **KEY)
        if backend
        else ""
    )
    config = make_config([{"name": "city", "url": site.url("/feed")}], extra, target_language="ja")
    return Run(config, policy, ENV)(), openai


def originals(stub: Stub) -> list[str]:
    """The source-language texts a page may show: originals beside their translations, and the
    source's own title in the source block."""
    found = [p.original for p in stub.parts if p.original]
    found += [e.original for p in stub.parts for e in p.entries if e.original]
    title = stub.part("title")
    if title is not None and title.original:
        found.append(title.original)
    return sorted(found, key=len, reverse=True)


def untranslated(text: str, allowed: Iterable[str]) -> str:
    """What is left of `text` once translations, catalogue labels and allowed values are gone:
    nothing but punctuation when the text is fit for a Japanese reader."""
    text = TRANSLATED.sub(" ", text)
    for value in allowed:
        text = text.replace(value, " ")
    for pattern in VALUES:
        text = pattern.sub(" ", text)
    for name in NAMES:
        text = text.replace(name, " ")
    return text if LATIN_WORD.search(text) else ""


def unmarked_english(html: str, cited: str) -> list[str]:
    """Texts of `html` with English words (values, translations and the source block's citation
    of the article's own title aside) that no element around them marks as English."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for node in soup.find_all(string=True):
        if not isinstance(node, NavigableString) or not untranslated(str(node), [cited]).strip():
            continue
        if not any(parent.get("lang") == "en" for parent in node.parents if parent.name):
            found.append(str(node))
    return found


def text_nodes(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(s) for s in soup.find_all(string=True) if isinstance(s, NavigableString)]


def pages(stub: Stub) -> dict[str, list[str]]:
    """Every visible text of the stub's renderings, one list per rendering."""
    markdown = MarkdownIt("commonmark").render(render_markdown(stub))
    entry = entry_of(stub, {})
    atom = etree.fromstring(write_atom(_digest(entry)))
    ns = "{http://www.w3.org/2005/Atom}"
    node = atom.find(f"{ns}entry")
    assert node is not None
    feed_texts = [node.findtext(f"{ns}title") or "", node.findtext(f"{ns}summary") or ""]
    feed_texts += text_nodes(node.findtext(f"{ns}content") or "")
    return {
        "markdown": text_nodes(markdown),
        "html": text_nodes(render_html(stub)),
        "atom": feed_texts,
    }


def _digest(entry: object) -> Digest:
    from datetime import UTC, datetime

    when = datetime(2026, 11, 29, tzinfo=UTC)
    return Digest("urn:uuid:0", "d", "a", when, "http://h/a", "http://h/", (), None, (entry,))  # type: ignore[arg-type]


def test_every_text_of_a_translated_japanese_stub_is_japanese_or_kept_on_purpose(
    site: Loopback, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    stubs, openai = japanese_stubs(site, make_config, policy, backend=True)
    assert len(openai.bodies) == len(stubs) == 2  # one request per stub, every piece in it
    for stub in stubs.values():
        assert stub.pending is None
        allowed = originals(stub)
        for rendering, texts in pages(stub).items():
            left = [t for t in texts if untranslated(t, allowed).strip()]
            assert left == [], rendering
            shown = " ".join(texts)
            assert len(TRANSLATED.findall(shown)) >= 4, rendering  # title, summary, entries
            assert JAPANESE.search(shown)
        assert "翻訳待ち" not in render_markdown(stub)
        cited = stub.part("source").entries[0].text  # type: ignore[union-attr]
        assert unmarked_english(render_html(stub), cited) == []  # the originals say lang="en"
        for name in ("key_points", "additional_data"):
            part = stub.part(name)
            assert part is not None
            assert part.kind == "machine_draft"
            assert all(TRANSLATED.fullmatch(e.text) and e.original for e in part.entries)
            assert all(e.url for e in part.entries if name == "additional_data")
        root = etree.fromstring(write_atom(_digest(entry_of(stub, {}))))
        entry = root.find("{http://www.w3.org/2005/Atom}entry")
        assert entry is not None
        assert entry.get(XML_LANG) == "ja"


def test_without_a_backend_one_note_names_what_is_still_in_the_source_language(
    site: Loopback, make_config: Callable[..., Config], policy: RetryPolicy
) -> None:
    stubs, openai = japanese_stubs(site, make_config, policy, backend=False)
    assert openai.bodies == []
    for stub in stubs.values():
        markdown = render_markdown(stub)
        assert markdown.count("翻訳待ち") == 1
        assert "translation pending" not in markdown
        note = next(line for line in markdown.splitlines() if "翻訳待ち" in line)
        assert "タイトル" in note
        assert "ニュース要約" in note
        assert "ポイント" in note
        # What stays English is exactly the text of the parts the note names.
        waiting = [p for p in stub.parts if p.pending]
        assert {p.name for p in waiting} >= {"title", "news_summary", "key_points"}
        source_texts = [p.content for p in waiting]
        source_texts += [e.text for p in waiting for e in p.entries]
        source_texts += [e.title or "" for p in waiting for e in p.entries]
        allowed = sorted(filter(None, [*source_texts, *originals(stub), stub.title]), key=len)
        for rendering, texts in pages(stub).items():
            left = [t for t in texts if untranslated(t, reversed(allowed)).strip()]
            assert left == [], rendering
        cited = stub.part("source").entries[0].text  # type: ignore[union-attr]
        assert unmarked_english(render_html(stub), cited) == []  # the English says lang="en"
        root = etree.fromstring(write_atom(_digest(entry_of(stub, {}))))
        entry = root.find("{http://www.w3.org/2005/Atom}entry")
        assert entry is not None
        assert entry.get(XML_LANG) == "en"
