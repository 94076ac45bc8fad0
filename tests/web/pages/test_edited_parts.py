"""A part an editor writes is `edited` everywhere the stub shows: the stub page, its Markdown file,
the digest and the API, through the real app over HTTP; saved empty, it is to write again.

The stories are drafted in English (the target language decides the headings and labels; the
Japanese ones are the message catalogue's to test)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import feedparser
import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from click.testing import CliRunner
from markdown_it import MarkdownIt

from aggregator.cli import cli
from aggregator.config import Config
from aggregator.drafting.messages import messages
from tests.helpers.drafting import serve
from tests.helpers.stub_pages import sections
from tests.loopback import Loopback
from tests.web.conftest import Web, open_web
from tests.web.editing import DAM, if_match, save_parts, stub_id

ANALYSIS = "The port's closure costs the barge operators two days of trade."
PROMPT = messages("en")("prompt.expert_analysis")
HEADING = "Expert Analysis"


@pytest.fixture
def web(site: Loopback, make_config: Callable[..., Config]) -> Iterator[Web]:
    """The two stories of the `drafted` config, fetched and drafted in English."""
    serve(site)
    config = make_config([{"name": "city", "url": site.url("/feed")}], target_language="en")
    result = CliRunner().invoke(cli, ["--config", str(config.path), "fetch", "--all"])
    assert result.exit_code == 0, result.output
    yield from open_web(config)


def page_section(web: Web, item_id: int) -> str:
    """The Expert Analysis of the stub as the stub page previews it."""
    soup = BeautifulSoup(web.client.get(f"/stubs/{item_id}").text, "html.parser")
    rendered = soup.find("div", class_="rendered")
    assert isinstance(rendered, Tag)
    return sections(BeautifulSoup(rendered.decode_contents(), "html.parser"))[HEADING]


def file_section(web: Web, item_id: int) -> str:
    """The Expert Analysis of the stub's Markdown file, as a CommonMark viewer shows it."""
    (path,) = web.config.path.parent.glob(f"stubs/city/{item_id}-*.md")
    shown = MarkdownIt("commonmark").render(path.read_text(encoding="utf-8"))
    return sections(BeautifulSoup(shown, "html.parser"))[HEADING]


def digest_section(web: Web, title: str) -> str:
    """The Expert Analysis of the story's entry in /digest.atom, as a feed reader gets it."""
    response = web.client.get("/digest.atom")
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    (entry,) = [e for e in parsed.entries if e.title == title]
    return sections(BeautifulSoup(entry.content[0].value, "html.parser"))[HEADING]


def api_part(web: Web, item_id: int, name: str) -> dict[str, Any]:
    response = web.client.get(f"/api/stubs/{item_id}")
    assert response.status_code == 200
    part: dict[str, Any] = next(p for p in response.json()["parts"] if p["name"] == name)
    return part


def put_part(web: Web, item_id: int, name: str, content: str) -> httpx.Response:
    path = f"/api/stubs/{item_id}/parts/{name}"
    body = {"content": content, "editor": "Ana Horvat"}
    return web.client.put(path, json=body, headers={"Origin": web.base_url, **if_match(web, path)})


def edit_form(web: Web, item_id: int) -> Tag:
    soup = BeautifulSoup(web.client.get(f"/stubs/{item_id}").text, "html.parser")
    form = soup.find("section", id="part-expert_analysis")
    assert isinstance(form, Tag)
    return form


def test_a_written_part_shows_as_edited_everywhere(web: Web) -> None:
    item_id = stub_id(web, DAM)
    before = (page_section(web, item_id), file_section(web, item_id), digest_section(web, DAM))
    for shown in before:
        assert shown.startswith(f"[to write] {PROMPT}")
    assert api_part(web, item_id, "expert_analysis")["kind"] == "to_write"

    response = save_parts(web, item_id, {"expert_analysis": ANALYSIS}, "Ana Horvat")
    assert response.status_code == 303

    shown_in = {
        "stub page": page_section(web, item_id),
        "Markdown file": file_section(web, item_id),
        "digest": digest_section(web, DAM),
    }
    for where, shown in shown_in.items():
        assert shown == f"{ANALYSIS} edited by an editor", where
    part = api_part(web, item_id, "expert_analysis")
    assert (part["kind"], part["content"], part["by"]) == ("edited", ANALYSIS, "editor Ana Horvat")
    assert "prompt" not in part
    form = edit_form(web, item_id)
    assert "kind-edited" in form["class"]
    assert form.find(class_="prompt") is None
    edited = form.find(class_="edited")
    assert edited is not None
    assert edited.get_text() == "edited by Ana Horvat"
    assert form.find(class_="kind") is None, "the edited note replaces the kind label"
    schema = web.client.get("/api/openapi.json").json()["components"]["schemas"]["Part"]
    assert "edited" in schema["properties"]["kind"]["enum"]


def test_an_edited_part_saved_empty_is_to_write_again(web: Web) -> None:
    item_id = stub_id(web, DAM)
    assert put_part(web, item_id, "expert_analysis", ANALYSIS).status_code == 200
    assert api_part(web, item_id, "expert_analysis")["kind"] == "edited"
    response = put_part(web, item_id, "expert_analysis", "   ")
    assert response.status_code == 200
    part = api_part(web, item_id, "expert_analysis")
    assert (part["kind"], part["content"], part["prompt"]) == ("to_write", "", PROMPT)
    assert "edited" not in part
    assert page_section(web, item_id).startswith(f"[to write] {PROMPT}")
    assert file_section(web, item_id).startswith(f"[to write] {PROMPT}")
    form = edit_form(web, item_id)
    assert "kind-to_write" in form["class"]
    prompt = form.find(class_="prompt")
    assert prompt is not None
    assert prompt.get_text() == PROMPT


def test_a_redraft_keeps_the_edited_part(web: Web) -> None:
    item_id = stub_id(web, DAM)
    assert put_part(web, item_id, "expert_analysis", ANALYSIS).status_code == 200
    assert put_part(web, item_id, "summary", "The closing words.").status_code == 200
    assert put_part(web, item_id, "summary", "").status_code == 200
    result = CliRunner().invoke(
        cli, ["--config", str(web.config.path), "draft", "--item", str(item_id), "--redo"]
    )
    assert result.exit_code == 0, result.output
    part = api_part(web, item_id, "expert_analysis")
    assert (part["kind"], part["content"]) == ("edited", ANALYSIS)
    summary = api_part(web, item_id, "summary")
    assert (summary["kind"], summary["content"]) == ("to_write", "")
    assert file_section(web, item_id) == f"{ANALYSIS} edited by an editor"
