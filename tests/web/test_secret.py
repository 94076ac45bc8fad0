from __future__ import annotations

import stat
from pathlib import Path

from aggregator.web.secret import SECRET_BYTES, load_secret


def test_the_secret_survives_a_restart_and_only_its_owner_reads_it(tmp_path: Path) -> None:
    first = load_secret(tmp_path / "var")
    assert len(first) == SECRET_BYTES
    assert load_secret(tmp_path / "var") == first
    mode = (tmp_path / "var" / "web-secret").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_without_var_each_process_draws_its_own() -> None:
    assert load_secret(None) != load_secret(None)
