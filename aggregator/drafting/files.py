"""Stub files: one Markdown file per stub under `<directory>/<feed>/<item id>-<title slug>.md`.

The files are regenerated from the store for editors to open anywhere, so a reader must never
see half a file: each is written to a temporary file beside it and moved into place. The feed
name and title come from outside, so both become short ASCII slugs that cannot climb out of the
directory. The slug comes from the source-language title when the title was translated, so that
translating a stub later does not rename its file (and a Japanese title still yields a readable
name); a stub whose title changes gets a new name, and its file under the old name is removed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from aggregator.atomic import write_atomically
from aggregator.drafting.render import render_markdown
from aggregator.stub_records import Stub

__all__ = ["slugify", "stub_path", "write_stub_file"]

MAX_SLUG_CHARS = 60
MAX_FEED_DIR_CHARS = 64
SUFFIX = ".md"
_WORD = re.compile(r"[a-z0-9]+")
_FEED_WORD = re.compile(r"[a-z0-9_]+")


def slugify(text: str, max_chars: int = MAX_SLUG_CHARS) -> str:
    """Lower-case ASCII words of `text` joined by hyphens, cut at a word boundary; may be ""."""
    return _join_words(_WORD.findall(_ascii(text)), max_chars)


def feed_folder(directory: Path, feed: str) -> Path:
    """The folder of a feed's stub files: always a direct child of `directory`."""
    return directory / (_join_words(_FEED_WORD.findall(_ascii(feed)), MAX_FEED_DIR_CHARS) or "feed")


def stub_path(directory: Path, stub: Stub) -> Path:
    """Where the stub's Markdown file lives: always inside `directory`/<feed>/."""
    title = stub.part("title")
    source_title = title.original if title is not None and title.original else stub.title
    slug = slugify(source_title) or slugify(stub.title) or "untitled"
    return feed_folder(directory, stub.feed) / f"{stub.item_id}-{slug}{SUFFIX}"


def write_stub_file(directory: Path, stub: Stub) -> Path:
    """Write the stub's Markdown atomically; remove the item's files under other names."""
    path = stub_path(directory, stub)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, render_markdown(stub).encode("utf-8"))
    for old in _item_files(path.parent, stub.item_id):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def remove_stub_files(directory: Path, feed: str, item_id: int) -> int:
    """Remove the item's stub files (its stub is gone from the store); returns how many."""
    folder = feed_folder(directory, feed)
    if not folder.is_dir():
        return 0
    found = _item_files(folder, item_id)
    for path in found:
        path.unlink(missing_ok=True)
    return len(found)


def _item_files(folder: Path, item_id: int) -> list[Path]:
    """The item's stub files in `folder`: `<item id>-<any slug>.md` (ids are digits, so "1-"
    never matches item 12's files)."""
    prefix = f"{item_id}-"
    with os.scandir(folder) as entries:
        return [
            Path(entry.path)
            for entry in entries
            if entry.name.startswith(prefix)
            and entry.name.endswith(SUFFIX)
            and entry.is_file(follow_symlinks=False)
        ]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


def _join_words(words: list[str], max_chars: int) -> str:
    joined = ""
    for word in words:
        candidate = f"{joined}-{word}" if joined else word
        if len(candidate) > max_chars:
            return joined or word[:max_chars]
        joined = candidate
    return joined
