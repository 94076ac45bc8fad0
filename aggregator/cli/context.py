"""What every command gets: the config, loaded on demand with errors as click messages."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from aggregator.config import Config


class Context:
    def __init__(self, config_option: str | None) -> None:
        self.config_option = config_option
        self.options: dict[str, str | None] = {}
        """`[settings]` keys a command's options override (`run --listen`)."""
        self.log_json = False
        """Logs are JSON lines (`--log-format json`): `fetch` writes its progress as JSON too."""

    def config(self) -> Config:
        from aggregator.config import config_path, load_config
        from aggregator.config_env import overrides
        from aggregator.errors import ConfigError

        try:
            config = load_config(
                config_path(self.config_option, os.environ), overrides(os.environ, self.options)
            )
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        for problem in config.problems:  # the other feeds are served; this one is refused
            click.echo(f"warning: {problem}", err=True)
        return config

    def checked_config(self, config: Config | None = None) -> Config:
        """The config (`config`, else loaded), after the start-up self-check of the commands
        that work (`run`, `worker`, `fetch`): modules import, the database opens and is current."""
        from aggregator.selfcheck import self_check

        config = config or self.config()
        self_check(
            config,
            on_created=lambda path: click.echo(f"created a new database at {path}", err=True),
        )
        return config


pass_context = click.make_pass_decorator(Context)
