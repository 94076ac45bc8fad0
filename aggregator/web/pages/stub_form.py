"""The stub page's one form: every part in one Save, based on one version of the stub.

The page carries the stub's version (hidden) and, for each part, a digest of the text it was
rendered with (`base-<part>`), so a Save finds the parts the editor changed without sending
the old texts back. A Save based on an older version than the stored one saves nothing; the
page comes back showing, for each part both editors changed, the text saved meanwhile beside
the editor's own (`conflicts`), based on the new version, so saving again keeps the editor's.
Pure: no request, no store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from aggregator.stub_records import Stub

VERSION_FIELD = "version"
CONTENT_PREFIX = "content-"
BASE_PREFIX = "base-"


@dataclass(frozen=True, slots=True)
class PartsForm:
    version: int | None
    """The version of the stub the page was rendered from; None when the form has none."""
    texts: dict[str, str]
    """Every part's text as sent, by part name."""
    bases: dict[str, str]
    """The digest of each part's text as the page was rendered (`digest`)."""


@dataclass(frozen=True, slots=True)
class Conflict:
    """A part changed both by the editor and, since the page was rendered, by someone else."""

    name: str
    theirs: str
    """The text saved meanwhile."""
    yours: str
    """The editor's text, not saved."""


def normalized(text: str) -> str:
    """A part's text as the desk stores it: CRLF as LF (browsers send CRLF), trimmed."""
    return text.replace("\r\n", "\n").strip()


def digest(text: str) -> str:
    """A short digest of a part's text (normalized): what the page says it showed."""
    return hashlib.sha256(normalized(text).encode()).hexdigest()[:20]


def version_of(form: Mapping[str, str]) -> int | None:
    value = form.get(VERSION_FIELD, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def read_parts_form(form: Mapping[str, str]) -> PartsForm:
    texts = {
        key.removeprefix(CONTENT_PREFIX): value
        for key, value in form.items()
        if key.startswith(CONTENT_PREFIX)
    }
    bases = {
        key.removeprefix(BASE_PREFIX): value
        for key, value in form.items()
        if key.startswith(BASE_PREFIX)
    }
    return PartsForm(version_of(form), texts, bases)


def changes(form: PartsForm) -> dict[str, str]:
    """The parts whose text differs from the text the page was rendered with (a part sent
    without its digest counts as changed)."""
    return {name: text for name, text in form.texts.items() if digest(text) != form.bases.get(name)}


def conflicts(
    changed: Mapping[str, str], bases: Mapping[str, str], current: Stub
) -> list[Conflict]:
    """The changed parts that someone else changed too since the page was rendered (their
    text is no longer the one the page showed), unless both wrote the same; in page order."""
    found = []
    for part in current.parts:
        yours = changed.get(part.name)
        if yours is None or digest(part.content) == bases.get(part.name):
            continue
        if normalized(yours) != normalized(part.content):
            found.append(Conflict(part.name, part.content, normalized(yours)))
    return found


def still_changed(changed: Mapping[str, str], current: Stub) -> dict[str, str]:
    """The changes that still differ from the stub as it is now (to show the editor again)."""
    return {
        name: text
        for name, text in changed.items()
        if (part := current.part(name)) is None or normalized(text) != normalized(part.content)
    }


def current_bases(stub: Stub) -> dict[str, str]:
    """The digest of each part's stored text, for the page to carry."""
    return {part.name: digest(part.content) for part in stub.parts}
