from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.config import load_config
from aggregator.config_edit import (
    FeedEntry,
    add_feeds,
    append_feeds,
    feed_table,
    insertion_offset,
    language_code,
    replace_config,
    slugify,
    toml_string,
    unique_name,
)
from aggregator.config_reader import url_key
from aggregator.errors import ConfigError

REAL_CONFIG = Path(__file__).resolve().parents[1] / "config" / "feeds.toml"
NEW = FeedEntry(name="le-monde", url="https://www.lemonde.fr/rss/une.xml", language="fr")


def test_the_real_config_keeps_every_byte_and_gains_the_feed(tmp_path: Path) -> None:
    old = REAL_CONFIG.read_text(encoding="utf-8")
    path = tmp_path / "feeds.toml"
    path.write_text(old, encoding="utf-8")
    before = load_config(path)

    config = add_feeds(path, [NEW])

    new = path.read_text(encoding="utf-8")
    end_of_feeds = old.index("\n\n# Drafting: how stubs are prepared.") + 1
    assert old[:end_of_feeds].endswith('attribution_url = "https://globalvoices.org/"\n')
    assert new == old[:end_of_feeds] + "\n" + feed_table(NEW) + old[end_of_feeds:]
    assert config.feeds[:-1] == before.feeds
    assert (config.feeds[-1].name, config.feeds[-1].url) == (NEW.name, NEW.url)
    assert config.feeds[-1].language == "fr"
    assert config.drafting == before.drafting


def test_new_tables_go_before_later_tables_and_in_order() -> None:
    old = '[settings]\n\n[[feeds]]\nname = "a"\nurl = "https://a.example/"\n\n[[categories]]\n'
    old += 'name = "World"\n'
    entries = [FeedEntry("b", "https://b.example/"), FeedEntry("c", "https://c.example/")]
    new = append_feeds(old, entries)
    assert new == (
        '[settings]\n\n[[feeds]]\nname = "a"\nurl = "https://a.example/"\n'
        '\n[[feeds]]\nname = "b"\nurl = "https://b.example/"\n'
        '\n[[feeds]]\nname = "c"\nurl = "https://c.example/"\n'
        '\n[[categories]]\nname = "World"\n'
    )
    assert [f["name"] for f in tomllib.loads(new)["feeds"]] == ["a", "b", "c"]
    assert tomllib.loads(new)["categories"] == [{"name": "World"}]


def test_a_feed_sub_table_stays_with_its_feed() -> None:
    old = (
        '[[feeds]]\nname = "a"\nurl = "https://a.example/"\n'
        '[feeds.rule]\ncontent = "article"  # the body\n'
        '# trailing note\n\n[drafting]\nbackend = "none"\n'
    )
    entry = FeedEntry("b", "https://b.example/")
    new = append_feeds(old, [entry])
    data = tomllib.loads(new)
    assert data["feeds"][0]["rule"] == {"content": "article"}
    assert "rule" not in data["feeds"][1]
    assert data["drafting"] == {"backend": "none"}
    end_of_feeds = old.index("# trailing note")
    assert new == old[:end_of_feeds] + "\n" + feed_table(entry) + old[end_of_feeds:]


def test_brackets_inside_multi_line_values_are_not_headers() -> None:
    old = (
        '[[feeds]]\nname = "a"\nurl = "https://a.example/"\n'
        'tags = [\n  "x",\n  ["y"],\n]\n'
        'attribution = """\n[drafting]\n[[categories]]\n"""\n'
        "licence = '''\n[[feeds]]\n'''\n"
        'source_name = "quote \\" and [bracket" # [comment]\n'
        "\n[drafting]\n"
    )
    new = append_feeds(old, [FeedEntry("b", "https://b.example/")])
    data = tomllib.loads(new)
    assert [f["name"] for f in data["feeds"]] == ["a", "b"]
    assert data["feeds"][0]["attribution"] == "[drafting]\n[[categories]]\n"
    assert new.endswith(
        '# [comment]\n\n[[feeds]]\nname = "b"\nurl = "https://b.example/"\n\n[drafting]\n'
    )


def test_without_feeds_the_tables_go_at_the_end() -> None:
    assert insertion_offset("[settings]\nx = 1\n") is None
    entry = FeedEntry("a", "https://a.example/")
    assert append_feeds("", [entry]) == feed_table(entry)
    assert append_feeds("[drafting]\n", [entry]) == "[drafting]\n\n" + feed_table(entry)
    assert append_feeds("[drafting]", [entry]) == "[drafting]\n\n" + feed_table(entry)
    assert append_feeds("# only a comment\n", [entry]) == "# only a comment\n\n" + feed_table(entry)


