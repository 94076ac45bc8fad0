"""Fixtures of the CLI's tests: a news site with one good feed and one failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from aggregator.config import Config
from tests.helpers.feeds import rss
from tests.loopback import Loopback, Reply


@pytest.fixture
def two_feeds(site: Loopback, make_config: Callable[..., Config]) -> Config:
    site.route("/good", Reply(body=rss([("urn:x:a", "Alpha"), ("urn:x:b", "Beta")])))
    site.route("/bad", Reply(500))
    feeds: list[dict[str, Any]] = [
        {"name": "good", "url": site.url("/good")},
        {"name": "bad", "url": site.url("/bad")},
    ]
    return make_config(feeds)
