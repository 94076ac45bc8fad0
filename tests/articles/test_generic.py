"""The generic extractor on our own small pages, on hostile input, and on the shared benchmark."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

import aggregator
from aggregator.articles.generic import MAX_ELEMENTS, extract_generic
from tests.shared_data import require_shared

DATA = Path(__file__).resolve().parents[1] / "data" / "articles"
URL = "https://courier.example/news/2024/03/ferry"
FIXTURES = sorted(path.stem for path in DATA.glob("generic_*.html"))
PROSE = (
    "The harbour society met on Tuesday to plan the ferry's summer timetable. Members agreed "
    "that the first crossing would leave the north quay at seven and the last would return "
    "from Holm at nine, with an extra boat on market days when the island fills with visitors "
    "and their bicycles, dogs and shopping."
)


def page(*paragraphs: str, head: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture(name: str) -> None:
    html = (DATA / f"{name}.html").read_text(encoding="utf-8")
    found = extract_generic(html, URL)
    if (DATA / f"{name}.expected.txt").exists():
        assert found is not None
        assert found.text == (DATA / f"{name}.expected.txt").read_text(encoding="utf-8").strip()
        return
    expected = json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert found.text == expected["text"]
    assert found.title == expected["title"]
    assert found.author == expected["author"]
    published = found.published.isoformat() if found.published else None
    assert published == expected["published"]


def test_every_fixture_has_an_expectation() -> None:
    assert len(FIXTURES) >= 4
    for name in FIXTURES:
        assert any((DATA / f"{name}.expected.{ext}").exists() for ext in ("txt", "json")), name


def test_html_is_the_article_body_only() -> None:
    found = extract_generic((DATA / "generic_news.html").read_text(encoding="utf-8"), URL)
    assert found is not None
    assert found.html.startswith("<p>The old harbour ferry")
    assert found.html.count("<p>") == found.text.count("\n\n") + 1
    for boilerplate in ("Most read", "harbourfan", "Share on", "cookies", "newsletter", "©"):
        assert boilerplate not in found.html
        assert boilerplate not in found.text


def test_extract_text() -> None:
    news = (DATA / "generic_news.html").read_text(encoding="utf-8")
    assert aggregator.extract_text(news).startswith("The old harbour ferry made its first")
    assert aggregator.extract_text((DATA / "generic_index.html").read_text(encoding="utf-8")) == ""
    assert aggregator.extract_text("") == ""


def test_importing_aggregator_does_not_load_the_extractor() -> None:
    code = "import sys, aggregator; print(sorted({'trafilatura', 'lxml'} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "line",
    [
        "Related: Storm warning for the weekend as winds pick up",
        "READ MORE: Council approves new cycle lanes",
        "Lire aussi : Le festival du livre revient en juin",
        "Sign up for our free newsletter to get the news in your inbox.",
        "Follow us on Twitter @courier and on Facebook.",
        "Email Maria Jensen at maria@courier.example or follow her @mjensen.",
        "More coverage: https://courier.example/ferry",
        "(Reporting by Maria Jensen; Editing by Tom Berg)",
        "Fox News' Jane Doe contributed to this report.",
        "Photo: Maria Jensen/The Coastal Courier",
        "© 2024 The Coastal Courier. All rights reserved.",
        "By Maria Jensen and Tom Berg",
        "Updated at 1:23 p.m.",
        "March 14, 2024 at 9:30 am",
        "sexta-feira, 22 de outubro de 2010 às 20:13",
        "5 min read",
        "You may also like",
        "Plane passengers quarantined after outbreak [VIDEO]",
    ],
)
def test_furniture_paragraph_is_dropped(line: str) -> None:
    found = extract_generic(page(PROSE, line, PROSE.replace("Tuesday", "Friday")))
    assert found is not None
    assert PROSE in found.text
    assert line not in found.text


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the day the harbour was full of boats.",
        "The mayor said she would subscribe to the plan if the council paid for the fuel.",
        "Follow the money, the auditor told the council, and you will find the leak.",
        "Related costs rose by a third, the treasurer said.",
        "Ferry tickets go on sale on March 14, 2024 at the harbour office.",
        "The society's newsletter, a hand-stapled sheet, has not missed an issue since 1961, "
        "its editor said, and on Sunday it will print a special edition with the timetable, "
        "a map of the island, the names of every volunteer who helped with the repair, and a "
        "coupon for subscribers who sign up before the summer.",
    ],
)
def test_prose_that_looks_like_furniture_is_kept(line: str) -> None:
    found = extract_generic(page(PROSE, line, PROSE.replace("Tuesday", "Friday")))
    assert found is not None
    assert line in found.text


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="article:published_time" content="2024-03-14T09:30:00+01:00">', "08:30"),
        ('<meta name="pubdate" content="2024-03-14T09:30:00">', "09:30"),
        ('<meta name="date" content="Thu, 14 Mar 2024 09:30:00 -0400">', "13:30"),
        (
            '<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
            '{"@type": "NewsArticle", "datePublished": "2024-03-14T09:30:00Z"}]}</script>',
            "09:30",
        ),
    ],
)
def test_publication_date_is_aware_utc(head: str, expected: str) -> None:
    found = extract_generic(page(PROSE, head=head))
    assert found is not None
    assert found.published is not None
    assert found.published.tzinfo is UTC
    assert found.published.date() == datetime(2024, 3, 14, tzinfo=UTC).date()
    assert found.published.strftime("%H:%M") == expected


def test_unreadable_dates_and_broken_json_ld_are_ignored() -> None:
    head = (
        '<meta name="date" content="next Tuesday">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>'
    )
    found = extract_generic(page(PROSE, head=head))
    assert found is not None
    assert found.published is None


@pytest.mark.parametrize("html", ["", "   ", "just some words", '{"a": [1, 2]}', "<html></html>"])
def test_no_article(html: str) -> None:
    assert extract_generic(html) is None


def _hostile_pages() -> dict[str, str]:
    paragraph = f"<p>{PROSE}</p>\n"
    article = "".join(f"<p>{i}: {PROSE}</p>" for i in range(20))
    return {
        "5 MB of paragraphs": "<html><body><article>"
        + "".join(f"<p>{i}. {PROSE}</p>" for i in range(5_000_000 // len(paragraph)))
        + "</article></body></html>",
        "100,000 nested divs": "<html><body>"
        + "<div>" * 100_000
        + article
        + "</div>" * 100_000
        + "</body></html>",
        "a page full of scripts": "<html><head>"
        + "<script>var s = '<p>not text</p>';</script>" * 50_000
        + f"</head><body><article>{article}</article></body></html>",
        "a 5 MB script": f"<html><body><script>{'x=1;' * 1_250_000}</script>{article}</body>",
        "many elements": "<html><body>" + "<p>By Jane</p>" * (3 * MAX_ELEMENTS) + "</body></html>",
        "many links": "<html><body>" + "<a href='/x'>a link</a> " * 200_000 + "</body></html>",
        "control characters": f"<html><body><article>{article}\x00\x01\x0b</article></body></html>",
        "a lone surrogate": f"<html><body><article>{article}\ud800</article></body></html>",
    }


@pytest.mark.parametrize("name", list(_hostile_pages()))
@pytest.mark.timeout(60)  # a hang fails here; the assertion inside bounds the time
def test_hostile_page_is_bounded(name: str) -> None:
    html = _hostile_pages()[name]
    start = time.perf_counter()
    found = extract_generic(html, URL)
    assert time.perf_counter() - start < 5
    if name in {"a page full of scripts", "a 5 MB script", "control characters"}:
        assert found is not None
        assert PROSE in found.text
        assert "not text" not in found.text


TOKEN = re.compile(r"\w+")


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = TOKEN.findall(text)
    if len(tokens) < 4:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


@pytest.mark.shared
def test_benchmark_f1_does_not_regress() -> None:
    """The README metric of the shared benchmark; 0.90 guards regressions, the target is higher."""
    public = require_shared("extraction/public")
    truth = json.loads((public / "ground-truth.json").read_text(encoding="utf-8"))
    precisions, recalls = [], []
    for page_id, entry in truth.items():
        html = gzip.decompress((public / f"{page_id}.html.gz").read_bytes()).decode("utf-8")
        expected, got = _shingles(entry["articleBody"]), _shingles(aggregator.extract_text(html))
        tp = sum((expected & got).values())
        if got:
            precisions.append(tp / sum(got.values()))
        recalls.append(tp / sum(expected.values()) if expected else 0.0)
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.90, f"F1 {f1:.3f} (precision {precision:.3f}, recall {recall:.3f})"