def test_a_file_ending_without_newline_after_its_feeds() -> None:
    old = '[[feeds]]\nname = "a"\nurl = "https://a.example/"'
    new = append_feeds(old, [FeedEntry("b", "https://b.example/")])
    assert new.startswith(old + "\n\n[[feeds]]\n")
    assert len(tomllib.loads(new)["feeds"]) == 2


def test_windows_line_breaks_are_kept() -> None:
    old = '[settings]\r\n\r\n[[feeds]]\r\nname = "a"\r\nurl = "https://a.example/"\r\n'
    new = append_feeds(old, [FeedEntry("b", "https://b.example/", tags=("t",))])
    assert (
        new == old + '\r\n[[feeds]]\r\nname = "b"\r\nurl = "https://b.example/"\r\ntags = ["t"]\r\n'
    )


def test_values_are_escaped() -> None:
    entry = FeedEntry(
        name='say "hi" \\ — 日本語',
        url='https://example.org/a?b="c"&d=\\',
        language="pt-br",
        tags=("new\nline", "tab\there", "bell\x07", "del\x7f", "é", ""),
    )
    table = feed_table(entry)
    assert table.count("\n") == 5  # one line per key: the newline is escaped
    data = tomllib.loads(table)["feeds"][0]
    assert data == {
        "name": entry.name,
        "url": entry.url,
        "language": "pt-br",
        "tags": list(entry.tags),
    }
    assert "日本語" in table  # kept as written, not as \u escapes


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_any_string_survives_toml(value: str) -> None:
    assert tomllib.loads(f"k = {toml_string(value)}")["k"] == value


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_bytes(text.encode("utf-8"))
    return path


GOOD = '[settings]\n# keep me\n\n[[feeds]]\nname = "a"\nurl = "https://a.example/"\n'


def test_an_invalid_result_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError, match=r"192\.168\.1\.1 is a private.*the file is unchanged"):
        add_feeds(path, [FeedEntry("b", "http://192.168.1.1/feed")])
    with pytest.raises(ConfigError, match="duplicate name"):
        add_feeds(path, [FeedEntry("a", "https://b.example/")])
    assert path.read_bytes() == GOOD.encode()
    assert os.listdir(tmp_path) == ["feeds.toml"]


def test_the_error_names_the_real_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    with pytest.raises(ConfigError) as caught:
        add_feeds(path, [FeedEntry("b", "ftp://b.example/")])
    assert caught.value.path == str(path)
    assert caught.value.where == 'feeds[2] "b".url'


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    edited = append_feeds(GOOD, [FeedEntry("b", "https://b.example/")]).encode()
    with pytest.raises(ConfigError, match="changed while it was being edited"):
        replace_config(path, b"something else", edited)
    assert path.read_bytes() == GOOD.encode()
    assert os.listdir(tmp_path) == ["feeds.toml"]


def test_mode_and_symlink_are_kept(tmp_path: Path) -> None:
    real = write(tmp_path, GOOD)
    real.chmod(0o640)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    config = add_feeds(link, [FeedEntry("b", "https://b.example/")])
    assert [f.name for f in config.feeds] == ["a", "b"]
    assert link.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert real.read_text(encoding="utf-8").startswith(GOOD + "\n[[feeds]]\n")


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "[broken\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        add_feeds(path, [FeedEntry("b", "https://b.example/")])
    assert path.read_bytes() == (GOOD + "[broken\n").encode()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Le Monde — International", "le-monde-international"),
        ("Global Voices » Feature", "global-voices-feature"),
        ("Café Société", "cafe-societe"),
        ("日本語", ""),
        ("  --a__b--  ", "a-b"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_slugs_are_capped_without_a_trailing_dash() -> None:
    assert slugify("a" * 59 + " b" * 10) == "a" * 59
    assert len(slugify("word " * 40)) <= 60


def test_unique_name() -> None:
    assert unique_name("a", set()) == "a"
    assert unique_name("a", {"a", "a-2"}) == "a-3"


def test_url_key_spots_the_same_address() -> None:
    assert url_key("HTTPS://Example.ORG:443/feed#top") == url_key("https://example.org/feed")
    assert url_key("http://example.org") == url_key("http://example.org/")
    assert url_key("http://example.org:8080/") != url_key("http://example.org/")
    assert url_key("http://example.org/Feed") != url_key("http://example.org/feed")
    assert url_key("http://[::1]:99/") == "http://[::1]:99/"


def test_language_code() -> None:
    assert language_code("en-US") == "en-us"
    assert language_code(" pt_BR ") == "pt-br"
    assert language_code("English") is None
    assert language_code(None) is None
