"""The illustration part's images as figures: each shown with its credit and licence together.

An image is embedded only when its credit is known; without one it is a link to the image,
never an `<img>` (or a Markdown image), so no page and no digest entry shows someone's picture
without saying whose it is. Texts stay raw here, for the writers to escape; every address was
already limited to absolute http(s) and is checked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from aggregator.drafting.illustration_part import licence_text
from aggregator.drafting.records import Entry
from aggregator.sanitize import plain_text, safe_http_url

__all__ = ["Figure", "figures"]

CREDIT_UNKNOWN = "Credit unknown: check who made it and the rights before publishing"


@dataclass(frozen=True, slots=True)
class Figure:
    """One image: embedded when `src` is set, else linked at `link`; the credit line beside."""

    src: str | None
    link: str | None
    alt: str
    caption: str | None
    credit: str
    """"Credit: <who>", or CREDIT_UNKNOWN."""
    licence: str
    """"Licence: <name>", marked when it is the feed's licence rather than the image's own."""
    licence_url: str | None


def figures(entries: tuple[Entry, ...]) -> list[Figure]:
    """The figures of an illustration part's entries, in their order."""
    shown = []
    for entry in entries:
        link = safe_http_url(entry.url)
        credit = plain_text(entry.credit)
        caption = plain_text(entry.text)
        alt = plain_text(entry.title)
        shown.append(
            Figure(
                src=link if credit else None,
                link=link,
                alt=alt or caption or _file_name(link),
                caption=caption,
                credit=f"Credit: {credit}" if credit else CREDIT_UNKNOWN,
                licence=f"Licence: {licence_text(entry.licence, entry.licence_from)}",
                licence_url=safe_http_url(entry.licence_url),
            )
        )
    return shown


def _file_name(url: str | None) -> str:
    """What to call an image that has no alt text and no caption: its file's name."""
    name = urlsplit(url).path.rsplit("/", 1)[-1] if url else ""
    return name or "image"
