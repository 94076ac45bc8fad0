"""The illustration part's images as figures: each shown with its credit and licence together.

An image is embedded only when its credit is known; without one it is a link to the image,
never an `<img>` (or a Markdown image), so no page and no digest entry shows someone's picture
without saying whose it is. Texts stay raw here, for the writers to escape; every address was
already limited to absolute http(s) and is checked again. Labels come from the stub's message
catalogue (`[illustration]` keys) when the layout passes it, in English otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from aggregator.drafting.illustrations import FROM_FEED
from aggregator.sanitize import plain_text, safe_http_url
from aggregator.stub_records import Entry

__all__ = ["Figure", "figures"]

Words = Callable[..., str]
"""A message catalogue: `words("illustration.credit", credit=...)`."""
ENGLISH = {
    "illustration.credit": "Credit: {credit}",
    "illustration.credit_unknown": (
        "Credit unknown: check who made it and the rights before publishing"
    ),
    "illustration.licence": "Licence: {licence}",
    "illustration.feed_licence": "{licence} (the feed's licence)",
    "illustration.licence_unknown": "unknown (check before use)",
    "illustration.image": "Image: {name}",
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One image: embedded when `src` is set, else linked at `link`; the credit line beside."""

    src: str | None
    link: str | None
    alt: str
    caption: str | None
    credit: str
    """"Credit: <who>", or that the credit is unknown."""
    licence: str
    """"Licence: <name>", marked when it is the feed's licence rather than the image's own."""
    licence_url: str | None
    link_text: str
    """What a link to an image without a credit says: "Image: <alt>"."""


def figures(entries: tuple[Entry, ...], words: Words | None = None) -> list[Figure]:
    """The figures of an illustration part's entries, in their order."""
    say = words or _english
    shown = []
    for entry in entries:
        link = safe_http_url(entry.url)
        credit = plain_text(entry.credit)
        caption = plain_text(entry.text)
        alt = plain_text(entry.title)
        licence = plain_text(entry.licence)
        if licence is None:
            licence = say("illustration.licence_unknown")
        elif entry.licence_from == FROM_FEED:
            licence = say("illustration.feed_licence", licence=licence)
        shown.append(
            Figure(
                src=link if credit else None,
                link=link,
                alt=alt or caption or _file_name(link),
                caption=caption,
                credit=say("illustration.credit", credit=credit)
                if credit
                else say("illustration.credit_unknown"),
                licence=say("illustration.licence", licence=licence),
                licence_url=safe_http_url(entry.licence_url),
                link_text=say("illustration.image", name=alt or caption or _file_name(link)),
            )
        )
    return shown


def _english(key: str, /, **values: object) -> str:
    text = ENGLISH[key]
    return text.format(**values) if values else text


def _file_name(url: str | None) -> str:
    """What to call an image that has no alt text and no caption: its file's name."""
    name = urlsplit(url).path.rsplit("/", 1)[-1] if url else ""
    return name or "image"
