"""Known XSS and mutation-XSS vectors, fed through the whole pipeline, never become active markup.

Every vector of tests/data/xss/vectors.txt is placed in the title, RSS `description` and
`content:encoded`, and Atom `content` and `summary` of loopback feeds, and in the article page
each item links to. One `fetch --all` stores, extracts and drafts them. Then every output
that carries HTML (the stored item and article HTML, the digest's Atom and JSON Feed content,
the Markdown stubs rendered by markdown-it with raw HTML allowed, the stub pages of the web
desk) is checked twice: statically (only allow-listed elements, no event handler or style
attribute, no link that is not http(s)) and in headless Chromium, where nothing may open a
dialog, set `window.__xss` or ask for anything off the loopback interface.
"""

from __future__ import annotations

import html as htmllib
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import lxml.etree
import lxml.html
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from markdown_it import MarkdownIt

from aggregator.cli import cli
from aggregator.config import Config, load_config
from aggregator.storage.tables import articles, items
from tests.conftest import TEST_SETTINGS, write_config
from tests.helpers.browser import launched_chromium
from tests.loopback import Loopback, Reply
from tests.web.conftest import Web, open_web

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Route

VECTORS_FILE = Path(__file__).parent / "data" / "xss" / "vectors.txt"
REAL_GETADDRINFO = socket.getaddrinfo
ATOM_NS = "{http://www.w3.org/2005/Atom}"
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    "html", "body", "div", "span",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcdoc", "data", "xlink:href"}
PROSE = (
    "The harbour authority said on Monday that the new quay would open in the spring, "
    "after two years of works delayed by storms and a shortage of steel. "
)


def vectors() -> list[str]:
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("# ")]


def rss(site: Loopback, found: list[str]) -> bytes:
    entries = "".join(
        f"<item><guid>urn:rss:{i}</guid><title>{htmllib.escape(f'rss {i} {v}')}</title>"
        f"<link>{site.url(f'/page/{i}')}</link>"
        f"<description>{htmllib.escape(PROSE + v)}</description>"
        f"<content:encoded>{htmllib.escape(f'<p>{PROSE}</p>{v}<p>{PROSE}</p>')}</content:encoded>"
        "</item>"
        for i, v in enumerate(found)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Hostile RSS</title><link>{site.url('/')}</link>{entries}</channel></rss>"
    ).encode()


