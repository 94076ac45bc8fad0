"""The `illustration` part of a stub: the article's own images with their credits, or a prompt.

It sits right after the source block, in the place the finished page shows its first picture
(at the head of Our Commentary), and it is where an image's credit lives: each entry carries
the image's address (`url`), alt text (`title`), caption (`text`), credit, licence, where the
licence comes from and the page it appeared on. Without a usable image the part is left to
the editor, who must use an image the newsroom has the rights to.
"""

from __future__ import annotations

from aggregator.config import SourceInfo
from aggregator.drafting.illustrations import (
    FROM_FEED,
    MAX_ILLUSTRATIONS,
    Illustration,
    find_illustrations,
)
from aggregator.sanitize import plain_text
from aggregator.stub_records import PREPARED, TO_WRITE, Entry, Part

__all__ = ["PROMPT_CHECK", "PROMPT_NONE", "illustration_part"]

NAME = "illustration"
PROMPT_NONE = (
    "Add an illustration you have the rights to: its address, alt text, caption, credit and "
    "licence."
)
PROMPT_CHECK = (
    "Check each image's credit and licence before publishing; an image without a credit is "
    "linked, not shown, until you add one."
)
BY = "images of the source article, with their captions"


def illustration_part(
    html: str | None,
    *,
    page_url: str | None,
    feed: str,
    source_info: SourceInfo | None,
    limit: int = MAX_ILLUSTRATIONS,
) -> Part:
    """The part for the article `html` (sanitised, as stored) of the page at `page_url`."""
    found = find_illustrations(
        html or "",
        page_url=page_url,
        feed_licence=source_info.licence if source_info else None,
        feed_licence_url=source_info.licence_url if source_info else None,
        limit=limit,
    )
    if not found:
        return Part(NAME, TO_WRITE, "", prompt=PROMPT_NONE)
    entries = tuple(_entry(image, feed) for image in found)
    uncredited = any(image.credit is None for image in found)
    return Part(
        NAME,
        PREPARED,
        "\n".join(_line(image) for image in found),
        prompt=PROMPT_CHECK if uncredited else None,
        by=BY,
        entries=entries,
    )


def _entry(image: Illustration, feed: str) -> Entry:
    return Entry(
        text=image.caption or image.alt or "",
        url=image.url,
        title=image.alt,
        source=feed,
        credit=image.credit,
        licence=image.licence,
        licence_url=image.licence_url,
        licence_from=image.licence_from,
        found_at=image.found_at,
    )


def licence_text(licence: str | None, licence_from: str | None) -> str:
    """How a licence reads beside its image; the feed's is marked as assumed."""
    licence = plain_text(licence)
    if licence is None:
        return "unknown (check before use)"
    return f"{licence} (the feed's licence)" if licence_from == FROM_FEED else licence


def _line(image: Illustration) -> str:
    """One plain line per image, for the part's text: what, who, under which licence, where."""
    what = image.caption or image.alt or "image"
    credit = f"credit: {image.credit}" if image.credit else "credit unknown"
    licence = licence_text(image.licence, image.licence_from)
    return f"{what} — {credit} — {licence} — {image.url}"
