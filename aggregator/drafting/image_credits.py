"""Who made an image and under which licence, read from its caption, alt text or title: pure.

News sites write credits as prose: "Art: Luciano Matsuzaki and Mariana Lettis", "Photo by Andre
Deak, published under a Creative Commons license", "Image by Brajeshwar from Flickr (cc
licensed)", "Photo: Jane Roe/Reuters", "(c) AFP". A credit is a name after one of those
openings; a licence is what the text names, or nothing (the caller then applies the feed's own
licence and says so). Names are runs of capitalised words, handles and connectors ("and", "de",
"van"), so "Photo by Andre Deak, published under..." gives "Andre Deak" and "Picture message
sent by a supporter" gives no name at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Credit", "find_credit", "find_licence"]

MAX_CREDIT_CHARS = 120

_CAP = r"(?:@\w+|[A-ZÀ-ÖØ-Þ][\w'\u2019.-]*)"
_CONNECTOR = r"(?:and|&|de|da|do|dos|das|del|della|di|du|van|von|der|den|la|le|y|e|of|bin|al)"
_NAME = (
    rf"{_CAP}(?:(?:\s+|\s?/\s?){_CAP}|\s+{_CONNECTOR}\s+{_CAP}"
    rf"|\s+(?:user|photographer)\s+{_CAP})*"
)
_IMAGE_WORD = (
    r"(?i:photo(?:graph)?|image|picture|pic|art(?:work)?|illustration|graphic|drawing|cartoon"
    r"|screenshot|screen ?grab|map|video still|still|foto|imagen|bild|credit)s?"
)
# "Photo: Jane Roe", "Art: Luciano Matsuzaki", "Credit: AFP", "Photo credit - Jane Roe".
_LABELLED = re.compile(
    rf"(?:^|[.;(]\s*){_IMAGE_WORD}(?i:\s+credits?)?\s*[:\uff1a\u2013\u2014-]\s*(?P<name>{_NAME})"
)
# "Photo by Andre Deak", "Photo of an Air France A330 by Flickr user Caribb".
_MADE_BY = re.compile(
    rf"\b{_IMAGE_WORD}\b[^.;:()]{{0,60}}?\b(?:taken |shared |given |made |drawn |provided )?"
    rf"by\s+(?P<name>{_NAME})"
)
# '"In loving memory..." by Flickr user Eustaquio Santimano, published under a CC licence';
# 'Signs read "Against the Azeredo Law Project" by @marioamaya'.
_BY_THEN_LICENCE = re.compile(
    rf"\bby\s+(?P<name>{_NAME})\s*[,;]?\s*(?=(?i:(?:and\s+)?(?:published|used|licen[cs]ed|released"
    rf"|shared|reproduced|via|under|on flickr|from flickr|\(cc|cc\b)))",
)
_BY_HANDLE = re.compile(r"\bby\s+(?P<name>@\w+)")
_COURTESY = re.compile(rf"(?i:\bcourtesy(?:\s+of)?)\s+(?P<name>{_NAME})")
_COPYRIGHT = re.compile(
    rf"(?i:©|\(c\)|\bcopyright\b)\s*(?:\d{{4}}\s*)?(?i:by\s+)?(?P<name>{_NAME})"
)
_AGENCIES = (
    "Agence France-Presse",
    "Associated Press",
    "Getty Images",
    "Reuters",
    "AFP",
    "AP",
    "EPA",
    "Xinhua",
    "Anadolu",
    "Bloomberg",
    "Shutterstock",
    "Alamy",
)
_AGENCY = re.compile(r"(?<![\w-])(?P<name>" + "|".join(_AGENCIES) + r")(?:\s+Photo)?(?![\w-])")
_TRAILING = re.compile(r"[\s.,;:/'\u2019-]+$")
_NOT_NAMES = frozenset(
    {"a", "an", "the", "this", "that", "our", "his", "her", "their", "flickr", "creative commons"}
)  # fmt: skip

_CC_CODE = re.compile(
    r"\bCC[\s-]?(?P<code>BY(?:[\s-](?:SA|NC|ND))*|0|zero)\b(?:[\s-]?(?P<version>\d\.\d))?",
    re.IGNORECASE,
)
_CC_WORDS = re.compile(
    r"creative\s+commons\s+(?P<terms>attribution(?:[\s-]+(?:share-?alike|non-?commercial"
    r"|no-?deriv(?:s|atives|ative works)?))*)(?:\s+(?P<version>\d\.\d))?",
    re.IGNORECASE,
)
_CC_ANY = re.compile(r"creative\s+commons|\bcc[\s-]+licen[cs]", re.IGNORECASE)
_PUBLIC_DOMAIN = re.compile(r"public[\s-]+domain", re.IGNORECASE)
_ALL_RIGHTS = re.compile(r"©|\(c\)|\bcopyright\b|all rights reserved", re.IGNORECASE)
_PERMISSION = re.compile(
    r"\bwith (?:kind )?permission\b|\bcourtesy\b|\bgraciously given\b|\breproduced with\b",
    re.IGNORECASE,
)
_TERM_CODES = (("share", "SA"), ("commercial", "NC"), ("deriv", "ND"))

CREATIVE_COMMONS_UNNAMED = "Creative Commons (which licence is not said)"
PUBLIC_DOMAIN = "Public domain"
WITH_PERMISSION = "Used with permission (not covered by the feed's licence)"


@dataclass(frozen=True, slots=True)
class Credit:
    """A licence named in a credit line: its name and, for Creative Commons, its deed's URL."""

    licence: str
    url: str | None = None


