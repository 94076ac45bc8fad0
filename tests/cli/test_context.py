"""What every command gets (aggregator/cli/context.py): the config loaded on demand, its errors
as one click message, the feeds it refuses as warnings (the others are served), and a
command's options over it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import pytest

from aggregator.cli.context import Context
from aggregator.config import Config


def test_a_broken_config_is_one_message_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGGREGATOR_LISTEN", raising=False)
    path = tmp_path / "feeds.toml"
    path.write_text("[settings]\ndefault_interval = -1\n")
    with pytest.raises(click.ClickException) as failed:
        Context(str(path)).config()
    assert failed.value.message.startswith(f"{path}: [settings].default_interval")
    assert "\n" not in failed.value.message


def test_a_refused_feed_is_a_warning_and_the_config_still_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "feeds.toml"
    path.write_text(
        '[[feeds]]\nname = "intranet"\nurl = "http://192.168.0.10/rss"\n'
        '[[feeds]]\nname = "public"\nurl = "https://news.example/rss"\n'
    )
    config = Context(str(path)).config()
    assert [f.name for f in config.feeds] == ["intranet", "public"]
    assert len(config.problems) == 1
    warning = capsys.readouterr().err
    assert warning.startswith(f'warning: {path}: feeds[1] "intranet".url: 192.168.0.10')


def test_an_option_overrides_the_file_and_the_environment(
    make_config: Callable[..., Config], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_config([]).path
    monkeypatch.setenv("AGGREGATOR_LISTEN", "127.0.0.1:8001")
    context = Context(str(path))
    assert context.config().settings.listen == "127.0.0.1:8001"
    context.options["listen"] = "127.0.0.1:8002"
    config = context.config()
    assert config.settings.listen == "127.0.0.1:8002"
    assert dict(config.overridden)["listen"] == "--listen"
