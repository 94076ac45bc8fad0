"""Related News, Background and copies of one story, through real fetches of a loopback site."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from typing import Any

from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.backends.retry import RetryPolicy
from aggregator.drafting.editing import edit_part
from aggregator.storage.desk import Desk
from aggregator.storage.store import Store
from tests.drafting.fakes import FakeOpenAI
from tests.helpers.drafting import ENV, KEY, Run, drafting
from tests.loopback import Loopback, Reply

START = datetime(2026, 5, 3, 8, tzinfo=UTC)

FLOOD = [
    (
        "Floods in Porto Alegre leave 39 dead as the Guaíba river overflows",
        "Floods in Porto Alegre have left 39 people dead after the Guaíba river rose to 5.3 "
        "metres, the highest level ever recorded, Governor Eduardo Leite said on Friday. "
        "About 24,000 residents of Rio Grande do Sul were moved to shelters.\n\n"
        "Civil defence teams in Porto Alegre used boats to reach families on rooftops in the "
        "Sarandi district. Governor Leite asked the federal government for emergency funds "
        "and said the Guaíba would stay high for days.\n\n"
        "Rain continued in the Taquari valley, where bridges collapsed and roads were cut.",
    ),
    (
        "Guaíba river reaches record as Porto Alegre floods spread",
        "The Guaíba river kept rising on Saturday and water reached the centre of Porto "
        "Alegre, where the airport closed its runway. Governor Eduardo Leite said the death "
        "toll in Rio Grande do Sul rose to 55 and that 70,000 people had left their homes.\n\n"
        "Volunteers in the Sarandi and Humaitá districts rescued families with boats as "
        "civil defence warned that the Guaíba would not fall before Monday.\n\n"
        "President Lula flew over the Taquari valley and promised funds for rebuilding.",
    ),
    (
        "Porto Alegre airport closed until June after Guaíba floods",
        "Porto Alegre's airport will stay closed until June, its operator said, as floods "
        "from the Guaíba river covered the runway and terminal. Governor Eduardo Leite said "
        "Rio Grande do Sul faced the worst disaster in its history, with 83 dead.\n\n"
        "Civil defence counted 121,000 people out of their homes in Porto Alegre, the Sarandi "
        "district and the Taquari valley, and more rain was forecast.\n\n"
        "Federal funds of 50 billion reais were promised for the recovery, Lula said.",
    ),
]
OTHER = (
    "Magnus Carlsen wins the Norway Chess tournament in Stavanger",
    "Magnus Carlsen won the Norway Chess tournament in Stavanger on Friday after beating "
    "Hikaru Nakamura in the armageddon game of the last round.\n\n"
    "Carlsen finished with 17.5 points, a point ahead of Nakamura, while Ding Liren, the world "
    "champion, finished last after losing to Fabiano Caruana.\n\n"
    "The organisers said the women's event, held in the same hall, was won by Ju Wenjun.",
)


def page(title: str, text: str) -> Reply:
    body = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>"
        f"{body}</article><footer>© News</footer></body></html>"
    )
    return Reply(body=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def feed(site: Loopback, path: str, entries: list[tuple[str, str, datetime]]) -> None:
    items = "".join(
        f"<item><title>{escape(title)}</title><link>{site.url(link)}</link>"
        f"<guid>{site.url(path)}#{escape(link)}</guid>"
        f"<pubDate>{format_datetime(published)}</pubDate></item>"
        for title, link, published in entries
    )
    rss = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{path}'
        f"</title><link>{site.url('/')}</link><description>news</description>{items}"
        "</channel></rss>"
    )
    site.route(path, Reply(body=rss.encode(), headers={"Content-Type": "application/rss+xml"}))


def fetch(config: Config) -> None:
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output


def stubs(config: Config) -> dict[str, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["--config", str(config.path), "stubs", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    listed = [json.loads(line) for line in result.output.splitlines()]
    return {(s["url"], s["feed"]): s for s in listed}  # type: ignore[misc]


def part(stub: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in stub["parts"] if p["name"] == name)


def urls(stub: dict[str, Any], name: str) -> list[str]:
    return [e["url"] for e in part(stub, name).get("entries", [])]


def test_a_story_arriving_over_three_fetches_keeps_the_first_stub_current(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = make_config([{"name": "wire", "url": site.url("/feed")}])
    for n, (title, text) in enumerate(FLOOD):
        site.route(f"/flood/{n}", page(title, text))
    site.route("/chess", page(*OTHER))
    entries = [(OTHER[0], "/chess", START - timedelta(hours=2))]
    links = [site.url(f"/flood/{n}") for n in range(3)]

    for n, (title, _) in enumerate(FLOOD):
        entries.insert(0, (title, f"/flood/{n}", START + timedelta(hours=n)))
        feed(site, "/feed", entries)
        fetch(config)
        if n == 0:  # the editor writes the analysis of the first stub
            store = Store.open(config.settings.database_url)
            try:
                first = stubs(config)[(links[0], "wire")]
                desk = Desk(store, edit=edit_part)
                desk.edit(first["item_id"], "expert_analysis", "Ours.", "Ana", START)
                desk.edit(first["item_id"], "key_points", "Point one.", "Ana", START)
            finally:
                store.close()

    drafted = stubs(config)
    first, second, third = (drafted[(link, "wire")] for link in links)
    assert sorted(urls(first, "related_news")) == sorted(links[1:])
    assert urls(first, "background") == []
    assert part(first, "expert_analysis")["kind"] == "edited"
    assert part(first, "expert_analysis")["content"] == "Ours."
    assert part(first, "key_points")["content"] == "Point one."
    assert sorted(urls(third, "background")) == sorted(links[:2])
    assert urls(second, "background") == [links[0]]
    assert urls(second, "related_news") == [links[2]]
    chess = drafted[(site.url("/chess"), "wire")]
    assert urls(chess, "related_news") == urls(chess, "background") == []
    for stub in (first, second, third):
        for name in ("related_news", "background"):
            assert stub["url"] not in urls(stub, name)
    store = Store.open(config.settings.database_url)
    try:
        history = [e for e in Desk(store).events(first["item_id"]) if e.action == "related"]
    finally:
        store.close()
    assert len(history) == 2
    assert all(e.who == "archive" and "related_news +" in (e.detail or "") for e in history)


def test_a_story_through_two_feeds_and_a_wire_copy_is_also_reported_never_related(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    title, text = FLOOD[0]
    site.route("/story", page(title, text))
    site.route("/wire/story", page(title, text))  # syndicated: the same text elsewhere
    site.route("/later", page(*FLOOD[1]))
    feed(site, "/one", [(title, "/story", START)])
    feed(site, "/two", [(title, "/story", START), (FLOOD[1][0], "/later", START + timedelta(1))])
    feed(site, "/three", [(title, "/wire/story", START + timedelta(minutes=5))])
    config = make_config(
        [{"name": name, "url": site.url(f"/{name}")} for name in ("one", "two", "three")]
    )

    fetch(config)

    drafted = stubs(config)
    copies = {site.url("/story"), site.url("/wire/story")}
    for key in [(site.url("/story"), "one"), (site.url("/story"), "two")]:
        stub = drafted[key]
        for name in ("related_news", "background"):
            assert not copies & set(urls(stub, name)), (key, name)
        assert urls(stub, "related_news") == [site.url("/later")]
        source = part(stub, "source")["content"]
        assert source.count("Also reported by") == 1, source
        label, _, named = source.splitlines()[-1].partition(" by ")
        assert label == "Also reported"
        assert sorted(named.split(", ")) == sorted({"one", "two", "three"} - {key[1]})
        figures = [e["text"] for e in part(stub, "additional_data").get("entries", [])]
        assert len(figures) == len(set(figures))
    later = drafted[(site.url("/later"), "two")]
    assert urls(later, "background") in (
        [site.url("/story")],
        [site.url("/wire/story")],
    )


HEADLINES = [
    "Fed's Plosser says weak data caused by weather, should not slow taper",
    "Fed official Plosser: weather to blame for weak data, taper on track",
    "Plosser sees high bar for change in pace of Fed tapering after weak data",
    "Plosser: Fed should keep its taper pace despite winter's weak data",
]


def test_items_held_back_on_a_first_fetch_are_found_by_their_titles(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    entries = []
    for n, title in enumerate(HEADLINES):
        site.route(f"/fed/{n}", page(title, title))
        entries.append((title, f"/fed/{n}", START + timedelta(hours=n)))
    feed(site, "/feed", entries)
    config = make_config([{"name": "wire", "url": site.url("/feed"), "backfill_items": 1}])

    fetch(config)

    (stub,) = stubs(config).values()
    assert stub["url"] == site.url("/fed/3")  # the newest
    found = urls(stub, "background") + urls(stub, "related_news")
    assert len(found) >= 2, found
    assert set(found) <= {site.url(f"/fed/{n}") for n in range(3)}, found
    assert all(site.hits(f"/fed/{n}") == [] for n in range(3))  # found by title, not fetched


async def _no_sleep(seconds: float) -> None:
    return None


def test_a_later_article_added_to_a_translated_stub_is_translated_too(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    openai = FakeOpenAI(site)
    extra = drafting("openai", openai.base_url, model="m", write_commentary=False, **KEY)
    config = make_config([{"name": "wire", "url": site.url("/feed")}], extra, target_language="ja")
    run = Run(config, RetryPolicy(base_delay=0.01, max_delay=5.0, sleep=_no_sleep), ENV)
    entries = []
    for n, (title, text) in enumerate(FLOOD[:2]):
        site.route(f"/flood/{n}", page(title, text))
        entries.insert(0, (title, f"/flood/{n}", START + timedelta(hours=n)))
        feed(site, "/feed", entries)
        drafted = run()

    first = drafted["0"]
    news = first.part("related_news")
    assert news is not None
    (entry,) = news.entries
    assert entry.url == site.url("/flood/1")
    assert entry.original == FLOOD[1][0]  # the English title kept beside its translation
    assert entry.title is not None
    assert entry.title.startswith("«")
