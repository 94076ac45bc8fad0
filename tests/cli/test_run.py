"""`aggregator run` in a process of its own: the address comes from `--listen` over the config,
and a port already taken fails at once, in one line naming where the address came from."""

from __future__ import annotations

import socket
from collections.abc import Callable

from aggregator.config import Config
from tests.helpers.cli import aggregator


def test_a_taken_port_fails_in_one_line_naming_the_option(
    make_config: Callable[..., Config],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = aggregator("run", "--listen", f"127.0.0.1:{port}", config=make_config([]).path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: --listen"), lines[0]
    assert str(port) in lines[0]
    assert "Traceback" not in result.stderr
