"""Issue 16: the tests mirror the package. `aggregator/x/y.py` is tested in `tests/x/test_y.py`
and `aggregator/z.py` in `tests/test_z.py`, so that a module's tests are found without a search.

UNTESTED lists the modules still without a mirrored test file, each with the reason. The list
only shrinks: a new module without a mirrored test fails here, and so does an entry that is no
longer true (the module has its test file now, or is gone) until its line is deleted. IN_FLIGHT
holds the modules other work is changing at the moment, checked only for being listed."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "aggregator"
TESTS = ROOT / "tests"
MIGRATIONS = "storage/migrations/versions/"
"""Migration scripts are alembic's data: tests/test_database_rules.py upgrades through them."""


UNTESTED = {
    "__main__.py": "glue: `python -m aggregator` calls cli.main (3 lines)",
    "app.py": "wiring of the parts: every end-to-end test opens an App (tests/helpers/feeds.py)",
    "articles/pages.py": "glue over net.client and robots: covered by tests/articles/test_chain.py",
    "drafting/drafter.py": "covered by tests/drafting/test_machine.py and test_end_to_end.py",
    "drafting/render_html.py": "one of render.py's writers: tests/drafting/test_render.py",
    "drafting/render_layout.py": "render.py's layout: tests/drafting/test_render.py",
    "drafting/render_markdown.py": "one of render.py's writers: tests/drafting/test_render.py",
    "feeds/fast_compat.py": "the fast path: tests/feeds/test_fastpath*.py against feedparser",
    "feeds/fast_fields.py": "the fast path: tests/feeds/test_fastpath*.py against feedparser",
    "feeds/fast_walk.py": "the fast path: tests/feeds/test_fastpath*.py against feedparser",
    "records.py": "frozen records without logic: every stage's tests build them",
    "service/jobs.py": "the jobs' table: tests/service/test_process.py runs the service on it, "
    "test_stage_passes.py checks its overlap rule",
    "service/service.py": "covered by tests/service/test_process.py and test_drain.py",
    "stage_storage.py": "Protocols: mypy checks the store against them where the app hands it over",
    "storage/database.py": "a Protocol: mypy checks Store against it where a Store is passed",
    "storage/migrations/env.py": "alembic's entry: tests/test_database_rules.py runs it",
    "storage/tables.py": "the schema: tests/test_database_rules.py compares it to the migrations",
    "web/actions.py": "what pages and API both do: tests/web/api/test_auth.py, web/test_rules.py",
    "web/api/answers.py": "the API's answers: tests/web/api/test_handlers.py and test_list.py",
    "web/api/bodies.py": "the API's bodies: tests/web/api/test_errors.py and test_openapi_rules.py",
    "web/api/operations.py": "the routes' table: tests/web/api/test_openapi.py checks it is served",
    "web/api/preconditions.py": "ETag and If-Match: tests/web/api/test_versions.py",
    "web/app.py": "wiring of the routes and middleware: every test under tests/web/ serves it",
    "web/context.py": "a record of what the handlers share, without logic",
    "web/favicon.py": "the icon's bytes: tests/web/digest/test_desk.py fetches /favicon.ico",
    "web/incoming.py": "a request's body and origin: tests/web/test_csrf.py and test_rules.py",
    "web/pages/bulk.py": "bulk moves from the list: tests/web/pages/test_desk_day.py",
    "web/pages/feeds.py": "the feeds page: tests/web/pages/test_routes.py",
    "web/pages/render.py": "what every page shares: tests/web/pages/test_routes.py, test_signin.py",
    "web/pages/stub_edit.py": "one Save: tests/web/api/test_versions.py and test_edited_parts",
    "web/pages/stub_form.py": "the stub page's form: tests/web/api/test_versions.py (a stale save)",
    "web/pages/stubs.py": "the list and a stub's page: tests/web/pages/test_routes.py",
    "workers/queue.py": "covered by tests/workers/test_enqueue_batches.py and cli/test_workers.py",
    "workers/status.py": "covered by tests/cli/test_workers.py and tests/workers/test_tasks.py",
    "workers/worker.py": "covered by tests/workers/test_cluster.py and test_worker_metrics.py",
}

IN_FLIGHT: dict[str, str] = {}
"""Modules another piece of work is changing while this list is written: a module here may
exist or not, and have its test or not. When that work lands, move each line to UNTESTED with
its reason, or delete it."""


def mirrored_test(module: str) -> Path:
    """`x/y.py` -> tests/x/test_y.py; `z.py` -> tests/test_z.py."""
    path = Path(module)
    return TESTS / path.parent / f"test_{path.name}"


def modules() -> list[str]:
    found = (str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py"))
    return sorted(m for m in found if not m.endswith("__init__.py") and MIGRATIONS not in m)


def test_mirrored_test_paths() -> None:
    assert mirrored_test("storage/desk.py") == TESTS / "storage" / "test_desk.py"
    assert mirrored_test("config.py") == TESTS / "test_config.py"


def test_every_module_has_a_mirrored_test_or_a_reason() -> None:
    listed = UNTESTED.keys() | IN_FLIGHT.keys()
    missing = [m for m in modules() if not mirrored_test(m).exists() and m not in listed]
    assert missing == [], "each module needs tests/<package>/test_<module>.py: " + ", ".join(
        f"aggregator/{m} -> {mirrored_test(m).relative_to(ROOT)}" for m in missing
    )


def test_no_module_is_listed_twice() -> None:
    assert UNTESTED.keys() & IN_FLIGHT.keys() == set()


def test_the_list_of_untested_modules_only_shrinks() -> None:
    present = set(modules())
    stale = sorted(m for m in UNTESTED if m not in present or mirrored_test(m).exists())
    assert stale == [], f"delete these lines from UNTESTED in tests/test_layout.py: {stale}"
