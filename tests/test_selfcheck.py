"""The start-up self-check (`selfcheck.py`): a module the work needs that does not import is
one line naming it, what needs it and the distribution to install; the database is opened
and migrated before any work, or only described for `check-config`."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config import load_config
from aggregator.selfcheck import (
    DISTRIBUTIONS,
    MODULES,
    Needed,
    SelfCheckFailed,
    check_modules,
    check_only,
    import_failure,
    self_check,
)
from aggregator.storage.engine import SCHEMA_REVISION
from tests.conftest import write_config


def test_every_module_the_work_needs_imports_here() -> None:
    check_modules()
    assert len({n.module for n in MODULES}) == len(MODULES)


def test_a_missing_module_is_one_line_with_its_distribution() -> None:
    with pytest.raises(SelfCheckFailed) as raised:
        check_modules((Needed("bs4", "site rules"), Needed("no_such_module_k16", "testing")))
    message = str(raised.value)
    assert message.startswith("cannot import no_such_module_k16, needed for testing (")
    assert message.endswith("; install it: pip install no_such_module_k16")
    assert "\n" not in message


def test_import_failure_names_the_distribution_where_it_differs() -> None:
    error = ImportError("No module named 'bs4.dammit'\nmore", name="bs4.dammit")
    text = import_failure(error, "site rules")
    assert text == (
        "cannot import bs4.dammit, needed for site rules (No module named 'bs4.dammit'); "
        f"install it: pip install {DISTRIBUTIONS['bs4']}"
    )


def test_a_module_of_our_own_means_reinstalling_the_package() -> None:
    ours = import_failure(ImportError("gone", name="aggregator.articles.generic"), "extraction")
    assert ours.endswith("reinstall aggregator with its dependencies: pip install .")
    nameless = import_failure(ImportError(), "something")
    assert nameless == (
        "cannot import a module, needed for something (ImportError); "
        "reinstall aggregator with its dependencies: pip install ."
    )


def config_in(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    write_config(
        path,
        [{"name": "city", "url": "https://example.org/feed"}],
        {"contact_url": "https://example.org/c"},
    )
    return path


def test_check_only_describes_and_self_check_creates(tmp_path: Path) -> None:
    config = load_config(config_in(tmp_path))
    assert "does not exist yet" in check_only(config)
    created: list[Path] = []
    self_check(config, on_created=created.append)
    assert created == [tmp_path / "var" / "aggregator.db"]
    assert check_only(config).endswith(f"schema {SCHEMA_REVISION} (current)")
