"""`fetch` shows progress over the whole job (feeds, extraction, drafting) and times each stage."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

from click.testing import CliRunner, Result

from aggregator.cli import cli
from aggregator.cli.progress import JobProgress, progress_line
from aggregator.config import Config
from tests.helpers.feeds import rss
from tests.helpers.translators import SlowTranslator, translator_config
from tests.loopback import Loopback, Reply

STORIES = 6
SUBJECTS = ("harbour", "orchestra", "vaccine", "railway", "glacier", "election")


def page(subject: str) -> bytes:
    """An English page of its own subject: no story is related to another."""
    text = " ".join(
        f"<p>The {subject} report number {n} was published today by the regional office, "
        f"which said the {subject} work would continue through the winter.</p>"
        for n in range(6)
    )
    return f"<html><head><title>The {subject}</title></head><body>{text}</body></html>".encode()


def slow_job(site: Loopback, make_config: Callable[..., Config]) -> Config:
    """Six stories whose pages take 0.2 s each (one at a time) and whose translations 0.3 s:
    extraction and drafting each take a while, the feed itself does not."""
    site.route("/news", Reply(body=rss([(f"urn:s:{i}", f"Story {i}") for i in range(STORIES)])))
    for i in range(STORIES):
        site.route(f"/item/urn:s:{i}", Reply(body=page(SUBJECTS[i]), delay=0.2))
    translator = SlowTranslator(site, delay=0.3)
    return make_config(
        [{"name": "news", "url": site.url("/news")}],
        extra=translator_config(translator),
        target_language="ja",
        extract_concurrency=1,
    )


def fetch(config: Config, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--config", str(config.path), *args])
    assert result.exit_code == 0, result.output
    return result


def test_piped_fetch_whose_drafting_takes_a_while_shows_extraction_and_drafting_progress(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = slow_job(site, make_config)
    result = fetch(config, "fetch", "--all", "--progress-every", "0.5")
    lines = [line for line in result.stderr.splitlines() if line.startswith("progress: ")]
    extraction = [line for line in lines if line.startswith("progress: extraction ")]
    drafting = [line for line in lines if line.startswith("progress: drafting ")]
    assert extraction, result.stderr
    assert drafting, result.stderr
    for line in extraction:
        assert re.match(
            rf"progress: extraction [0-{STORIES}]/{STORIES}, feeds 1/1 \(\d+ s\)$", line
        )
    for line in drafting:
        # Its own count, with the stages before it done.
        assert re.match(
            r"progress: drafting (\d+)/(\d+), feeds 1/1, "
            rf"extraction {STORIES}/{STORIES} \(\d+ s\)$",
            line,
        ), line
        done, total = re.findall(r"drafting (\d+)/(\d+)", line)[0]
        # Six stubs due when drafting began; a stub drafted again as a later story relates
        # to it (drafting's own rule) counts too.
        assert int(done) <= int(total)
        assert int(total) >= STORIES
    assert re.search(r"^\d+ stubs drafted in ", result.stdout, re.MULTILINE)


def test_fetch_with_json_logs_writes_its_progress_as_json_lines(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = slow_job(site, make_config)
    result = fetch(config, "--log-format", "json", "fetch", "--all", "--progress-every", "0.5")
    records: list[dict[str, Any]] = [
        json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")
    ]
    progress = [r for r in records if r["event"] == "fetch.progress"]
    stages = {r["stage"] for r in progress}
    assert {"extraction", "drafting"} <= stages, progress
    for record in progress:
        assert 0 <= record["done"] <= record["total"]
        assert record["seconds"] > 0
    assert all(r["total"] >= STORIES for r in progress if r["stage"] == "drafting")
    assert not any(line.startswith("progress: ") for line in result.stderr.splitlines())


def test_the_summary_gives_each_stage_its_own_time(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = slow_job(site, make_config)
    result = fetch(config, "fetch", "--all")
    feeds, articles, stubs, total = result.stdout.splitlines()[:4]
    times = [float(re.findall(r" in (\d+\.\d) s", line)[0]) for line in (feeds, articles, stubs)]
    assert feeds.startswith("1 feeds in ")
    assert articles.startswith(f"{STORIES} articles extracted in ")
    assert re.match(r"\d+ stubs drafted in ", stubs)
    all_in = float(total.removesuffix(" s in all"))
    # The feed's time no longer counts the extraction and drafting after it.
    assert times[0] < 1.0 <= times[1] + times[2] <= all_in + 0.1
    assert times[1] >= STORIES * 0.2 - 0.1  # six pages one at a time
    assert times[2] >= 0.3  # a translation at least


def test_the_json_summary_gives_each_stage_its_time(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = slow_job(site, make_config)
    summary = json.loads(fetch(config, "fetch", "--all", "--format", "json").stdout)
    stages = summary["stage_seconds"]
    assert set(stages) == {"feeds", "extraction", "drafting"}
    assert stages["feeds"] < stages["extraction"]
    assert sum(stages.values()) <= summary["seconds"] + 0.1


def test_no_extract_times_the_feeds_only(
    site: Loopback, make_config: Callable[..., Config]
) -> None:
    config = slow_job(site, make_config)
    summary = json.loads(fetch(config, "fetch", "--all", "--no-extract", "--format", "json").stdout)
    assert set(summary["stage_seconds"]) == {"feeds"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_each_stage_has_its_own_bar_and_no_line_is_written() -> None:
    screen = Terminal()
    shown = JobProgress(screen, every=0.1, json_lines=False)
    shown.start("feeds", 2)
    shown.advance("feeds", "one")
    shown.advance("feeds", "two")
    shown.start("extraction", 3)
    shown.advance("extraction")
    shown.start("drafting", 1)
    shown.line()  # bars on a terminal: no periodic line
    shown.stop()
    assert set(shown.tasks) == {"feeds", "extraction", "drafting"}
    totals = {stage: shown.bars.tasks[task].total for stage, task in shown.tasks.items()}
    assert totals == {"feeds": 2, "extraction": 3, "drafting": 1}
    assert "progress: " not in screen.getvalue()
    assert shown.counts["extraction"].done == 1
    assert shown.seconds()["drafting"] >= 0


def test_a_progress_line_names_the_stage_under_way_first() -> None:
    shown = JobProgress(io.StringIO(), every=10, json_lines=False)
    shown.start("feeds", 58)
    for _ in range(58):
        shown.advance("feeds")
    shown.start("extraction", 2590)
    shown.advance("extraction")
    line = progress_line(shown.counts, "extraction", 436.2)
    assert line == "progress: extraction 1/2590, feeds 58/58 (436 s)"