def atom(site: Loopback, found: list[str]) -> bytes:
    entries = "".join(
        f"<entry><id>urn:atom:{i}</id><title type='html'>{htmllib.escape(f'atom {i} {v}')}"
        f"</title><link href='{site.url(f'/page/{i}')}'/><updated>2026-11-29T10:00:00Z</updated>"
        f"<summary type='html'>{htmllib.escape(v)}</summary>"
        f"<content type='html'>{htmllib.escape(f'<p>{PROSE}</p>{v}<p>{PROSE}</p>')}</content>"
        "</entry>"
        for i, v in enumerate(found)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Hostile Atom</title><id>urn:hostile</id><updated>2026-11-29T10:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


def page(vector: str) -> bytes:
    return (
        f"<html><head><title>Quay</title></head><body><article><h1>Quay opens</h1>"
        f"<p>{PROSE * 3}</p>{vector}<p>{PROSE * 3}</p></article></body></html>"
    ).encode()


def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
    """The guard of tests/conftest.py, for this module's one pipeline run."""
    name = host.decode() if isinstance(host, bytes) else str(host)
    if name not in ("127.0.0.1", "localhost") and not name.startswith("127."):
        raise socket.gaierror(socket.EAI_NONAME, f"tests may not resolve {name!r}")
    return REAL_GETADDRINFO(host, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class Drafted:
    config: Config
    vectors: list[str]
    stubs_dir: Path


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drafted]:
    """Both hostile feeds fetched, extracted and drafted once for the whole module."""
    found = vectors()
    site = Loopback().start()
    try:
        for i, vector in enumerate(found):
            site.route(
                f"/page/{i}", Reply(body=page(vector), headers={"Content-Type": "text/html"})
            )
        site.route("/rss", Reply(body=rss(site, found), headers={"Content-Type": "text/xml"}))
        site.route("/atom", Reply(body=atom(site, found), headers={"Content-Type": "text/xml"}))
        folder = tmp_path_factory.mktemp("hostile")
        settings = {
            "database_url": f"sqlite:///{folder / 'aggregator.db'}",
            **TEST_SETTINGS,
            "target_language": "ja",
        }
        feeds = [  # every item gets its article and stub on the first fetch
            {"name": "rss", "url": site.url("/rss"), "backfill_items": 1000},
            {"name": "atom", "url": site.url("/atom"), "backfill_items": 1000},
        ]
        extra = '[digest]\nlimit = 1000\nstates = "all"\n'
        config = load_config(write_config(folder / "feeds.toml", feeds, settings, extra))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(socket, "getaddrinfo", loopback_only)
            result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
        assert result.exit_code == 0, result.output
        yield Drafted(config, found, folder / "stubs")
    finally:
        site.stop()


@pytest.fixture(scope="module")
def web(drafted: Drafted) -> Iterator[Web]:
    yield from open_web(drafted.config)


def stub_ids(web: Web, query: str = "") -> list[int]:
    found: list[int] = []
    while True:
        answer = web.client.get(f"/api/stubs?limit=200&offset={len(found)}{query}").json()
        found += [stub["item_id"] for stub in answer["items"]]
        if len(found) >= answer["total"] or not answer["items"]:
            return found


def stored_html(config: Config) -> list[str]:
    engine = sa.create_engine(config.settings.database_url)
    try:
        with engine.connect() as conn:
            item_rows = conn.execute(sa.select(items.c.summary, items.c.content)).all()
            article_html = conn.execute(sa.select(articles.c.html)).scalars().all()
    finally:
        engine.dispose()
    values = [value for row in item_rows for value in row] + list(article_html)
    return [value for value in values if value]


def digest_html(web: Web) -> list[str]:
    """The HTML content of every digest entry, as the Atom document carries it."""
    atom_doc = lxml.etree.fromstring(web.client.get("/digest.atom").content)
    return [e.text or "" for e in atom_doc.iter(f"{ATOM_NS}content")]


def json_feed_html(web: Web) -> list[str]:
    feed = web.client.get("/digest.json").json()
    return [item.get("content_html", "") for item in feed["items"]]


def markdown_html(stubs_dir: Path) -> list[str]:
    renderer = MarkdownIt("commonmark", {"html": True, "linkify": False})
    return [renderer.render(p.read_text(encoding="utf-8")) for p in sorted(stubs_dir.rglob("*.md"))]


def active_parts(markup: str) -> list[str]:
    """What in this HTML could run or reach out: unknown elements, handlers, non-http URLs."""
    found: list[str] = []
    if not markup.strip():
        return found
    root = lxml.html.fragment_fromstring(markup, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            if isinstance(element, lxml.html.HtmlComment):
                continue
            found.append(repr(element))
            continue
        if element.tag not in ALLOWED_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.startswith("on") or name == "style":
                found.append(f"{element.tag}@{name}")
            elif name in URL_ATTRIBUTES and not value.startswith(("http://", "https://", "#")):
                found.append(f"{element.tag}@{name}={value}")
    return found


def test_every_vector_reached_every_output(drafted: Drafted, web: Web) -> None:
    count = len(drafted.vectors)
    assert count >= 40
    assert len(stub_ids(web)) == 2 * count
    assert len(digest_html(web)) == 2 * count
    assert json_feed_html(web) == digest_html(web)
    assert len(markdown_html(drafted.stubs_dir)) == 2 * count


def test_no_stored_or_published_html_has_active_parts(drafted: Drafted, web: Web) -> None:
    outputs = {
        "stored": stored_html(drafted.config),
        "digest": digest_html(web),
        "markdown": markdown_html(drafted.stubs_dir),
    }
    problems = {
        where: [(markup[:120], bad) for markup in found if (bad := active_parts(markup))]
        for where, found in outputs.items()
    }
    assert problems == {"stored": [], "digest": [], "markdown": []}


def test_the_json_api_gives_text_not_markup(drafted: Drafted, web: Web) -> None:
    for item_id in stub_ids(web):
        answer = web.client.get(f"/api/stubs/{item_id}")
        assert answer.headers["content-type"].startswith("application/json")
        assert "<script" not in json.dumps(answer.json(), ensure_ascii=True).replace("\\u003c", "<")


def test_the_checker_recognises_active_markup() -> None:
    assert active_parts('<img src=x onerror="alert(1)">') == ["img@src=x", "img@onerror"]
    assert active_parts("<p>fine <a href='https://a.example/'>a</a></p>") == []


# Chromium ------------------------------------------------------------------------------------


@dataclass
class Watch:
    dialogs: list[str]
    off_loopback: list[str]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as launched:
        yield launched


def _dismissed(dialog: Dialog, watch: Watch) -> None:
    watch.dialogs.append(dialog.message)
    dialog.dismiss()


def _route(route: Route, watch: Watch) -> None:
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "about:", "data:")):
        route.continue_()
    else:
        watch.off_loopback.append(url)
        route.abort()


