"""How far an extracted article can be trusted, as a score and the reasons behind it.

Pure: no parsing library, no model; the caller detects the language and passes it in. The
score starts at 1.0 and each finding subtracts its weight (clamped to [0, 1]):

==========================================================  ======
finding                                                     weight
==========================================================  ======
paywall, consent wall or "enable JavaScript" page           0.50
link density over 0.5 (a link farm, a menu, a tag cloud)   0.40
link density over 0.3                                       0.15
text under 200 characters                                   0.35
text under 600 characters                                   0.15
shorter than half the feed text (when that is 100+ chars)   0.35
shorter than 0.9 times the feed text                        0.20
over 4 times a feed text that looked complete (1,500+)      0.10
detected language differs from the feed's (primary subtag)  0.30
==========================================================  ======

A feed summary longer than the article means the extractor missed it (or grabbed a teaser);
an article far longer than a feed that already carried the full text means it grabbed the
page around it. Wall phrases count only when the text is short-ish (under 1,500 characters)
or the phrase sits in its first 400 characters, so an article *about* cookies is not a wall.
"""

from __future__ import annotations

import html as htmllib
import re

from aggregator.records import Quality

__all__ = ["assess", "link_density", "primary_subtag", "wall_phrase"]

W_WALL = 0.50
W_LINK_FARM, LINK_FARM = 0.40, 0.5
W_MANY_LINKS, MANY_LINKS = 0.15, 0.3
W_VERY_SHORT, VERY_SHORT = 0.35, 200
W_SHORT, SHORT = 0.15, 600
W_UNDER_HALF_FEED = 0.35
W_UNDER_FEED, UNDER_FEED = 0.20, 0.9
W_OVER_FEED, OVER_FEED, FULL_FEED = 0.10, 4.0, 1_500
MIN_FEED = 100
W_LANGUAGE = 0.30
WALL_SHORT_TEXT, WALL_PROMINENT = 1_500, 400

_WALLS: dict[str, tuple[str, ...]] = {
    "paywall": (
        "subscribe to continue reading", "subscribe to read", "to continue reading, subscribe",
        "this content is for subscribers", "this article is for subscribers",
        "already a subscriber", "subscribers only", "reached your limit of free articles",
        "sign in to continue reading", "create a free account to continue",
        "réservé aux abonnés", "abonnez-vous pour lire", "pour lire la suite",
        "nur für abonnenten", "jetzt abonnieren", "weiterlesen mit",
        "exclusivo para suscriptores", "suscríbete para seguir leyendo",
        "exclusivo para assinantes", "assine para ler", "para continuar lendo",
        "riservato agli abbonati", "有料会員限定", "続きを読むには", "会員登録が必要",
    ),
    "consent wall": (
        "accept cookies", "accept all cookies", "we use cookies", "manage cookies",
        "cookie settings", "we value your privacy", "consent to the use of cookies",
        "cookie-einstellungen", "wir verwenden cookies", "datenschutzeinstellungen",
        "accepter les cookies", "nous utilisons des cookies", "paramètres des cookies",
        "aceptar cookies", "utilizamos cookies", "aceitar cookies", "accetta i cookie",
        "utilizziamo i cookie",
    ),
    "javascript wall": (
        "enable javascript", "javascript is disabled", "javascript is required",
        "turn on javascript", "activez javascript", "aktivieren sie javascript",
        "habilite javascript", "habilita javascript", "active o javascript", "javascriptを有効",
    ),
}  # fmt: skip
# `[^<>]` keeps every scan linear, even on markup full of unclosed brackets.
_ANCHOR_OPEN = re.compile(r"<a\b[^<>]*>", re.IGNORECASE)
_ANCHOR_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*>")


def _visible_chars(markup: str) -> int:
    text = _TAG.sub(" ", markup)
    if "&" in text:
        text = htmllib.unescape(text)
    return sum(len(word) for word in text.split())


def link_density(html: str) -> float:
    """Share of the visible characters of `html` that sit inside links (0.0 without text)."""
    total = _visible_chars(html)
    if total == 0:
        return 0.0
    linked, pos = 0, 0
    while (opening := _ANCHOR_OPEN.search(html, pos)) is not None:
        closing = _ANCHOR_CLOSE.search(html, opening.end())
        if closing is None:
            break
        linked += _visible_chars(html[opening.end() : closing.start()])
        pos = closing.end()
    return min(1.0, linked / total)


def primary_subtag(tag: str | None) -> str | None:
    """ "pt-BR" -> "pt", "zh_Hant" -> "zh"; None for an empty or missing tag."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary or None


def wall_phrase(text: str) -> tuple[str, str] | None:
    """(kind, phrase) of a paywall/consent/JavaScript wall in `text`, if one is prominent."""
    folded = text.casefold()
    short = len(text) < WALL_SHORT_TEXT
    for kind, phrases in _WALLS.items():
        for phrase in phrases:
            at = folded.find(phrase)
            if at >= 0 and (short or at < WALL_PROMINENT):
                return kind, phrase
    return None


def assess(
    text: str,
    html: str,
    *,
    feed_text: str | None,
    expected_language: str | None,
    language: str | None,
) -> Quality:
    """Score an article's `text` (and its `html`, for links) against what the feed promised.

    `feed_text` is the plain text of the feed item's content or summary; `expected_language`
    the feed's declared language; `language` the one detected in `text`. See the module
    docstring for the weights.
    """
    penalties: list[tuple[float, str]] = []
    length = len(text.strip())
    if length < VERY_SHORT:
        penalties.append((W_VERY_SHORT, f"very short ({length} chars)"))
    elif length < SHORT:
        penalties.append((W_SHORT, f"short ({length} chars)"))

    ratio: float | None = None
    feed_length = len(feed_text.strip()) if feed_text else 0
    if feed_length:
        ratio = round(length / feed_length, 3)
        if feed_length >= MIN_FEED and ratio < 0.5:
            penalties.append((W_UNDER_HALF_FEED, f"under half the feed text (ratio {ratio})"))
        elif feed_length >= MIN_FEED and ratio < UNDER_FEED:
            penalties.append((W_UNDER_FEED, f"shorter than the feed text (ratio {ratio})"))
        elif feed_length >= FULL_FEED and ratio > OVER_FEED:
            penalties.append((W_OVER_FEED, f"much longer than the feed's full text ({ratio}x)"))

    density = round(link_density(html), 3)
    if density > LINK_FARM:
        penalties.append((W_LINK_FARM, f"mostly links (link density {density})"))
    elif density > MANY_LINKS:
        penalties.append((W_MANY_LINKS, f"many links (link density {density})"))

    matches: bool | None = None
    expected, detected = primary_subtag(expected_language), primary_subtag(language)
    if expected and detected:
        matches = expected == detected
        if not matches:
            penalties.append((W_LANGUAGE, f"language {detected} where the feed says {expected}"))

    wall: str | None = None
    found = wall_phrase(text)
    if found is not None:
        wall = found[0]
        penalties.append((W_WALL, f"{found[0]} ({found[1]!r})"))

    score = max(0.0, min(1.0, 1.0 - sum(weight for weight, _ in penalties)))
    return Quality(
        score=round(score, 3),
        length_ratio=ratio,
        link_density=density,
        language=language,
        language_matches=matches,
        wall=wall,
        notes=tuple(note for _, note in penalties),
    )
