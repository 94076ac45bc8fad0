from __future__ import annotations

import pytest

from aggregator.articles.quality import assess, link_density, primary_subtag, wall_phrase
from aggregator.records import Quality

ARTICLE = " ".join(
    [
        "Every morning before dawn, the fishers of a small coastal town load their boats with",
        "nets, ice and, since last year, a cheap phone running a mapping app they helped design.",
        "The idea came from a cooperative of twenty families who were tired of arguing with",
        "inspectors about where they had been fishing. With the app, each trip leaves a track",
        "that anyone in the cooperative can check. The maps are stored on a server run by the",
        "cooperative itself, and members decide together which tracks to share with researchers",
        "and which stay private, a choice that matters where good spots are family secrets.",
    ]
    * 3
)
ARTICLE_HTML = f"<p>{ARTICLE}</p><p>See <a href='https://x.example/'>the cooperative</a>.</p>"
SUMMARY = "Fishers in a coastal town map their own waters with an app they helped design."


def quality(
    text: str = ARTICLE,
    html: str | None = None,
    *,
    feed_text: str | None = SUMMARY,
    expected_language: str | None = "en",
    language: str | None = "en",
) -> Quality:
    return assess(
        text,
        f"<p>{text}</p>" if html is None else html,
        feed_text=feed_text,
        expected_language=expected_language,
        language=language,
    )


def test_good_article() -> None:
    result = quality(ARTICLE, ARTICLE_HTML)
    assert result.score == 1.0
    assert result.notes == ()
    assert result.wall is None
    assert result.language == "en"
    assert result.language_matches is True
    assert result.length_ratio is not None
    assert result.length_ratio > 10
    assert 0 < result.link_density < 0.05


def test_paywall_page() -> None:
    text = (
        "Fishers map their own waters\n\nEvery morning before dawn, the fishers load their "
        "boats.\n\nThis content is for subscribers only. Subscribe to continue reading."
    )
    result = quality(text, feed_text=ARTICLE)
    assert result.wall == "paywall"
    assert result.score <= 0.2
    assert any("paywall" in note for note in result.notes)
    assert any("feed text" in note for note in result.notes)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "We value your privacy. We use cookies to improve your experience. Accept cookies",
            "consent wall",
        ),
        ("Wir verwenden Cookies. Cookie-Einstellungen | Alle akzeptieren", "consent wall"),
        ("Nous utilisons des cookies pour améliorer votre expérience.", "consent wall"),
        ("Please enable JavaScript to view this page.", "javascript wall"),
        ("Cet article est réservé aux abonnés.", "paywall"),
        ("Conteúdo exclusivo para assinantes. Para continuar lendo, assine.", "paywall"),
        ("この記事は有料会員限定です。続きを読むにはログインしてください。", "paywall"),
    ],
)
def test_walls_in_several_languages(text: str, kind: str) -> None:
    result = quality(text, feed_text=None)
    assert result.wall == kind
    assert result.score <= 0.5


def test_a_wall_phrase_deep_in_a_long_article_is_not_a_wall() -> None:
    text = ARTICLE + " Some sites say 'accept cookies' before you can read them."
    assert wall_phrase(text) is None
    assert quality(text).wall is None
    # ...but at the top of the text it is prominent, whatever the length
    assert wall_phrase("Accept cookies to read on. " + ARTICLE) == (
        "consent wall",
        "accept cookies",
    )


def test_link_farm() -> None:
    links = "".join(f"<li><a href='/t/{i}'>Topic number {i}</a></li>" for i in range(60))
    html = f"<p>Browse our topics.</p><ul>{links}</ul>"
    text = "Browse our topics. " + " ".join(f"Topic number {i}" for i in range(60))
    result = quality(text, html)
    assert result.link_density > 0.9
    assert any("links" in note for note in result.notes)
    assert result.score <= 0.6


def test_language_mismatch_and_subtags() -> None:
    mismatch = quality(expected_language="fr", language="en")
    assert mismatch.language_matches is False
    assert mismatch.score == pytest.approx(0.7)
    assert any("language en" in note for note in mismatch.notes)
    assert quality(expected_language="pt-BR", language="pt").language_matches is True
    assert quality(expected_language="EN_us", language="en").language_matches is True
    assert quality(expected_language=None, language="en").language_matches is None
    assert quality(expected_language="en", language=None).language_matches is None


def test_length_against_the_feed() -> None:
    assert quality("Short teaser.", feed_text=SUMMARY).length_ratio == round(13 / len(SUMMARY), 3)
    # a summary longer than the article: the extractor missed it
    result = quality(ARTICLE[:700], feed_text=ARTICLE)
    assert result.length_ratio is not None
    assert result.length_ratio < 0.5
    assert any("under half" in note for note in result.notes)
    # a full-text feed and a page five times longer: boilerplate came along
    long_page = quality(ARTICLE * 6, feed_text=ARTICLE)
    assert any("much longer" in note for note in long_page.notes)
    assert quality(feed_text=None).length_ratio is None
    assert quality(feed_text="").length_ratio is None


def test_absolute_length_and_bounds() -> None:
    assert any("very short" in n for n in quality("Tiny.", feed_text=None).notes)
    assert any(n.startswith("short") for n in quality(ARTICLE[:400], feed_text=None).notes)
    worst = quality(
        "Subscribe to continue reading.",
        "<a href='/s'>Subscribe to continue reading.</a>",
        feed_text=ARTICLE,
        expected_language="ja",
        language="en",
    )
    assert worst.score == 0.0
    assert len(worst.notes) == 5


def test_helpers() -> None:
    assert link_density("") == 0.0
    assert link_density("<a href='x'>all</a>") == 1.0
    assert link_density("<p>ab <a>cd</a></p>") == 0.5
    assert link_density("<a>unclosed " + "<a " * 10_000) == 0.0
    assert primary_subtag("pt-BR") == "pt"
    assert primary_subtag("zh_Hant") == "zh"
    assert primary_subtag("") is None
    assert primary_subtag(None) is None