def find_credit(text: str) -> str | None:
    """The person or agency `text` credits for an image, or None."""
    for pattern in (_LABELLED, _MADE_BY, _BY_THEN_LICENCE, _BY_HANDLE, _COURTESY, _COPYRIGHT):
        for found in pattern.finditer(text):
            name = _clean_name(found.group("name"))
            if name is not None:
                return name
    agency = _AGENCY.search(text)
    return agency.group("name") if agency else None


def find_licence(text: str, credit: str | None) -> Credit | None:
    """The licence `text` names for an image, or None when it names none.

    A Creative Commons code or its spelt-out name gives the licence and its deed; "Creative
    Commons" alone says only that one applies; a copyright sign or a wire agency means all
    rights are reserved by whoever is credited.
    """
    if code := _CC_CODE.search(text):
        return _creative_commons(code.group("code"), code.group("version"))
    if words := _CC_WORDS.search(text):
        terms = words.group("terms").lower()
        spelt = "BY" + "".join(f"-{c}" for key, c in _TERM_CODES if key in terms)
        return _creative_commons(spelt, words.group("version"))
    if _CC_ANY.search(text):
        return Credit(CREATIVE_COMMONS_UNNAMED)
    if _PUBLIC_DOMAIN.search(text):
        return Credit(PUBLIC_DOMAIN)
    agency = _AGENCY.search(text)
    if _ALL_RIGHTS.search(text) or agency:
        holder = agency.group("name") if agency else credit
        return Credit(f"© {holder}, all rights reserved" if holder else "All rights reserved")
    if _PERMISSION.search(text):
        return Credit(WITH_PERMISSION)
    return None


def _creative_commons(code: str, version: str | None) -> Credit:
    code = "-".join(code.upper().replace("ZERO", "0").split()).replace("--", "-")
    if code == "0":
        return Credit("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
    name = f"CC {code}" + (f" {version}" if version else "")
    url = f"https://creativecommons.org/licenses/{code.lower()}/{version}/" if version else None
    return Credit(name, url)


def _clean_name(raw: str) -> str | None:
    name = _TRAILING.sub("", " ".join(raw.split()))[:MAX_CREDIT_CHARS]
    if not name or name.casefold() in _NOT_NAMES or len(name) < 2:
        return None
    return name