@pytest.fixture
def watched_page(browser: Browser) -> Iterator[tuple[Page, Watch]]:
    watch = Watch([], [])
    context = browser.new_context()
    context.route("**/*", lambda route: _route(route, watch))
    opened = context.new_page()
    opened.on("dialog", lambda dialog: _dismissed(dialog, watch))
    try:
        yield opened, watch
    finally:
        context.close()


def render_each(page: Page, fragments: list[str]) -> list[int]:
    """Load each fragment in a page of its own; the indexes of those that set window.__xss."""
    ran = []
    for index, fragment in enumerate(fragments):
        page.set_content(f"<!doctype html><html><body>{fragment}</body></html>")
        page.wait_for_timeout(5)
        if page.evaluate("window.__xss") is not None:
            ran.append(index)
    return ran


@pytest.mark.browser
def test_the_browser_check_sees_a_vector_run(watched_page: tuple[Page, Watch]) -> None:
    page, watch = watched_page
    raw = ['<img src=x onerror="window.__xss=1">', "<a href='http://attacker.test/'>x</a>"]
    assert render_each(page, raw[:1]) == [0]
    page.set_content(f"<img src='http://attacker.test/pixel'>{raw[1]}")
    assert watch.off_loopback == ["http://attacker.test/pixel"]


@pytest.mark.browser
def test_nothing_runs_in_the_digest_content(web: Web, watched_page: tuple[Page, Watch]) -> None:
    page, watch = watched_page
    assert render_each(page, digest_html(web)) == []
    assert (watch.dialogs, watch.off_loopback) == ([], [])


@pytest.mark.browser
def test_nothing_runs_in_the_markdown_stubs(
    drafted: Drafted, watched_page: tuple[Page, Watch]
) -> None:
    page, watch = watched_page
    assert render_each(page, markdown_html(drafted.stubs_dir)) == []
    assert (watch.dialogs, watch.off_loopback) == ([], [])


@pytest.mark.browser
def test_nothing_runs_on_the_stub_pages(web: Web, watched_page: tuple[Page, Watch]) -> None:
    page, watch = watched_page
    ran = []
    for item_id in stub_ids(web, "&feed=rss"):  # each vector once: both feeds link these pages
        page.goto(f"{web.base_url}/stubs/{item_id}", wait_until="load")
        if page.evaluate("window.__xss") is not None:
            ran.append(item_id)
    assert ran == []
    assert (watch.dialogs, watch.off_loopback) == ([], [])
