"""The embedded service: one process, one event loop, hosting the scheduler and the web server
(`serve`, what `aggregator run` starts).

APScheduler 3 runs a few fixed jobs (`service/jobs.py`: the jittered fetch tick, extraction,
drafting, the digest, the cleanup); per-feed timing lives in the store. The fetch tick never
waits for extraction or drafting, which are woken when work arrives
(`aggregator.service.stages`). uvicorn serves the digest feeds, the editors' pages and the API.

With PostgreSQL the work goes to `aggregator worker` processes instead: no tick is scheduled,
"fetch now" queues refresh tasks, and `[workers].in_service` runs a worker in this process too.

Shutdown drains: on SIGTERM or SIGINT the scheduler is paused, the web server stops taking
connections and every stage of a running pass stops claiming work (`aggregator.stopping`); the
units in flight finish (a network wait is cut 3 s after the signal) and the process exits 0 as
soon as they are done. What still runs after `GRACE_SECONDS` is cancelled. A plain scheduler
`shutdown()` would cancel running coroutine jobs; signal handling is ours, not uvicorn's.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC
from typing import Any

from aggregator.app import App, var_directory
from aggregator.auth.model import AuthMode
from aggregator.auth.settings import AUTO, effective_mode
from aggregator.config import Config
from aggregator.database_kind import url_kind
from aggregator.logs import get_logger
from aggregator.service.jobs import schedule_jobs
from aggregator.service.listen import anonymous_exposure, bind, split_listen, url_to_open
from aggregator.service.metrics import Metrics
from aggregator.service.service import Service
from aggregator.workers.tasks import Tasks
from aggregator.workers.worker import open_tasks_queue, work_until

GRACE_SECONDS = 30.0


def _server(asgi: Any, listen: str) -> Any:
    import uvicorn

    from aggregator.web.identity import keeping_tcp_peer

    class Server(uvicorn.Server):
        @contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield  # the service handles SIGTERM/SIGINT itself, to drain

    host, port = split_listen(listen)
    # X-Forwarded-For as uvicorn reads it by default, with the connection's own address kept
    # for `[web].proxy_addresses` (web/identity.py).
    forwarded = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    config = uvicorn.Config(
        keeping_tcp_peer(asgi, forwarded),
        proxy_headers=False,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
        server_header=False,
        http="httptools",  # 1.4x the requests/s of h11 on the desk's list (bench/serve.py)
    )
    return Server(config)


async def serve(
    config: Config,
    stop: asyncio.Event | None = None,
    grace: float = GRACE_SECONDS,
    sock: socket.socket | None = None,
) -> None:
    """Run until `stop` is set, or until SIGTERM/SIGINT. `sock`: `[settings].listen`, already
    bound (else it is bound here, before anything else starts)."""
    sock = sock or bind(config.settings.listen, config.path)
    try:
        await _serve_on(config, stop or asyncio.Event(), grace, sock)
    finally:
        sock.close()


async def _serve_on(config: Config, stop: asyncio.Event, grace: float, sock: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    workers = uses_workers(config)
    try:
        async with (
            App(config, shared_politeness=workers) as app,
            _work_queue(config, app, workers) as tasks,
        ):
            await _serve(app, tasks, stop, grace, sock)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    get_logger("aggregator.service").info("service.stopped")


def uses_workers(config: Config) -> bool:
    """PostgreSQL: the work is queued for `aggregator worker` processes (and this process
    runs one too with `[workers].in_service`). SQLite: this process does it all."""
    return url_kind(config.settings.database_url) != "sqlite"


@asynccontextmanager
async def _work_queue(config: Config, app: App, workers: bool) -> AsyncIterator[Tasks | None]:
    if not workers:
        yield None
        return
    queue = open_tasks_queue(config)
    async with queue.open_async():
        yield Tasks(queue, app, config.workers)


async def _serve(
    app: App, tasks: Tasks | None, stop: asyncio.Event, grace: float, sock: socket.socket
) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from aggregator.drafting.editing import edit_part
    from aggregator.storage.desk import Desk
    from aggregator.web.app import create_web_app
    from aggregator.web.context import WebContext
    from aggregator.web.secret import load_secret

    config = app.config
    mode = await _auth_mode(app)
    exposed = anonymous_exposure(config, mode, str(sock.getsockname()[0]))  # or ConfigError
    metrics = Metrics() if tasks is None else tasks.metrics  # an in-service worker's counts too
    service = Service(app, metrics)
    fetch_now = service.fetch_now if tasks is None else tasks.queue_refresh
    secret = load_secret(var_directory(config))
    ctx = WebContext(app, Desk(app.store, edit=edit_part), metrics, fetch_now, secret)
    web_app = create_web_app(ctx)
    server = _server(web_app, config.settings.listen)
    web = asyncio.create_task(server.serve(sockets=[sock]))
    scheduler = AsyncIOScheduler(timezone=UTC)
    if tasks is None:
        schedule_jobs(scheduler, service, config)
    scheduler.start()
    worker_stop = asyncio.Event()
    worker = None
    if tasks is not None and config.workers.in_service:
        worker = asyncio.create_task(work_until(tasks.queue, config.workers, worker_stop))
    await _started(server, web)
    checked = asyncio.create_task(web_app.state.health.refresh())  # quick_check on start
    service.log.info(
        "service.started",
        feeds=len(config.feeds),
        database=_safe_url(config),
        work="in this process" if tasks is None else "queued for workers",
        worker_here=worker is not None,
        tick=config.settings.tick_seconds,
        listen=_bound(server) or config.settings.listen,
        url=url_to_open(sock),
        auth=mode.value,
    )
    if exposed:
        service.log.warning(
            "service.anonymous_desk",
            listen=_bound(server) or config.settings.listen,
            reason="[web].allow_anonymous = true: anyone who reaches this address may edit",
        )
    waiting = [asyncio.ensure_future(stop.wait()), web] + ([worker] if worker else [])
    try:
        await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    finally:
        scheduler.pause()
        server.should_exit = True
        checked.cancel()  # a quick_check still running on a large file need not finish
        worker_stop.set()
        await service.drain(grace)
        if worker is not None:
            await asyncio.wait_for(worker, timeout=config.workers.drain_seconds + grace)
        scheduler.shutdown(wait=False)
        await asyncio.wait_for(web, timeout=grace)
    if web.exception() is not None:
        raise web.exception()  # type: ignore[misc]


async def _auth_mode(app: App) -> AuthMode:
    """How the desk tells who is asking at start (`auto`: whether an account exists now)."""
    from aggregator.storage.accounts import Accounts

    if app.config.web.auth != AUTO:
        return effective_mode(app.config.web, True)
    count: int = await app.db.read(Accounts(app.store).count_enabled)
    return effective_mode(app.config.web, count > 0)


async def _started(server: Any, web: asyncio.Task[None]) -> None:
    """Wait until uvicorn listens (or failed to, e.g. the port is taken)."""
    while not server.started and not web.done():
        await asyncio.sleep(0.02)
    if web.done() and web.exception() is not None:
        raise web.exception()  # type: ignore[misc]
    if web.done():
        raise SystemExit(
            f"the web server could not listen on {server.config.host}:{server.config.port}"
        )


def _bound(server: Any) -> str | None:
    for listener in getattr(server, "servers", []):
        for sock in listener.sockets:
            host, port = sock.getsockname()[:2]
            return f"{host}:{port}"
    return None


def _safe_url(config: Config) -> str:
    from sqlalchemy import make_url

    return make_url(config.settings.database_url).render_as_string(hide_password=True)
