"""`/healthz` (the database can serve the desk), `/metrics` (Prometheus) and `/favicon.ico`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from aggregator.database_kind import is_postgresql
from aggregator.storage.health import state_counts
from aggregator.web.api import operations
from aggregator.web.api.answers import HealthReport
from aggregator.web.context import WebContext
from aggregator.web.favicon import favicon_ico
from aggregator.web.health import HealthCheck
from aggregator.workers.status import task_gauges

PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"
ICON_SECONDS = 7 * 24 * 3600


def routes(ctx: WebContext, health: HealthCheck) -> list[Route]:
    icon = favicon_ico()

    async def healthz(request: Request) -> Response:
        verdict = await health.check()
        return Response(
            HealthReport.of(verdict).model_dump_json(),
            status_code=200 if verdict.ok else 503,
            media_type="application/json",
            headers={"Cache-Control": "no-store"},
        )

    async def metrics(request: Request) -> Response:
        state = dict(await ctx.db(state_counts, ctx.app.store))
        if is_postgresql(ctx.app.store.engine):  # the workers' queue is there
            state.update(await ctx.db(task_gauges, ctx.app.store))
        return PlainTextResponse(
            ctx.metrics.render(state),
            media_type=PROMETHEUS,
            headers={"Cache-Control": "no-store"},
        )

    async def favicon(request: Request) -> Response:
        return Response(
            icon,
            media_type="image/x-icon",
            headers={"Cache-Control": f"public, max-age={ICON_SECONDS}"},
        )

    return [
        Route(operations.HEALTH.path, healthz, methods=["GET", "HEAD"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET", "HEAD"]),
    ]
