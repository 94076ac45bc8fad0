"""`aggregator feeds`, `feeds add`, `feeds import` and `feeds export` as people run them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from lxml import etree

from aggregator.cli import cli
from aggregator.config import Config, load_config
from tests.helpers.cli import aggregator
from tests.loopback import Loopback, Reply

OPML = Path(__file__).parent.parent / "data" / "opml"
RSS = "application/rss+xml"
DRAFTING = '\n# drafting comes after the feeds\n[drafting]\nbackend = "none"\n'


def invoke(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "feeds", *args])


def rss_feed(title: str = "Site News", language: str = "fr") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://site.example/</link>"
        f"<language>{language}</language>"
        "<item><guid>urn:a</guid><title>A</title><link>/a</link></item></channel></rss>"
    ).encode()


def serve_site(site: Loopback, title: str = "Site News") -> None:
    html = f'<html><head><link rel="alternate" type="{RSS}" href="/news/feed.xml"></head></html>'
    site.route("/", Reply(headers={"Content-Type": "text/html"}, body=html.encode()))
    site.route("/news/feed.xml", Reply(headers={"Content-Type": RSS}, body=rss_feed(title)))


def feeds_of(path: Path) -> list[tuple[str, str, str | None, tuple[str, ...]]]:
    return [(f.name, f.url, f.language, f.tags) for f in load_config(path).feeds]


def test_without_a_subcommand_it_is_the_table(make_config: Callable[..., Config]) -> None:
    config = make_config([{"name": "alpha", "url": "https://alpha.example/feed"}])
    result = invoke(config.path)
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header.startswith("name\turl\tstatus")
    assert row.startswith("alpha\thttps://alpha.example/feed\t")


def test_add_a_site_by_its_page(site: Loopback, make_config: Callable[..., Config]) -> None:
    serve_site(site)
    config = make_config([{"name": "alpha", "url": "https://alpha.example/feed"}], DRAFTING)
    before = config.path.read_text(encoding="utf-8")

    result = invoke(config.path, "add", site.url("/"), "--tag", "local", "--tag", 'say "hi"')

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"added site-news: {site.url('/news/feed.xml')}",
        "  found by a link on the page; title: Site News; items: 1",
    ]
    after = config.path.read_text(encoding="utf-8")
    end_of_feeds = before.index(DRAFTING)
    assert after == (
        before[:end_of_feeds]
        + f'\n[[feeds]]\nname = "site-news"\nurl = "{site.url("/news/feed.xml")}"\n'
        + 'language = "fr"\ntags = ["local", "say \\"hi\\""]\n'
        + before[end_of_feeds:]
    )
    assert feeds_of(config.path)[1] == (
        "site-news",
        site.url("/news/feed.xml"),
        "fr",
        ("local", 'say "hi"'),
    )


def test_add_with_name_and_language(site: Loopback, make_config: Callable[..., Config]) -> None:
    serve_site(site)
    config = make_config([])
    result = invoke(
        config.path, "add", site.url("/news/feed.xml"), "--name", "Ma Une", "--language", "EN"
    )
    assert result.exit_code == 0, result.output
    assert feeds_of(config.path) == [("Ma Une", site.url("/news/feed.xml"), "en", ())]


def test_a_taken_name_gets_a_number(site: Loopback, make_config: Callable[..., Config]) -> None:
    serve_site(site)
    config = make_config([{"name": "site-news", "url": "https://other.example/feed"}])
    assert invoke(config.path, "add", site.url("/")).exit_code == 0
    assert [name for name, *_ in feeds_of(config.path)] == ["site-news", "site-news-2"]


def test_a_taken_name_given_by_hand_is_refused(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = make_config([{"name": "mine", "url": "https://other.example/feed"}])
    result = invoke(config.path, "add", site.url("/"), "--name", "mine")
    assert result.exit_code == 1
    assert "already has a feed named 'mine'" in result.output
    assert site.requests == []


def test_a_configured_address_is_refused_before_fetching(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = make_config([{"name": "news", "url": site.url("/news/feed.xml")}])
    before = config.path.read_bytes()
    result = invoke(config.path, "add", site.url("/news/feed.xml#latest"))
    assert result.exit_code == 1
    assert f"{site.url('/news/feed.xml#latest')} is already in the config, as feed 'news'" in (
        result.output
    )
    assert site.requests == []
    assert config.path.read_bytes() == before


def test_a_configured_feed_found_by_discovery_is_refused(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    serve_site(site)
    config = make_config([{"name": "news", "url": site.url("/news/feed.xml")}])
    before = config.path.read_bytes()
    result = invoke(config.path, "add", site.url("/"))
    assert result.exit_code == 1
    assert "is already in the config, as feed 'news'" in result.output
    assert config.path.read_bytes() == before


def test_a_site_without_feed_changes_nothing(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/", Reply(headers={"Content-Type": "text/html"}, body=b"<html><p>hi</p></html>"))
    config = make_config([])
    before = config.path.read_bytes()
    result = invoke(config.path, "add", site.url("/"))
    assert result.exit_code == 1
    assert f"Error: no feed found for {site.url('/')}; tried:" in result.output
    assert "Traceback" not in result.output
    assert config.path.read_bytes() == before


def test_a_bad_language_is_a_usage_error(make_config: Callable[..., Config]) -> None:
    config = make_config([])
    result = invoke(config.path, "add", "https://example.org/feed", "--language", "Klingon")
    assert result.exit_code == 2
    assert "'Klingon' is not a language code" in result.output


def test_import_nested_opml(make_config: Callable[..., Config]) -> None:
    config = make_config(
        [
            {"name": "globalvoices", "url": "https://globalvoices.org/feed/"},
            {"name": "example-tech", "url": "https://example.com/other"},
        ],
        DRAFTING,
    )
    result = invoke(config.path, "import", str(OPML / "nested.opml"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "add le-monde-international: https://www.lemonde.fr/international/rss_full.xml",
        "add tom-jerry-s-daily: https://example.org/daily.xml?a=1&b=2",
        "add only-a-title: https://example.net/atom.xml",
        "add example-tech-2: https://example.com/tech/feed",
        "skip https://globalvoices.org/feed/: already configured as globalvoices",
        "4 feeds added, 1 skipped",
    ]
    assert feeds_of(config.path)[2:] == [
        (
            "le-monde-international",
            "https://www.lemonde.fr/international/rss_full.xml",
            "fr-fr",
            ("News", "World"),
        ),
        (
            "tom-jerry-s-daily",
            "https://example.org/daily.xml?a=1&b=2",
            None,
            ("News", "Cartoons", "Fun", "Daily"),
        ),
        ("only-a-title", "https://example.net/atom.xml", None, ()),
        ("example-tech-2", "https://example.com/tech/feed", None, ("Tech",)),
    ]
    assert config.path.read_text(encoding="utf-8").endswith(DRAFTING)


def test_import_dry_run_changes_nothing(make_config: Callable[..., Config]) -> None:
    config = make_config([])
    before = config.path.read_bytes()
    result = invoke(config.path, "import", str(OPML / "version1.opml"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "would add cnet-news-com: http://news.com.com/2547-1_3-0-5.xml",
        "would add cafe-mondial: http://cafe.example/rss.xml",
        "would add nyt-business: http://www.nytimes.com/services/xml/rss/nyt/Business.xml",
        "3 feeds would be added, 0 skipped",
    ]
    assert config.path.read_bytes() == before


def test_import_skips_what_cannot_be_a_feed(
    tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    config = make_config([])
    opml = tmp_path / "mixed.opml"
    opml.write_text(
        '<opml version="2.0"><body>'
        '<outline text="ftp" xmlUrl="ftp://example.org/feed"/>'
        '<outline text="intranet" xmlUrl="http://10.0.0.5/feed"/>'
        '<outline text="relative" xmlUrl="/feed.xml"/>'
        '<outline text="Good" xmlUrl="https://example.org/feed"/>'
        '<outline text="Good again" xmlUrl="HTTPS://EXAMPLE.ORG/feed"/>'
        '<outline text="Good" xmlUrl="https://example.org/other"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    result = invoke(config.path, "import", str(opml))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "add good: https://example.org/feed",
        "add good-2: https://example.org/other",
        "skip ftp://example.org/feed: not an http:// or https:// address",
        "skip http://10.0.0.5/feed: a private, loopback or reserved address",
        "skip /feed.xml: not an http:// or https:// address",
        "skip https://EXAMPLE.ORG/feed: listed before in the file, as good",
        "2 feeds added, 4 skipped",
    ]
    assert [name for name, *_ in feeds_of(config.path)] == ["good", "good-2"]


@pytest.mark.parametrize(
    ("name", "message"),
    [("entity_expansion.opml", "DOCTYPE"), ("external_entity.opml", "DOCTYPE")],
)
def test_import_of_a_hostile_file_fails_cleanly(
    make_config: Callable[..., Config], name: str, message: str
) -> None:
    config = make_config([])
    before = config.path.read_bytes()
    result = invoke(config.path, "import", str(OPML / name))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {OPML / name}: has a {message} declaration")
    assert config.path.read_bytes() == before


def test_import_of_a_huge_file_reads_only_the_cap(
    tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    config = make_config([])
    huge = tmp_path / "huge.opml"
    with huge.open("wb") as out:
        out.write(b'<opml version="2.0"><body>')
        out.write(b"<!-- padding -->" * (10_000_000 // 16))
        out.write(b"</body></opml>")
    result = invoke(config.path, "import", str(huge))
    assert result.exit_code == 1
    assert "larger than 5,000,000 bytes" in result.output


def test_import_of_a_missing_or_broken_file(
    tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    config = make_config([])
    result = invoke(config.path, "import", str(tmp_path / "nope.opml"))
    assert result.exit_code == 1
    assert "nope.opml: No such file or directory" in result.output
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body><outline></body></opml>")
    result = invoke(config.path, "import", str(broken))
    assert result.exit_code == 1
    assert "broken.opml: is not well-formed XML: Opening and ending tag mismatch" in result.output


def exported(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    root = etree.fromstring(result.stdout_bytes)
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "aggregator feeds (feeds.toml)"
    assert root.findtext("head/dateCreated")
    return [dict(outline.attrib) for outline in root.findall("body/outline")]


def test_export_uses_what_the_store_learnt(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    site.route("/news/feed.xml", Reply(headers={"Content-Type": RSS}, body=rss_feed("Site & News")))
    config = make_config(
        [
            {"name": "news", "url": site.url("/news/feed.xml"), "language": "fr", "tags": ["a"]},
            {"name": "quiet", "url": "https://quiet.example/feed", "enabled": False},
        ]
    )
    fetched = CliRunner().invoke(
        cli, ["--config", str(config.path), "fetch", "--all", "--no-extract"]
    )
    assert fetched.exit_code == 0, fetched.output
    assert exported(invoke(config.path, "export")) == [
        {
            "type": "rss",
            "text": "news",
            "title": "Site & News",
            "xmlUrl": site.url("/news/feed.xml"),
            "htmlUrl": "https://site.example/",
            "language": "fr",
            "category": "/a",
        },
        {"type": "rss", "text": "quiet", "title": "quiet", "xmlUrl": "https://quiet.example/feed"},
    ]


def test_export_then_import_into_an_empty_config(
    tmp_path: Path, make_config: Callable[..., Config]
) -> None:
    feeds: list[dict[str, Any]] = [
        {"name": "globalvoices", "url": "https://globalvoices.org/feed/", "language": "en"},
        {
            "name": "le-monde",
            "url": "https://www.lemonde.fr/rss/une.xml?x=1&y=2",
            "language": "fr",
            "tags": ["monde", "presse écrite", 'les "unes"'],
        },
        {"name": "nhk", "url": "https://www3.nhk.or.jp/rss/news/cat0.xml", "tags": ["日本"]},
    ]
    source = make_config(feeds)
    opml = tmp_path / "out.opml"
    result = invoke(source.path, "export", "--output", str(opml))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert f"3 feeds written to {opml}" in result.stderr

    empty = tmp_path / "empty.toml"
    empty.write_text(f'[settings]\ndatabase_url = "sqlite:///{tmp_path / "b.db"}"\n')
    result = invoke(empty, "import", str(opml))
    assert result.exit_code == 0, result.output
    assert feeds_of(empty) == feeds_of(source.path)
    again = invoke(empty, "import", str(opml))
    assert again.stdout.endswith("0 feeds added, 3 skipped\n")


def test_feeds_table_when_piped(two_feeds: Config) -> None:
    aggregator("fetch", config=two_feeds.path)
    result = aggregator("feeds", config=two_feeds.path)
    header, *rows = result.stdout.splitlines()
    assert header.split("\t") == [
        "name",
        "url",
        "status",
        "last success",
        "items",
        "errors",
        "next check",
    ]
    table = {row.split("\t")[0]: row.split("\t") for row in rows}
    assert table["good"][2] == "ok (200)"
    assert table["good"][4] == "2"
    assert table["bad"][2] == "error (500): HTTP 500"
    assert table["bad"][5] == "1"
    assert "error backoff after 1 consecutive error" in table["bad"][6]
