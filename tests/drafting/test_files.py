"""stub_path and write_stub_file: safe names inside the directory, atomic writes, renames."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aggregator.drafting.files import MAX_SLUG_CHARS, slugify, stub_path, write_stub_file
from aggregator.drafting.render import render_markdown
from aggregator.stub_records import PREPARED, Part, Stub
from tests.drafting.examples import example_stub, untranslated_stub, with_part

EXPECTED_NAME = "42-china-s-ai-expansion-in-southeast-asia-and-global-e-waste.md"
SAFE_COMPONENT = re.compile(r"[a-z0-9_-]+")


def retitled(title: str, **changes: object) -> Stub:
    return with_part(example_stub(**changes), Part("title", PREPARED, title))


def test_path_is_feed_then_item_id_and_slug(tmp_path: Path) -> None:
    path = stub_path(tmp_path, untranslated_stub())
    assert path == tmp_path / "globalvoices" / EXPECTED_NAME


def test_translated_title_keeps_the_source_title_slug(tmp_path: Path) -> None:
    assert stub_path(tmp_path, example_stub()) == stub_path(tmp_path, untranslated_stub())


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Café au lait: 10% off!", "cafe-au-lait-10-off"),
        ("東南アジアの電子廃棄物", ""),
        ("  --  ", ""),
        ("../../etc/passwd", "etc-passwd"),
        ("A" * 100, "a" * MAX_SLUG_CHARS),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slug_is_cut_at_a_word_boundary() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= MAX_SLUG_CHARS
    assert slug.endswith("word")
    assert set(slug.split("-")) == {"word"}


def test_untitled_stub_gets_a_placeholder_slug(tmp_path: Path) -> None:
    stub = with_part(example_stub(), Part("title", PREPARED, "日本語のみ"))
    assert stub_path(tmp_path, stub).name == "42-untitled.md"


@pytest.mark.parametrize(
    "feed", ["../../outside", "..", ".", "/etc", "a/b\\c", "日本語", "", "x" * 300, "~root"]
)
def test_feed_name_cannot_leave_the_directory(tmp_path: Path, feed: str) -> None:
    path = stub_path(tmp_path, example_stub(feed=feed))
    assert path.parent.parent == tmp_path
    assert SAFE_COMPONENT.fullmatch(path.parent.name)
    assert path.parent.name not in {".", ".."}
    assert len(path.parent.name) <= 64
    assert path.resolve().is_relative_to(tmp_path.resolve())


def test_write_puts_the_markdown_in_place(tmp_path: Path) -> None:
    stub = example_stub()
    path = write_stub_file(tmp_path, stub)
    assert path == stub_path(tmp_path, stub)
    assert path.read_text(encoding="utf-8") == render_markdown(stub)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_written_file_is_readable_by_others_as_umask_allows(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    path = write_stub_file(tmp_path, example_stub())
    assert path.stat().st_mode & 0o777 == 0o644 & ~umask


def test_rewrite_replaces_the_file_instead_of_truncating_it(tmp_path: Path) -> None:
    path = write_stub_file(tmp_path, example_stub())
    before = path.read_text(encoding="utf-8")
    with path.open(encoding="utf-8") as reader:
        write_stub_file(tmp_path, example_stub(stale=True, stale_reason="content hash changed"))
        assert reader.read() == before
    after = path.read_text(encoding="utf-8")
    assert after != before
    assert "content hash changed" in after
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_failed_write_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_stub_file(tmp_path, example_stub())
    before = path.read_text(encoding="utf-8")

    def refuse(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_stub_file(tmp_path, example_stub(stale=True, stale_reason="changed"))
    assert path.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_title_change_removes_the_old_file_only(tmp_path: Path) -> None:
    first = write_stub_file(tmp_path, retitled("First title"))
    folder = first.parent
    others = [folder / "4-first-title.md", folder / "420-first-title.md", folder / "42.md"]
    for other in others:
        other.write_text("another item", encoding="utf-8")
    second = write_stub_file(tmp_path, retitled("Second title"))
    assert second.name == "42-second-title.md"
    assert not first.exists()
    assert all(other.read_text(encoding="utf-8") == "another item" for other in others)


def test_a_symlink_in_place_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    target = stub_path(tmp_path / "stubs", example_stub())
    target.parent.mkdir(parents=True)
    target.symlink_to(outside)
    path = write_stub_file(tmp_path / "stubs", example_stub())
    assert outside.read_text(encoding="utf-8") == "keep me"
    assert not path.is_symlink()
    assert path.read_text(encoding="utf-8") == render_markdown(example_stub())
